"""Villages merged or split: recorded by the commune's officer (scoped, audited), what lived in a
closed village moves to the receiving one with its history, the village's own title stays, and the
counters stay equal to a recount."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from hoctap.accounts.scoping import Scope
from hoctap.assessments.models import Assessment
from hoctap.assessments.results_import import ResultsTemplate
from hoctap.core.imports import import_file
from hoctap.criteria.titles import Title
from hoctap.registry.models import Household, Person
from hoctap.stats.history import compare_years
from hoctap.stats.models import SubjectCount, SubjectKind, Tally
from hoctap.territory import village_changes
from hoctap.territory.models import Unit, VillageChange, VillageChangeKind
from hoctap.territory.services import create_village
from tests.assessments.conftest import YEAR
from tests.assessments.test_results_import import sheet_file, top_result

DAY = datetime.date(2026, 3, 1)
BASIS = {
    "basis_number": "45/NQ-HĐND",
    "basis_date": datetime.date(2026, 2, 10),
    "basis_issuer": "Hội đồng nhân dân tỉnh Hưng Yên",
}


def verify_stats(capsys):
    call_command("stats", "verify")
    assert "equal a recount" in capsys.readouterr().out


@pytest.fixture
def history(campaigns, people, users, small_map):
    """Two households of Thôn Đông recognised learning families in YEAR, and Thôn Đông itself a
    learning community; a second village, Thôn Tây, in the same commune."""
    approver = Scope(users["commune_approver"])
    for title, rows in (
        (Title.FAMILY, [{"commune_code": "12001", "household_code": c} for c in ("H001", "H002")]),
        (Title.COMMUNITY, [{"village_code": "12001-001"}]),
    ):
        template = ResultsTemplate(campaigns[title])
        total, top = top_result(campaigns[title])
        rows = [
            {
                **row,
                "total": total,
                "classification": top,
                "decision_number": f"{10 + len(title)}/QĐ-UBND",
                "decision_date": datetime.date(YEAR, 12, 20),
            }
            for row in rows
        ]
        result = import_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
        assert result.committed, result.errors
    tay = create_village(
        Scope(users["commune_officer"]), small_map["commune_a"], division_type="Thôn", short_name="Tây"
    )
    return {"tay": tay}


def count(unit, title, year=YEAR):
    row = Tally.objects.filter(unit=unit, year=year, title=title, classification="").first()
    return row.recognised if row else 0


def villages_counted(commune):
    return SubjectCount.objects.get(unit=commune, kind=SubjectKind.VILLAGES, year=0).count


def test_a_merge_moves_households_with_their_history_and_keeps_the_villages_own_title(
    history, small_map, people, users, capsys
):
    commune, dong, tay = small_map["commune_a"], small_map["village_a"], history["tay"]
    assert count(dong, Title.FAMILY) == 2 and count(dong, Title.COMMUNITY) == 1 and villages_counted(commune) == 2
    officer = Scope(users["commune_officer"])
    change = village_changes.record(
        officer,
        commune,
        kind=VillageChangeKind.MERGE,
        effective_on=DAY,
        from_villages=[dong, tay],
        to_villages=[],
        receiving=None,
        new_village={"division_type": "Thôn", "short_name": "Đông Tây"},
        **BASIS,
    )
    merged = change.receiving
    assert merged.name == "Thôn Đông Tây" and list(change.to_villages.all()) == [merged]
    assert change.recorded_by == users["commune_officer"]
    dong.refresh_from_db()
    tay.refresh_from_db()
    assert dong.valid_to == tay.valid_to == DAY - datetime.timedelta(days=1)
    # the registry's village of households, and their people, follow
    assert set(Household.objects.filter(code__in=["H001", "H002"]).values_list("village_id", flat=True)) == {merged.pk}
    assert Person.objects.filter(household=people["household"]).exclude(unit=merged).count() == 0
    # their assessments of every year follow them; the village's own title stays on Thôn Đông
    assert count(merged, Title.FAMILY) == 2 and count(dong, Title.FAMILY) == 0
    assert count(dong, Title.COMMUNITY) == 1
    assert Assessment.objects.get(title=Title.COMMUNITY).unit == dong
    assert count(commune, Title.FAMILY) == 2  # the commune's figures do not change
    assert villages_counted(commune) == 1  # the community title's eligible: one village now
    verify_stats(capsys)
    # audited: the change, the closed villages, each household moved
    assert LogEntry.objects.get_for_object(change).exists()
    assert LogEntry.objects.get_for_object(dong).filter(action=LogEntry.Action.UPDATE).exists()
    assert LogEntry.objects.get_for_object(people["household"]).filter(action=LogEntry.Action.UPDATE).exists()
    # the comparison shows the merged village's line and where Thôn Đông went
    cmp = compare_years(commune, first=YEAR - 1)
    lines = {line.label: line for line in cmp.villages}
    assert lines["Thôn Đông Tây"].counts[1] == 2 and lines["Thôn Đông"].counts[1] == 1
    assert lines["Thôn Đông"].went_into[0][1] == [merged]
    # a closed village takes no more households and no new merge
    with pytest.raises(ValidationError) as refused:
        village_changes.record(
            officer,
            commune,
            kind=VillageChangeKind.MERGE,
            effective_on=DAY,
            from_villages=[dong, merged],
            to_villages=[merged],
            receiving=None,
            **BASIS,
        )
    assert "đã giải thể" in refused.value.message_dict["from_villages"][0]


def test_a_split_keeps_the_households_in_the_village_that_keeps_its_name(history, small_map, users, capsys):
    commune, dong = small_map["commune_a"], small_map["village_a"]
    change = village_changes.record(
        Scope(users["commune_officer"]),
        commune,
        kind=VillageChangeKind.SPLIT,
        effective_on=DAY,
        from_villages=[dong],
        to_villages=[dong],
        receiving=None,
        new_village={"division_type": "Thôn", "short_name": "Đông Hai"},
        **BASIS,
    )
    dong.refresh_from_db()
    assert dong.valid_to is None and change.receiving == dong
    assert Household.objects.filter(village=dong).count() == 2
    assert villages_counted(commune) == 3
    verify_stats(capsys)


def test_a_split_whose_old_village_ends_sends_its_households_to_the_chosen_part(history, small_map, users, capsys):
    commune, dong, tay = small_map["commune_a"], small_map["village_a"], history["tay"]
    village_changes.record(
        Scope(users["commune_officer"]),
        commune,
        kind=VillageChangeKind.SPLIT,
        effective_on=DAY,
        from_villages=[dong],
        to_villages=[tay],
        receiving=tay,
        new_village={"division_type": "Thôn", "short_name": "Đông Mới"},
        **BASIS,
    )
    assert Household.objects.filter(code__in=["H001", "H002"], village=tay).count() == 2
    assert count(tay, Title.FAMILY) == 2
    verify_stats(capsys)


def test_refusals_name_the_field_and_write_nothing(history, small_map, users):
    commune, dong = small_map["commune_a"], small_map["village_a"]
    officer = Scope(users["commune_officer"])
    cases = [
        ({"kind": VillageChangeKind.MERGE, "from_villages": [dong], "to_villages": [dong]}, "from_villages"),
        ({"kind": VillageChangeKind.MERGE, "from_villages": [dong, history["tay"]], "to_villages": []}, "to_villages"),
        (
            {"kind": VillageChangeKind.SPLIT, "from_villages": [small_map["village_b"]], "to_villages": [dong]},
            "from_villages",
        ),
        (
            {
                "kind": VillageChangeKind.SPLIT,
                "from_villages": [dong],
                "to_villages": [history["tay"]],
                "effective_on": datetime.date(2099, 1, 1),
            },
            "effective_on",
        ),
        # The new village's name is the commune's own rule (territory.services.name_taken), not the form's.
        (
            {
                "kind": VillageChangeKind.MERGE,
                "from_villages": [dong, history["tay"]],
                "to_villages": [],
                "new_village": {"division_type": dong.division_type, "short_name": dong.short_name.upper()},
            },
            "new_short_name",
        ),
    ]
    for change, field in cases:
        arguments = {"effective_on": DAY, "receiving": None, **BASIS, **change}
        with pytest.raises(ValidationError) as refused:
            village_changes.record(officer, commune, **arguments)
        assert field in refused.value.message_dict, (change, refused.value.message_dict)
    assert (
        VillageChange.objects.count() == 0 and Unit.objects.filter(valid_to__isnull=False, level="village").count() == 0
    )


def test_the_page_records_a_merge_for_the_commune_officer_only(client, history, small_map, users):
    commune, dong, tay = small_map["commune_a"], small_map["village_a"], history["tay"]
    url = reverse("territory:village_changes", args=[commune.pk])
    post = {
        "kind": "merge",
        "effective_on": "01/03/2026",
        "from_villages": [dong.pk, tay.pk],
        "to_villages": [tay.pk],
        "basis_number": "45/NQ-HĐND",
        "basis_date": "10/02/2026",
        "basis_issuer": "Hội đồng nhân dân tỉnh Hưng Yên",
    }
    client.force_login(users["village_officer"])
    assert client.post(url, post).status_code == 404
    page = client.get(url)
    assert page.status_code == 200 and "Ghi sáp nhập hoặc chia tách" not in page.content.decode()
    client.force_login(users["commune_officer"])
    bad = client.post(url, {**post, "from_villages": [dong.pk]})
    assert "Sáp nhập cần ít nhất hai thôn" in bad.content.decode()
    done = client.post(url, post, follow=True)
    assert "Thôn Tây" in done.content.decode() and VillageChange.objects.count() == 1
    assert Household.objects.filter(village=tay).count() == 2
    comparison = client.get(reverse("stats:year_comparison", args=[commune.pk]))
    assert comparison.status_code == 200 and "Thôn Đông" in comparison.content.decode()


def test_the_comparison_costs_the_same_queries_whatever_the_commune(
    history, small_map, users, django_assert_max_num_queries
):
    commune = small_map["commune_a"]
    village_changes.record(
        Scope(users["commune_officer"]),
        commune,
        kind=VillageChangeKind.MERGE,
        effective_on=DAY,
        from_villages=[small_map["village_a"], history["tay"]],
        to_villages=[history["tay"]],
        receiving=None,
        **BASIS,
    )
    with django_assert_max_num_queries(8):
        cmp = compare_years(commune)
    assert [line.label for line in cmp.villages] == ["Thôn Đông", "Thôn Tây"]
    assert sum(cmp.villages[1].counts) == 2 and cmp.villages[0].went_into


def test_a_household_list_naming_a_village_that_ended_is_refused(history, small_map, users):
    from hoctap.core.imports import check_file
    from hoctap.registry.imports import HOUSEHOLDS
    from tests.assessments.test_results_import import sheet_file as fill

    commune, dong, tay = small_map["commune_a"], small_map["village_a"], history["tay"]
    village_changes.record(
        Scope(users["commune_officer"]),
        commune,
        kind=VillageChangeKind.MERGE,
        effective_on=DAY,
        from_villages=[dong, tay],
        to_villages=[tay],
        receiving=None,
        **BASIS,
    )
    row = {
        "commune_code": "12001",
        "household_code": "H009",
        "village_code": dong.code,
        "full_name": "Đào Văn Tiến",
        "birth_year": 1980,
        "sex": "Nam",
        "is_head": "x",
    }
    result = check_file(fill(HOUSEHOLDS, [row]), HOUSEHOLDS, scope=Scope(users["commune_officer"]))
    errors = [e for e in result.errors if e["header"] == "Mã thôn, tổ dân phố"]
    assert errors and "đã sáp nhập hoặc chia tách từ 01/03/2026" in errors[0]["reason"], result.errors
