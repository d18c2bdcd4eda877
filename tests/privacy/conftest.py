import pytest

from hoctap.accounts.roles import Role
from hoctap.registry.models import Household, Person, Sex
from tests.conftest import make_user

PASSWORD = "mat-khau-rat-dai-2025"


@pytest.fixture
def household_a(small_map):
    household = Household.objects.create(code="H001", village=small_map["village_a"])
    head = Person.objects.create(
        full_name="Nguyễn Văn An",
        sex=Sex.MALE,
        birth_year=1980,
        household=household,
        id_number="034080001234",
        ethnicity="02",
    )
    household.head = head
    household.save()
    return household


@pytest.fixture
def person_a(household_a):
    return household_a.head


@pytest.fixture
def person_b(small_map):
    household = Household.objects.create(code="HB1", village=small_map["village_b"])
    return Person.objects.create(full_name="Lê Bình Minh", sex=Sex.MALE, birth_year=1981, household=household)


@pytest.fixture
def village_officer_a(small_map):
    return make_user("village_a", Role.VILLAGE_OFFICER, small_map["village_a"])


def signup_post(small_map, **extra):
    return {
        "full_name": "Nguyễn Thị Lan",
        "birth_year": "1990",
        "sex": "female",
        "province": small_map["province"].pk,
        "commune": small_map["commune_a"].pk,
        "id_number": "",
        "occupation_group": "farmer",
        "username": "lan",
        "password": PASSWORD,
        **extra,
    }
