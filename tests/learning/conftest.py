import datetime

import pytest
from django.utils import timezone

from hoctap.accounts.scoping import Scope


@pytest.fixture
def scope_a(officer_a):
    return Scope(officer_a)


def source(year, **extra):
    """A declaration's source and figures: 1,000 people 15–35 of whom 990 literate, and so on."""
    return {
        "year": year,
        "population_15_35": 1000,
        "literate_15_35": 990,
        "population_15_60": 2500,
        "literate2_15_60": 2300,
        "literacy_level": 2,
        "primary_level": 3,
        "lower_secondary_level": 2,
        "preschool": True,
        "declared_by": "Nguyễn Văn Hùng, Phó Chủ tịch UBND xã",
        "document": "Báo cáo kết quả phổ cập giáo dục, xóa mù chữ",
        "document_number": "25/BC-UBND",
        "document_date": min(datetime.date(year, 11, 15), timezone.localdate()),
        **extra,
    }


def a_class(day, **extra):
    return {
        "topic": "agriculture",
        "name": "Kỹ thuật trồng lúa chất lượng cao",
        "started_on": day,
        "ended_on": None,
        "sessions": 3,
        "participants": 45,
        "held_by": "Trạm Khuyến nông",
        **extra,
    }
