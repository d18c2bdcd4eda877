"""The subjects and their domain rules: folding, working age, duplicates, denominators."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from hoctap.accounts.scoping import OutOfScope, Scope
from hoctap.registry.models import (
    ClanBranch,
    DeclaredTotals,
    Household,
    Organisation,
    Person,
    TotalKind,
    mask_id_number,
    validate_id_number,
)
from hoctap.registry.services import (
    DECLARED,
    REGISTRY,
    check_declared_totals,
    denominator,
    likely_duplicates,
    save_declared_totals,
    save_household,
)


def test_search_columns_and_sort_keys_are_computed_on_save(household_a):
    person = household_a.head
    assert person.name_folded == "nguyen van an" and person.sort_key
    assert household_a.name_folded == "nguyen van an" and household_a.code_folded == "h0001"
    person.full_name = "Nguyễn Văn Ân"
    person.save()
    household_a.refresh_from_db()
    assert household_a.name_folded == "nguyen van an" and household_a.sort_key == person.sort_key


def test_birth_year_is_always_stored(household_a):
    wife = household_a.members.get(full_name="Trần Thị Bích")
    assert wife.birth_year == 1978
    person = Person(full_name="A", sex="male", unit=household_a.village)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "birth_year" in error.value.message_dict
    mismatch = Person(
        full_name="A", sex="male", birth_date=datetime.date(1990, 1, 1), birth_year=1991, unit=household_a.village
    )
    with pytest.raises(ValidationError, match="Năm sinh khác"):
        mismatch.full_clean()


def test_members_live_in_their_household_village_and_commune(small_map, household_a):
    assert {(p.unit_id, p.commune_id) for p in household_a.members.all()} == {
        (small_map["village_a"].pk, small_map["commune_a"].pk)
    }
    other = Household.objects.create(code="X", village=small_map["village_b"])
    moved = household_a.members.first()
    moved.household = other
    moved.save()
    assert (moved.unit, moved.commune) == (small_map["village_b"], small_map["commune_b"])


@pytest.mark.parametrize(
    "value, ok",
    [
        ("034075001234", True),
        ("001099000001", True),
        ("096000000000", True),
        ("097000000000", False),
        ("000123456789", False),
        ("03407500123", False),
        ("03407500123a", False),
    ],
)
def test_id_numbers_are_validated(value, ok):
    if ok:
        validate_id_number(value)
    else:
        with pytest.raises(ValidationError):
            validate_id_number(value)


def test_id_numbers_are_masked_to_their_last_four_digits():
    assert mask_id_number("034075001234") == "********1234"
    assert mask_id_number(None) == ""


def test_id_numbers_are_unique_among_those_given(household_a):
    Person.objects.create(full_name="B", sex="male", birth_year=1990, unit=household_a.village)
    Person.objects.create(full_name="C", sex="male", birth_year=1990, unit=household_a.village)  # two without
    clash = Person(full_name="D", sex="male", birth_year=1990, unit=household_a.village, id_number="034075001234")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "id_number" in error.value.message_dict


def test_working_age_is_15_to_60_inclusive_in_the_reference_year(small_map):
    village = small_map["village_a"]
    for year in (1964, 1965, 2010, 2011):
        Person.objects.create(full_name=f"P{year}", sex="male", birth_year=year, unit=village)
    assert sorted(Person.objects.working_age_adults(2025).values_list("birth_year", flat=True)) == [1965, 2010]
    person = Person.objects.get(birth_year=1965)
    assert person.is_working_age_in(2025) and not person.is_working_age_in(2026)
    this_year = datetime.date.today().year
    assert Person(birth_year=this_year - 30).is_working_age_adult
    assert not Person(birth_year=this_year - 61).is_working_age_adult


def test_search_ignores_diacritics_and_case_and_matches_id_numbers_exactly(household_a):
    assert Person.objects.search("NGUYEN van an").get() == household_a.head
    assert Person.objects.search("034075001234").get() == household_a.head
    assert not Person.objects.search("03407500123").exists()  # a partial number finds nothing


def test_likely_duplicates(small_map, officer_a, officer_b, household_a):
    scope = Scope(officer_a)
    hints = likely_duplicates(scope, full_name="nguyen van AN", birth_year=1975, commune=small_map["commune_a"])
    assert [(h.person, h.reason) for h in hints] == [(household_a.head, "same_name_and_birth_year")]
    assert "có thể trùng" in hints[0].message
    by_id = likely_duplicates(scope, id_number="034075001234")
    assert [h.reason for h in by_id] == ["same_id_number"]
    assert not likely_duplicates(scope, full_name="Nguyễn Văn An", birth_year=1976, commune=small_map["commune_a"])
    # Outside the scope nothing is hinted: B's officer does not learn about A's people.
    assert not likely_duplicates(Scope(officer_b), id_number="034075001234")


def test_saving_a_household_with_members_sets_the_head_and_checks_the_scope(small_map, officer_a):
    scope = Scope(officer_a)
    household = Household(village=small_map["village_a"])
    members = [
        Person(full_name="Lê Văn Một", sex="male", birth_year=1970),
        Person(full_name="Lê Thị Hai", sex="female", birth_year=1972),
    ]
    save_household(scope, household, members, members[1])
    assert household.code == "H0001" and household.head == members[1] and household.members.count() == 2
    with pytest.raises(OutOfScope):
        save_household(
            scope,
            Household(village=small_map["village_b"]),
            [Person(full_name="Lê Văn Ba", sex="male", birth_year=1990)],
        )
    assert not Household.objects.filter(village=small_map["village_b"]).exists()


def test_clan_branches_and_organisations(small_map):
    clan = ClanBranch.objects.create(name="Họ  Nguyễn Văn", branch="Chi 2", commune=small_map["commune_a"])
    assert (clan.name, clan.name_folded, clan.branch_folded) == ("Họ Nguyễn Văn", "ho nguyen van", "chi 2")
    organisation = Organisation.objects.create(name="Trường Mầm non", kind="kindergarten", unit=small_map["village_a"])
    assert organisation.commune == small_map["commune_a"]


# -- denominators ------------------------------------------------------------------------------


def test_the_denominator_comes_from_the_registry_until_a_figure_is_declared(small_map, household_a):
    commune = small_map["commune_a"]
    assert denominator(commune, 2025, TotalKind.HOUSEHOLDS) == (1, REGISTRY)
    totals = DeclaredTotals.objects.create(commune=commune, year=2025, households=120)
    assert denominator(commune, 2025, TotalKind.HOUSEHOLDS) == (120, DECLARED)
    assert denominator(commune, 2025, TotalKind.CLAN_BRANCHES) == (0, REGISTRY)  # nothing declared for it
    assert denominator(commune, 2024, TotalKind.HOUSEHOLDS) == (1, REGISTRY)  # another year
    totals.households_complete = True
    totals.save()
    assert denominator(commune, 2025, TotalKind.HOUSEHOLDS) == (1, REGISTRY)


def test_every_kind_is_counted_from_the_registry(small_map, household_a, school_a):
    commune = small_map["commune_a"]
    Person.objects.create(full_name="Cô giáo", sex="female", birth_year=1990, employer=school_a)
    ClanBranch.objects.create(name="Họ Lê", commune=commune)
    counts = {kind.value: denominator(commune, 2025, kind).value for kind in TotalKind}
    assert counts == {
        "households": 1,
        "clan_branches": 1,
        "villages": 1,
        "organisations": 1,
        "working_age_adults": 2,
        "organisation_staff": 1,
    }


def test_a_declared_figure_below_the_registry_count_is_refused_naming_the_field(small_map, officer_a, household_a):
    totals = DeclaredTotals(commune=small_map["commune_a"], year=2025, households=0, villages=5)
    with pytest.raises(ValidationError) as error:
        check_declared_totals(totals)
    assert list(error.value.message_dict) == ["households"]
    assert "Số hộ gia đình khai báo (0) nhỏ hơn số đã có trong sổ theo dõi (1)" in error.value.messages[0]
    with pytest.raises(ValidationError):
        save_declared_totals(Scope(officer_a), totals, officer_a)
    assert not DeclaredTotals.objects.exists()
    with pytest.raises(OutOfScope):
        save_declared_totals(Scope(officer_a), DeclaredTotals(commune=small_map["commune_b"], year=2025), officer_a)
