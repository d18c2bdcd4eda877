"""Fixtures for publishing criteria sets: the shipped sets published, a second province with its
own officer, and helpers that turn a shipped set into an uploadable file."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoctap.accounts.roles import Role
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.shipped import publish_shipped_sets
from hoctap.territory.models import Level
from tests.conftest import make_unit, make_user

SHIPPED = loader.load_shipped_sets()


# No shipped set is official yet (every one lists gaps); this small one is, for the pages that must
# then stay quiet.
OFFICIAL = {
    "title": "family",
    "code": "family-official-test",
    "version": 1,
    "name_vi": "Bộ chính thức",
    "name_en": "Official set",
    "issuing_document": "QĐ 1/QĐ-TEST",
    "issued_on": datetime.date(2025, 1, 1),
    "effective_from": datetime.date(2025, 1, 1),
    "status": "official",
    "sources": ["S1"],
    "criteria": [
        {
            "code": "TC1",
            "name_vi": "Tiêu chí 1",
            "name_en": "Criterion 1",
            "tag": "V",
            "sources": ["S1"],
            "indicators": [
                {
                    "code": "TC1.1",
                    "text_vi": "Chỉ số",
                    "text_en": "Indicator",
                    "max_points": 100,
                    "tag": "V",
                    "sources": ["S1"],
                }
            ],
        }
    ],
    "scoring": {"method": "points", "pass_marks": [{"area_class": "normal", "min": 80, "tag": "V", "sources": ["S1"]}]},
    "recognition": {"validity_years": 1, "tag": "V", "sources": ["S1"]},
}


def set_data(base="citizen-677-2022", **changes):
    """A shipped set as a plain mapping, with `changes` applied on top."""
    data = dict(OFFICIAL) if base == "official" else SHIPPED[base].model_dump(mode="python", exclude_defaults=True)
    data.update(changes)
    return data


def yaml_of(base="citizen-677-2022", **changes) -> str:
    return loader.to_yaml(loader.load_mapping(set_data(base, **changes)))


def upload(text_or_bytes, name="set.yaml"):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def published(db):
    return {version.code: version for version in publish_shipped_sets(log=lambda _message: None)}


@pytest.fixture
def province_b(small_map):
    """A second province on the current map, with nothing to do with the first."""
    return make_unit(Level.PROVINCE, "97", "Tỉnh Cao Nguyên", small_map["nation"])


@pytest.fixture
def province_officer_b(province_b):
    return make_user("province_officer_b", Role.PROVINCE_OFFICER, province_b)


@pytest.fixture
def province_approver(small_map):
    return make_user("province_approver", Role.PROVINCE_APPROVER, small_map["province"])


def store(code, version, province=None, base="citizen-677-2022", **changes):
    """A stored version made straight from a shipped set (bypassing the publishing checks)."""
    changes.setdefault("effective_from", datetime.date(2025, 7, 1))
    definition = loader.load_mapping(set_data(base, code=code, version=version, **changes))
    return CriteriaSetVersion.objects.create(
        code=definition.code,
        version=definition.version,
        title=definition.title,
        status=definition.status,
        name_vi=definition.name_vi,
        name_en=definition.name_en,
        effective_from=definition.effective_from,
        effective_to=definition.effective_to,
        province=province,
        source_yaml=loader.to_yaml(definition),
        fingerprint=definition.fingerprint(),
    )


def workbook_bytes(criteria_set) -> bytes:
    from hoctap.criteria.xlsx import export_xlsx

    return export_xlsx(criteria_set)


def edited_workbook(criteria_set, edit) -> bytes:
    """The set's workbook after `edit(workbook)`."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(workbook_bytes(criteria_set)))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
