"""The registry's Excel templates: households with members, clan branches, organisations with
staff, and villages. The engine (hoctap.core.imports) streams, parses and reports; these classes
resolve rows against the database chunk by chunk, and write them.

Natural keys make a re-upload change nothing: a household by its code within the commune; a
person by ID number, else by (household or employer, folded name, birth year); an organisation by
(commune, folded name); a clan branch by (commune, folded name, folded branch); a village by
(commune, folded full name). A blank cell never erases what the registry holds.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core import bulk
from hoctap.core.imports import Column, FirstRows, ImportRun, ImportTemplate, Kind, Outcome, Row, register_template
from hoctap.core.text import fold, normalise
from hoctap.core.validators import check_visible_text
from hoctap.territory.models import Era, Level, Unit, commune_id_of
from hoctap.territory.services import create_village
from hoctap.territory.village_kinds import village_kind_choices

from . import sensitive
from .ethnicity import ethnicity_name, from_1979_code, resolve_ethnicity
from .models import (
    PERSON_FIELDS,
    ClanBranch,
    DigitalSkill,
    Household,
    ManagingLevel,
    OccupationGroup,
    Organisation,
    OrganisationKind,
    Person,
    Sex,
    validate_id_number,
)
from .services import (
    count_refused_id_number,
    id_number_not_usable,
    log_bulk_creation,
    log_bulk_update,
    probe_budget_refusal,
)
from .signals import registry_bulk_written

# What is read of a person the rows may name: its own fields to compare, its links and its key.
PERSON_VALUES = ("id", *PERSON_FIELDS, "household_id", "employer_id", "name_folded")

# A staff member created without an occupation group gets the group of most people in that kind of
# organisation (most Vietnamese cooperatives are agricultural).
DEFAULT_STAFF_GROUP = {
    OrganisationKind.AGENCY: OccupationGroup.OFFICIAL,
    OrganisationKind.SCHOOL: OccupationGroup.OFFICIAL,
    OrganisationKind.KINDERGARTEN: OccupationGroup.OFFICIAL,
    OrganisationKind.CONTINUING_EDUCATION: OccupationGroup.OFFICIAL,
    OrganisationKind.ARMED_FORCES: OccupationGroup.OFFICIAL,
    OrganisationKind.ENTERPRISE: OccupationGroup.WORKER,
    OrganisationKind.COOPERATIVE: OccupationGroup.FARMER,
    OrganisationKind.OTHER: OccupationGroup.OTHER,
}


def _person_columns(name_key: str, name_header, *, name_required: bool) -> tuple[Column, ...]:
    return (
        Column(name_key, name_header, required=name_required, max_length=200, width=26, example="Nguyễn Văn An"),
        Column(
            "sex",
            gettext_lazy("Giới tính"),
            Kind.CHOICE,
            required=name_required,
            choices=tuple(Sex.choices),
            width=10,
            example="Nam",
        ),
        Column(
            "birth_date",
            gettext_lazy("Ngày sinh"),
            Kind.DATE,
            width=13,
            example="25/03/1980",
            help=gettext_lazy("Ghi ngày sinh hoặc năm sinh."),
        ),
        Column(
            "birth_year",
            gettext_lazy("Năm sinh"),
            Kind.YEAR,
            width=10,
            example="1980",
            help=gettext_lazy("Bắt buộc nếu không có ngày sinh."),
        ),
        Column(
            "ethnicity",
            gettext_lazy("Dân tộc"),
            max_length=50,
            width=12,
            example="Tày",
            help=gettext_lazy(
                "Tên dân tộc (ví dụ Tày, H'Mông, Dao) hoặc mã 2 chữ số theo danh mục của "
                "Tổng cục Thống kê (QĐ 1019/QĐ-TCTK); để trống: chưa ghi nhận."
            ),
        ),
        Column(
            "id_number",
            gettext_lazy("Số CCCD"),
            Kind.DIGITS,
            digits=12,
            sensitive=True,
            width=16,
            example="034080001234",
            help=gettext_lazy("12 chữ số; không bắt buộc."),
        ),
        Column(
            "occupation_group",
            gettext_lazy("Nhóm nghề nghiệp"),
            Kind.CHOICE,
            choices=tuple(OccupationGroup.choices),
            width=30,
            example=str(OccupationGroup.FARMER.label),
        ),
        Column(
            "digital_skill",
            gettext_lazy("Kỹ năng số"),
            Kind.CHOICE,
            choices=tuple(DigitalSkill.choices),
            width=12,
            example=str(DigitalSkill.BASIC.label),
        ),
    )


# -- the row's state ---------------------------------------------------------------------------


class _Seen:
    """What a multi-row record (a household, an organisation, a clan branch) looked like at its
    first row; kept for the whole file, so it holds ids and short texts only."""

    __slots__ = (
        "first_row",
        "unit_id",
        "signature",
        "existing_id",
        "created_id",
        "outcome",
        "head_row",
        "head_id",
        "kind",
        "code",
    )

    def __init__(self, first_row: int, unit_id: int, signature: str):
        self.first_row = first_row
        self.unit_id = unit_id
        self.signature = signature
        self.existing_id = None
        self.created_id = None
        self.outcome = Outcome.CREATE
        self.head_row = None
        self.head_id = None
        self.kind = None  # an organisation's kind (its new staff's default occupation group)
        self.code = ""  # the code as typed at the first row, for messages about the whole record

    @property
    def pk(self):
        return self.existing_id or self.created_id


@dataclass(slots=True)
class RegistryRow:
    """What the registry's templates resolve for one row (`row.state`), from check() to apply().

    Lives as long as the row's chunk; what must outlive it (a household seen on an earlier row)
    is in `run.state`."""

    unit: Unit | None = None  # the current-map unit the row names, in the uploader's scope
    commune_id: int | None = None
    key: tuple | None = None  # the record the row names: (commune id, folded name or code, …)
    group: _Seen | None = None  # the household, organisation or clan branch of `key`
    group_changes: dict = dataclasses.field(default_factory=dict)  # on its first row: what changes on its record
    # The person a row describes (none on an organisation's row without staff).
    ethnicity: str = ""  # the 2008 code the row names, or ""
    birth_year: int | None = None  # from the date of birth, else the year column
    person: Outcome | None = None
    person_id: int | None = None  # the existing person matched
    person_changes: dict = dataclasses.field(default_factory=dict)
    new_person: Person | None = None  # made by apply()
    set_head: bool = False  # the row's person becomes head of its household
    household: dict | None = None  # a clan branch's member household
    membership: Outcome | None = None  # how that household's branch changes
    outcome: Outcome | None = None  # a single-row record (a village)


# -- shared row logic --------------------------------------------------------------------------


def resolved_units(rows: list[Row], run: ImportRun, key: str, levels: set[str], capability: str):
    """(row, unit) for each row whose unit code names a current-map unit in scope; the other rows
    get an error on the column."""
    cache = run.state.setdefault(f"units:{key}", {})
    wanted = {row[key] for row in rows if row[key] and row.ok(key)} - cache.keys()
    if wanted:
        found = Unit.objects.filter(era=Era.CURRENT, level__in=levels, code__in=wanted).only(
            "id", "code", "level", "era", "parent_id", "path", "name", "short_name", "valid_to"
        )
        for unit in found:
            cache[unit.code] = unit
        for code in wanted - cache.keys():
            cache[code] = None
    for row in rows:
        code = row[key]
        if not code or not row.ok(key):
            continue
        unit = cache[code]
        if unit is None:
            row.error(key, _("Không có đơn vị mã %(code)s trên bản đồ hiện hành.") % {"code": code})
        elif not run.scope.can(capability, unit):
            row.error(key, _("Đơn vị mã %(code)s nằm ngoài địa bàn bạn được giao.") % {"code": code})
        elif unit.valid_to is not None:
            # merged or split away (territory.village_changes): what lived there moved on
            row.error(
                key,
                _("%(name)s đã sáp nhập hoặc chia tách từ %(day)s; hãy ghi mã thôn hiện nay.")
                % {"name": unit.name, "day": (unit.valid_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y")},
            )
        else:
            yield row, unit


def _resolve_units(rows: list[Row], run: ImportRun, key: str, levels: set[str], capability: str) -> None:
    """row.data["unit"] and row.data["commune_id"] for the templates that keep their state in
    `row.data` (the other apps'); see resolved_units."""
    for row, unit in resolved_units(rows, run, key, levels, capability):
        row.data["unit"] = unit
        row.data["commune_id"] = commune_id_of(unit)


# The commune of a row in the other apps' files (the association's members, the learning centres'
# classes), placed on the current map by _resolve_units.
COMMUNE_COLUMN = Column(
    "commune_code",
    gettext_lazy("Mã xã"),
    required=True,
    max_length=20,
    example="12001",
    width=10,
    help=gettext_lazy("Mã xã, phường, đặc khu theo bản đồ hiện hành."),
)


def _place_rows(rows: list[Row], run: ImportRun, key: str, levels: set[str], capability: str) -> None:
    """row.state.unit and .commune_id, for the registry's templates."""
    for row, unit in resolved_units(rows, run, key, levels, capability):
        row.state.unit = unit
        row.state.commune_id = commune_id_of(unit)


def _check_names(row: Row, template: ImportTemplate, *keys: str) -> None:
    """Names with characters nobody can see are refused, as in the forms (core.validators)."""
    for key in keys:
        if row[key] and row.ok(key):
            try:
                check_visible_text(row[key], template.column(key).header)
            except ValidationError as error:
                row.error(key, error.messages[0])


ETHNICITY_1979 = Column(
    "ethnicity_1979",
    gettext_lazy("Mã dân tộc cũ (danh mục 1979)"),
    max_length=2,
    width=14,
    help=gettext_lazy("Chỉ dùng cho hồ sơ cũ ghi mã theo QĐ 121-TCTK/PPCĐ năm 1979; để trống nếu đã ghi cột Dân tộc."),
)


def _check_ethnicity(row: Row) -> None:
    """row.state.ethnicity := the 2008 code the row names (a name, a 2008 code or a 1979 code), or ""."""
    code = ""
    if row["ethnicity"] and row.ok("ethnicity"):
        code = resolve_ethnicity(row["ethnicity"])
        if code is None:
            row.error(
                "ethnicity",
                _(
                    "Không có trong danh mục 54 dân tộc; ghi tên dân tộc (ví dụ Tày, H'Mông) "
                    "hoặc mã 2 chữ số, hoặc để trống nếu chưa biết."
                ),
            )
            return
    if row["ethnicity_1979"] and row.ok("ethnicity_1979"):
        old = from_1979_code(row["ethnicity_1979"])
        if old is None:
            row.error("ethnicity_1979", _("Mã dân tộc cũ phải từ 01 đến 54."))
            return
        if code and code != old:
            row.error(
                "ethnicity_1979",
                _("Mã cũ %(old)s là dân tộc %(name)s, khác cột Dân tộc.")
                % {"old": row["ethnicity_1979"], "name": ethnicity_name(old)},
            )
            return
        code = old
    row.state.ethnicity = code


def _check_person(row: Row) -> None:
    _check_ethnicity(row)
    birth_date, birth_year = row["birth_date"], row["birth_year"]
    row.state.birth_year = birth_date.year if birth_date else birth_year
    if row.ok("birth_date", "birth_year"):
        if birth_date is None and birth_year is None:
            row.error("birth_year", _("Cần ngày sinh hoặc năm sinh."))
        elif birth_date and birth_year and birth_date.year != birth_year:
            row.error("birth_year", _("Năm sinh khác với năm của ngày sinh."))
        elif birth_date and birth_date > timezone.localdate():
            row.error("birth_date", _("Ngày sinh ở tương lai."))
    if row["id_number"] and row.ok("id_number"):
        try:
            validate_id_number(row["id_number"])
        except ValidationError as error:
            row.error("id_number", error.messages[0])


def _person_values(row: Row, name_key: str) -> dict:
    """The person fields the row fills in (blank cells are left out: they erase nothing)."""
    values = {
        "full_name": row[name_key],
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "birth_year": row.state.birth_year,
        "ethnicity": row.state.ethnicity,
        "id_number": row["id_number"],
        "occupation_group": row["occupation_group"],
        "digital_skill": row["digital_skill"],
    }
    return {field: value for field, value in values.items() if value not in (None, "")}


def _people_lookup(rows: list[Row], run: ImportRun, group_field: str, group_ids: set[int]):
    """Existing people the rows may name: by ID number anywhere, by (group, folded name, birth year)
    within the given households or employers; and which of them the uploader may change."""
    numbers = {row["id_number"] for row in rows if row["id_number"]}
    by_number = {p["id_number"]: p for p in Person.objects.filter(id_number__in=numbers).values(*PERSON_VALUES)}
    by_key: dict[tuple, list[dict]] = {}
    if group_ids:
        people = Person.objects.filter(**{f"{group_field}__in": group_ids}).order_by("pk").values(*PERSON_VALUES)
        for person in people:
            by_key.setdefault((person[group_field], person["name_folded"], person["birth_year"]), []).append(person)
    ids = {p["id"] for p in by_number.values()} | {p["id"] for same in by_key.values() for p in same}
    # The allowance of refusals is read again for each chunk (see _probe_refusal).
    run.state.pop("probe_refusal", None)
    writable = (
        set(run.scope.filter(Person.objects.filter(pk__in=ids), Capability.EDIT_REGISTRY).values_list("pk", flat=True))
        if ids
        else set()
    )
    return by_number, by_key, writable


def _match_person(row: Row, run: ImportRun, name_key: str, by_number, by_key, group_pk):
    """The existing person a row names: by ID number; else, in the same household or organisation,
    someone with the same name and birth year whose ID number does not differ from the row's (two
    valid ID numbers that differ are two people). Same-named people match rows in the order of
    their records, each at most once per file, so a re-upload of two namesakes changes nothing."""
    claimed: set = run.state.setdefault("claimed_people", set())
    number = row["id_number"]
    if number and number in by_number:
        claimed.add(by_number[number]["id"])
        return by_number[number]
    if group_pk is None:
        return None
    namesakes = by_key.get((group_pk, fold(row[name_key]), row.state.birth_year), ())
    for person in namesakes:
        if person["id"] in claimed or (number and person["id_number"] and person["id_number"] != number):
            continue
        claimed.add(person["id"])
        return person
    if namesakes and number:
        run.note(
            row.number,
            _("Đã có %(name)s (%(year)s) với số CCCD khác: đã ghi là một người khác.")
            % {"name": row[name_key], "year": row.state.birth_year},
        )
    return None


def _id_number_refused(row: Row, run: ImportRun, record, by_number, writable) -> bool:
    """Refuse the row when its person is outside the uploader's territory. A number held outside
    gets the one "cannot be used here" answer (services.id_number_refusal), counted against the
    uploader's daily allowance; once that is spent, every number not already on record in their
    territory is refused alike, so a file of 100,000 numbers cannot map who is registered where."""
    if record is not None and record["id"] in writable:
        return False
    number = row["id_number"]
    held_outside = number in by_number and by_number[number]["id"] not in writable if number else False
    if held_outside:
        row.error("id_number", count_refused_id_number(run.scope) or id_number_not_usable())
        run.state["refusals_counted"] = run.state.get("refusals_counted", 0) + 1
        run.state.pop("probe_refusal", None)  # that answer may have spent the allowance
        return True
    if record is not None:  # a namesake outside the territory (its household or employer is refused already)
        row.error("id_number", id_number_not_usable())
        return True
    if number and (spent := _probe_refusal(run)):
        row.error("id_number", spent)
        return True
    return False


def _probe_refusal(run: ImportRun) -> str | None:
    """probe_budget_refusal, asked once a chunk rather than once a row (it is a query, and a file of
    new people asks it for every row): within a chunk the allowance changes only through this run's
    own refusals, which drop the kept answer."""
    if "probe_refusal" not in run.state:
        run.state["probe_refusal"] = probe_budget_refusal(run.scope)
    return run.state["probe_refusal"]


# Named in the message about a repeated ID number; translated only when a row repeats one.
ID_NUMBER_WHAT = gettext_lazy("số CCCD")


def _namesake_note(row: Row, run: ImportRun, name_key: str, group_key, where) -> None:
    """Same name and birth year in one household or organisation: a hint to check, never a refusal.
    `where` names the household or organisation when a note is made. The keys are kept hashed (a
    collision could only add a needless hint) so 100,000 rows cost 1.2 MB, not 25."""
    seen: FirstRows = run.state.setdefault("namesakes", FirstRows())
    first = seen.first((group_key, fold(row[name_key]), row.state.birth_year), row.number)
    if first != row.number:
        run.note(
            row.number,
            _(
                "%(name)s (%(year)s) trùng họ tên và năm sinh với dòng %(row)d trong %(where)s: "
                "đã ghi là hai người; nếu là một người, hãy xoá một dòng."
            )
            % {"name": row[name_key], "year": row.state.birth_year, "row": first, "where": where()},
        )


def _changed_fields(record: dict, values: dict) -> dict:
    return {field: value for field, value in values.items() if record[field] != value}


def _update_person(person_id: int, changes: dict, link_field: str, link_pk: int) -> None:
    """Changes to an existing person go through save(), so the audit log records them. The link to
    the household or employer is set to its id now (a record created earlier in this import had
    none during the check)."""
    person = Person.objects.get(pk=person_id)
    for field, value in changes.items():
        setattr(person, field, link_pk if field == link_field else value)
    person.save()


def _ethnicity_refused(rows: list[tuple[Row, dict | None]], run: ImportRun) -> set[int]:
    """The one rule of ethnicity writes (registry.sensitive), for a chunk's (row, matched person) pairs:
    a refused row gets its error on the column the file used; returns the numbers of refused rows."""
    asked = [(row, record) for row, record in rows if row.state.ethnicity]
    answers = sensitive.refusals(
        run.scope,
        [
            sensitive.EthnicityWrite(
                row.state.unit,
                record["id"] if record else None,
                record["ethnicity"] if record else "",
                row.state.ethnicity,
            )
            for row, record in asked
        ],
        in_file=True,
    )
    refused = set()
    for (row, _record), problem in zip(asked, answers, strict=True):
        if problem:
            row.error("ethnicity" if row["ethnicity"] else "ethnicity_1979", problem)
            refused.add(row.number)
    return refused


def _person_outcome(row: Row, run: ImportRun, record, values: dict, links: dict) -> None:
    state = row.state
    if record is None:
        state.person = Outcome.CREATE
    else:
        changes = _changed_fields(record, values)
        changes.update({field: pk for field, pk in links.items() if record[field] != pk or pk is None})
        state.person_id, state.person_changes = record["id"], changes
        state.person = Outcome.CHANGE if changes else Outcome.UNCHANGED
    run.count("person", state.person)


class RegistryTemplate(ImportTemplate):
    capability = Capability.EDIT_REGISTRY  # needed over every row's unit, and somewhere to upload at all
    row_state = RegistryRow
    one_pass = True  # check() does not depend on run.committing; apply() records no errors

    @staticmethod
    def written_in_bulk(run: ImportRun, rows: list[Row]) -> None:
        run.state.setdefault("bulk_communes", set()).update(row.state.commune_id for row in rows)

    def rolled_back(self, run):
        # The refusals this import counted were taken back with its transaction; an import must
        # spend the allowance as a dry run does, or importing would be a free way to probe.
        if run.state.get("refusals_counted"):
            count_refused_id_number(run.scope, run.state["refusals_counted"])

    def finish(self, run):
        if run.state.get("bulk_communes"):
            registry_bulk_written.send(sender=type(self), communes=set(run.state["bulk_communes"]))


class GroupedTemplate(RegistryTemplate):
    """Rows that each name a record shared by several rows — a household, an organisation, a clan
    branch — and, on each row, one member of it. The record is resolved at its first row (created,
    changed or unchanged, and refused if it exists outside the uploader's territory); later rows
    must describe it alike. Members are checked chunk by chunk after the records.

    A subclass says how its rows name their unit and their record, how a later row may differ from
    the first, how its members are checked and written."""

    group_model: type  # Household, Organisation, ClanBranch
    group_entity: str  # the key of its counts
    unit_column: str
    unit_levels: frozenset[str]
    name_columns: tuple[str, ...] = ()  # texts refused when they hold invisible characters
    key_columns: tuple[str, ...] = ()  # columns the record's key is made from: no error on them
    # The record's fields read when it exists (id and commune_id included).
    group_values: tuple[str, ...] = ()
    # Records the uploader may not change are refused (a clan branch belongs to its commune alone).
    scoped_records = True

    # -- what a subclass says

    def record_key(self, row: Row) -> tuple:
        """The folded parts of the record's natural key after the commune id."""
        raise NotImplementedError

    def existing(self, fresh: set[tuple]) -> dict[tuple, dict]:
        """Records already in the registry under the given keys, by key."""
        raise NotImplementedError

    def refused(self, row: Row) -> tuple[str, str]:
        """(column, message) for a record that exists outside the uploader's territory."""
        raise NotImplementedError

    def first_seen(self, row: Row, record: dict | None) -> _Seen:
        raise NotImplementedError

    def changes(self, row: Row, record: dict) -> dict:
        """What the first row changes on an existing record (blank cells erase nothing)."""
        raise NotImplementedError

    def check_repeat(self, row: Row, seen: _Seen) -> None:
        """A later row of a record: errors where it differs from the first."""

    def after_group(self, row: Row, seen: _Seen) -> None:
        """Every row of a record, once it is resolved."""

    def check_row(self, row: Row, run: ImportRun) -> None:
        """Rules on one row's own cells."""

    def check_members(self, rows: list[Row], run: ImportRun) -> None:
        raise NotImplementedError

    def chunk_context(self, rows: list[Row]):
        """What new_group needs to know about the whole chunk."""
        return None

    def new_group(self, row: Row, context):
        """An unsaved record from its first row, derived fields filled (`context`: chunk_context's)."""
        raise NotImplementedError

    def create_groups(self, records: list) -> None:
        self.group_model.objects.bulk_create(records)

    def apply_members(self, rows: list[Row], run: ImportRun, created: dict) -> list:
        """Write the chunk's members; returns the records created, for the audit log."""
        raise NotImplementedError

    def audit_members(self, rows: list[Row], run: ImportRun, created: dict) -> None:
        """Audit entries for changes apply_members wrote in bulk."""

    # -- the algorithm

    def check(self, rows, run):
        _place_rows(rows, run, self.unit_column, self.unit_levels, Capability.EDIT_REGISTRY)
        for row in rows:
            _check_names(row, self, *self.name_columns)
            self.check_row(row, run)
        self._check_groups(rows, run)
        self.check_members(rows, run)

    def _check_groups(self, rows, run):
        seen_all: dict[tuple, _Seen] = run.state.setdefault("groups", {})
        for row in rows:
            if row.state.unit is not None and row.ok(*self.key_columns):
                row.state.key = (row.state.commune_id, *self.record_key(row))
        fresh = {row.state.key for row in rows if row.state.key is not None} - seen_all.keys()
        existing = {key: record for key, record in self.existing(fresh).items() if key in fresh} if fresh else {}
        writable = self._writable(existing, run)
        for row in rows:
            key = row.state.key
            if key is None:
                continue
            seen = seen_all.get(key)
            if seen is None:
                record = existing.get(key)
                if record is not None and record["id"] not in writable:
                    row.error(*self.refused(row))
                    row.state.key = None
                    continue
                seen = seen_all[key] = self.first_seen(row, record)
                if record is not None:
                    seen.existing_id = record["id"]
                    row.state.group_changes = self.changes(row, record)
                    seen.outcome = Outcome.CHANGE if row.state.group_changes else Outcome.UNCHANGED
                run.count(self.group_entity, seen.outcome)
            else:
                self.check_repeat(row, seen)
            self.after_group(row, seen)
            row.state.group = seen

    def _writable(self, existing: dict[tuple, dict], run: ImportRun) -> set[int]:
        ids = [record["id"] for record in existing.values()]
        if not self.scoped_records or not ids:
            return set(ids)
        records = run.scope.filter(self.group_model.objects.filter(pk__in=ids), Capability.EDIT_REGISTRY)
        return set(records.values_list("pk", flat=True))

    def apply(self, rows, run):
        created: dict[tuple, object] = {}
        context = self.chunk_context(rows)
        for row in rows:
            seen = row.state.group
            if seen.first_row != row.number:
                continue
            if seen.pk is None:
                created[row.state.key] = self.new_group(row, context)
            elif row.state.group_changes:
                record = self.group_model.objects.get(pk=seen.existing_id)
                for name, value in row.state.group_changes.items():
                    setattr(record, name, value)
                record.save()
        self.create_groups(list(created.values()))
        seen_all = run.state["groups"]
        for key, record in created.items():
            seen_all[key].created_id = record.pk
        new_members = self.apply_members(rows, run, created)
        log_bulk_creation(created.values(), actor=run.actor, request_id=run.request_id)
        log_bulk_creation(new_members, actor=run.actor, request_id=run.request_id)
        self.audit_members(rows, run, created)
        self.written_in_bulk(run, rows)


class PeopleTemplate(GroupedTemplate):
    """A grouped template whose members are people: a household's members, an organisation's staff."""

    person_name: str  # the column of the person's name
    person_link: str  # the person's field naming the record: household_id, employer_id

    def where(self, row: Row) -> str:
        """The record, named in a note about namesakes."""
        raise NotImplementedError

    def new_person(self, row: Row, values: dict) -> Person:
        return bulk.instance(
            Person,
            **values,
            **{self.person_link: row.state.group.pk},
            unit_id=row.state.unit.pk,
            commune_id=row.state.commune_id,
        )

    def person_matched(self, row: Row, run: ImportRun, record: dict | None) -> None:
        """After the row's person is resolved (`record`: the existing person, or None)."""

    def check_members(self, rows, run):
        members = [
            row
            for row in rows
            if row.state.key is not None
            and row[self.person_name]
            and row.ok(self.person_name, "birth_date", "birth_year", "id_number")
        ]
        group_ids = {row.state.group.pk for row in members} - {None}
        by_number, by_key, writable = _people_lookup(members, run, self.person_link, group_ids)
        matched = []
        for row in members:
            seen = row.state.group
            record = _match_person(row, run, self.person_name, by_number, by_key, seen.pk)
            _namesake_note(row, run, self.person_name, row.state.key, lambda row=row: self.where(row))
            if not _id_number_refused(row, run, record, by_number, writable):
                matched.append((row, record))
        refused = _ethnicity_refused(matched, run)  # one consent query for the chunk
        for row, record in matched:
            if row.number in refused:
                continue
            seen = row.state.group
            _person_outcome(row, run, record, _person_values(row, self.person_name), {self.person_link: seen.pk})
            self.person_matched(row, run, record)

    def unique_keys(self, row):
        # The same name and birth year twice in a record is not refused (see _namesake_note).
        if row["id_number"]:
            yield "id_number", ("id_number", row["id_number"]), ID_NUMBER_WHAT

    def apply_members(self, rows, run, created):
        new_people = []
        for row in rows:
            state = row.state
            if state.person == Outcome.CREATE:
                person = self.new_person(row, _person_values(row, self.person_name))
                person.refresh_derived()
                new_people.append(person)
                state.new_person = person
            elif state.person_changes:
                _update_person(state.person_id, state.person_changes, self.person_link, state.group.pk)
        bulk.create(new_people)
        return new_people


# -- households with members -------------------------------------------------------------------


class HouseholdsTemplate(PeopleTemplate):
    code = "households"
    title = gettext_lazy("Hộ gia đình và nhân khẩu")
    sheet_title = "Hộ gia đình"
    entities = {"household": gettext_lazy("Hộ gia đình"), "person": gettext_lazy("Nhân khẩu")}
    guide = (
        gettext_lazy("Mỗi dòng là một người. Các thành viên cùng hộ ghi cùng mã hộ và cùng mã thôn."),
        gettext_lazy("Địa chỉ của hộ ghi ở dòng đầu tiên của hộ; các dòng sau để trống hoặc ghi giống hệt."),
        gettext_lazy("Đánh x ở cột Chủ hộ cho đúng một người của mỗi hộ."),
        gettext_lazy("Mã thôn, tổ dân phố xem ở trang Địa bàn của xã."),
    )
    columns = (
        Column(
            "household_code",
            gettext_lazy("Mã hộ"),
            required=True,
            max_length=30,
            width=12,
            example="H0001",
            help=gettext_lazy("Duy nhất trong xã."),
        ),
        Column(
            "village_code",
            gettext_lazy("Mã thôn, tổ dân phố"),
            required=True,
            max_length=20,
            width=16,
            example="12001-001",
        ),
        Column("address", gettext_lazy("Địa chỉ"), max_length=255, width=28, example="Xóm 3"),
        *_person_columns("full_name", gettext_lazy("Họ và tên"), name_required=True),
        Column("is_head", gettext_lazy("Chủ hộ"), Kind.FLAG, width=8, example="x"),
        ETHNICITY_1979,
    )

    group_model = Household
    group_entity = "household"
    unit_column = "village_code"
    unit_levels = frozenset({Level.VILLAGE})
    name_columns = ("full_name",)
    key_columns = ("household_code",)
    person_name = "full_name"
    person_link = "household_id"

    def check(self, rows, run):
        # Codes with a head marked on any row, even one refused for another reason: a household
        # whose head row has an error is not reported a second time as having no head.
        run.state.setdefault("head_marked", set()).update(
            fold(str(row["household_code"])) for row in rows if row["is_head"] and row["household_code"]
        )
        super().check(rows, run)

    def check_row(self, row, run):
        _check_person(row)

    def record_key(self, row):
        return (fold(row["household_code"]),)

    def existing(self, fresh):
        candidates = Household.objects.filter(
            commune_id__in={key[0] for key in fresh}, code_folded__in={key[1] for key in fresh}
        ).values("id", "commune_id", "code_folded", "village_id", "address", "head_id")
        return {(r["commune_id"], r["code_folded"]): r for r in candidates}

    def refused(self, row):
        return "household_code", _("Mã hộ %(code)s đã được dùng cho một hộ ngoài địa bàn bạn được giao.") % {
            "code": row["household_code"]
        }

    def first_seen(self, row, record):
        seen = _Seen(row.number, row.state.unit.pk, fold(row["address"] or ""))
        seen.code = row["household_code"]
        if record is not None:
            seen.head_id = record["head_id"]
        return seen

    def changes(self, row, record):
        unit, address = row.state.unit, row["address"] or ""
        changes = {}
        if record["village_id"] != unit.pk:
            changes["village_id"] = unit.pk
        if address and address != record["address"]:
            changes["address"] = address
        return changes

    def check_repeat(self, row, seen):
        address = row["address"] or ""
        if seen.unit_id != row.state.unit.pk:
            row.error(
                "village_code",
                _("Hộ %(code)s đã được ghi ở dòng %(row)d với thôn khác.")
                % {"code": row["household_code"], "row": seen.first_row},
            )
        elif address and fold(address) != seen.signature:
            row.error(
                "address",
                _(
                    "Địa chỉ của hộ %(code)s ghi ở dòng đầu tiên của hộ (dòng %(row)d); "
                    "các dòng sau để trống hoặc ghi giống hệt."
                )
                % {"code": row["household_code"], "row": seen.first_row},
            )

    def after_group(self, row, seen):
        if not row["is_head"]:
            return
        if seen.head_row is not None and seen.head_row != row.number:
            row.error(
                "is_head",
                _("Hộ %(code)s đã có chủ hộ ở dòng %(row)d.") % {"code": row["household_code"], "row": seen.head_row},
            )
        else:
            seen.head_row = row.number

    def where(self, row):
        return _("hộ %(code)s") % {"code": row["household_code"]}

    def person_matched(self, row, run, record):
        seen = row.state.group
        if row["is_head"] and (record is None or record["id"] != seen.head_id):
            row.state.set_head = True
            if seen.outcome == Outcome.UNCHANGED:
                seen.outcome = Outcome.CHANGE
                run.recount("household", Outcome.UNCHANGED, Outcome.CHANGE)

    def check_whole_file(self, run):
        """Exactly one head per household, whatever columns the file has: a household the file creates,
        or one still without a head, needs a row marked in the Chủ hộ column (the guide says so)."""
        marked = run.state.get("head_marked", set())
        for seen in run.state.get("groups", {}).values():
            if seen.head_row is None and seen.head_id is None and fold(seen.code) not in marked:
                row = Row(seen.first_row)
                row.error(
                    "is_head",
                    _(
                        "Hộ %(code)s chưa có chủ hộ: đánh x ở cột Chủ hộ cho đúng một người "
                        "của hộ (thêm cột Chủ hộ nếu tệp chưa có)."
                    )
                    % {"code": seen.code},
                )
                yield row

    def chunk_context(self, rows):
        """The names of the heads the chunk sets, by household (a new household's sort name)."""
        return {row.state.key: row["full_name"] for row in rows if row.state.set_head}

    def new_group(self, row, head_names):
        household = bulk.instance(
            Household,
            code=row["household_code"],
            village_id=row.state.unit.pk,
            commune_id=row.state.commune_id,
            address=row["address"] or "",
        )
        household.refresh_derived(head_name=head_names.get(row.state.key, ""))
        return household

    def create_groups(self, records):
        bulk.create(records)

    def apply_members(self, rows, run, created):
        new_people = super().apply_members(rows, run, created)
        heads_of_new = []
        for row in rows:
            state = row.state
            if not state.set_head:
                continue
            person_pk = state.new_person.pk if state.person == Outcome.CREATE else state.person_id
            household = created.get(state.key)
            if household is not None:
                household.head_id = person_pk
                heads_of_new.append((person_pk, household.pk))
            else:
                household = Household.objects.get(pk=state.group.pk)
                household.head_id = person_pk
                household.save()
            state.group.head_id = person_pk
        _set_heads(heads_of_new)
        return new_people


def _set_heads(pairs: list[tuple[int, int]]) -> None:
    """Heads of households created in this chunk, in one statement: the queryset bulk_update's CASE
    expressions cost more than the rest of the chunk's writes. On PostgreSQL the pairs go as two
    arrays (an executemany is one round trip a household there); SQLite's executemany runs in C."""
    if not pairs:
        return
    table = connection.ops.quote_name(Household._meta.db_table)
    column = connection.ops.quote_name(Household._meta.get_field("head").column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            heads, households = zip(*pairs, strict=True)
            cursor.execute(
                f"UPDATE {table} SET {column} = pairs.head FROM unnest(%s::bigint[], %s::bigint[]) AS pairs(head, id) "
                f"WHERE {table}.id = pairs.id",
                [list(heads), list(households)],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", pairs)


# -- organisations with staff ------------------------------------------------------------------


class OrganisationsTemplate(PeopleTemplate):
    code = "organisations"
    title = gettext_lazy("Cơ quan, đơn vị và cán bộ, nhân viên")
    sheet_title = "Cơ quan, đơn vị"
    entities = {"organisation": gettext_lazy("Cơ quan, đơn vị"), "person": gettext_lazy("Cán bộ, nhân viên")}
    guide = (
        gettext_lazy(
            "Mỗi dòng là một cán bộ, nhân viên; ghi tên, loại hình, cấp quản lý và mã đơn vị giống nhau "
            "cho mọi người của cùng một cơ quan."
        ),
        gettext_lazy("Một cơ quan chưa có danh sách cán bộ: ghi một dòng, để trống các cột về cán bộ."),
        gettext_lazy("Mã đơn vị là mã xã, phường hoặc mã thôn, tổ dân phố nơi đặt trụ sở."),
    )
    columns = (
        Column(
            "organisation_name",
            gettext_lazy("Tên cơ quan, đơn vị"),
            required=True,
            width=32,
            example="Trường Tiểu học An Lạc",
        ),
        Column(
            "kind",
            gettext_lazy("Loại hình"),
            Kind.CHOICE,
            required=True,
            choices=tuple(OrganisationKind.choices),
            width=16,
            example=str(OrganisationKind.SCHOOL.label),
        ),
        Column(
            "managing_level",
            gettext_lazy("Cấp quản lý"),
            Kind.CHOICE,
            choices=tuple(ManagingLevel.choices),
            width=16,
            example=str(ManagingLevel.COMMUNE.label),
            help=gettext_lazy("Để trống: cấp xã quản lý."),
        ),
        Column(
            "unit_code",
            gettext_lazy("Mã đơn vị nơi đặt trụ sở"),
            required=True,
            max_length=20,
            width=16,
            example="12001",
        ),
        Column("address", gettext_lazy("Địa chỉ"), width=24),
        *_person_columns("staff_name", gettext_lazy("Họ và tên cán bộ, nhân viên"), name_required=False),
        ETHNICITY_1979,
    )
    staff_columns = (
        "sex",
        "birth_date",
        "birth_year",
        "id_number",
        "occupation_group",
        "digital_skill",
        "ethnicity",
        "ethnicity_1979",
    )

    group_model = Organisation
    group_entity = "organisation"
    unit_column = "unit_code"
    unit_levels = frozenset({Level.COMMUNE, Level.VILLAGE})
    name_columns = ("organisation_name", "staff_name")
    key_columns = ("organisation_name", "kind", "managing_level")
    person_name = "staff_name"
    person_link = "employer_id"

    def check_row(self, row, run):
        if row["staff_name"]:
            if row["sex"] is None and row.ok("sex"):
                row.error("sex", _("Cần giới tính khi có họ tên cán bộ."))
            _check_person(row)
        elif any(row[key] not in (None, "") for key in self.staff_columns):
            row.error("staff_name", _("Thiếu họ và tên cán bộ, nhân viên."))

    def record_key(self, row):
        return (fold(row["organisation_name"]),)

    def existing(self, fresh):
        candidates = Organisation.objects.filter(
            commune_id__in={key[0] for key in fresh}, name_folded__in={key[1] for key in fresh}
        ).values("id", "commune_id", "name_folded", "name", "kind", "managing_level", "unit_id", "address")
        return {(r["commune_id"], r["name_folded"]): r for r in candidates}

    def refused(self, row):
        return "organisation_name", _("Xã đã có cơ quan, đơn vị cùng tên ngoài địa bàn bạn được giao.")

    @staticmethod
    def _signature(row):
        return f"{row['kind']}|{row['managing_level'] or ManagingLevel.COMMUNE}"

    def first_seen(self, row, record):
        seen = _Seen(row.number, row.state.unit.pk, self._signature(row))
        seen.kind = row["kind"]
        return seen

    def changes(self, row, record):
        wanted = {
            "name": row["organisation_name"],
            "kind": row["kind"],
            "unit_id": row.state.unit.pk,
            "managing_level": row["managing_level"],
            "address": row["address"],
        }
        return _changed_fields(record, {f: v for f, v in wanted.items() if v not in (None, "")})

    def check_repeat(self, row, seen):
        if seen.unit_id != row.state.unit.pk or seen.signature != self._signature(row):
            row.error(
                "organisation_name",
                _("Cơ quan này đã được ghi ở dòng %(row)d với loại hình, cấp quản lý hoặc mã đơn vị khác.")
                % {"row": seen.first_row},
            )

    def where(self, row):
        return row["organisation_name"]

    def new_group(self, row, context):
        organisation = Organisation(
            name=row["organisation_name"],
            kind=row["kind"],
            managing_level=row["managing_level"] or ManagingLevel.COMMUNE,
            unit_id=row.state.unit.pk,
            commune_id=row.state.commune_id,
            address=row["address"] or "",
        )
        organisation.refresh_derived()
        return organisation

    def new_person(self, row, values):
        values.setdefault("occupation_group", DEFAULT_STAFF_GROUP[row.state.group.kind])
        return super().new_person(row, values)


# -- clan branches -----------------------------------------------------------------------------


class ClanBranchesTemplate(GroupedTemplate):
    code = "clans"
    title = gettext_lazy("Chi dòng họ và hộ thành viên")
    sheet_title = "Dòng họ"
    entities = {"clan_branch": gettext_lazy("Chi dòng họ"), "membership": gettext_lazy("Hộ thành viên")}
    guide = (
        gettext_lazy("Mỗi dòng là một hộ thành viên của một chi; chi chưa có hộ thành viên: để trống cột Mã hộ."),
        gettext_lazy("Hộ phải có trên hệ thống trước (nhập mẫu Hộ gia đình trước). Mỗi hộ thuộc tối đa một chi."),
    )
    columns = (
        Column("clan_name", gettext_lazy("Dòng họ"), required=True, max_length=150, width=22, example="Họ Nguyễn Văn"),
        Column("branch", gettext_lazy("Chi, ngành"), max_length=100, width=14, example="Chi 2"),
        Column("commune_code", gettext_lazy("Mã xã, phường"), required=True, max_length=20, width=14, example="12001"),
        Column("representative", gettext_lazy("Trưởng chi, trưởng họ"), max_length=200, width=24),
        Column("household_code", gettext_lazy("Mã hộ thành viên"), max_length=30, width=16, example="H0001"),
    )

    group_model = ClanBranch
    group_entity = "clan_branch"
    unit_column = "commune_code"
    unit_levels = frozenset({Level.COMMUNE})
    name_columns = ("clan_name", "branch", "representative")
    key_columns = ("clan_name", "branch")
    scoped_records = False  # the commune's unit is in scope already; a branch belongs to it alone

    def record_key(self, row):
        return fold(row["clan_name"]), fold(row["branch"] or "")

    def existing(self, fresh):
        candidates = ClanBranch.objects.filter(
            commune_id__in={key[0] for key in fresh}, name_folded__in={key[1] for key in fresh}
        ).values("id", "commune_id", "name_folded", "branch_folded", "representative", "name", "branch")
        return {(r["commune_id"], r["name_folded"], r["branch_folded"]): r for r in candidates}

    def first_seen(self, row, record):
        return _Seen(row.number, row.state.unit.pk, fold(row["representative"] or ""))

    def changes(self, row, record):
        wanted = {"name": row["clan_name"], "branch": row["branch"], "representative": row["representative"] or ""}
        return _changed_fields(record, {f: v for f, v in wanted.items() if v})

    def check_repeat(self, row, seen):
        representative = row["representative"] or ""
        if representative and fold(representative) != seen.signature:
            row.error("representative", _("Chi này đã ghi trưởng chi khác ở dòng %(row)d.") % {"row": seen.first_row})

    def check_members(self, rows, run):
        members = [
            row for row in rows if row.state.key is not None and row["household_code"] and row.ok("household_code")
        ]
        wanted = {(row.state.commune_id, fold(row["household_code"])) for row in members}
        found = {}
        if wanted:
            candidates = run.scope.filter(
                Household.objects.filter(commune_id__in={k[0] for k in wanted}, code_folded__in={k[1] for k in wanted}),
                Capability.EDIT_REGISTRY,
            ).values("id", "commune_id", "code_folded", "clan_branch_id", "code")
            found = {(r["commune_id"], r["code_folded"]): r for r in candidates}
        for row in members:
            household = found.get((row.state.commune_id, fold(row["household_code"])))
            if household is None:
                row.error(
                    "household_code",
                    _("Trong địa bàn bạn được giao, xã không có hộ mã %(code)s (hãy nhập hộ gia đình trước).")
                    % {"code": row["household_code"]},
                )
                continue
            seen = row.state.group
            row.state.household = household
            if household["clan_branch_id"] is None:
                outcome = Outcome.CREATE
            else:
                outcome = Outcome.UNCHANGED if seen.pk and household["clan_branch_id"] == seen.pk else Outcome.CHANGE
            row.state.membership = outcome
            run.count("membership", outcome)

    def unique_keys(self, row):
        if row.state.key is not None and row["household_code"]:
            yield (
                "household_code",
                ("member", row.state.commune_id, fold(row["household_code"])),
                _("hộ %(code)s (mỗi hộ thuộc tối đa một chi)") % {"code": row["household_code"]},
            )

    def new_group(self, row, context):
        clan = ClanBranch(
            name=row["clan_name"],
            branch=row["branch"] or "",
            commune_id=row.state.commune_id,
            representative=row["representative"] or "",
        )
        clan.refresh_derived()
        return clan

    def _moves(self, rows) -> dict[int, list[dict]]:
        """Member households whose branch the chunk sets, by branch."""
        moves: dict[int, list[dict]] = {}
        for row in rows:
            if row.state.membership in (Outcome.CREATE, Outcome.CHANGE):
                moves.setdefault(row.state.group.pk, []).append(row.state.household)
        return moves

    def apply_members(self, rows, run, created):
        for clan_pk, households in self._moves(rows).items():
            Household.objects.filter(pk__in=[h["id"] for h in households]).update(clan_branch_id=clan_pk)
        return []

    def audit_members(self, rows, run, created):
        audit = [
            (h["id"], _("Hộ %(code)s") % {"code": h["code"]}, {"clan_branch": [h["clan_branch_id"], clan_pk]})
            for clan_pk, households in self._moves(rows).items()
            for h in households
        ]
        log_bulk_update(Household, audit, actor=run.actor, request_id=run.request_id)


# -- villages ----------------------------------------------------------------------------------


class VillagesTemplate(RegistryTemplate):
    code = "villages"
    title = gettext_lazy("Thôn, tổ dân phố")
    sheet_title = "Thôn, tổ dân phố"
    entities = {"village": gettext_lazy("Thôn, tổ dân phố")}
    guide = (gettext_lazy("Mỗi dòng là một thôn, tổ dân phố. Để trống mã thôn để hệ thống tự cấp."),)
    columns = (
        Column("commune_code", gettext_lazy("Mã xã, phường"), required=True, max_length=20, width=14, example="12001"),
        Column(
            "division_type",
            gettext_lazy("Loại"),
            Kind.CHOICE,
            required=True,
            choices=tuple(village_kind_choices()),
            width=14,
            example="Thôn",
        ),
        Column("short_name", gettext_lazy("Tên"), required=True, max_length=150, width=24, example="Đông"),
        Column("village_code", gettext_lazy("Mã thôn (nếu có)"), max_length=20, width=16),
    )

    capability = Capability.MANAGE_TERRITORY

    def check(self, rows, run):
        _place_rows(rows, run, "commune_code", {Level.COMMUNE}, Capability.MANAGE_TERRITORY)
        for row in rows:
            _check_names(row, self, "short_name")
        named = [row for row in rows if row.state.unit is not None and row.ok("division_type", "short_name")]
        for row in named:
            row.state.key = (row.state.commune_id, fold(f"{row['division_type']} {row['short_name']}"))
        existing = {}
        if named:
            candidates = Unit.objects.filter(
                era=Era.CURRENT,
                level=Level.VILLAGE,
                parent_id__in={row.state.commune_id for row in named},
                name_folded__in={row.state.key[1] for row in named},
            ).values("id", "parent_id", "name_folded", "code")
            existing = {(r["parent_id"], r["name_folded"]): r for r in candidates}
        codes = {row["village_code"] for row in named if row["village_code"]}
        taken = (
            dict(Unit.objects.filter(era=Era.CURRENT, level=Level.VILLAGE, code__in=codes).values_list("code", "id"))
            if codes
            else {}
        )
        for row in named:
            record = existing.get(row.state.key)
            code = row["village_code"]
            if record is not None:
                if code and code != record["code"]:
                    row.error("village_code", _("Thôn này đã có mã %(code)s.") % {"code": record["code"]})
                    continue
                row.state.outcome = Outcome.UNCHANGED
            else:
                if code and code in taken:
                    row.error("village_code", _("Mã %(code)s đã được dùng cho thôn khác.") % {"code": code})
                    continue
                row.state.outcome = Outcome.CREATE
            run.count("village", row.state.outcome)

    def unique_keys(self, row):
        if row.state.key is not None:
            yield "short_name", ("village", *row.state.key), _("thôn, tổ dân phố")
        if row["village_code"]:
            yield "village_code", ("code", row["village_code"]), _("mã thôn")

    def apply(self, rows, run):
        for row in rows:
            if row.state.outcome == Outcome.CREATE:
                create_village(
                    run.scope,
                    row.state.unit,
                    division_type=row["division_type"],
                    short_name=normalise(row["short_name"]),
                    code=row["village_code"] or "",
                )


HOUSEHOLDS = register_template(HouseholdsTemplate())
ORGANISATIONS = register_template(OrganisationsTemplate())
CLANS = register_template(ClanBranchesTemplate())
VILLAGES = register_template(VillagesTemplate())
