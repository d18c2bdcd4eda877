"""The family page's explanation of its rule (issue 11 §3) on a 360 px phone, as the village
officer who keeps the file and the commune officer who reviews it, and the campaign page's season
order: no sideways scrolling, plain Vietnamese, no internal code or raw fraction."""

import os
import re

import pytest

from hoctap.assessments import workflow
from hoctap.criteria.titles import Title
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    YEAR,
    campaigns,
    full_answers,
    people,
    published,
    recognise,
    scope_of,
    users,
    walk_to_proposed,
)
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")


def plain(text):
    assert "_share" not in text and "adults_citizen" not in text, text
    assert not re.search(r"(?<![\d,.])0[,.]\d", text), text
    return text


def test_the_family_explanation_and_the_season_on_a_phone(phone, live_server, campaigns, people, users):  # noqa: F811
    village = scope_of(users["village_officer"])
    workflow.register(village, Title.CITIZEN, people["spouse"], YEAR)
    family = workflow.register(village, Title.FAMILY, people["household"], YEAR)
    family = workflow.transition(village, family, "start")
    family = workflow.transition(village, family, "submit", answers=full_answers(family.criteria_set))
    head = workflow.register(village, Title.CITIZEN, people["head"], YEAR)
    recognise(walk_to_proposed(head, users), users)

    for username, name in (("village_officer_a", "village"), ("commune_officer_a", "commune")):
        login(phone, live_server, username, "correct-horse-battery-9")
        phone.goto(f"{live_server.url}/assessments/{family.pk}/")
        text = plain(phone.inner_text("main"))
        assert "1 trong 2 người lớn (50 %) là Công dân học tập; cần ít nhất 40 %." in text
        assert "Khi nộp: 0/2 người lớn là Công dân học tập; nay: 1/2 người lớn là Công dân học tập." in text
        # the rule holds, so the list of the counted is folded: one tap opens it
        phone.locator("#dependencies summary").click()
        text = phone.inner_text("#dependencies")
        assert "Trần Thị Bình" in text and "đang chờ kết quả" in text and "Nguyễn Văn An" in text
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        if SHOTS:
            phone.locator("#dependencies").screenshot(path=f"{SHOTS}/family-explanation-{name}-officer.png")
            phone.screenshot(path=f"{SHOTS}/family-page-{name}-officer.png", full_page=True)
        phone.goto(f"{live_server.url}/campaigns/{family.campaign_id}/")
        text = plain(phone.inner_text("main"))
        assert "Thứ tự trong năm" in text and "1 hộ chờ kết quả Công dân học tập" in text
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        if SHOTS:
            phone.screenshot(path=f"{SHOTS}/campaign-season-{name}-officer.png")
        phone.context.clear_cookies()
