"""Publishing, exporting and scoring criteria sets: the domain behind the pages, the API and the
`criteria` command.

Nothing is stored until a file is entirely valid and fits the versions already published; the
publisher first sees every problem, then publishing checks the same text again.

Version numbers: the file's `version` must be the next one for its code (1 for a new code, the
latest + 1 otherwise), and the service never bumps it itself. The stored YAML is then exactly the
text the publisher reviewed, so the version written in the file, in the database and in every
export agree; a wrong number is reported like any other problem, at the `version` line or cell.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import OutOfScope, Scope
from hoctap.audit.exports import record_export
from hoctap.core.uploads import OLE2_MAGIC, ZIP_MAGIC, UploadRejected, check_xlsx
from hoctap.territory.models import Era, Level, Unit

from . import loader
from .diff import SetDiff, diff_sets
from .engine import AnswerError, AnswerProblem, Result, score
from .models import CriteriaSetVersion
from .schema import CriteriaFileError, CriteriaSet, Problem
from .xlsx import SHEET_INFO, export_xlsx, import_xlsx

YAML_CONTENT_TYPE = "application/yaml; charset=utf-8"

# Keys whose place in the file the publishing checks point at.
_LOCATED_KEYS = ("code", "version", "title")
_TOP_LEVEL_KEY = re.compile(r"^(code|version|title)\s*:", re.MULTILINE)

# Stored data, not interface text: the same whatever language the publisher reads.
XLSX_HEADER = "# Chuyển từ bảng tính .xlsx (converted from an .xlsx workbook); định dạng: docs/criteria-format.md\n"

# Comment lines that exports of incomplete sets start with. They are recognised and replaced on the
# next export, so a file exported, edited and published again does not pile them up.
BANNER_PREFIX = "# hoctap-status: "


@dataclass(frozen=True)
class Candidate:
    """A file read for publishing: the set when it is valid, and every problem found."""

    source_name: str
    source_yaml: str | None
    criteria_set: CriteriaSet | None
    problems: tuple[Problem, ...] = ()
    # Where code, version and title are in the file, to locate the publishing problems.
    locations: Mapping[str, Mapping[str, Any]] | None = None
    # The latest published version of the same code, when the reader may see it.
    previous: CriteriaSetVersion | None = None

    @property
    def is_valid(self) -> bool:
        return self.criteria_set is not None and not self.problems

    @property
    def fingerprint(self) -> str:
        return self.criteria_set.fingerprint() if self.criteria_set is not None else ""

    def diff(self) -> SetDiff | None:
        if self.previous is None or self.criteria_set is None:
            return None
        return diff_sets(self.previous.definition, self.criteria_set)


# --- reading files ----------------------------------------------------------------------------


def safe_name(name: str | None) -> str:
    """The base name of an uploaded file, short; it only labels problems and is never a path."""
    return PurePath(name or "").name[:120] or "upload"


def read_upload(uploaded) -> Candidate:
    """Read an uploaded criteria file, recognised by its content (not its name): an .xlsx workbook
    or UTF-8 YAML text. Raises UploadRejected when it is too big or neither."""
    name = safe_name(getattr(uploaded, "name", None))
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
        check_xlsx(uploaded)
        return read_xlsx(uploaded.read(), name)
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise UploadRejected(
            _("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    data = uploaded.read()
    if not data.strip():
        raise UploadRejected(_("Tệp rỗng."))
    if b"\x00" in data or head.startswith(b"%PDF"):
        raise UploadRejected(
            _(
                "Tệp không phải văn bản YAML (UTF-8) cũng không phải bảng tính .xlsx. Hãy tải bản xuất YAML "
                "hoặc Excel của một bộ tiêu chí, sửa rồi tải lên."
            )
        )
    return read_yaml_bytes(data, name)


def read_yaml_bytes(data: bytes, source_name: str) -> Candidate:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Candidate(
            source_name,
            None,
            None,
            (
                Problem(
                    source_name,
                    "",
                    "encoding",
                    f"Tệp không phải văn bản UTF-8 ({error.reason} tại byte {error.start}). Hãy lưu lại với mã UTF-8.",
                    f"The file is not UTF-8 text ({error.reason} at byte {error.start}). Save it again as UTF-8.",
                ),
            ),
        )
    return read_yaml_text(text, source_name)


def read_yaml_text(text: str, source_name: str) -> Candidate:
    # Browsers send form text with CRLF; the stored text uses LF like the shipped files.
    text = text.replace("\r\n", "\n")
    locations = {
        match.group(1): {"line": text.count("\n", 0, match.start()) + 1} for match in _TOP_LEVEL_KEY.finditer(text)
    }
    try:
        criteria_set = loader.load_text(text, source_name)
    except CriteriaFileError as error:
        return Candidate(source_name, text, None, error.problems, locations)
    return Candidate(source_name, text, criteria_set, (), locations)


def read_xlsx(data: bytes, source_name: str) -> Candidate:
    try:
        criteria_set = import_xlsx(data, source_name)
    except CriteriaFileError as error:
        return Candidate(source_name, None, None, error.problems)
    return Candidate(source_name, XLSX_HEADER + loader.to_yaml(criteria_set), criteria_set, (), _xlsx_locations(data))


def _xlsx_locations(data: bytes) -> dict[str, dict[str, Any]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    found = {}
    rows = workbook[SHEET_INFO].iter_rows(min_row=2, max_col=1, values_only=True)
    for number, row in enumerate(rows, start=2):
        key = str(row[0]).strip() if row and row[0] is not None else ""
        if key in _LOCATED_KEYS and key not in found:
            # Column C holds the value (A the key, B its meaning), as export_xlsx writes it.
            found[key] = {"sheet": SHEET_INFO, "row": number, "column": "C"}
    workbook.close()
    return found


def read_path(path) -> Candidate:
    """A file on disk, read exactly as an upload would be (the command line's `validate`)."""
    with open(path, "rb") as handle:
        return read_upload(File(handle, name=str(path)))


# --- publishing --------------------------------------------------------------------------------


def publish_targets(scope: Scope) -> list[tuple[str, str, Unit | None]]:
    """Where the user may publish: ("national", label, None) for a central administrator, and
    (province id, name, province) for each province they manage criteria in."""
    targets: list[tuple[str, str, Unit | None]] = []
    if scope.is_national(Capability.MANAGE_CRITERIA):
        targets.append(("national", _("Toàn quốc"), None))
    for unit in scope.home_units():
        if unit.level == Level.PROVINCE and unit.era == Era.CURRENT and scope.can(Capability.MANAGE_CRITERIA, unit):
            targets.append((str(unit.pk), unit.name, unit))
    return targets


def _problem(candidate: Candidate, key: str, kind: str, message_vi: str, message_en: str) -> Problem:
    return Problem(candidate.source_name, key, kind, message_vi, message_en, **(candidate.locations or {}).get(key, {}))


def check_against_published(candidate: Candidate, *, province: Unit | None, scope: Scope) -> Candidate:
    """Add the problems that depend on what is already published: the code belongs to another
    territory, the title changed, the version is not the next one, or nothing changed."""
    criteria_set = candidate.criteria_set
    if criteria_set is None:
        return candidate
    published = CriteriaSetVersion.objects.filter(code=criteria_set.code)
    latest = published.order_by("-version").first()
    visible = scope.filter(published).order_by("-version").first()
    problems: list[Problem] = []
    province_id = province.pk if province is not None else None
    if latest is not None and latest.province_id != province_id:
        # Another territory's code: say so without saying whose, that is outside the scope.
        problems.append(
            _problem(
                candidate,
                "code",
                "code_taken",
                f"Mã «{criteria_set.code}» đã được dùng cho một bộ tiêu chí ở nơi khác; hãy đặt mã khác "
                "(ví dụ thêm tên tỉnh).",
                f"Code '{criteria_set.code}' is already used by a criteria set elsewhere; choose another "
                "(e.g. add the province's name).",
            )
        )
    elif latest is not None and latest.title != criteria_set.title:
        problems.append(
            _problem(
                candidate,
                "title",
                "title_changed",
                f"Các phiên bản của «{criteria_set.code}» là bộ tiêu chí danh hiệu «{latest.title}»; phiên bản "
                "mới không được đổi danh hiệu. Bộ tiêu chí cho danh hiệu khác cần mã khác.",
                f"The versions of '{criteria_set.code}' are for the title '{latest.title}'; a new version cannot "
                "change it. A set for another title needs another code.",
            )
        )
    else:
        expected = latest.version + 1 if latest is not None else 1
        if criteria_set.version != expected:
            problems.append(
                _problem(
                    candidate,
                    "version",
                    "version_not_next",
                    f"Tệp ghi phiên bản {criteria_set.version}, nhưng phiên bản tiếp theo của «{criteria_set.code}» "
                    f"là {expected}. Hãy sửa version: {expected} (các phiên bản đã công bố được giữ nguyên).",
                    f"The file says version {criteria_set.version}, but the next version of '{criteria_set.code}' "
                    f"is {expected}. Set version: {expected} (published versions are kept as they are).",
                )
            )
        elif latest is not None and _same_content(latest, criteria_set):
            problems.append(
                _problem(
                    candidate,
                    "version",
                    "unchanged",
                    f"Nội dung giống hệt phiên bản {latest.version} đã công bố; không có gì để công bố.",
                    f"The content is the same as published version {latest.version}; there is nothing to publish.",
                )
            )
    return replace(candidate, problems=candidate.problems + tuple(problems), previous=visible)


def _same_content(published: CriteriaSetVersion, criteria_set: CriteriaSet) -> bool:
    # The fingerprint covers the version number; compare as if the new file kept the old number.
    return criteria_set.model_copy(update={"version": published.version}).fingerprint() == published.fingerprint


# The columns of a stored version that are copied from its set (lists and filters read them).
COPIED_FROM_SET = ("code", "version", "title", "status", "name_vi", "name_en", "effective_from", "effective_to")


def new_version(criteria_set: CriteriaSet, **stored: Any) -> CriteriaSetVersion:
    """An unsaved version of `criteria_set`: the columns copied from the set, plus what `stored`
    gives (its text and fingerprint; where it applies and who published it, when known)."""
    return CriteriaSetVersion(**{name: getattr(criteria_set, name) for name in COPIED_FROM_SET}, **stored)


def require_publisher(scope: Scope, province: Unit | None) -> None:
    if province is None:
        allowed = scope.is_national(Capability.MANAGE_CRITERIA)
    else:
        allowed = (
            province.level == Level.PROVINCE
            and province.era == Era.CURRENT
            and scope.can(Capability.MANAGE_CRITERIA, province)
        )
    if not allowed:
        raise OutOfScope(_("Bạn không được công bố bộ tiêu chí cho địa bàn này."))


def publish(
    scope: Scope,
    source_yaml: str,
    *,
    province: Unit | None,
    user,
    source_name: str = "upload",
    expected_fingerprint: str | None = None,
) -> CriteriaSetVersion:
    """Store a new version: checked again from the text itself, then saved through the scope.

    Raises CriteriaFileError with every problem (nothing is stored), OutOfScope when the user may
    not publish there.
    """
    require_publisher(scope, province)
    candidate = check_against_published(read_yaml_text(source_yaml, source_name), province=province, scope=scope)
    if not candidate.is_valid:
        raise CriteriaFileError(candidate.problems)
    criteria_set = candidate.criteria_set
    if expected_fingerprint is not None and candidate.fingerprint != expected_fingerprint:
        raise CriteriaFileError(
            [
                Problem(
                    source_name,
                    "",
                    "changed_since_review",
                    "Nội dung khác với bản đã kiểm tra; hãy tải tệp lên và kiểm tra lại.",
                    "The content differs from the one checked; upload the file and check it again.",
                )
            ]
        )
    version = new_version(
        criteria_set,
        province=province,
        source_yaml=candidate.source_yaml,
        fingerprint=candidate.fingerprint,
        published_by=user,
    )
    try:
        with transaction.atomic():
            scope.save(version, Capability.MANAGE_CRITERIA)
    except IntegrityError:
        # Someone published the same code and version between the check and the save.
        raise CriteriaFileError(
            [
                _problem(
                    candidate,
                    "version",
                    "version_taken",
                    f"Phiên bản {criteria_set.version} của «{criteria_set.code}» vừa được người khác công bố; "
                    "hãy tải lại và dùng số phiên bản tiếp theo.",
                    f"Version {criteria_set.version} of '{criteria_set.code}' was just published by someone else; "
                    "reload and use the next version number.",
                )
            ]
        ) from None
    return version


# --- reading and exporting published versions ---------------------------------------------------


def versions_by_code(versions) -> list[tuple[CriteriaSetVersion, list[CriteriaSetVersion]]]:
    """(latest, older versions) per code, in the queryset's order of codes."""
    grouped: dict[str, list[CriteriaSetVersion]] = {}
    for version in versions:
        grouped.setdefault(version.code, []).append(version)
    result = []
    for same_code in grouped.values():
        same_code.sort(key=lambda v: v.version, reverse=True)
        result.append((same_code[0], same_code[1:]))
    return result


def status_banner(version: CriteriaSetVersion) -> str:
    """The comment block an export of an incomplete set starts with: its status and every gap."""
    if version.is_complete:
        return ""
    lines = [
        f"CẢNH BÁO / WARNING: {version.code} v{version.version} — status: {version.status} "
        f"({CriteriaSetVersion.Status(version.status).label})",
        "Còn thiếu / Missing:",
    ]
    for gap in version.definition.gaps:
        lines += [f"- {gap.text_vi}", f"  ({gap.text_en})"]
    return "".join(f"{BANNER_PREFIX}{line}\n" for line in lines)


def export_yaml(version: CriteriaSetVersion) -> str:
    """The stored text as published (comments kept), after a fresh status banner when incomplete."""
    lines = version.source_yaml.splitlines(keepends=True)
    while lines and lines[0].startswith(BANNER_PREFIX):
        lines.pop(0)
    return status_banner(version) + "".join(lines)


def export_workbook(version: CriteriaSetVersion) -> bytes:
    return export_xlsx(version.definition)


def audit_export(actor, version: CriteriaSetVersion, file_format: str) -> None:
    """The audit entry of a criteria set's export (rows: its indicators)."""
    record_export(
        actor,
        "criteria.set",
        rows=len(version.definition.indicators),
        filters={"set": version.code, "version": version.version},
        file_format=file_format,
    )


def export_filename(version: CriteriaSetVersion, extension: str) -> str:
    # Incomplete sets say so in the file name too, where a downloaded file is first seen.
    suffix = "" if version.is_complete else f"-{version.status}"
    return f"{version.code}-v{version.version}{suffix}.{extension}"


# --- scoring ----------------------------------------------------------------------------------


def score_sheet(criteria_set: CriteriaSet, sheet: Mapping[str, Any]) -> Result:
    """Score a sheet in the JSON shape of docs/answers-format.md ({answers, facts, area_class, group})."""
    answers = sheet.get("answers")
    facts = sheet.get("facts") or {}
    problems = []
    if not isinstance(answers, Mapping):
        problems.append(
            AnswerProblem(
                "answers",
                "not_a_mapping",
                "Cần bảng mã chỉ số: kết quả (answers).",
                "answers must map indicator codes to results.",
            )
        )
    if not isinstance(facts, Mapping):
        problems.append(
            AnswerProblem(
                "facts",
                "not_a_mapping",
                "Cần bảng tên dữ kiện: giá trị (facts).",
                "facts must map fact names to values.",
            )
        )
    if problems:
        raise AnswerError(problems)
    return score(
        criteria_set,
        answers,
        facts,
        area_class=sheet.get("area_class") or "normal",
        group=sheet.get("group") or None,
    )


def answer_problem_field(problem: AnswerProblem) -> str:
    """The input field an answer problem is about, as a dotted name (answers.CS1, facts.x, group)."""
    if problem.kind == "not_a_mapping" or problem.kind in ("unknown_area_class", "unknown_group"):
        return problem.subject
    if problem.kind.startswith("fact_"):
        return f"facts.{problem.subject}"
    return f"answers.{problem.subject}"


# --- presenting problems ------------------------------------------------------------------------


def problem_rows(problems, language: str) -> list[dict[str, str]]:
    """Problems as table rows in the reader's language, each with where it is in the file."""
    english = (language or "").startswith("en")
    rows = []
    for problem in problems:
        if problem.sheet is not None:
            cell = f"{problem.column or ''}{problem.row or ''}"
            where = (
                f"{problem.sheet}!{cell}"
                if problem.column
                else (
                    _("%(sheet)s, dòng %(row)s") % {"sheet": problem.sheet, "row": problem.row}
                    if problem.row
                    else problem.sheet
                )
            )
        elif problem.line is not None:
            where = _("dòng %(line)s") % {"line": problem.line}
        else:
            where = ""
        rows.append(
            {
                "where": where,
                "path": problem.path,
                "kind": problem.kind,
                "source": problem.source,
                "message": problem.message_en if english else problem.message_vi,
            }
        )
    return rows
