"""ID-number privacy (issue 16 §4): outside an officer's own territory an ID number answers only
"cannot be used here" — on the form, the API and imports — and duplicate hints never name a person
the officer cannot see; inside it, the duplicate hint names the person as before."""

import pytest

from hoctap.registry.models import Person
from hoctap.registry.services import id_number_not_usable, id_number_refusal, likely_duplicates

NUMBER = "034080001234"
FREE = "034080009999"


@pytest.fixture
def held_in_b(small_map):
    return Person.objects.create(
        full_name="Lò Văn Bình", sex="male", birth_year=1980, id_number=NUMBER, unit=small_map["village_b"]
    )


def _post_person(client, small_map, number):
    return client.post(
        "/registry/people/new/",
        {
            "full_name": "Lò Văn Khác",
            "sex": "male",
            "birth_year": 1990,
            "id_number": number,
            "occupation_group": "other",
            "digital_skill": "none",
            "unit": small_map["village_a"].pk,
        },
    )


def test_form_answers_only_cannot_be_used_here(client_a, small_map, held_in_b):
    page = _post_person(client_a, small_map, NUMBER).content.decode()
    assert "không dùng được ở đây" in page
    assert "Lò Văn Bình" not in page and "Thôn Đoài" not in page
    assert Person.objects.filter(id_number=NUMBER).count() == 1


def test_api_answers_the_same(client_a, small_map, held_in_b):
    answer = client_a.post(
        "/api/v1/registry/people",
        {
            "full_name": "Lò Văn Khác",
            "sex": "male",
            "birth_year": 1990,
            "id_number": NUMBER,
            "unit": small_map["village_a"].pk,
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "kh\\u00f4ng d\\u00f9ng \\u0111\\u01b0\\u1ee3c" in text or "không dùng được" in text
    assert "Bình" not in answer.json().__repr__()


def test_inside_own_territory_the_hint_names_the_person(officer_a, small_map):
    from hoctap.accounts.scoping import Scope

    Person.objects.create(
        full_name="Lò Văn An", sex="male", birth_year=1980, id_number=NUMBER, unit=small_map["village_a"]
    )
    scope = Scope(officer_a)
    assert "Lò Văn An" in id_number_refusal(scope, NUMBER)
    assert [hint.person.full_name for hint in likely_duplicates(scope, id_number=NUMBER)] == ["Lò Văn An"]


def test_duplicate_hints_never_reveal_people_outside(officer_a, held_in_b):
    from hoctap.accounts.scoping import Scope

    assert likely_duplicates(Scope(officer_a), id_number=NUMBER) == []


def test_probing_is_limited_and_then_every_number_answers_alike(officer_a, held_in_b, settings):
    from hoctap.accounts.scoping import Scope

    settings.HOCTAP_RATE_LIMITS = {**settings.HOCTAP_RATE_LIMITS, "id_numbers": {"limit": 2, "seconds": 86400}}
    scope = Scope(officer_a)
    assert id_number_refusal(scope, FREE) is None
    assert id_number_refusal(scope, NUMBER) == id_number_not_usable()
    assert id_number_refusal(scope, NUMBER) == id_number_not_usable()
    spent = id_number_refusal(scope, NUMBER)
    assert "thử lại sau" in spent
    assert id_number_refusal(scope, FREE) == spent  # a free number now answers exactly the same


def test_an_import_answers_cannot_be_used_here_and_stops_probing(officer_a, small_map, held_in_b, settings):
    from hoctap.accounts.scoping import Scope
    from hoctap.core.imports import check_file
    from hoctap.registry.imports import HOUSEHOLDS
    from tests.registry.conftest import household_row, xlsx

    settings.HOCTAP_RATE_LIMITS = {**settings.HOCTAP_RATE_LIMITS, "id_numbers": {"limit": 1, "seconds": 86400}}
    rows = [
        household_row("H1", "12001-001", "Lò Văn Khác", id_number=NUMBER, head=True),
        household_row("H1", "12001-001", "Lò Thị Mới", id_number=FREE),
    ]
    result = check_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a))
    reasons = {e["row"]: e["reason"] for e in result.errors}
    assert reasons[2] == id_number_not_usable()
    assert "Bình" not in reasons[2] and "Đoài" not in reasons[2]
    # the allowance is spent: the next number, free though it is, answers "try again later"
    assert "thử lại sau" in reasons[3]


def test_an_import_rolled_back_still_spends_the_allowance(officer_a, small_map, held_in_b, settings):
    """The import checks and writes in one pass and rolls back on errors; the refusals it counted
    must outlive the rollback, or importing would be a free way to probe numbers."""
    from hoctap.accounts.scoping import Scope
    from hoctap.core.imports import import_file
    from hoctap.registry.imports import HOUSEHOLDS
    from tests.registry.conftest import household_row, xlsx

    settings.HOCTAP_RATE_LIMITS = {**settings.HOCTAP_RATE_LIMITS, "id_numbers": {"limit": 1, "seconds": 86400}}
    rows = [household_row("H1", "12001-001", "Lò Văn Khác", id_number=NUMBER, head=True)]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed and result.errors[0]["reason"] == id_number_not_usable()
    assert "thử lại sau" in id_number_refusal(Scope(officer_a), FREE)  # spent, though nothing was written
