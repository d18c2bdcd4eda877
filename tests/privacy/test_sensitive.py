"""Sensitive data apart (issue 19 §3): ethnicity only for roles holding view_sensitive; left out of
exports and API answers unless asked for by such a role, and then audited; public aggregates
suppress small counts."""

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry

from hoctap.accounts.models import RoleAssignment
from hoctap.accounts.roles import CAPABILITIES, Capability, Role
from hoctap.audit.exports import export_entries
from hoctap.registry.models import Person
from hoctap.stats import by_ethnicity

pytestmark = pytest.mark.django_db


def test_only_the_commune_officer_and_the_central_administrator_read_ethnicity():
    readers = {role for role, capabilities in CAPABILITIES.items() if Capability.VIEW_SENSITIVE in capabilities}
    assert readers == {Role.COMMUNE_OFFICER, Role.CENTRAL_ADMIN}


def test_ethnicity_is_read_where_the_capability_is_held_not_anywhere(client, small_map, officer_b, person_a):
    """A commune officer of B who also keeps a village in A (two roles) edits A's people without seeing
    their ethnicity: the form asks for the capability at the person's place, as the page and the API do."""
    RoleAssignment.objects.create(
        user=officer_b, role=Role.VILLAGE_OFFICER, unit=small_map["village_a"], valid_from=datetime.date(2020, 1, 1)
    )
    client.force_login(officer_b)
    form = client.get(f"/registry/people/{person_a.pk}/edit/").content.decode()
    assert 'name="full_name"' in form and 'name="ethnicity"' not in form and "Tày" not in form
    assert "Tày" not in client.get(f"/registry/people/{person_a.pk}/").content.decode()
    assert 'name="ethnicity"' in client.get("/registry/people/new/").content.decode()  # B's new people


def test_the_person_page_and_form_hide_ethnicity_from_other_roles(
    client, small_map, officer_a, village_officer_a, person_a
):
    client.force_login(officer_a)
    assert "Tày" in client.get(f"/registry/people/{person_a.pk}/").content.decode()
    assert 'name="ethnicity"' in client.get(f"/registry/people/{person_a.pk}/edit/").content.decode()
    client.force_login(village_officer_a)
    assert "Tày" not in client.get(f"/registry/people/{person_a.pk}/").content.decode()
    assert 'name="ethnicity"' not in client.get(f"/registry/people/{person_a.pk}/edit/").content.decode()
    refused = client.post(
        f"/registry/people/{person_a.pk}/edit/",
        {
            "full_name": person_a.full_name,
            "sex": "male",
            "birth_year": "1980",
            "household": person_a.household_id,
            "occupation_group": "other",
            "digital_skill": "none",
            "ethnicity": "08",
        },
    )
    assert "chỉ cán bộ xã được giao mới ghi được" in refused.content.decode()
    person_a.refresh_from_db()
    assert person_a.ethnicity == "02"


def export(client, query=""):
    response = client.get(f"/registry/people/export/?format=csv{query}")
    if response.status_code != 200:
        return response.status_code, None
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return 200, list(csv.reader(io.StringIO(text)))


def test_exports_leave_ethnicity_out_unless_asked_for_and_audited(
    client, small_map, officer_a, village_officer_a, person_a
):
    client.force_login(officer_a)
    _status, rows = export(client)
    assert "Dân tộc" not in rows[0] and not any("Tày" in row for row in rows)
    _status, rows = export(client, "&sensitive=1")
    assert "Dân tộc" in rows[0] and any("Tày" in row for row in rows)
    exports = export_entries()
    [entry] = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=officer_a).exclude(pk__in=exports)
    assert entry.object_pk == str(small_map["commune_a"].pk) and entry.additional_data["field"] == "ethnicity"
    # Both exports are audited as exports too, the second as the one with ethnicity.
    assert [e.additional_data["export"] for e in exports] == ["registry.people_sensitive", "registry.people"]
    client.force_login(village_officer_a)
    assert export(client, "&sensitive=1")[0] == 404
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 3


def test_api_answers_leave_ethnicity_out_unless_asked_for_by_a_role_that_may(
    client, small_map, officer_a, village_officer_a, person_a
):
    client.force_login(village_officer_a)
    listed = client.get("/api/v1/registry/people").json()["items"]
    assert listed and all(p["ethnicity"] is None and p["ethnicity_name"] is None for p in listed)
    assert client.get(f"/api/v1/registry/people/{person_a.pk}").json()["ethnicity"] is None
    refused = client.get(f"/api/v1/registry/people/{person_a.pk}?include_sensitive=true")
    assert refused.status_code == 422 and "include_sensitive" in refused.json()["errors"]
    client.force_login(officer_a)
    assert client.get(f"/api/v1/registry/people/{person_a.pk}").json()["ethnicity"] is None
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    shown = client.get(f"/api/v1/registry/people/{person_a.pk}?include_sensitive=true").json()
    assert (shown["ethnicity"], shown["ethnicity_name"]) == ("02", "Tày")
    assert LogEntry.objects.get_for_object(person_a).filter(action=LogEntry.Action.ACCESS).count() == 1


def test_a_province_officer_reads_aggregates_only(client, small_map, province_officer, person_a):
    client.force_login(province_officer)
    assert "Tày" not in client.get(f"/registry/people/{person_a.pk}/").content.decode()
    assert client.get(f"/api/v1/registry/people/{person_a.pk}?include_sensitive=true").status_code == 422


def test_public_aggregates_suppress_counts_under_five(small_map, household_a):
    for n in range(3):
        Person.objects.create(
            full_name=f"Người Tày {n}", sex="male", birth_year=1990, household=household_a, ethnicity="02"
        )
    for n in range(6):
        Person.objects.create(
            full_name=f"Người H'Mông {n}", sex="male", birth_year=1990, household=household_a, ethnicity="08"
        )
    for n in range(2):  # a second small group: one hidden cell alone would be hidden with the next one
        Person.objects.create(
            full_name=f"Người Dao {n}", sex="male", birth_year=1990, household=household_a, ethnicity="09"
        )
    cut = by_ethnicity.cut(small_map["commune_a"], 2026)
    shown = {row.label: row.display("adults") for row in cut.rows}
    assert shown["Tày"] == by_ethnicity.HIDDEN == "<5"  # 4 Tày adults (the head and three more)
    assert shown["Dao"] == "<5" and shown["H'Mông"] == "6"


def test_the_sensitive_export_entry_keeps_no_searched_text_and_a_refused_filter_logs_nothing(
    client, small_map, officer_a, person_a
):
    client.force_login(officer_a)
    sensitive = LogEntry.objects.filter(additional_data__field="ethnicity")
    client.post("/registry/people/export/?format=csv&sensitive=1", {"q": "Nông Thị"})
    [entry] = sensitive
    assert entry.additional_data["filters"] == {"search": True, "format": "csv"}
    assert "Nông" not in str(entry.additional_data)
    refused = client.post("/registry/people/export/?format=csv&sensitive=1", {"village": small_map["village_b"].pk})
    assert refused.status_code == 200 and "bộ lọc có lỗi" in refused.content.decode()
    assert sensitive.count() == 1
