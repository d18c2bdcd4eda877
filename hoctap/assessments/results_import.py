"""Results import: one campaign's assessment results from Excel, through the one workflow.

The template is generated from the campaign (`results-<campaign id>`): the subject's key as the
registry import names it, one column per indicator code of the campaign's criteria sets, then, for
years whose archive keeps only totals, the total and the classification, and for recognitions of
an earlier year the decision's number and date. The engine (hoctap.core.imports) streams, parses,
reports every error at once and writes all or nothing; this module resolves rows and writes them.

What one officer's file may do (separation of duties, docs/architecture.md "Results import"):
- a row without a decision records the subject's self-assessment and submits it: `save_answers`
  and `transition(submit)`, as the officer who keeps the subject's record (EDIT_REGISTRY). The
  importer is then its submitter, so the workflow's `is_own` keeps them from reviewing it;
- a row marked "Thẩm định" records the council's scores on a dossier already submitted by someone
  else (`transition(start_review)` if needed, then `save_answers`), by a reviewer whom `is_own`
  does not refuse; proposing and recognising stay on the system;
- a row with a decision number and date records a recognition of an earlier year from the
  archive (`workflow.record_past_recognition`): only the campaign's recognising authority over the
  subject may, never for their own subject, never for this year (recognitions of this year are
  decided on the system, where someone else has reviewed them).

Every row is first tried through those same functions inside a savepoint that is rolled back, so
the dry run reports exactly what the workflow would refuse (a score above the maximum, a result
that does not reach the pass mark, a title still held) and writes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import (
    TRUE_FLAGS,
    Column,
    ImportRun,
    ImportTemplate,
    Kind,
    Outcome,
    Row,
    register_template_family,
    rows_to_write,
)
from hoctap.core.text import fold
from hoctap.criteria.labels import classification_label
from hoctap.criteria.schema import NOT_ACHIEVED
from hoctap.criteria.titles import Title
from hoctap.registry.imports import CLANS
from hoctap.registry.models import ClanBranch, Household, Organisation, Person
from hoctap.registry.services import count_refused_id_number, id_number_not_usable
from hoctap.territory.imports import era_column
from hoctap.territory.models import REFORM_DATE, Era, Level, Unit, UnitLineage

from . import workflow
from .campaigns import campaign_for, pick_criteria_set
from .decisions import issuers_for, parse_number, record_archived_decision
from .models import Assessment, Campaign
from .sets import definition_of
from .states import HOLDING_STATES, WAITING_FOR_REVIEW, Action, State
from .subjects import adapter_for_title

PREFIX = "results"
FALSE_FLAGS = {"0", "khong", "khong dat", "no", "false"}
# States in which a self-assessment may still be (re)submitted from a file.
OPEN_STATES = (State.REGISTERED, State.SELF_ASSESSING, State.RETURNED)


STAGES = (("self", gettext_lazy("Tự đánh giá")), ("review", gettext_lazy("Thẩm định")))
# States in which a file's review scores apply: submitted (the review starts) or under review.


class _Trial(Exception):
    """Raised to roll back a row tried during the dry run."""


def _code_column(key, header, example, help_text="") -> Column:
    return Column(key, header, required=True, max_length=30, width=14, example=example, help=help_text)


def _subject_columns(title: str) -> tuple[Column, ...]:
    commune = _code_column("commune_code", gettext_lazy("Mã xã, phường"), "12001")
    if title == Title.FAMILY:
        return commune, _code_column("household_code", gettext_lazy("Mã hộ"), "H0001")
    if title == Title.CLAN:
        return commune, CLANS.column("clan_name"), CLANS.column("branch")  # as the registry's file names a branch
    if title == Title.COMMUNITY:
        return (_code_column("village_code", gettext_lazy("Mã thôn, tổ dân phố"), "1200101"),)
    if title == Title.COMMUNE_COMMUNITY:
        return (commune,)
    if title == Title.UNIT:
        return commune, Column(
            "organisation_name",
            gettext_lazy("Tên cơ quan, đơn vị"),
            required=True,
            max_length=255,
            width=30,
            example="Trường Tiểu học xã",
        )
    return (
        Column(
            "id_number",
            gettext_lazy("Số CCCD"),
            Kind.DIGITS,
            required=True,
            digits=12,
            sensitive=True,
            width=16,
            example="034080001234",
            help=gettext_lazy("Người phải có trong sổ theo dõi của địa bàn bạn được giao."),
        ),
    )


def _indicator_key(code: str) -> str:
    return f"i:{code}"


def _named_in_communes(run: ImportRun, rows: list[Row], field: str, model, folded: str, *related: str):
    """The records of `model` in the uploader's scope, in the rows' communes (`row.data["place"]`),
    whose folded name or code (`folded`) is one the rows give in `field`."""
    records = model.objects.filter(
        commune_id__in={row.data["place"].pk for row in rows}, **{f"{folded}__in": {fold(row[field]) for row in rows}}
    )
    return run.scope.filter(records.select_related(*related))


class ResultsTemplate(ImportTemplate):
    """The results of one campaign. Built per campaign (its columns come from its criteria sets)."""

    sheet_title = "Kết quả"
    capability = Capability.VIEW  # the job is filed under the uploader's home unit; rows check the rest
    chunk_size = 200
    # Each row runs through the workflow twice (tried, then written): about 45 ms a row to check
    # and 90 to import on SQLite. The empty template is ~10.6 KB, each row adds ~25 bytes, so
    # files of up to about 50 rows run in the request and larger ones on the worker.
    sync_max_bytes = 12 * 1024
    entities = {
        "assessment": gettext_lazy("Hồ sơ tự đánh giá (nộp)"),
        "review": gettext_lazy("Điểm thẩm định"),
        "recognition": gettext_lazy("Kết quả công nhận năm trước"),
    }

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.code = f"{PREFIX}-{campaign.pk}"
        self.versions = list(campaign.criteria_sets.order_by("pk"))
        self.definitions = {version.pk: definition_of(version) for version in self.versions}
        self.subject_columns = _subject_columns(campaign.title)
        indicators: dict[str, object] = {}
        classifications: dict[str, str] = {}
        for definition in self.definitions.values():
            for indicator in definition.indicators:
                indicators.setdefault(indicator.code, indicator)
            for code in definition.classification_codes():
                if code != NOT_ACHIEVED:
                    classifications.setdefault(code, str(classification_label(code)))
        self.indicator_codes = tuple(indicators)
        indicator_columns = tuple(
            Column(
                _indicator_key(code),
                code,
                width=9,
                max_length=20,
                help=f"{indicator.text_vi[:180]} "
                + (
                    str(_("Ghi x nếu đạt."))
                    if indicator.kind == "pass_fail"
                    else str(_("Điểm, tối đa %(max)s.") % {"max": format(indicator.max_points, "f")})
                ),
            )
            for code, indicator in indicators.items()
        )
        # Years before the 2025 reform: a commune's code may be the old map's (the archive's); the
        # lineage finds the commune of today, or the row names it when the old one was split.
        self.map_columns = (
            (
                era_column(
                    gettext_lazy(
                        "«mới» (mặc định): mã xã trên bản đồ hiện hành. «cũ»: mã xã trước 01/07/2025, "
                        "như trong hồ sơ lưu trữ."
                    )
                ),
                Column(
                    "current_place",
                    gettext_lazy("Mã xã hoặc thôn hiện nay"),
                    max_length=30,
                    width=16,
                    help=gettext_lazy(
                        "Chỉ cần khi xã cũ nay thuộc nhiều xã: mã xã hoặc mã thôn hiện nay của đối tượng."
                    ),
                ),
            )
            if campaign.year < REFORM_DATE.year and self.subject_columns[0].key == "commune_code"
            else ()
        )
        self.columns = (
            *self.subject_columns,
            *self.map_columns,
            *indicator_columns,
            Column(
                "stage",
                gettext_lazy("Điểm của"),
                Kind.CHOICE,
                choices=STAGES,
                width=14,
                help=gettext_lazy(
                    "Để trống hoặc «Tự đánh giá»: điểm tự chấm, hồ sơ được nộp. «Thẩm định»: điểm "
                    "của hội đồng cho hồ sơ người khác đã nộp (chưa đề nghị công nhận)."
                ),
            ),
            Column(
                "total",
                gettext_lazy("Tổng điểm"),
                Kind.TEXT,
                max_length=20,
                width=10,
                help=gettext_lazy(
                    "Chỉ dùng cho năm trước khi hồ sơ lưu trữ chỉ còn tổng điểm; khi đó để trống các cột chỉ số."
                ),
            ),
            Column(
                "classification",
                gettext_lazy("Xếp loại"),
                Kind.CHOICE,
                choices=tuple(classifications.items()),
                width=14,
                help=gettext_lazy("Đi cùng Tổng điểm."),
            ),
            Column(
                "decision_number",
                gettext_lazy("Số quyết định công nhận"),
                max_length=60,
                width=18,
                example="12/QĐ-UBND",
                help=gettext_lazy("Chỉ cho năm trước: kết quả đã được công nhận bằng quyết định này."),
            ),
            Column("decision_date", gettext_lazy("Ngày quyết định"), Kind.DATE, width=14, example="20/12/2023"),
            Column("signer_name", gettext_lazy("Người ký quyết định"), max_length=200, width=22),
        )

    @property
    def title(self) -> str:
        return _("Kết quả %(title)s năm %(year)s") % {
            "title": Title(self.campaign.title).label,
            "year": self.campaign.year,
        }

    @property
    def guide(self) -> tuple[str, ...]:
        past = self.campaign.year < timezone.localdate().year
        lines = [
            _("Mỗi dòng là một đối tượng của đợt %(campaign)s, nhận ra bằng mã như trong sổ theo dõi.")
            % {"campaign": self.campaign},
            _(
                "Ghi điểm từng chỉ số (tên cột là mã chỉ số; xem ghi chú ở tiêu đề), hoặc — chỉ cho năm trước, "
                "khi hồ sơ lưu trữ chỉ còn tổng — ghi Tổng điểm và Xếp loại, kèm quyết định công nhận."
            ),
            _("Dòng không có quyết định: hệ thống ghi điểm tự đánh giá và nộp hồ sơ; cán bộ khác thẩm định."),
            _(
                "Cột «Điểm của» ghi «Thẩm định»: điểm của hội đồng cho hồ sơ người khác đã nộp; người đã nộp hồ sơ "
                "không thẩm định được hồ sơ đó."
            ),
        ]
        if past:
            lines.append(
                _(
                    "Dòng có số và ngày quyết định: ghi kết quả đã được công nhận; chỉ lãnh đạo có thẩm quyền "
                    "công nhận của đợt mới nhập được các dòng này."
                )
            )
        return tuple(lines)

    def return_url(self) -> str:
        return reverse("assessments:campaign_detail", args=[self.campaign.pk])

    def permitted(self, scope) -> bool:
        if not scope.contains(self.campaign):
            return False
        return scope.can(Capability.EDIT_REGISTRY) or bool(issuers_for(scope, self.campaign))

    # -- checking --------------------------------------------------------------------------------

    def check(self, rows, run):
        self._resolve_subjects(rows, run)
        for row in rows:
            if row.has_errors:
                continue
            self._check_row(row, run)
        if not run.committing:
            for row in rows:
                if not row.has_errors and row.data.get("outcome") in (Outcome.CREATE, Outcome.CHANGE):
                    self._trial(row, run)
        for row in rows:
            if not row.has_errors and "outcome" in row.data:
                run.count(row.data["entity"], row.data["outcome"])

    def unique_keys(self, row):
        subject = row.data.get("subject")
        if subject is not None:
            yield self.subject_columns[-1].key, ("subject", subject.pk), _("đối tượng")

    def _resolve_subjects(self, rows: list[Row], run: ImportRun) -> None:
        title = self.campaign.title
        keys = {column.key for column in self.subject_columns}
        rows = [row for row in rows if row.ok(*keys)]
        if title == Title.CITIZEN:
            return self._resolve_people(rows, run)
        unit_key = "village_code" if title == Title.COMMUNITY else "commune_code"
        level = Level.VILLAGE if title == Title.COMMUNITY else Level.COMMUNE
        subject_is_place = title in (Title.COMMUNITY, Title.COMMUNE_COMMUNITY)
        if self.map_columns:
            rows = self._from_old_map(rows)
        codes = {row[unit_key] for row in rows if "place" not in row.data}
        units = {unit.code: unit for unit in Unit.objects.filter(era=Era.CURRENT, level=level, code__in=codes)}
        placed = []
        for row in rows:
            unit = row.data.get("place") or units.get(row[unit_key])
            if unit is None:
                row.error(unit_key, _("Không có đơn vị mã %(code)s trên bản đồ hiện hành.") % {"code": row[unit_key]})
            elif subject_is_place and not run.scope.can(Capability.VIEW, unit):
                # Households, clan branches and organisations are looked up in the scope below, so
                # a village officer names them by their commune's code too.
                row.error(unit_key, _("Đơn vị mã %(code)s nằm ngoài địa bàn bạn được giao.") % {"code": row[unit_key]})
            else:
                row.data["place"] = unit
                placed.append(row)
        if subject_is_place:
            for row in placed:
                row.data["subject"] = row.data["place"]
            return
        if title == Title.FAMILY:
            field, what = "household_code", _("hộ mã %(code)s")
            found = {
                (h.commune_id, h.code_folded): h
                for h in _named_in_communes(run, placed, field, Household, "code_folded", "village", "head")
            }
            key_of = lambda row: (row.data["place"].pk, fold(row[field]))  # noqa: E731
            named = lambda row: what % {"code": row[field]}  # noqa: E731
        elif title == Title.CLAN:
            field = "clan_name"
            found = {
                (c.commune_id, c.name_folded, c.branch_folded): c
                for c in _named_in_communes(run, placed, field, ClanBranch, "name_folded", "commune")
            }
            key_of = lambda row: (row.data["place"].pk, fold(row[field]), fold(row["branch"] or ""))  # noqa: E731
            named = lambda row: _("dòng họ %(name)s") % {"name": " ".join(filter(None, (row[field], row["branch"])))}  # noqa: E731
        else:
            field = "organisation_name"
            found = {
                (o.commune_id, o.name_folded): o
                for o in _named_in_communes(run, placed, field, Organisation, "name_folded", "unit", "commune")
            }
            key_of = lambda row: (row.data["place"].pk, fold(row[field]))  # noqa: E731
            named = lambda row: _("cơ quan, đơn vị %(name)s") % {"name": row[field]}  # noqa: E731
        for row in placed:
            subject = found.get(key_of(row))
            village = row.data.get("village")
            if subject is not None and village is not None and getattr(subject, "village_id", village.pk) != village.pk:
                row.error(
                    "current_place",
                    _("%(what)s ở %(village)s, không ở %(given)s.")
                    % {"what": named(row), "village": subject.village.name, "given": village.name},
                )
            elif subject is None:
                row.error(
                    field,
                    _(
                        "Trong địa bàn bạn được giao, %(commune)s không có %(what)s. Hãy kiểm tra mã, tên "
                        "hoặc nhập vào sổ theo dõi trước."
                    )
                    % {"commune": row.data["place"].name, "what": named(row)},
                )
            else:
                row.data["subject"] = subject

    def _from_old_map(self, rows: list[Row]) -> list[Row]:
        """Rows keyed on the old map's commune code («cũ»): the lineage gives the commune of today,
        kept as the row's place, and the old commune is kept as where the subject was recorded. An
        old commune split among several new ones needs the row's commune or village of today; a
        row that names neither is refused rather than guessed. Rows that stay usable are returned."""
        old_rows = [row for row in rows if row["era"] == Era.LEGACY]
        given = [row for row in rows if row.ok("current_place") and row["current_place"]]
        if not old_rows and not given:
            return rows
        olds = {
            unit.code: unit
            for unit in Unit.objects.filter(
                era=Era.LEGACY, level=Level.COMMUNE, code__in={row["commune_code"] for row in old_rows}
            )
        }
        successors: dict[int, list[Unit]] = {}
        for link in UnitLineage.objects.filter(old_unit__in=olds.values()).select_related("new_unit"):
            if link.new_unit.level == Level.COMMUNE:
                successors.setdefault(link.old_unit_id, []).append(link.new_unit)
        places = {}
        for unit in Unit.objects.filter(
            era=Era.CURRENT, level__in=(Level.COMMUNE, Level.VILLAGE), code__in={row["current_place"] for row in given}
        ).select_related("parent"):
            places.setdefault(unit.code, unit)  # a commune's code before a village's (they never share one)
        kept = []
        for row in rows:
            place = None
            if row.ok("current_place") and row["current_place"]:
                place = places.get(row["current_place"])
                if place is None:
                    row.error(
                        "current_place",
                        _("Không có xã hoặc thôn mã %(code)s trên bản đồ hiện hành.") % {"code": row["current_place"]},
                    )
                    continue
                if place.level == Level.VILLAGE:
                    row.data["village"] = place
                    place = place.parent
            if row["era"] != Era.LEGACY:
                if place is not None and place.code != row["commune_code"]:
                    row.error(
                        "current_place",
                        _("Mã này chỉ dùng khi cột Bản đồ ghi «cũ»; để trống, hoặc ghi mã thôn thuộc xã %(code)s.")
                        % {"code": row["commune_code"]},
                    )
                    continue
                kept.append(row)
                continue
            old = olds.get(row["commune_code"])
            if old is None:
                row.error(
                    "commune_code",
                    _("Không có xã mã %(code)s trên bản đồ cũ (trước 01/07/2025).") % {"code": row["commune_code"]},
                )
                continue
            new = sorted(successors.get(old.pk, []), key=lambda unit: unit.sort_key)
            if place is not None:
                if place.pk not in {unit.pk for unit in new}:
                    row.error(
                        "current_place",
                        _("%(place)s không được hình thành từ %(old)s; xã cũ này nay thuộc: %(new)s.")
                        % {"place": place.name, "old": old.name, "new": ", ".join(u.name for u in new) or "—"},
                    )
                    continue
            elif len(new) == 1:
                place = new[0]
            elif not new:
                row.error(
                    "commune_code", _("Không tìm thấy xã hiện nay được hình thành từ %(old)s.") % {"old": old.name}
                )
                continue
            else:
                row.error(
                    "current_place",
                    _(
                        "%(old)s nay thuộc nhiều xã (%(new)s): ghi mã xã hoặc mã thôn hiện nay "
                        "của đối tượng vào cột này."
                    )
                    % {"old": old.name, "new": ", ".join(unit.name for unit in new)},
                )
                continue
            row.data.update(place=place, recorded=old)
            kept.append(row)
        return kept

    def _resolve_people(self, rows: list[Row], run: ImportRun) -> None:
        numbers = {row["id_number"] for row in rows}
        visible = {
            p.id_number: p
            for p in run.scope.filter(Person.objects.filter(id_number__in=numbers).select_related("unit", "household"))
        }
        for row in rows:
            person = visible.get(row["id_number"])
            if person is None:
                # Unknown and held elsewhere get the same answer, and both count against the
                # uploader's allowance: a file of numbers cannot map who is registered where.
                row.error("id_number", count_refused_id_number(run.scope) or id_number_not_usable())
            else:
                row.data["subject"] = person

    def _check_row(self, row: Row, run: ImportRun) -> None:
        subject = row.data["subject"]
        adapter = adapter_for_title(self.campaign.title)
        unit = adapter.unit(subject)
        key_column = self.subject_columns[-1].key
        if campaign_for(self.campaign.title, self.campaign.year, unit.province_id, create=False) != self.campaign:
            row.error(key_column, _("Đối tượng này thuộc đợt đánh giá khác (tỉnh có đợt riêng); hãy nhập ở đợt đó."))
            return
        try:
            version = pick_criteria_set(
                self.campaign, group=adapter.default_group(subject), admin_level=adapter.admin_level(subject)
            )
        except ValidationError as error:
            row.error(key_column, " ".join(error.messages))
            return
        definition = self.definitions[version.pk]
        answers = self._answers(row, definition)
        totals = row["total"] not in (None, "") or row["classification"]
        if answers and totals:
            row.error("total", _("Ghi điểm từng chỉ số hoặc Tổng điểm và Xếp loại, không ghi cả hai."))
            return
        if not answers and not totals:
            if row.ok(*(_indicator_key(code) for code in self.indicator_codes)):
                row.error(None, _("Dòng chưa có điểm: ghi điểm từng chỉ số, hoặc Tổng điểm và Xếp loại."))
            return
        if row.has_errors:
            return
        row.data["answers"] = answers or None
        if row["stage"] == "review":
            if totals or row["decision_number"] or row["decision_date"]:
                row.error(
                    "stage",
                    _(
                        "Điểm thẩm định ghi từng chỉ số, không kèm tổng điểm hay quyết định; "
                        "đề nghị và công nhận làm trên hệ thống."
                    ),
                )
            else:
                self._check_review(row, run, unit)
        elif row["decision_number"] or row["decision_date"]:
            self._check_recognition(row, run, unit, definition, bool(totals))
        elif totals:
            row.error(
                "decision_number",
                _(
                    "Chỉ có tổng điểm thì phải kèm số và ngày quyết định công nhận (năm trước); "
                    "năm nay hãy ghi điểm từng chỉ số."
                ),
            )
        else:
            self._check_self_assessment(row, run, unit, definition)

    def _answers(self, row: Row, definition) -> dict:
        """The indicator scores of the row, as the workflow takes them; a score for an indicator the
        subject's set does not have is refused (sets differ by group or level within a campaign)."""
        answers = {}
        codes = {indicator.code: indicator for indicator in definition.indicators}
        for code in self.indicator_codes:
            key = _indicator_key(code)
            value = row[key]
            if value in (None, "") or not row.ok(key):
                continue
            indicator = codes.get(code)
            if indicator is None:
                row.error(
                    key,
                    _("Chỉ số %(code)s không thuộc bộ tiêu chí áp dụng cho đối tượng này (%(set)s); để trống ô này.")
                    % {"code": code, "set": definition.name_vi},
                )
                continue
            if indicator.kind == "pass_fail":
                folded = fold(str(value))
                if folded in TRUE_FLAGS or folded == "dat":
                    answers[code] = True
                elif folded in FALSE_FLAGS:
                    answers[code] = False
                else:
                    row.error(key, _("Ghi x nếu đạt, để trống hoặc 0 nếu không đạt."))
                continue
            answers[code] = str(value).replace(",", ".").strip()
        if answers:
            try:
                answers = workflow.normalise_answers(definition, answers)
            except workflow.TransitionRefused as refusal:
                for code, message in getattr(refusal, "problems", {}).items():
                    row.error(_indicator_key(code), message)
                if not getattr(refusal, "problems", None):
                    row.error(None, refusal.text)
                return {}
        return answers

    def _existing(self, row: Row) -> Assessment | None:
        field = adapter_for_title(self.campaign.title).field
        return (
            Assessment.objects.filter(campaign=self.campaign, **{field: row.data["subject"]})
            .exclude(state=State.REVOKED)
            .select_related("decision")
            .first()
        )

    def _check_self_assessment(self, row: Row, run: ImportRun, unit, definition) -> None:
        if not run.scope.can(Capability.EDIT_REGISTRY, unit):
            row.error(
                self.subject_columns[-1].key,
                _("Bạn không quản lý hồ sơ của đối tượng này tại %(unit)s nên không ghi được điểm tự đánh giá.")
                % {"unit": unit.name},
            )
            return
        row.data["entity"] = "assessment"
        existing = self._existing(row)
        row.data["existing"] = existing
        if existing is None:
            row.data["outcome"] = Outcome.CREATE
        elif existing.state in OPEN_STATES:
            row.data["outcome"] = Outcome.CHANGE
        elif existing.self_answers == row.data["answers"]:
            row.data["outcome"] = Outcome.UNCHANGED
        else:
            row.error(
                None,
                _(
                    "Hồ sơ của đối tượng này đã ở trạng thái «%(state)s», không sửa điểm tự đánh giá bằng "
                    "tệp được. Hãy bỏ dòng này hoặc xử lý trên trang hồ sơ."
                )
                % {"state": existing.get_state_display()},
            )

    def _check_review(self, row: Row, run: ImportRun, unit) -> None:
        """The council's scores for a dossier someone else submitted; the workflow's `is_own`
        (tried below) refuses the submitter, the subject's own people and those behind them."""
        if not run.scope.can(Capability.REVIEW, unit):
            row.error(
                "stage",
                _("Bạn không có quyền thẩm định tại %(unit)s; để trống cột này nếu là điểm tự đánh giá.")
                % {"unit": unit.name},
            )
            return
        existing = self._existing(row)
        if existing is None or existing.state not in WAITING_FOR_REVIEW:
            row.error(
                "stage",
                _(
                    "Hồ sơ chưa ở bước thẩm định (%(state)s): chỉ ghi điểm thẩm định cho hồ sơ đã nộp "
                    "hoặc đang thẩm định."
                )
                % {"state": existing.get_state_display() if existing else _("chưa đăng ký")},
            )
            return
        row.data.update(entity="review", existing=existing)
        unchanged = existing.state == State.UNDER_REVIEW and all(
            existing.review_answers.get(code) == value for code, value in row.data["answers"].items()
        )
        row.data["outcome"] = Outcome.UNCHANGED if unchanged else Outcome.CHANGE

    def _check_recognition(self, row: Row, run: ImportRun, unit, definition, totals: bool) -> None:
        number = parse_number(row["decision_number"] or "")
        if not row["decision_number"]:
            row.error("decision_number", _("Có ngày quyết định thì cần cả số quyết định."))
        elif number is None:
            row.error("decision_number", _("Số quyết định ghi dạng số/ký hiệu, ví dụ 12/QĐ-UBND."))
        day = row["decision_date"]
        if day is None:
            if row.ok("decision_date"):
                row.error("decision_date", _("Có số quyết định thì cần cả ngày quyết định."))
        elif day > timezone.localdate():
            row.error("decision_date", _("Ngày quyết định ở tương lai."))
        elif day.year < self.campaign.year:
            row.error(
                "decision_date",
                _("Quyết định công nhận năm %(year)s không thể ký trước năm đó.") % {"year": self.campaign.year},
            )
        if self.campaign.year >= timezone.localdate().year:
            row.error(
                "decision_number",
                _(
                    "Chỉ ghi quyết định công nhận của các năm trước; kết quả năm nay hãy xử lý "
                    "trên hệ thống (thẩm định, rồi lãnh đạo công nhận)."
                ),
            )
        if row.has_errors:
            return
        issuer = self._issuer(run, unit, row.data["subject"])
        if issuer is None:
            row.error(
                "decision_number",
                _(
                    "Chỉ lãnh đạo có thẩm quyền công nhận của đợt này tại %(unit)s mới nhập được "
                    "kết quả đã công nhận; hãy gửi tệp cho người đó, hoặc bỏ hai cột quyết định "
                    "để chỉ ghi điểm tự đánh giá."
                )
                % {"unit": unit.name},
            )
            return
        if totals:
            self._check_totals(row, definition)
            if row.has_errors:
                return
        sequence, symbol = number
        decisions = run.state.setdefault("decisions", {})
        first = decisions.setdefault((sequence, symbol, day.year), (day, row.number))
        if first[0] != day:
            row.error(
                "decision_date",
                _("Quyết định %(number)s đã ghi ngày %(day)s ở dòng %(row)d.")
                % {"number": row["decision_number"], "day": first[0].strftime("%d/%m/%Y"), "row": first[1]},
            )
            return
        row.data.update(entity="recognition", issuer=issuer, sequence=sequence, symbol=symbol)
        existing = self._existing(row)
        if existing is None:
            row.data["outcome"] = Outcome.CREATE
        elif (
            existing.state in HOLDING_STATES
            and existing.decision is not None
            and (existing.decision.sequence, existing.decision.symbol, existing.decision.issued_on)
            == (sequence, symbol, day)
        ):
            row.data["outcome"] = Outcome.UNCHANGED
        else:
            row.error(
                "decision_number",
                _(
                    "Đối tượng đã có hồ sơ của đợt này trên hệ thống (trạng thái «%(state)s»%(decision)s); "
                    "hãy kiểm tra lại hoặc bỏ dòng này."
                )
                % {
                    "state": existing.get_state_display(),
                    "decision": (", " + _("quyết định %(number)s") % {"number": existing.decision.number})
                    if existing.decision_id
                    else "",
                },
            )

    def _check_totals(self, row: Row, definition) -> None:
        if not row["classification"]:
            row.error("classification", _("Có tổng điểm thì cần cả xếp loại."))
            return
        codes = definition.classification_codes()
        if row["classification"] not in codes:
            row.error("classification", _("Bộ tiêu chí %(set)s không có xếp loại này.") % {"set": definition.name_vi})
            return
        total = None
        if row["total"] not in (None, ""):
            try:
                total = Decimal(str(row["total"]).replace(",", "."))
            except InvalidOperation:
                row.error("total", _("Tổng điểm phải là một số."))
                return
            if definition.scoring.method == "levels":
                row.error("total", _("Bộ tiêu chí này xếp mức theo chỉ số đạt, không cộng điểm: để trống Tổng điểm."))
                return
            if total < 0 or total > definition.max_total:
                row.error("total", _("Tổng điểm phải từ 0 đến %(max)s.") % {"max": format(definition.max_total, "f")})
                return
            band = next((b.code for b in definition.scoring.bands if total >= b.min), None)
            lowest_pass = min((mark.min for mark in definition.scoring.pass_marks), default=None)
            if not definition.scoring.bands and lowest_pass is not None and total < lowest_pass:
                row.error(
                    "total",
                    _("Tổng %(total)s điểm chưa đạt ngưỡng %(min)s của bộ tiêu chí, nên không thể đã được công nhận.")
                    % {"total": row["total"], "min": format(lowest_pass, "f")},
                )
                return
            if definition.scoring.bands and band != row["classification"]:
                row.error(
                    "classification",
                    _("Tổng %(total)s điểm không ứng với xếp loại này theo bộ tiêu chí.") % {"total": row["total"]},
                )
                return
        elif definition.scoring.method != "levels":
            row.error("total", _("Cần tổng điểm."))
            return
        row.data["total"] = total

    def _issuer(self, run: ImportRun, unit, subject) -> Unit | None:
        issuers = run.state.get("issuers")
        if issuers is None:
            issuers = run.state["issuers"] = issuers_for(run.scope, self.campaign)
        covering = [
            issuer
            for issuer in issuers
            if unit.path.startswith(issuer.path)
            and workflow.may_record_past_recognition(run.scope, self.campaign, subject)
        ]
        return max(covering, key=lambda issuer: len(issuer.path), default=None)

    def _trial(self, row: Row, run: ImportRun) -> None:
        """Run the row through the workflow and roll it back: the dry run's answer is the workflow's."""
        try:
            with transaction.atomic():
                self._write(row, run)
                raise _Trial
        except _Trial:
            pass
        except (workflow.TransitionRefused, ValidationError, Http404) as refusal:
            self._refused(row, refusal)

    def _refused(self, row: Row, refusal) -> None:
        problems = getattr(refusal, "problems", None)
        if problems:
            for code, message in problems.items():
                row.error(_indicator_key(code) if code in self.indicator_codes else None, message)
            return
        messages = (
            refusal.messages
            if isinstance(refusal, ValidationError)
            else [_("Bạn không được ghi hồ sơ của đối tượng này.")]
        )
        column = {"recognition": "decision_number", "review": "stage"}.get(row.data.get("entity"))
        row.error(column, " ".join(messages))

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, rows, run):
        for row in rows_to_write(rows):
            try:
                self._write(row, run)
            except (workflow.TransitionRefused, ValidationError, Http404) as refusal:
                self._refused(row, refusal)
                for _key, reason in row.problems:
                    run.write_error(row.number, reason)

    def _write(self, row: Row, run: ImportRun) -> None:
        scope, subject = run.scope, row.data["subject"]
        if row.data["entity"] == "recognition":
            decision = record_archived_decision(
                scope,
                self.campaign,
                issuer=row.data["issuer"],
                sequence=row.data["sequence"],
                symbol=row.data["symbol"],
                issued_on=row["decision_date"],
                signer_name=row["signer_name"] or "",
            )
            workflow.record_past_recognition(
                scope,
                self.campaign.title,
                subject,
                self.campaign.year,
                decision=decision,
                answers=row.data["answers"],
                classification=row["classification"] or "",
                total=row.data.get("total"),
                recorded_unit=row.data.get("recorded"),
            )
            return
        if row.data["entity"] == "review":
            assessment = self._existing(row)
            if assessment.state == State.SUBMITTED:
                assessment = workflow.transition(scope, assessment, Action.START_REVIEW)
            workflow.save_answers(scope, assessment, row.data["answers"])
            return
        assessment = self._existing(row) or workflow.register(
            scope, self.campaign.title, subject, self.campaign.year, recorded_unit=row.data.get("recorded")
        )
        assessment = workflow.save_answers(scope, assessment, row.data["answers"])
        workflow.transition(scope, assessment, Action.SUBMIT)


def results_template(campaign_id: int) -> ResultsTemplate | None:
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("province").first()
    return ResultsTemplate(campaign) if campaign is not None else None


register_template_family(PREFIX, results_template)
