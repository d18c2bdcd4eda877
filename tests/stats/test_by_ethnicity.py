"""The learning-citizen indicators cut by ethnic group: counts agree with the counters, small cells
are hidden (and cannot be subtracted out), "not recorded" is its own row, and the page, its xlsx and
the API cost a fixed number of queries."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.criteria.titles import Title
from hoctap.registry.models import DigitalSkill, Person
from hoctap.stats import by_ethnicity
from hoctap.stats.models import CitizenTally
from tests.stats.test_digital import YEAR, recognise

pytestmark = pytest.mark.django_db
HMONG, TAY = "08", "02"


def people(make, village, ethnicity, adults, citizens, skill=DigitalSkill.NONE, birth_year=1980):
    """`adults` working-age people in households of `village`, the first `citizens` of them learning
    citizens of YEAR."""
    household = make.household(village)
    for index in range(adults):
        person = make.person(household, birth_year=birth_year, skill=skill, name=f"Người {ethnicity} {index}")
        Person.objects.filter(pk=person.pk).update(ethnicity=ethnicity)
        if index < citizens:
            make.recognise(make.register(Title.CITIZEN, person, YEAR))


@pytest.fixture
def commune(make, small_map):
    village = small_map["village_a"]
    people(make, village, HMONG, adults=7, citizens=6, skill=DigitalSkill.BASIC)
    people(make, village, TAY, adults=2, citizens=1, skill=DigitalSkill.PROFICIENT)
    people(make, village, "", adults=6, citizens=5)
    return small_map["commune_a"]


def test_groups_hidden_cells_and_agreement_with_the_counters(commune):
    cut = by_ethnicity.cut(commune, YEAR)
    rows = {row.code: row for row in cut.rows}
    assert [row.label for row in cut.rows] == ["Tày", "H'Mông", "Chưa ghi nhận"]  # GSO order, not recorded last
    assert rows[HMONG].counts == {"adults": 7, "citizens": 6, "digital": 6, "proficient": 0}
    assert rows[TAY].counts == {"adults": 2, "citizens": 1, "digital": 1, "proficient": 1}
    assert rows[""].counts == {"adults": 6, "citizens": 5, "digital": 0, "proficient": 0}
    tally = CitizenTally.objects.get(unit=commune, year=YEAR)
    assert (cut.total.counts["citizens"], cut.total.counts["digital"], cut.total.counts["proficient"]) == (
        tally.citizens,
        tally.citizens_digital,
        tally.citizens_proficient,
    )
    # Tày's 2 adults and 1 citizen are hidden; so are the next smallest of those columns (else
    # the total minus the others gives them back); the shares built on them are not shown.
    assert rows[TAY].hidden == {"adults", "citizens", "digital", "proficient"}
    assert "adults" in rows[""].hidden and "citizens" in rows[""].hidden and "adults" not in rows[HMONG].hidden
    assert rows[TAY].display("citizens") == "<5" and rows[TAY].share_display("citizens_share") == "—"
    assert rows[HMONG].share_display("citizens_share") == "85,7 %"
    assert "digital" in rows[HMONG].hidden  # the only other non-zero cell of Tày's hidden digital column
    assert "proficient" in cut.total.hidden  # one proficient citizen in the whole commune


def test_the_digital_skills_rule_applies_to_the_cut(small_map, officer_a):
    """A H'Mông citizen whom the registry does not know to have digital skills, but who scored 10/10
    on the set's digital-skills indicator, counts as having them (the one rule, digital.py)."""
    scored = recognise(officer_a, small_map["village_a"], [("10", DigitalSkill.NONE), ("6", DigitalSkill.NONE)])
    Person.objects.filter(pk__in=[a.person_id for a in scored]).update(ethnicity=HMONG)
    cut = by_ethnicity.cut(small_map["commune_a"], YEAR)
    assert [(row.code, row.counts["citizens"], row.counts["digital"]) for row in cut.rows] == [(HMONG, 2, 1)]
    assert cut.rows[0].display("citizens") == "<5"


def test_page_export_and_api_hide_the_same_cells_in_fixed_queries(client, commune, small_map, make, central_admin):
    client.force_login(central_admin)
    page = client.get(reverse("stats:ethnicity", args=[commune.pk]) + f"?year={YEAR}")
    text = page.content.decode()
    assert page.status_code == 200 and "Tày" in text and "&lt;5" in text and "Chưa ghi nhận" in text
    assert "bảo vệ" in text or "nhạy cảm" in text
    sheet = load_workbook(
        io.BytesIO(
            b"".join(
                client.get(reverse("stats:ethnicity_export", args=[commune.pk]) + f"?year={YEAR}").streaming_content
            )
        )
    ).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Tày"][1:3] == ("<5", "<5") and values["H'Mông"][2] == 6
    answer = client.get(f"/api/v1/stats/units/{commune.pk}/ethnicity?year={YEAR}").json()
    tay = next(row for row in answer["rows"] if row["ethnicity"] == TAY)
    assert tay["citizens"] is None and tay["citizens_share"] is None and "citizens" in tay["hidden"]
    assert next(row for row in answer["rows"] if row["ethnicity"] == HMONG)["citizens"] == 6

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [reverse("stats:ethnicity", args=[unit.pk]) + f"?year={YEAR}" for unit in (commune, small_map["province"])]
    urls.append(f"/api/v1/stats/units/{small_map['province'].pk}/ethnicity?year={YEAR}")
    before = [queries(url) for url in urls]
    for code in ("01", "03", "09", "17"):
        people(make, small_map["village_b"], code, adults=8, citizens=6, skill=DigitalSkill.BASIC)
    assert [queries(url) for url in urls] == before
    json.dumps(answer)  # plain JSON


def test_another_commune_is_out_of_reach(client, commune, officer_b):
    client.force_login(officer_b)
    assert client.get(reverse("stats:ethnicity", args=[commune.pk])).status_code == 404
    assert client.get(f"/api/v1/stats/units/{commune.pk}/ethnicity").status_code == 404
