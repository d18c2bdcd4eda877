"""A decision's "Căn cứ" lines are real legal bases, each with its number and date: the
local-government law in force on the day it is signed, the title's programme decision, the
official document behind the criteria set; a provisional set is never cited as law; the last line
is the council's proposal."""

import datetime
import re

import pytest

from hoctap.assessments import legal_bases
from hoctap.assessments.decisions import default_legal_bases, default_recipients
from hoctap.assessments.legal_bases import DOCUMENTS, day_in_words, legal_basis_lines, local_government_law
from hoctap.assessments.sets import definition_of
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title

pytestmark = pytest.mark.django_db

DATE = r"ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}"
CITATION = re.compile(
    rf"Căn cứ (Luật [^;]+ số \d+/\d{{4}}/QH\d+ {DATE}(; Luật [^;]+ số \d+/\d{{4}}/QH\d+ {DATE})*"
    rf"|(Quyết định|Thông tư|Nghị định) số \d+/[^ ]+ {DATE} của [^;:]+);"
)
PROPOSAL = re.compile(r"Xét đề nghị của Hội đồng đánh giá, công nhận “[^”]+” (xã|phường|tỉnh|đặc khu) .+ năm \d{4}\.")


def test_dates_are_written_as_the_decree_writes_them():
    assert day_in_words(datetime.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert day_in_words(datetime.date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert day_in_words(datetime.date(2026, 12, 20)) == "ngày 20 tháng 12 năm 2026"


@pytest.mark.parametrize(
    ("signed", "number"),
    [
        (datetime.date(2026, 12, 5), "72/2025/QH15"),
        (datetime.date(2025, 6, 16), "72/2025/QH15"),
        (datetime.date(2025, 6, 15), "65/2025/QH15"),
        (datetime.date(2025, 3, 1), "65/2025/QH15"),
        (datetime.date(2024, 12, 20), "47/2019/QH14"),
        (datetime.date(2018, 12, 20), "77/2015/QH13"),
    ],
)
def test_the_local_government_law_is_the_one_in_force_on_the_signing_day(signed, number):
    assert number in [document.number for document in local_government_law(signed)]


def test_every_shipped_set_gives_numbered_dated_bases_and_provisional_sets_are_not_cited(published, small_map):
    commune = small_map["commune_a"]
    for title, version in published.items():
        lines = legal_basis_lines(title, 2026, commune, datetime.date(2026, 12, 5), [version])
        *bases, proposal = lines
        assert PROPOSAL.fullmatch(proposal), proposal
        for line in bases:
            assert CITATION.fullmatch(line), line
        text = "\n".join(lines)
        assert version.code not in text
        issuing = definition_of(version).issuing_document or ""
        if version.status == CriteriaSetVersion.Status.PROVISIONAL:
            assert len(bases) == 1 + (title in legal_bases.PROGRAMME_OF_TITLE), lines
        for number in DOCUMENTS:
            if number in issuing and version.status != CriteriaSetVersion.Status.PROVISIONAL:
                assert f"số {number} " in text, (version.code, lines)


def test_every_published_version_of_the_shipped_sets_is_cited_correctly(published, small_map):
    """Not only the newest per title: the TT 24/25/22 and QĐ 448 sets cite their documents."""
    commune = small_map["commune_a"]
    expected = {
        "unit-tt24-2023": "Thông tư số 24/2023/TT-BGDĐT ngày 11 tháng 12 năm 2023 của Bộ trưởng Bộ Giáo dục và Đào tạo",
        "commune-community-tt25-2023": "Thông tư số 25/2023/TT-BGDĐT ngày 27 tháng 12 năm 2023 của Bộ trưởng Bộ Giáo dục và Đào tạo",
        "unit-tt22-2020": "Thông tư số 22/2020/TT-BGDĐT ngày 06 tháng 8 năm 2020",
        "family-448-2015": "Quyết định số 448/QĐ-KHVN ngày 10 tháng 11 năm 2015 của Trung ương Hội Khuyến học Việt Nam",
        "clan-448-2015": "Quyết định số 448/QĐ-KHVN ngày 10 tháng 11 năm 2015",
    }
    for code, citation in expected.items():
        version = CriteriaSetVersion.objects.get(code=code)
        text = "\n".join(legal_basis_lines(version.title, 2024, commune, datetime.date(2024, 12, 20), [version]))
        assert f"Căn cứ {citation}" in text, (code, text)
    for version in CriteriaSetVersion.objects.filter(status=CriteriaSetVersion.Status.PROVISIONAL):
        assert legal_bases.criteria_set_citation(version) is None


def test_the_register_agrees_with_the_sets_on_dates(published):
    """A set that names a registered document records the same date for it (one fact, one value)."""
    for version in CriteriaSetVersion.objects.all():
        definition = definition_of(version)
        for number, document in DOCUMENTS.items():
            if number in (definition.issuing_document or "") and definition.issued_on:
                assert definition.issued_on == document.issued_on, (version.code, number)


def test_a_province_official_set_cites_its_own_document():
    official, partial, provisional = "official", "partial", "provisional"
    own = "Quyết định số 12/QĐ-UBND của Ủy ban nhân dân tỉnh Cao Bằng"
    assert legal_bases.document_citation(official, own, datetime.date(2026, 3, 2)) == (
        "Quyết định số 12/QĐ-UBND ngày 02 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh Cao Bằng"
    )
    dated = "Quyết định số 12/QĐ-UBND ngày 02/3/2026 của Ủy ban nhân dân tỉnh Cao Bằng"
    assert legal_bases.document_citation(official, dated, None) == dated
    assert legal_bases.document_citation(official, own, None) is None  # no date known: not cited
    assert legal_bases.document_citation(official, "Hướng dẫn của tỉnh", datetime.date(2026, 3, 2)) is None
    # a document the register does not know, in a set that is not wholly official: not cited
    assert legal_bases.document_citation(partial, "QĐ 244/QĐ-KHVN ngày 28/07/2022", datetime.date(2022, 7, 28)) is None
    assert legal_bases.document_citation(provisional, "Thông tư 25/2023/TT-BGDĐT", None) is None
    assert legal_bases.document_citation(partial, "Thông tư 25/2023/TT-BGDĐT ngày 27/12/2023", None).startswith(
        "Thông tư số 25/2023/TT-BGDĐT ngày 27 tháng 12 năm 2023"
    )


def test_the_form_default_and_the_stored_default_agree(campaigns, small_map):
    """The campaign's pinned sets and the signing day decide the lines; recipients name the
    association of the level above."""
    campaign = campaigns[Title.COMMUNE_COMMUNITY]
    text = default_legal_bases(campaign, small_map["commune_a"], datetime.date(2026, 12, 5))
    assert (
        text.splitlines()[0] == "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;"
    )
    assert "Căn cứ Thông tư số 25/2023/TT-BGDĐT ngày 27 tháng 12 năm 2023" in text
    assert text.splitlines()[-1].startswith(
        "Xét đề nghị của Hội đồng đánh giá, công nhận “Cộng đồng học tập cấp xã” xã An Lạc"
    )
    assert default_recipients(small_map["commune_a"]).splitlines() == [
        "Như Điều 3;",
        "Hội Khuyến học tỉnh Hưng Yên (để báo cáo);",
        "Lưu: VT.",
    ]
    assert (
        default_recipients(small_map["province"]).splitlines()[1] == "Trung ương Hội Khuyến học Việt Nam (để báo cáo);"
    )
