"""The legal bases ("Căn cứ …") a recognition decision cites by default.

A decision cites documents in force, by kind, number, date and issuer, as Nghị định 30/2020/NĐ-CP
lays out, from the highest legal force down, and ends with the proposal it acts on:

    Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;
    Căn cứ Quyết định số 387/QĐ-TTg ngày 25 tháng 3 năm 2022 của Thủ tướng Chính phủ phê duyệt …;
    Căn cứ Thông tư số 25/2023/TT-BGDĐT ngày 27 tháng 12 năm 2023 của Bộ trưởng Bộ Giáo dục và …;
    Xét đề nghị của Hội đồng đánh giá, công nhận “Cộng đồng học tập cấp xã” xã An Lạc năm 2026.

Only documents whose number and date are known are cited: the register below holds them, each with
where it was checked. A criteria set is cited through its issuing document when that document is
in the register (or, for a province's own official set, when the set names a numbered document and
its date); a provisional set has no official text and is never cited as law. The officer can edit
every line in the decision form before issuing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit

from .sets import definition_of


def day_in_words(day: datetime.date) -> str:
    """ "ngày 05 tháng 3 năm 2026": a zero before days under 10 and months 1 and 2 only, as
    Nghị định 30/2020/NĐ-CP writes dates (so that they cannot be extended by hand)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class LegalDocument:
    """One legal document as a decision cites it. `name` is set for laws, which are cited by name
    ("Luật Tổ chức chính quyền địa phương số … ngày …"); other documents by kind, number, date,
    issuer and subject ("Thông tư số … ngày … của … quy định …")."""

    number: str
    issued_on: datetime.date
    kind: str = ""
    issuer: str = ""
    subject: str = ""
    name: str = ""
    checked_in: str = ""

    def citation(self) -> str:
        if self.name:
            return f"{self.name} số {self.number} {day_in_words(self.issued_on)}"
        return " ".join(
            part
            for part in (
                f"{self.kind} số {self.number}",
                day_in_words(self.issued_on),
                self.issuer,
                self.subject,
            )
            if part
        )


# -- the register -----------------------------------------------------------------------------------

_LOCAL_GOVERNMENT_2015 = LegalDocument(
    name="Luật Tổ chức chính quyền địa phương",
    number="77/2015/QH13",
    issued_on=datetime.date(2015, 6, 19),
    checked_in="cited by number in NQ 653/2019/UBTVQH14",
)
_LOCAL_GOVERNMENT_2019_AMENDMENT = LegalDocument(
    name="Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
    number="47/2019/QH14",
    issued_on=datetime.date(2019, 11, 22),
    checked_in="cited with 77/2015/QH13 in NQ of the UBTVQH on Tuyên Quang's communes (2024)",
)
_LOCAL_GOVERNMENT_2025_FEBRUARY = LegalDocument(
    name="Luật Tổ chức chính quyền địa phương",
    number="65/2025/QH15",
    issued_on=datetime.date(2025, 2, 19),
    checked_in="legal-document databases (ngày ban hành 19/02/2025; in force 01/03/2025, replaced by 72/2025/QH15)",
)
_LOCAL_GOVERNMENT_2025_JUNE = LegalDocument(
    name="Luật Tổ chức chính quyền địa phương",
    number="72/2025/QH15",
    issued_on=datetime.date(2025, 6, 16),
    checked_in="NQ 1677/NQ-UBTVQH15 (16/06/2025) cites it; two-tier local government from 01/07/2025",
)

# Which local-government law a decision signed on a given day rests on: (in force from, documents).
LOCAL_GOVERNMENT_LAWS: tuple[tuple[datetime.date, tuple[LegalDocument, ...]], ...] = (
    (datetime.date(2025, 6, 16), (_LOCAL_GOVERNMENT_2025_JUNE,)),
    (datetime.date(2025, 3, 1), (_LOCAL_GOVERNMENT_2025_FEBRUARY,)),
    (datetime.date(2020, 7, 1), (_LOCAL_GOVERNMENT_2015, _LOCAL_GOVERNMENT_2019_AMENDMENT)),
    (datetime.date(2016, 1, 1), (_LOCAL_GOVERNMENT_2015,)),
)

PRIME_MINISTER = "của Thủ tướng Chính phủ"
EDUCATION_MINISTER = "của Bộ trưởng Bộ Giáo dục và Đào tạo"

DOCUMENTS: dict[str, LegalDocument] = {
    document.number: document
    for document in (
        LegalDocument(
            kind="Quyết định",
            number="387/QĐ-TTg",
            issued_on=datetime.date(2022, 3, 25),
            issuer=PRIME_MINISTER,
            subject="phê duyệt Chương trình “Đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, "
            "cộng đồng, đơn vị giai đoạn 2021 - 2030”",
            checked_in="domain criteria.md §0.1 [V] S10, S11",
        ),
        LegalDocument(
            kind="Quyết định",
            number="677/QĐ-TTg",
            issued_on=datetime.date(2022, 6, 3),
            issuer=PRIME_MINISTER,
            subject="phê duyệt Chương trình “Xây dựng mô hình Công dân học tập giai đoạn 2021 - 2030”",
            checked_in="domain criteria.md §0.1 [V] S12, S13",
        ),
        LegalDocument(
            kind="Thông tư",
            number="22/2020/TT-BGDĐT",
            issued_on=datetime.date(2020, 8, 6),
            issuer=EDUCATION_MINISTER,
            subject="quy định về đánh giá, xếp loại “Đơn vị học tập” cấp huyện, tỉnh",
            checked_in="domain criteria.md §0.2 [V] S18-S21",
        ),
        LegalDocument(
            kind="Thông tư",
            number="24/2023/TT-BGDĐT",
            issued_on=datetime.date(2023, 12, 11),
            issuer=EDUCATION_MINISTER,
            subject="quy định về đánh giá, công nhận “Đơn vị học tập” cấp huyện, tỉnh",
            checked_in="domain criteria-sources.md §1 [V]",
        ),
        LegalDocument(
            kind="Thông tư",
            number="25/2023/TT-BGDĐT",
            issued_on=datetime.date(2023, 12, 27),
            issuer=EDUCATION_MINISTER,
            subject="quy định về đánh giá, công nhận “Cộng đồng học tập” cấp xã, huyện, tỉnh",
            checked_in="domain criteria-sources.md §2 [V]",
        ),
        # Copies disagree on the date (10/11/2015 in the Yên Bái association's copy, 01/12/2015 in
        # Bà Rịa–Vũng Tàu's QĐ 1014/QĐ-UBND): the shipped sets record 10/11/2015, and so does this.
        LegalDocument(
            kind="Quyết định",
            number="448/QĐ-KHVN",
            issued_on=datetime.date(2015, 11, 10),
            issuer="của Trung ương Hội Khuyến học Việt Nam",
            subject="ban hành Tiêu chí và Hướng dẫn tổ chức đánh giá, công nhận “Gia đình học tập”, "
            "“Dòng họ học tập”, “Cộng đồng học tập” và “Đơn vị học tập”",
            checked_in="domain criteria-sources.md §5 [V]",
        ),
    )
}

# The Prime Minister's programme each title belongs to. The commune learning community rests on
# TT 25/2023 itself (its criteria set's document).
PROGRAMME_OF_TITLE = {
    Title.FAMILY: "387/QĐ-TTg",
    Title.CLAN: "387/QĐ-TTg",
    Title.COMMUNITY: "387/QĐ-TTg",
    Title.UNIT: "387/QĐ-TTg",
    Title.CITIZEN: "677/QĐ-TTg",
}

# "24/2023/TT-BGDĐT", "448/QĐ-KHVN", "12/2026/QĐ-UBND": a document number inside free text.
_NUMBER = re.compile(r"\b\d+/(?:\d{4}/)?[A-ZĐ][\wĐđ]*(?:-[\wĐđ]+)+")


def local_government_law(on: datetime.date) -> tuple[LegalDocument, ...]:
    for in_force_from, documents in LOCAL_GOVERNMENT_LAWS:
        if on >= in_force_from:
            return documents
    return LOCAL_GOVERNMENT_LAWS[-1][1]


def _own_document(text: str, issued_on: datetime.date | None) -> str | None:
    """A province's own official set names its document in free text ("Quyết định số 12/QĐ-UBND
    ngày 01/03/2026 của Ủy ban nhân dân tỉnh Cao Bằng"): cited as written when it carries a number
    and a date (the set's date added when the text has none)."""
    if not _NUMBER.search(text):
        return None
    if "ngày" in text:
        return text
    if issued_on is None:
        return None
    number = _NUMBER.search(text)
    return f"{text[: number.end()]} {day_in_words(issued_on)}{text[number.end() :]}"


def criteria_set_citation(version: CriteriaSetVersion) -> str | None:
    """How a decision cites the document behind a criteria set, or None: a provisional set (no
    official text) and a set whose document's number or date is unknown are not cited."""
    definition = definition_of(version)
    return document_citation(version.status, definition.issuing_document, definition.issued_on)


def document_citation(status: str, issuing_document: str | None, issued_on: datetime.date | None) -> str | None:
    if status == CriteriaSetVersion.Status.PROVISIONAL:
        return None
    text = (issuing_document or "").strip()
    for number in _NUMBER.findall(text):
        if number in DOCUMENTS:
            return DOCUMENTS[number].citation()
    if status == CriteriaSetVersion.Status.OFFICIAL and text:
        return _own_document(text, issued_on)
    return None


def unit_in_sentence(unit: Unit) -> str:
    """ "xã An Lạc": a unit's name inside a sentence (its kind in lower case)."""
    return unit.name[:1].lower() + unit.name[1:]


def legal_basis_lines(
    title: str, year: int, issuer: Unit, issued_on: datetime.date, criteria_sets: Iterable[CriteriaSetVersion]
) -> list[str]:
    """The default "Căn cứ" lines of a decision recognising `title` for `year`."""
    cited: list[str] = []
    law = local_government_law(issued_on)
    cited.append("; ".join(document.citation() for document in law))
    programme = PROGRAMME_OF_TITLE.get(title)
    if programme:
        cited.append(DOCUMENTS[programme].citation())
    sets = sorted(criteria_sets, key=lambda version: (version.effective_from, version.code))
    for citation in (criteria_set_citation(version) for version in sets):
        if citation and citation not in cited:
            cited.append(citation)
    lines = [f"Căn cứ {citation};" for citation in cited]
    lines.append(
        f"Xét đề nghị của Hội đồng đánh giá, công nhận “{Title(title).label}” {unit_in_sentence(issuer)} năm {year}."
    )
    return lines
