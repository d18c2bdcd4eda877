"""Nominations move by one table (awards.states.TRANSITIONS) through one entry point
(services.transition), like assessments: every (status, stage, action) is tried, the page and the API
send the version they showed, and a decision on a version someone else moved on is refused."""

import json

import pytest
from django.core.exceptions import ValidationError

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.awards import services
from hoctap.awards.models import NEXT_STAGE, DecisionAction, Nomination, NominationStatus, Stage
from hoctap.awards.states import TRANSITIONS
from hoctap.core.versions import StaleRecord

pytestmark = pytest.mark.django_db

DECIDERS = {Stage.COMMUNE: "officer_a", Stage.PROVINCE: "province_officer", Stage.CENTRAL: "central_admin"}
EXPECTED = {  # what the table must say, written out by hand: (status, action) -> (status after, moves up)
    ("draft", "propose"): ("pending", True),
    ("draft", "honour"): ("honoured", False),
    ("pending", "propose"): ("pending", True),
    ("pending", "honour"): ("honoured", False),
    ("pending", "decline"): ("declined", False),
    ("honoured", "propose"): ("pending", True),
}


def _nomination(small_map, officer_a, *, status, stage):
    nomination = services.create_nomination(
        Scope(officer_a),
        occasion="congress-2025",
        nominee_kind="family",
        nominee_name="Gia đình bà Vi Thị Lả",
        unit=small_map["village_a"],
        achievements="Cả nhà cùng học chữ.",
        actor=officer_a,
    )
    Nomination.objects.filter(pk=nomination.pk).update(status=status, stage=stage)
    nomination.refresh_from_db()
    return nomination


def test_the_table_is_the_one_written_down():
    assert {(s, a): (r.to, r.moves_up) for (s, a), r in TRANSITIONS.items()} == EXPECTED
    assert {(s, a) for (s, a), r in TRANSITIONS.items() if r.needs_reason} == {("pending", "decline")}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("status", list(NominationStatus))
@pytest.mark.parametrize("action", list(DecisionAction))
def test_every_status_stage_and_action(status, stage, action, request, small_map, officer_a):
    decider = request.getfixturevalue(DECIDERS[stage])
    nomination = _nomination(small_map, officer_a, status=status, stage=stage)
    expected = EXPECTED.get((status, action))
    allowed = expected is not None and (not expected[1] or stage in NEXT_STAGE)
    assert (action in services.available_actions(Scope(decider), nomination)) == allowed
    if not allowed:
        with pytest.raises(ValidationError) as refused:
            services.transition(Scope(decider), nomination, action, actor=decider, reason="Chưa đủ tiêu chuẩn")
        assert "tải lại trang" in str(refused.value)
        nomination.refresh_from_db()
        assert (nomination.status, nomination.stage, nomination.version) == (status, stage, 1)
        return
    moved = services.transition(
        Scope(decider), nomination, action, actor=decider, reason="Chưa đủ tiêu chuẩn", expected_version=1
    )
    assert moved.status == expected[0] and moved.version == 2
    assert moved.stage == (NEXT_STAGE[stage] if expected[1] else stage)
    assert moved.decisions.get().action == action


def test_a_decision_on_a_version_someone_moved_on_is_refused(small_map, officer_a, client):
    nomination = _nomination(small_map, officer_a, status="draft", stage=Stage.COMMUNE)
    services.transition(Scope(officer_a), nomination, "honour", actor=officer_a, expected_version=1)
    with pytest.raises(StaleRecord):
        services.transition(Scope(officer_a), nomination, "propose", actor=officer_a, expected_version=1)
    # The page: the form carries the version it showed; an old page says to reload, nothing moves.
    client.force_login(officer_a)
    page = client.post(f"/awards/nominations/{nomination.pk}/", {"action": "propose", "version": 1})
    assert page.status_code == 200 and "tải lại trang" in page.content.decode()
    assert 'name="version" value="2"' in page.content.decode()
    # The API: 409 with the current version, then the current version goes through.
    _, token = ApiToken.issue(officer_a, "t")

    def call(body):
        return client.post(
            f"/api/v1/awards/nominations/{nomination.pk}/decisions",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    stale = call({"action": "propose", "version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    moved = call({"action": "propose", "version": 2})
    assert moved.status_code == 200 and moved.json()["stage"] == Stage.PROVINCE and moved.json()["version"] == 3


BUTTONS = {"propose": "Đề nghị lên cấp trên", "honour": "Biểu dương ở cấp này", "decline": "Không chọn"}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("status", list(NominationStatus))
def test_the_page_offers_exactly_the_allowed_steps_and_the_api_refuses_the_others_naming_the_action(
    status, stage, request, small_map, officer_a, client
):
    """What the deciding level sees on the page is the table: one button per allowed step; a step
    the table refuses, posted through the API anyway, is a 422 on «action» and moves nothing."""
    decider = request.getfixturevalue(DECIDERS[stage])
    nomination = _nomination(small_map, officer_a, status=status, stage=stage)
    allowed = [
        action
        for action in DecisionAction
        if (status, action) in EXPECTED and (not EXPECTED[(status, action)][1] or stage in NEXT_STAGE)
    ]
    client.force_login(decider)
    page = client.get(f"/awards/nominations/{nomination.pk}/").content.decode()
    assert [action for action in DecisionAction if f'name="action" value="{action}"' in page] == allowed
    for action in allowed:
        assert BUTTONS[action] in page
    _, token = ApiToken.issue(decider, "t")
    for action in set(DecisionAction) - set(allowed):
        refused = client.post(
            f"/api/v1/awards/nominations/{nomination.pk}/decisions",
            json.dumps({"action": action, "reason": "Chưa đủ tiêu chuẩn", "version": 1}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["action"], action
    nomination.refresh_from_db()
    assert (nomination.status, nomination.stage, nomination.version) == (status, stage, 1)
    assert not nomination.decisions.exists()


def test_an_unknown_action_is_refused_like_a_disallowed_one(small_map, officer_a, client):
    nomination = _nomination(small_map, officer_a, status="draft", stage=Stage.COMMUNE)
    client.force_login(officer_a)
    page = client.post(f"/awards/nominations/{nomination.pk}/", {"action": "approve", "version": 1})
    assert page.status_code == 200 and "tải lại trang" in page.content.decode()
    nomination.refresh_from_db()
    assert nomination.version == 1
