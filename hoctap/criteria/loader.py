"""Read criteria sets from YAML (text, files or already-parsed mappings) and write them back.

Every way in ends in :func:`load_mapping`, which reports all structural and consistency problems
of a document at once and returns nothing unless the document is entirely valid.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hoctap.criteria.schema import (
    CODE_PATTERN,
    FACT_PATTERN,
    SET_CODE_PATTERN,
    SOURCE_ID_PATTERN,
    URL_PATTERN,
    CriteriaFileError,
    CriteriaSet,
    Problem,
    find_consistency_problems,
)

SHIPPED_SETS_DIR = Path(__file__).resolve().parent / "sets"


# --- YAML reading -------------------------------------------------------------------------------


# A criteria file is a few hundred nodes, seven or eight levels deep, 4-13 KB (the shipped sets).
# The limits leave room for twenty times that and stop what a hostile file could cost: a 350-byte
# "billion laughs" of anchors and aliases expanded to 1.6 GB and 20 s of CPU before they existed.
MAX_BYTES = 256 * 1024
MAX_DEPTH = 16
MAX_NODES = 10_000
MAX_SECONDS = 2.0


class _LimitRefused(Exception):
    def __init__(self, kind: str, message_vi: str, message_en: str, line: int | None = None):
        super().__init__(kind)
        self.problem = (kind, message_vi, message_en, line)


class _DecimalSafeLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal, so 84.99 in a file is exactly 84.99 in memory, and
    composes within the limits above: no anchors or aliases at all (a criteria file never needs
    them, and expanding them is what makes a small file huge), bounded depth, node count and time."""

    def __init__(self, stream: str):
        self._depth = 0
        self._nodes = 0
        # CPU time of this thread, not the wall clock: a busy server (or test machine) descheduling
        # the thread must not turn a shipped or stored set into "too complex" (which the digital-skills
        # rule and the scoring would then read as unreadable); what a hostile file costs is CPU.
        self._deadline = time.thread_time() + MAX_SECONDS
        super().__init__(stream)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _LimitRefused(
                "yaml_alias",
                "Tệp dùng neo hoặc bí danh YAML (&, *), không được nhận trong bộ tiêu chí. "
                "Hãy viết đầy đủ từng giá trị.",
                "The file uses YAML anchors or aliases (&, *), which criteria files may not use. "
                "Write each value out in full.",
                line,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitRefused(
                "too_many_nodes",
                f"Tệp có quá nhiều mục (giới hạn {MAX_NODES}).",
                f"The file has too many entries (the limit is {MAX_NODES}).",
                line,
            )
        if self._depth >= MAX_DEPTH:
            raise _LimitRefused(
                "too_deep",
                f"Tệp lồng nhau quá sâu (giới hạn {MAX_DEPTH} cấp).",
                f"The file is nested too deeply (the limit is {MAX_DEPTH} levels).",
                line,
            )
        if time.thread_time() > self._deadline:
            raise _LimitRefused(
                "too_slow",
                "Tệp quá phức tạp, không đọc xong trong thời gian cho phép.",
                "The file is too complex to read in the time allowed.",
                line,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # YAML spellings Decimal does not know (.inf, 1:30 sexagesimal) stay text; validation then
        # reports "not a number" at the right path.
        return text


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _record_lines(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    duplicates: list[tuple[str, int]],
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in seen:
                duplicates.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{path}[{index}]", lines, duplicates)


_LAST_SEGMENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def _line_for(path: str, lines: Mapping[str, int]) -> int | None:
    """The line of ``path``, or of its closest ancestor present in the file (for missing keys)."""
    while True:
        if path in lines:
            return lines[path]
        shorter = _LAST_SEGMENT.sub("", path)
        if shorter == path:
            return lines.get("")
        path = shorter


def load_text(text: str, source_name: str = "<text>") -> CriteriaSet:
    """Parse and validate a YAML criteria document; raise CriteriaFileError listing every problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise CriteriaFileError(
            [
                Problem(
                    source_name,
                    "",
                    "too_large",
                    f"Tệp quá lớn ({size // 1024} KB); bộ tiêu chí tối đa {MAX_BYTES // 1024} KB.",
                    f"The file is too large ({size // 1024} KB); a criteria set may be at most {MAX_BYTES // 1024} KB.",
                )
            ]
        )
    loader: _DecimalSafeLoader | None = None
    try:
        # The reader checks for control characters as soon as it is built: inside the try, so they
        # are a syntax problem like any other, not an unexpected error.
        loader = _DecimalSafeLoader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _LimitRefused as refused:
        kind, message_vi, message_en, line = refused.problem
        raise CriteriaFileError([Problem(source_name, "", kind, message_vi, message_en, line=line)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        detail = str(error).replace("\n", " ")
        raise CriteriaFileError(
            [
                Problem(
                    source_name,
                    "",
                    "yaml_syntax",
                    f"Tệp YAML sai cú pháp: {detail}",
                    f"The YAML is not well formed: {detail}",
                    line=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()

    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    if node is not None:
        _record_lines(node, "", lines, duplicates)
    problems = [
        Problem(
            source_name,
            path,
            "duplicate_key",
            f"Khóa «{path.rsplit('.', 1)[-1]}» xuất hiện hai lần; YAML chỉ giữ lần cuối.",
            f"Key '{path.rsplit('.', 1)[-1]}' appears twice; YAML would keep only the last one.",
            line=line,
        )
        for path, line in duplicates
    ]
    try:
        criteria_set = load_mapping(data, source_name)
    except CriteriaFileError as error:
        problems.extend(error.problems)
    if problems:
        located = [replace(p, line=_line_for(p.path, lines)) if p.line is None else p for p in problems]
        located.sort(key=lambda p: p.line if p.line is not None else 0)
        raise CriteriaFileError(located)
    return criteria_set


def load_file(path: str | os.PathLike[str]) -> CriteriaSet:
    """Load a YAML criteria file; problems name the file by its base name."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CriteriaFileError(
            [
                Problem(
                    path.name,
                    "",
                    "encoding",
                    f"Tệp không phải văn bản UTF-8 ({error.reason} tại byte {error.start}).",
                    f"The file is not UTF-8 text ({error.reason} at byte {error.start}).",
                )
            ]
        ) from None
    return load_text(text, path.name)


def shipped_set_paths() -> list[Path]:
    """The criteria sets that ship with hoctap, in file-name order."""
    return sorted(SHIPPED_SETS_DIR.glob("*.yaml"))


def load_shipped_sets() -> dict[str, CriteriaSet]:
    """Every shipped set, keyed by its code."""
    loaded = (load_file(path) for path in shipped_set_paths())
    return {criteria_set.code: criteria_set for criteria_set in loaded}


# --- validation of a parsed document ------------------------------------------------------------

_PATTERN_NAMES: dict[str, tuple[str, str]] = {
    CODE_PATTERN: (
        "mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ cái",
        "a code of unaccented letters, digits, '.', '-' or '_', starting with a letter",
    ),
    SET_CODE_PATTERN: (
        "mã bộ tiêu chí viết thường, các phần nối bằng gạch ngang, ví dụ citizen-677-2022",
        "a lower-case set code with parts joined by '-', e.g. citizen-677-2022",
    ),
    FACT_PATTERN: (
        "tên dữ kiện viết thường, nối bằng gạch dưới, ví dụ members_citizen_share",
        "a lower-case fact name joined by '_', e.g. members_citizen_share",
    ),
    SOURCE_ID_PATTERN: ("mã nguồn dạng S52", "a source id such as S52"),
    URL_PATTERN: ("địa chỉ bắt đầu bằng http:// hoặc https://", "an address starting with http:// or https://"),
}


def _path_of(loc: tuple[str | int, ...]) -> str:
    path = ""
    for segment in loc:
        if isinstance(segment, int):
            path += f"[{segment}]"
        elif not segment.startswith("<"):  # tagged-union branch names, not part of the document
            path += f".{segment}" if path else segment
    return path


def _messages(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    english = error["msg"]
    if kind == "missing":
        return "Thiếu trường bắt buộc.", "Required field is missing."
    if kind == "extra_forbidden":
        return (
            "Trường không có trong định dạng (có thể gõ sai tên).",
            "This field is not part of the format (perhaps a misspelt name).",
        )
    if kind == "string_type":
        return "Cần một đoạn văn bản.", "Text is expected."
    if kind == "string_too_short":
        return "Không được để trống.", "Must not be empty."
    if kind == "string_too_long":
        return f"Dài quá {ctx.get('max_length')} ký tự.", english
    if kind == "string_pattern_mismatch":
        vi, en = _PATTERN_NAMES.get(ctx.get("pattern"), ("mẫu " + str(ctx.get("pattern")), english))
        return f"Sai định dạng: cần {vi}.", f"Wrong format: expected {en}."
    if kind.startswith("int_"):
        return "Cần một số nguyên.", "A whole number is expected."
    if kind in ("decimal_type", "decimal_parsing", "finite_number"):
        return "Cần một số.", "A number is expected."
    if kind == "decimal_max_places":
        return (
            f"Tối đa {ctx.get('decimal_places')} chữ số thập phân.",
            f"At most {ctx.get('decimal_places')} decimal places.",
        )
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return "Số quá lớn.", "The number is too large."
    if kind.startswith("bool_"):
        return "Cần giá trị true hoặc false.", "true or false is expected."
    if kind.startswith("date_"):
        return "Cần một ngày dạng YYYY-MM-DD.", "A date written YYYY-MM-DD is expected."
    if kind == "literal_error":
        return f"Giá trị phải là một trong: {ctx.get('expected')}.", f"Must be one of: {ctx.get('expected')}."
    if kind in ("tuple_type", "list_type"):
        return "Cần một danh sách.", "A list is expected."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "Cần một bảng khóa: giá trị.", "A mapping of keys to values is expected."
    if kind == "too_short":
        return f"Cần ít nhất {ctx.get('min_length')} mục.", f"At least {ctx.get('min_length')} entries are needed."
    if kind == "greater_than":
        return f"Phải lớn hơn {ctx.get('gt')}.", f"Must be greater than {ctx.get('gt')}."
    if kind == "greater_than_equal":
        return f"Phải lớn hơn hoặc bằng {ctx.get('ge')}.", f"Must be at least {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"Phải nhỏ hơn hoặc bằng {ctx.get('le')}.", f"Must be at most {ctx.get('le')}."
    return f"Giá trị không hợp lệ ({english}).", english


def _structural_problems(error: ValidationError, source_name: str) -> list[Problem]:
    problems = []
    for entry in error.errors(include_url=False):
        message_vi, message_en = _messages(entry)
        problems.append(Problem(source_name, _path_of(entry["loc"]), entry["type"], message_vi, message_en))
    return problems


def load_mapping(data: Any, source_name: str = "<mapping>") -> CriteriaSet:
    """Validate an already-parsed document (from YAML, JSON, a workbook or the database)."""
    if not isinstance(data, Mapping):
        raise CriteriaFileError(
            [
                Problem(
                    source_name,
                    "",
                    "not_a_mapping",
                    "Tài liệu phải là một bảng khóa: giá trị (bắt đầu bằng title:, code:...).",
                    "The document must be a mapping of keys to values (title:, code:...).",
                )
            ]
        )
    problems: list[Problem] = []
    criteria_set: CriteriaSet | None = None
    try:
        criteria_set = CriteriaSet.model_validate(data, context={"skip_consistency_checks": True})
    except ValidationError as error:
        problems.extend(_structural_problems(error, source_name))
    problems.extend(find_consistency_problems(data, source_name))
    if problems or criteria_set is None:
        raise CriteriaFileError(problems)
    return criteria_set


# --- YAML writing -------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as hand-written files do.
        return super().increase_indent(flow, False)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)


def to_yaml(criteria_set: CriteriaSet) -> str:
    """The set as YAML that :func:`load_text` reads back into an equal set (defaults left out)."""
    data = criteria_set.model_dump(mode="python", exclude_defaults=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
