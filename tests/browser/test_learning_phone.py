"""The learning pages at 360 × 740 as the commune officer who records them and the province officer
who reads them: nothing scrolls sideways; screenshots (tests.browser.conftest.shoot) for a person to look at."""

import datetime

import pytest
from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.learning import services
from tests.browser.conftest import login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records(small_map, officer_a):
    scope, commune = Scope(officer_a), small_map["commune_a"]
    today = timezone.localdate()
    year = today.year
    for n, (topic, name, people, held_by) in enumerate(
        [
            (
                "digital",
                "Sử dụng VNeID và dịch vụ công trực tuyến cho người cao tuổi",
                48,
                "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã",
            ),
            ("agriculture", "Kỹ thuật trồng lúa chất lượng cao vụ xuân", 62, "Trạm Khuyến nông"),
            ("law", "Phòng chống lừa đảo qua mạng", 95, "Công an xã"),
        ]
    ):
        services.record_class(
            scope,
            commune,
            topic=topic,
            name=name,
            started_on=min(datetime.date(year, 2 + n, 5), today),
            ended_on=None,
            sessions=1 + n,
            participants=people,
            held_by=held_by,
        )
    services.record_week_activity(
        scope,
        commune,
        date=min(datetime.date(year, 10, 1), today),
        activity="Lễ khai mạc Tuần lễ hưởng ứng học tập suốt đời",
        participants=220,
    )
    services.declare(
        scope,
        commune,
        year=year,
        population_15_35=1800,
        literate_15_35=1791,
        population_15_60=4200,
        literate2_15_60=4040,
        literacy_level=2,
        primary_level=3,
        lower_secondary_level=2,
        preschool=True,
        declared_by="Nguyễn Văn Hùng, Phó Chủ tịch Ủy ban nhân dân xã",
        document="Báo cáo kết quả phổ cập giáo dục, xóa mù chữ",
        document_number="25/BC-UBND",
        document_date=today,
    )


def test_learning_pages_fit_a_phone(phone, live_server, small_map, officer_a, province_officer):
    _records(small_map, officer_a)
    commune, province = small_map["commune_a"].pk, small_map["province"].pk
    too_wide = {}
    pages = {
        "officer_a": [
            ("commune", f"/learning/units/{commune}/"),
            ("class", f"/learning/units/{commune}/classes/new/"),
            ("declaration", f"/learning/units/{commune}/declaration/"),
            ("week", f"/learning/units/{commune}/week/new/"),
        ],
        "province_officer": [("province", f"/learning/units/{province}/"), ("commune", f"/learning/units/{commune}/")],
    }
    for username, paths in pages.items():
        login(phone, live_server, username, "correct-horse-battery-9")
        for name, path in paths:
            response = phone.goto(f"{live_server.url}{path}")
            assert response.ok, path
            shoot(phone, f"learning-{username}-{name}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[path] = width
        phone.context.clear_cookies()
    assert too_wide == {}
    # The officer's page says what the province reads: the source of the figures.
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/learning/units/{commune}/")
    assert "25/BC-UBND" in phone.content()
