import datetime

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.members import services
from hoctap.members.models import Branch


@pytest.fixture
def scope_a(officer_a):
    return Scope(officer_a)


@pytest.fixture
def branch_a(small_map, scope_a):
    return services.save_branch(
        scope_a, Branch(unit=small_map["village_a"], kind="village", name="Chi hội khuyến học thôn Đông")
    )


@pytest.fixture
def school_branch_a(small_map, scope_a):
    return services.save_branch(
        scope_a, Branch(unit=small_map["commune_a"], kind="school", name="Chi hội Trường THCS An Lạc")
    )


@pytest.fixture
def branch_b(small_map):
    return Branch.objects.create(unit=small_map["village_b"], kind="village", name="Chi hội thôn Đoài Bình Minh")


def day(year, month=1, dom=1):
    return datetime.date(year, month, dom)
