"""Reports move by one table (reports.states.TRANSITIONS) through one entry point
(services.transition), like assessments and award nominations: every state × action × role is tried
on a commune's report, the page and the API send the version they showed, and a move on a version
someone else moved on is refused (the page asks to reload, the API answers 409 with the version)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import CAPABILITIES, RECIPIENT_ROLES, REPORTER_ROLES, Capability, Role
from hoctap.accounts.scoping import Scope
from hoctap.reports import services
from hoctap.reports.models import Report, ReportEvent, ReportState, StaleReport
from hoctap.reports.states import ACTOR_OF, REPORTER, REVIEWER, TRANSITIONS, Action
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EXPECTED = {  # the table written out by hand: (state, action) -> (state after, who acts)
    ("draft", "submit"): ("submitted", "reporter"),
    ("returned", "submit"): ("submitted", "reporter"),
    ("submitted", "accept"): ("accepted", "reviewer"),
    ("submitted", "return"): ("returned", "reviewer"),
}
# Where each role's user works, relative to the commune whose report is moved.
PLACE = {
    Role.CITIZEN: "commune_a",
    Role.VILLAGE_OFFICER: "village_a",
    Role.COMMUNE_OFFICER: "commune_a",
    Role.COMMUNE_APPROVER: "commune_a",
    Role.PROVINCE_OFFICER: "province",
    Role.PROVINCE_APPROVER: "province",
    Role.CENTRAL_ADMIN: "nation",
    Role.VIEWER: "province",
    **dict.fromkeys(RECIPIENT_ROLES, "commune_a"),
    **dict.fromkeys(REPORTER_ROLES, "province"),  # sends its own type of report, never the commune's
}


def test_the_table_is_the_one_written_down():
    assert {(s, a): (r.to, r.actor) for (s, a), r in TRANSITIONS.items()} == EXPECTED
    assert {(s, a) for (s, a), r in TRANSITIONS.items() if r.needs_reason} == {("submitted", "return")}
    # One actor per action whatever the state (who may never act is told "not found" first).
    assert ACTOR_OF == {"submit": REPORTER, "accept": REVIEWER, "return": REVIEWER}


def _kinds(role: str, place: str) -> set[str]:
    """Who the role is for a commune's report, from the capability table and the map alone: the
    commune's own reporting officers, and reviewers of a level above it."""
    capabilities = CAPABILITIES[role]
    kinds = set()
    if Capability.REPORT in capabilities and place == "commune_a":
        kinds.add(REPORTER)
    if Capability.REVIEW in capabilities and place in ("province", "nation"):
        kinds.add(REVIEWER)
    return kinds


@pytest.fixture
def draft(annual, small_map, officer_a):
    """A commune's report with everything sending needs."""
    report = services.start_report(Scope(officer_a), annual, 2025, small_map["commune_a"], actor=officer_a)
    return services.update_narrative(
        Scope(officer_a), report, {"results": "Đạt kế hoạch.", "signer_name": "Nông Văn Dền"}
    )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("action", list(Action))
def test_every_state_action_and_role(state, action, role, draft, small_map):
    assert set(PLACE) == set(Role.values)
    user = make_user(f"matrix_{role}", role, small_map[PLACE[role]])
    Report.objects.filter(pk=draft.pk).update(state=state)
    report = Report.objects.select_related("unit", "report_type").get(pk=draft.pk)
    version = report.version
    kinds = _kinds(role, PLACE[role])
    expected = EXPECTED.get((state, action))
    allowed = expected is not None and expected[1] in kinds
    assert (action in services.available_actions(Scope(user), report)) == allowed
    call = {"actor": user, "reason": "Bổ sung số liệu thôn Đông.", "expected_version": version}
    if ACTOR_OF[action] not in kinds:
        with pytest.raises(Http404):
            services.transition(Scope(user), report, action, **call)
    elif not allowed:
        with pytest.raises(ValidationError) as refused:
            services.transition(Scope(user), report, action, **call)
        assert set(refused.value.message_dict) == {"state"}
    else:
        moved = services.transition(Scope(user), report, action, **call)
        assert (moved.state, moved.version) == (expected[0], version + 1)
        event = ReportEvent.objects.get(report=report)
        assert (event.action, event.from_state, event.to_state, event.actor) == (action, state, expected[0], user)
        assert event.reason == ("Bổ sung số liệu thôn Đông." if action == "return" else "")
        assert (moved.snapshot is not None) == (action == "submit")
        return
    report.refresh_from_db()
    assert (report.state, report.version) == (state, version)
    assert not ReportEvent.objects.filter(report=report).exists()


def test_a_move_on_a_version_someone_moved_on_is_refused(draft, client, officer_a, province_officer):
    report = services.submit(Scope(officer_a), draft, actor=officer_a)
    seen = report.version
    services.return_report(Scope(province_officer), report, actor=province_officer, reason="Thiếu biểu.")
    with pytest.raises(StaleReport) as stale:
        services.transition(Scope(province_officer), report, "accept", actor=province_officer, expected_version=seen)
    assert stale.value.current_version == seen + 1 and "version" in stale.value.message_dict
    # The page: the form carries the version it showed; an old page says to reload, nothing moves.
    services.submit(Scope(officer_a), report, actor=officer_a)
    current = Report.objects.get(pk=report.pk).version
    client.force_login(province_officer)
    page = client.post(f"/reports/{report.pk}/transition/", {"action": "accept", "version": seen})
    text = page.content.decode()
    assert page.status_code == 422 and "tải lại trang" in text and f"phiên bản {current}" in text
    assert f'name="version" value="{current}"' in text
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    # The API: 409 with the current version, then the current version goes through.
    _, token = ApiToken.issue(province_officer, "t")

    def call(body):
        return client.post(
            f"/api/v1/reports/{report.pk}/transitions",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    refused = call({"action": "accept", "version": seen})
    assert refused.status_code == 409 and refused.json()["current_version"] == current
    moved = call({"action": "accept", "version": current})
    assert moved.status_code == 200 and moved.json()["state"] == "accepted" and moved.json()["version"] == current + 1


def test_a_stale_draft_edit_is_refused_on_the_page_and_the_api(draft, client, officer_a):
    seen = draft.version
    services.update_narrative(Scope(officer_a), draft, {"results": "Bản mới."}, version=seen)
    client.force_login(officer_a)
    page = client.post(f"/reports/{draft.pk}/transition/", {"action": "submit", "version": seen, "results": "Bản cũ."})
    assert page.status_code == 422 and f"phiên bản {seen + 1}" in page.content.decode()
    assert Report.objects.get(pk=draft.pk).results == "Bản mới."
    _, token = ApiToken.issue(officer_a, "t")
    stale = client.patch(
        f"/api/v1/reports/{draft.pk}",
        json.dumps({"results": "Bản cũ.", "version": seen}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == seen + 1
