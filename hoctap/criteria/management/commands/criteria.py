"""`python manage.py criteria validate|list|show|score`: criteria sets from the command line.

`validate` and `score` need no database: `validate` reads only the file, and `score` (like `show`)
takes the set from a file path, or from the database, or, when the database is unreachable or does
not have the code, from the sets shipped under hoctap/criteria/sets/.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from hoctap.core.uploads import UploadRejected
from hoctap.criteria import loader, services
from hoctap.criteria.engine import AnswerError
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.schema import CriteriaSet


class Command(BaseCommand):
    help = (
        "Bộ tiêu chí: validate FILE (YAML hoặc .xlsx; liệt kê mọi lỗi, mã thoát 1 khi sai), list, "
        "show CODE [--version N], score CODE|FILE ANSWERS.json [--area-class] [--group] [--facts FACTS.json]."
    )
    # The checks are skipped so that validate and score run where no database is reachable.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        # Each action takes --language after its name, where people type it.
        language = CommandParser(add_help=False)
        language.add_argument("--language", choices=["vi", "en"], default="vi", help="ngôn ngữ của thông báo")

        validate = actions.add_parser("validate", help="kiểm tra một tệp YAML hoặc .xlsx", parents=[language])
        validate.add_argument("file")

        actions.add_parser("list", help="các phiên bản đã công bố (cần cơ sở dữ liệu)", parents=[language])

        show = actions.add_parser("show", help="tóm tắt một bộ tiêu chí", parents=[language])
        show.add_argument("code", help="mã bộ tiêu chí hoặc đường dẫn tệp")
        show.add_argument("--version", type=int, dest="set_version")
        show.add_argument("--yaml", action="store_true", help="in nội dung YAML")

        score = actions.add_parser("score", help="chấm một phiếu, in kết quả dạng JSON", parents=[language])
        score.add_argument("code", help="mã bộ tiêu chí hoặc đường dẫn tệp")
        score.add_argument("answers", help="tệp JSON: {answers, facts, area_class, group} hoặc chỉ answers")
        score.add_argument("--version", type=int, dest="set_version")
        score.add_argument("--area-class", dest="area_class")
        score.add_argument("--group")
        score.add_argument("--facts", help="tệp JSON: tên dữ kiện → giá trị")

    def handle(self, *args, action, language, **options):
        self.english = language == "en"
        getattr(self, f"handle_{action}")(**options)

    def _message(self, vi: str, en: str) -> str:
        return en if self.english else vi

    # -- validate ---------------------------------------------------------------------------
    def handle_validate(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(self._message(f"Không có tệp {file}.", f"No such file: {file}."))
        try:
            candidate = services.read_path(path)
        except UploadRejected as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None
        if not candidate.is_valid:
            for problem in candidate.problems:
                self.stdout.write(problem.render("en" if self.english else "vi"))
            count = len(candidate.problems)
            raise CommandError(
                self._message(f"{path.name}: {count} lỗi.", f"{path.name}: {count} problem(s)."), returncode=1
            )
        criteria_set = candidate.criteria_set
        self.stdout.write(
            self._message(
                f"{path.name}: hợp lệ. {criteria_set.code} phiên bản {criteria_set.version}, "
                f"{len(criteria_set.indicators)} chỉ số, tình trạng {criteria_set.status}.",
                f"{path.name}: valid. {criteria_set.code} version {criteria_set.version}, "
                f"{len(criteria_set.indicators)} indicators, status {criteria_set.status}.",
            )
        )
        self._write_gaps(criteria_set)

    def _write_gaps(self, criteria_set: CriteriaSet) -> None:
        if criteria_set.status == "official":
            return
        self.stdout.write(
            self._message(
                f"CẢNH BÁO: bộ tiêu chí chưa đầy đủ ({criteria_set.status}). Còn thiếu:",
                f"WARNING: the set is incomplete ({criteria_set.status}). Missing:",
            )
        )
        for gap in criteria_set.gaps:
            self.stdout.write(f"  - {gap.text_en if self.english else gap.text_vi}")

    # -- list -------------------------------------------------------------------------------
    def handle_list(self, **options):
        try:
            versions = list(CriteriaSetVersion.objects.select_related("province"))
        except DatabaseError as error:
            raise CommandError(
                self._message(
                    f"Không đọc được cơ sở dữ liệu ({error.__class__.__name__}); list cần cơ sở dữ liệu.",
                    f"The database cannot be read ({error.__class__.__name__}); list needs it.",
                )
            ) from None
        for version in versions:
            where = version.province.name if version.province else self._message("toàn quốc", "national")
            until = version.effective_to.isoformat() if version.effective_to else "…"
            self.stdout.write(
                f"{version.pk:>5}  {version.code:<36} v{version.version:<3} {version.title:<18} "
                f"{version.status:<12} {version.effective_from.isoformat()}–{until}  {where}"
            )
        self.stdout.write(self._message(f"{len(versions)} phiên bản.", f"{len(versions)} version(s)."))

    # -- finding a set ----------------------------------------------------------------------
    def _load(self, reference: str, version: int | None) -> CriteriaSet:
        path = Path(reference)
        if path.is_file():
            try:
                candidate = services.read_path(path)
            except UploadRejected as error:
                raise CommandError(" ".join(error.messages)) from None
            if not candidate.is_valid:
                problems = "\n".join(p.render("en" if self.english else "vi") for p in candidate.problems)
                raise CommandError(problems)
            return candidate.criteria_set
        try:
            stored = CriteriaSetVersion.objects.filter(code=reference)
            if version is not None:
                stored = stored.filter(version=version)
            row = stored.order_by("-version").first()
            if row is not None:
                return row.definition
            reason = self._message("chưa công bố trong cơ sở dữ liệu", "not published in the database")
        except DatabaseError:
            reason = self._message("không kết nối được cơ sở dữ liệu", "the database is unreachable")
        for shipped in loader.shipped_set_paths():
            criteria_set = loader.load_file(shipped)
            if criteria_set.code == reference and version in (None, criteria_set.version):
                self.stderr.write(
                    self._message(
                        f"{reference}: {reason}; dùng tệp đi kèm {shipped.name}.",
                        f"{reference}: {reason}; using the shipped file {shipped.name}.",
                    )
                )
                return criteria_set
        raise CommandError(
            self._message(
                f"Không tìm thấy bộ tiêu chí {reference}{f' phiên bản {version}' if version else ''} ({reason}).",
                f"No criteria set {reference}{f' version {version}' if version else ''} ({reason}).",
            )
        )

    # -- show -------------------------------------------------------------------------------
    def handle_show(self, code, set_version=None, yaml=False, **options):
        criteria_set = self._load(code, set_version)
        if yaml:
            self.stdout.write(loader.to_yaml(criteria_set), ending="")
            return
        name = criteria_set.name_en if self.english else criteria_set.name_vi
        self.stdout.write(
            f"{name}\n{criteria_set.code} v{criteria_set.version} · {criteria_set.title} · "
            f"{criteria_set.status} · {criteria_set.effective_from.isoformat()}"
        )
        self._write_gaps(criteria_set)
        for criterion in criteria_set.criteria:
            self.stdout.write(f"\n{criterion.code}. {criterion.name_en if self.english else criterion.name_vi}")
            for indicator in criterion.indicators:
                if indicator.kind == "pass_fail":
                    weight = self._message("đạt/không đạt", "pass/fail")
                else:
                    weight = format(indicator.max_points, "f")
                    if indicator.floor is not None:
                        weight += self._message(f", sàn {indicator.floor}", f", floor {indicator.floor}")
                mandatory = self._message(", bắt buộc", ", mandatory") if indicator.mandatory else ""
                text = indicator.text_en if self.english else indicator.text_vi
                self.stdout.write(f"  {indicator.code} [{weight}{mandatory}] {text}")
        scoring = criteria_set.scoring
        if scoring.method == "points":
            self.stdout.write(f"\n{self._message('Tổng điểm tối đa', 'Maximum total')}: {criteria_set.max_total}")
        for mark in scoring.pass_marks:
            self.stdout.write(f"{self._message('Điểm đạt', 'Pass mark')} ({mark.area_class}): {mark.min}")
        for band in scoring.bands:
            self.stdout.write(f"{band.code}: ≥ {band.min}")
        for level in scoring.levels:
            required = level.required_indicators
            if required != "all":
                required = ", ".join(required)
            self.stdout.write(f"{level.code}: {required}")
        for dependency in criteria_set.dependencies:
            value = "" if dependency.value is None else f" {dependency.value}"
            when = ""
            if dependency.when is not None:
                when_value = "" if dependency.when.value is None else f" {dependency.when.value}"
                only_when = self._message("chỉ khi", "only when")
                when = f" ({only_when} {dependency.when.fact} {dependency.when.op}{when_value})"
            self.stdout.write(f"{dependency.code}: {dependency.fact} {dependency.op}{value}{when}")

    # -- score ------------------------------------------------------------------------------
    def _read_json(self, file: str):
        try:
            with open(file, encoding="utf-8-sig") as handle:
                # Decimal keeps 84.99 exact, as docs/answers-format.md asks.
                return json.load(handle, parse_float=Decimal)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                self._message(
                    f"{file}: JSON sai ở dòng {error.lineno}, cột {error.colno}: {error.msg}.",
                    f"{file}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}.",
                )
            ) from None

    def handle_score(self, code, answers, set_version=None, area_class=None, group=None, facts=None, **options):
        criteria_set = self._load(code, set_version)
        data = self._read_json(answers)
        # The sheet shape of docs/answers-format.md, or a bare mapping of indicator codes.
        sheet = dict(data) if isinstance(data, dict) and isinstance(data.get("answers"), dict) else {"answers": data}
        if facts is not None:
            sheet["facts"] = self._read_json(facts)
        if area_class is not None:
            sheet["area_class"] = area_class
        if group is not None:
            sheet["group"] = group
        try:
            result = services.score_sheet(criteria_set, sheet)
        except AnswerError as error:
            for problem in error.problems:
                message = problem.message_en if self.english else problem.message_vi
                self.stderr.write(f"{services.answer_problem_field(problem)}: {message}")
            raise CommandError(
                self._message(
                    f"{len(error.problems)} lỗi trong phiếu.",
                    f"{len(error.problems)} problem(s) in the sheet.",
                ),
                returncode=1,
            ) from None
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
