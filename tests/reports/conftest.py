import pytest

from hoctap.accounts.roles import Role
from hoctap.reports.loader import load_schedules
from hoctap.reports.models import ReportType
from tests.conftest import make_user


@pytest.fixture
def annual(small_map):
    """The shipped report types and deadlines; on the small map Hưng Yên's communes are due 01/12
    and the province falls back to the national 15/12."""
    load_schedules()
    return ReportType.objects.get(code="annual")


@pytest.fixture
def province_approver(small_map):
    return make_user("province_approver", Role.PROVINCE_APPROVER, small_map["province"])
