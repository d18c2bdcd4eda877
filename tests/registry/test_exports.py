"""Exports: xlsx and CSV, streamed, within scope, masked, with formula injection neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from hoctap.core.exports import neutralise
from hoctap.registry.models import Household, Person


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+84912", "'+84912"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("An = Bình", "An = Bình"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def dangerous(small_map):
    household = Household.objects.create(code="-H1", village=small_map["village_a"], address='=HYPERLINK("http://x")')
    Person.objects.create(
        full_name="@SUM(1+1)", sex="male", birth_year=1980, household=household, id_number="034080001234"
    )
    Household.objects.create(code="B1", village=small_map["village_b"], address="Thôn Đoài")
    return household


def _xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_xlsx_export_neutralises_formulas_and_stays_in_scope(client_a, dangerous):
    response = client_a.get("/registry/households/export/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(response)
    assert rows[0][:2] == ["Mã hộ", "Chủ hộ"]
    assert rows[1][0] == "'-H1" and rows[1][3] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 2  # commune B's household is not exported
    people = _xlsx_rows(client_a.get("/registry/people/export/?format=xlsx"))
    assert people[1][0] == "'@SUM(1+1)" and people[1][4] == "********1234"  # no ethnicity column (issue 19)


def test_csv_export_neutralises_formulas_and_masks_id_numbers(client_a, dangerous):
    response = client_a.get("/registry/people/export/?format=csv")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[1][0] == "'@SUM(1+1)" and rows[1][4] == "********1234"  # no ethnicity column (issue 19)
    households = _csv_rows(client_a.get("/registry/households/export/?format=csv"))
    assert households[1][0] == "'-H1" and len(households) == 2


def test_exports_follow_the_filters_posted_by_the_list_page(client_a, dangerous, small_map):
    Household.objects.create(code="H2", village=small_map["village_a"])
    rows = _csv_rows(client_a.post("/registry/households/export/?format=csv", {"q": "034080001234"}))
    assert [row[0] for row in rows[1:]] == ["'-H1"]


def test_exports_of_clans_and_organisations(client_a, dangerous, school_a):
    assert _csv_rows(client_a.get("/registry/organisations/export/?format=csv"))[1][0] == "Trường Tiểu học An Lạc"
    assert len(_xlsx_rows(client_a.get("/registry/clans/export/"))) == 1


@pytest.mark.parametrize("how", ["post", "get"])
def test_a_filter_that_cannot_be_applied_is_refused_not_dropped(client_a, dangerous, small_map, how):
    """A village outside the officer's area (or an ID number typed into an address) makes the filter
    invalid: the list page says so and nothing is exported, rather than the whole area."""
    from hoctap.audit.exports import export_entries

    url = "/registry/households/export/?format=csv"
    if how == "post":
        response = client_a.post(url, {"village": small_map["village_b"].pk})
    else:
        response = client_a.get(url + "&q=034080001234")
    assert not response.streaming and response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "bộ lọc có lỗi" in response.content.decode() and response.context["form"].errors
    assert not export_entries().exists()
