"""The pages: browse with filters, a version, the printable scoring sheet, exports, the diff; an
incomplete set says so everywhere; another province's set is a 404."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.criteria import loader, services
from hoctap.criteria.models import CriteriaSetVersion

from .conftest import store

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_sets(small_map, published):
    province = small_map["province"]
    v1 = store("citizen-hung-yen", 1, province=province, name_vi="Bộ tiêu chí riêng Hưng Yên")
    v2 = store(
        "citizen-hung-yen",
        2,
        province=province,
        name_vi="Bộ tiêu chí riêng Hưng Yên",
        scoring={
            "method": "points",
            "pass_marks": [
                {"area_class": "normal", "min": 75, "tag": "I"},
                {"area_class": "disadvantaged", "min": 65, "tag": "I"},
            ],
            "area_rules": loader.load_file(loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml").model_dump(mode="python")[
                "scoring"
            ]["area_rules"],
        },
    )
    return v1, v2


def page(client, name, *args, query=""):
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_list_groups_versions_and_filters(client, province_officer, own_sets, published):
    client.force_login(province_officer)
    html = page(client, "criteria:set_list")
    assert html.count("citizen-hung-yen") == 1 and ">v1<" in html and ">v2<" in html
    assert "Nhập, công bố bộ tiêu chí" in html
    titles = [
        latest.code for latest, _older in client.get(reverse("criteria:set_list") + "?title=unit").context["groups"]
    ]
    assert set(titles) == {"unit-tt22-2020", "unit-tt24-2023", "unit-commune-448-2015", "unit-commune-provisional-2021"}
    partial = client.get(reverse("criteria:set_list") + "?status=provisional").context["groups"]
    assert {latest.status for latest, _older in partial} == {"provisional"}
    own = client.get(reverse("criteria:set_list") + f"?province={own_sets[0].province_id}").context["groups"]
    assert [latest.code for latest, _older in own] == ["citizen-hung-yen"]
    national = client.get(reverse("criteria:set_list") + "?province=national").context["groups"]
    assert "citizen-hung-yen" not in {latest.code for latest, _older in national}
    assert client.get(reverse("criteria:set_list") + "?q=riêng").context["groups"][0][0].code == "citizen-hung-yen"


def test_commune_officer_reads_the_national_sets(client_a, published):
    html = page(client_a, "criteria:set_list")
    assert "citizen-677-2022" in html and "Nhập, công bố" not in html
    version = published["citizen-677-2022"]
    assert "Sửa bộ tiêu chí" not in page(client_a, "criteria:set_detail", version.pk)


def test_detail_shows_status_gaps_versions_and_next_step(client, central_admin, published, own_sets):
    client.force_login(central_admin)
    version = published["citizen-677-2022"]
    html = page(client, "criteria:set_detail", version.pk)
    assert "status-banner" in html and version.definition.gaps[0].text_vi in html
    assert "version: 3" in html  # how to make the next version (the shipped file is version 2)
    v1, v2 = own_sets
    html = page(client, "criteria:set_detail", v2.pk)
    assert reverse("criteria:diff", args=[v1.pk, v2.pk]) in html
    assert reverse("audit:history", args=["criteria.criteriasetversion", v2.pk]) in html


def test_an_official_set_has_no_banner(client, central_admin, published):
    client.force_login(central_admin)
    official = store("family-official-test", 1, base="official")
    assert official.status == "official"
    assert "status-banner" not in page(client, "criteria:sheet", official.pk)
    assert "status-banner" not in page(client, "criteria:set_detail", official.pk)
    exported = client.get(reverse("criteria:export_yaml", args=[official.pk]))
    assert exported.content.decode() == official.source_yaml
    assert exported["Content-Disposition"] == 'attachment; filename="family-official-test-v1.yaml"'


def test_scoring_sheet_is_complete_and_printable(client, officer_a, published):
    client.force_login(officer_a)
    citizen = published["citizen-677-2022"]
    html = page(client, "criteria:sheet", citizen.pk)
    definition = citizen.definition
    assert "criteria/criteria.css" in html and "status-banner" in html
    for indicator in definition.indicators:
        assert indicator.code in html and indicator.text_vi in html
        for hint in indicator.evidence_hints:
            assert hint in html
    assert "Nông dân, lao động nông thôn" in html  # group wording carries the group's name
    assert "từ 80 điểm" in html and "từ 70 điểm" in html  # pass marks per area class
    assert "Tổng điểm tối đa" in html and 'data-label="' in html  # cards on narrow screens

    levels = published["unit-tt24-2023"]
    html = page(client, "criteria:sheet", levels.pk)
    assert "Mức độ (từ thấp đến cao)" in html and "members_citizen_share &gt;= 0,9" in html
    assert "giữ chỗ" in html

    banded = published["unit-tt22-2020"]
    assert "Mức xếp loại" in page(client, "criteria:sheet", banded.pk)


def test_english_switch_shows_english_content(client, officer_a, published):
    client.force_login(officer_a)
    client.cookies["django_language"] = "en"
    citizen = published["citizen-677-2022"]
    html = page(client, "criteria:sheet", citizen.pk)
    assert citizen.definition.indicators[0].text_en in html and citizen.definition.gaps[0].text_en in html


def test_yaml_export_carries_a_fresh_status_banner(client, officer_a, published):
    client.force_login(officer_a)
    citizen = published["citizen-677-2022"]
    response = client.get(reverse("criteria:export_yaml", args=[citizen.pk]))
    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="citizen-677-2022-v2-partial.yaml"'
    assert text.startswith(services.BANNER_PREFIX) and citizen.definition.gaps[-1].text_vi in text
    assert text.endswith(citizen.source_yaml)  # the stored text itself, comments included
    assert loader.load_text(text) == citizen.definition
    # Published again with its banner, it is not exported with two.
    again = CriteriaSetVersion(code="x", version=1, status="partial", source_yaml=text)
    again.__dict__["definition"] = citizen.definition
    assert services.export_yaml(again).count("CẢNH BÁO") == 1


def test_xlsx_export_states_status_and_gaps(client, officer_a, published):
    client.force_login(officer_a)
    citizen = published["citizen-677-2022"]
    response = client.get(reverse("criteria:export_xlsx", args=[citizen.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="citizen-677-2022-v2-partial.xlsx"'
    info = load_workbook(io.BytesIO(response.content))["Thông tin"]
    values = {row[0]: row[2] for row in info.iter_rows(min_row=2, values_only=True) if row[0] != "gap"}
    gaps = [row[2] for row in info.iter_rows(min_row=2, values_only=True) if row[0] == "gap"]
    assert values["status"] == "partial" and len(gaps) == len(citizen.definition.gaps)


def test_diff_page(client, province_officer, own_sets):
    client.force_login(province_officer)
    v1, v2 = own_sets
    response = client.get(reverse("criteria:diff", args=[v1.pk, v2.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Điểm đạt" in html and "80" in html and "75" in html and "diff-changed" in html
    assert [c.section for c in response.context["diff"].changes] == ["pass_marks", "pass_marks"]
    same = client.get(reverse("criteria:diff", args=[v1.pk, v1.pk]))
    assert "giống nhau" in same.content.decode()


def test_another_provinces_officer_gets_404_on_every_page(client, province_officer_b, officer_a, own_sets, published):
    v1, v2 = own_sets
    national = published["citizen-677-2022"]
    client.force_login(province_officer_b)
    for user in (province_officer_b,):
        for name, args in [
            ("criteria:set_detail", [v1.pk]),
            ("criteria:sheet", [v1.pk]),
            ("criteria:export_yaml", [v1.pk]),
            ("criteria:export_xlsx", [v1.pk]),
            ("criteria:diff", [v1.pk, v2.pk]),
            ("criteria:diff", [national.pk, v2.pk]),
            ("audit:history", ["criteria.criteriasetversion", v1.pk]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, (user, name)
        assert "citizen-hung-yen" not in page(client, "criteria:set_list")
        assert client.get(reverse("criteria:set_list") + f"?province={v1.province_id}").status_code == 200
    # the province's own communes read its sets (a level above set them), but cannot export-edit them
    client.force_login(officer_a)
    assert client.get(reverse("criteria:set_detail", args=[v1.pk])).status_code == 200
    assert "citizen-hung-yen" in page(client, "criteria:set_list")


def test_demo_step_publishes_shipped_and_provincial_sets_once(small_map, province_officer):
    from hoctap.demo.steps import DEMO_PROVINCIAL_SET, criteria_step

    context = {"users": {"province_officer": province_officer}, "province": small_map["province"]}
    for _run in range(2):
        criteria_step(context, log=lambda _message: None)
    versions = CriteriaSetVersion.objects.filter(code=DEMO_PROVINCIAL_SET).order_by("version")
    assert [(v.version, v.province, v.published_by) for v in versions] == [
        (1, small_map["province"], province_officer),
        (2, small_map["province"], province_officer),
    ]
    assert CriteriaSetVersion.objects.filter(province=None).count() == len(loader.shipped_set_paths())
