"""One language at a time: every page of the menu, for every role, read in Vietnamese shows no
internal code (state, role or class codes, Python values) and no English; the same pages in
English show no Vietnamese menu or Django message."""

import html
import re

import pytest
from django.test import Client

from hoctap.accounts.roles import Role
from hoctap.criteria.labels import classification_label
from tests import matrix_cases
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# Codes that reach the interface when a template prints a value instead of its label.
RAW_CODES = re.compile(
    r">\s*[^<]*\b(not_achieved|achieved|level_\d|self_assessing|under_review|not_recognised|"
    r"commune_officer|province_officer|village_officer|central_admin|edit_registry|manage_accounts)\b"
)
PYTHON_VALUES = re.compile(r">\s*(None|True|False)\s*<|\{'[a-z_0-9]+': |\[\{'")
ENGLISH = re.compile(
    r"\b(This field|Select an option|Enter a valid|This password|Password|Submit|Search|"
    r"Next|Previous|Page \d|Delete|Save|Cancel)\b"
)


def visible_text(page: str) -> str:
    """The page without scripts, styles and attribute values: what a reader sees."""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "><", body))


def menu_pages(client, extra=()) -> list[str]:
    page = client.get("/").content.decode()
    nav = page.split("<nav aria-label=", 1)[1].split("</nav>", 1)[0]
    return ["/"] + re.findall(r'href="(/[^"]*)"', nav) + list(extra)


readers_extra: list[str] = []


@pytest.fixture
def readers(small_map, officer_a, officer_b):
    world = matrix_cases.build_world(small_map, officer_a, officer_b)
    # the year of the world's decisions, where class and level counts appear
    readers_extra.extend(f"/stats/units/{small_map[unit].pk}/?year=2025" for unit in ("commune_b", "province"))
    return {
        "citizen": make_user("citizen_lang", Role.CITIZEN, small_map["commune_b"]),
        "village_officer": make_user("village_lang", Role.VILLAGE_OFFICER, small_map["village_b"]),
        "commune_officer": world["officer_b"],
        "province_officer": make_user("province_lang", Role.PROVINCE_OFFICER, small_map["province"]),
        "central_admin": make_user("central_lang", Role.CENTRAL_ADMIN, small_map["nation"]),
    }


def test_every_page_for_every_role_in_vietnamese(readers):
    problems = []
    for role, user in readers.items():
        client = Client()
        client.force_login(user)
        for url in menu_pages(client, readers_extra if role in ("commune_officer", "province_officer") else ()):
            response = client.get(url, follow=True)
            assert response.status_code == 200, (role, url)
            text = visible_text(response.content.decode())
            main = text.split("Bỏ qua, đến nội dung chính", 1)[-1]
            for pattern in (RAW_CODES, PYTHON_VALUES, ENGLISH):
                found = pattern.search(main)
                if found:
                    problems.append(f"{role} {url}: {found.group(0)[-80:]!r}")
    assert problems == []


def test_every_page_for_an_officer_in_english(readers):
    client = Client()
    client.force_login(readers["commune_officer"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    problems = []
    for url in menu_pages(client):
        text = visible_text(client.get(url, follow=True).content.decode())
        for vietnamese in ("Chức năng", "Việc cần làm", "Đăng xuất", "Sổ theo dõi", "— Chọn —", "Trang "):
            if vietnamese in text:
                problems.append(f"{url}: {vietnamese}")
    assert problems == []


def test_class_codes_read_as_their_names():
    assert classification_label("achieved") == "Đạt" and classification_label("not_achieved") == "Không đạt"
    from hoctap.criteria.loader import load_shipped_sets

    levels = [level for definition in load_shipped_sets().values() for level in definition.scoring.levels]
    bands = [band for definition in load_shipped_sets().values() for band in definition.scoring.bands]
    named = (levels + bands)[0]
    assert classification_label(named.code) == named.name_vi
    from django.utils import translation

    with translation.override("en"):
        assert classification_label(named.code) == named.name_en


def test_dashboard_counts_per_class_read_as_names(client, small_map, officer_a):
    from hoctap.criteria.loader import load_shipped_sets
    from hoctap.criteria.titles import Title
    from tests.stats.conftest import Maker

    graded = next(d for d in load_shipped_sets().values() if d.title == Title.COMMUNE_COMMUNITY)
    band = graded.scoring.levels[-1]  # "level_2" on the dashboard was the reported bug
    make = Maker()
    make.recognise(make.register(Title.COMMUNE_COMMUNITY, small_map["commune_a"], 2025), band.code)
    client.force_login(officer_a)
    page = client.get(f"/stats/units/{small_map['commune_a'].pk}/?year=2025").content.decode()
    classes = re.findall(r'<span class="small muted">([^<]*)</span>', page)
    assert classes == [f"{band.name_vi}: 1"]


@pytest.mark.parametrize(
    "language, households, sheet, stats_file, stats_sheet",
    [
        ("vi", "ho-gia-dinh", "Hộ gia đình", "thong-ke-12001-2025-chi-so", "Chỉ số"),
        ("en", "households", "Household", "statistics-12001-2025-indicators", "Indicator"),
    ],
)
def test_spreadsheet_sheet_and_file_names_follow_the_language(
    client, small_map, officer_a, language, households, sheet, stats_file, stats_sheet
):
    import io

    from openpyxl import load_workbook

    client.force_login(officer_a)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})

    def read(url):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response["Content-Disposition"], load_workbook(io.BytesIO(body), read_only=True).sheetnames

    disposition, sheets = read("/registry/households/export/?format=xlsx")
    assert f"{households}" in disposition and sheets == [sheet]
    disposition, sheets = read(f"/stats/units/{small_map['commune_a'].pk}/export/indicators.xlsx?year=2025")
    assert stats_file in disposition and sheets == [stats_sheet]
