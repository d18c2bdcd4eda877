"""The installable app: the web manifest and the service worker served from the site's root, and
the hooks on the two phone pages that work offline."""

import json

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.criteria.titles import Title


def test_the_manifest_makes_the_site_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_and_keeps_only_the_offline_pages(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript") and response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "self-assessment" in body and "review" in body and "/logout/" in body


def test_the_self_assessment_and_review_pages_carry_the_offline_queue(client, people, users, campaigns, small_map):
    assessment = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    client.force_login(users["village_officer"])
    page = client.get(f"/assessments/{assessment.pk}/self-assessment/").content.decode()
    assert 'id="offline-queue"' in page and "openrosa/offline.js" in page and 'data-t-pending="chưa gửi"' in page
    client.force_login(users["commune_officer"])
    board = client.get(
        f"/campaigns/{assessment.campaign_id}/units/{small_map['village_a'].pk}/review/"
    ).content.decode()
    assert 'id="offline-queue"' in board and "openrosa/offline.js" in board
