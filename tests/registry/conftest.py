"""Registry fixtures: a village officer, a household with two members in commune A, and a
builder of Excel files from the downloadable templates."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.core.imports import template_workbook
from hoctap.registry.models import Household, Organisation, Person
from tests.conftest import make_user


@pytest.fixture
def village_officer_a(small_map):
    return make_user("village_officer_a", Role.VILLAGE_OFFICER, small_map["village_a"])


@pytest.fixture
def household_a(small_map):
    household = Household.objects.create(code="H0001", village=small_map["village_a"], address="Xóm 1")
    head = Person.objects.create(
        full_name="Nguyễn Văn An",
        sex="male",
        birth_year=1975,
        household=household,
        id_number="034075001234",
        occupation_group="farmer",
    )
    Person.objects.create(
        full_name="Trần Thị Bích", sex="female", birth_date=datetime.date(1978, 5, 2), household=household
    )
    household.head = head
    household.save()
    return household


@pytest.fixture
def school_a(small_map):
    return Organisation.objects.create(name="Trường Tiểu học An Lạc", kind="school", unit=small_map["commune_a"])


def xlsx(template, rows, *, transform=None) -> io.BytesIO:
    """The downloadable template with `rows` typed in from row 2; `transform(sheet)` may then spoil it."""
    workbook = load_workbook(io.BytesIO(template_workbook(template)))
    sheet = workbook[template.sheet_title]
    for row in rows:
        sheet.append(row)
    if transform:
        transform(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "tep.xlsx"
    return buffer


def household_row(
    code,
    village_code,
    name,
    *,
    sex="Nam",
    birth_date=None,
    birth_year=1980,
    id_number=None,
    head=False,
    address="",
    occupation="Nông dân và lao động nông thôn",
    skill="Cơ bản",
    ethnicity="",
):
    """A row of the households template, in its column order."""
    return [
        code,
        village_code,
        address,
        name,
        sex,
        birth_date,
        birth_year,
        ethnicity,
        id_number,
        occupation,
        skill,
        "x" if head else None,
    ]
