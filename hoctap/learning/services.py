"""The rules of the learning records, in one place (pages, API and Excel import call them), and the
figures rolled up the hierarchy.

Honest coverage (issue 14 §4). Everything here is what communes *recorded* or *declared*; a commune
that recorded nothing is not known to have held no class, and a commune that declared nothing is not
known to meet any standard. So every figure carries how many communes it covers out of how many
there are ("3/104 xã đã báo cáo"):
* a share of people (literate among the 15–35-year-olds) is counted over the communes that
  declared, whose people are the only ones known, and says how many did;
* a share of communes (communes holding literacy level 2) is counted over *every* commune of the
  unit: a commune that has not declared is not counted as meeting it, so three declaring communes of
  104 can never show 100 %;
* with no declaration at all a share is unknown (None, shown "–"), never 0 % or 100 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import FIRST_YEAR
from hoctap.core.text import normalise
from hoctap.core.validators import check_visible_text
from hoctap.territory.models import Era, Level, Unit
from hoctap.territory.rollup import Gathering, Rollup, Share, Totals, grouped

from . import topics
from .models import CentreClass, LiteracyDeclaration, WeekActivity

WRITE = Capability.RECORD_LEARNING
# Bounds that catch a typo (an extra zero or two) without refusing a real figure: the largest
# communes and wards have some 150,000 people; a class or an activity a few thousand.
MAX_PARTICIPANTS = 100_000
MAX_SESSIONS = 1_000
MAX_POPULATION = 2_000_000


# -- checks shared by every path -------------------------------------------------------------------


def _check_day(day, name: str, errors: dict) -> None:
    if day is None:
        errors[name] = _("Ghi ngày (ngày/tháng/năm).")
    elif day > timezone.localdate():
        errors[name] = _("Ngày không được sau hôm nay: chỉ ghi những việc đã diễn ra.")
    elif day.year < FIRST_YEAR:
        errors[name] = _("Ngày phải từ năm %(year)d trở đi.") % {"year": FIRST_YEAR}


def _check_count(value, name: str, errors: dict, *, minimum: int = 0, maximum: int = MAX_PARTICIPANTS) -> int | None:
    if value is None or value == "":
        errors[name] = _("Ghi số (chỉ chữ số).")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            errors[name] = _("Ghi một số nguyên, chỉ gồm chữ số (không có dấu chấm, dấu phẩy).")
            return None
        value = int(text)
    if value < minimum:
        errors[name] = _("Số phải từ %(min)d trở lên.") % {"min": minimum}
        return None
    if value > maximum:
        errors[name] = _("Số quá lớn (tối đa %(max)s); kiểm tra lại số chữ số.") % {"max": grouped(maximum)}
        return None
    return value


def _check_text(value, name: str, label: str, errors: dict, *, required: bool = True, max_length: int = 200) -> str:
    text = normalise((value or "").strip())
    if not text:
        if required:
            errors[name] = _("Ghi %(field)s.") % {"field": label}
        return text
    if len(text) > max_length:
        errors[name] = _("%(field)s dài quá %(n)d ký tự.") % {"field": label.capitalize(), "n": max_length}
        return text
    try:
        check_visible_text(text, label)
    except ValidationError as error:
        errors[name] = error.messages[0]
    return text


def _check_commune(scope, commune: Unit) -> None:
    if commune is None or commune.level != Level.COMMUNE or commune.era != Era.CURRENT:
        raise ValidationError({"commune": _("Chọn một xã, phường trên bản đồ hiện hành.")})
    scope.require(WRITE, commune)


def clean_class(*, topic, name, started_on, ended_on, sessions, participants, held_by) -> dict:
    """The class's fields checked and normalised; a ValidationError names every bad field."""
    errors: dict = {}
    if topic not in topics.codes():
        errors["topic"] = _("Chọn chủ đề của lớp trong danh sách.")
    data = {
        "topic": topic,
        "name": _check_text(name, "name", _("tên lớp, chuyên đề"), errors),
        "held_by": _check_text(held_by, "held_by", _("đơn vị, người tổ chức"), errors),
        "sessions": _check_count(
            sessions if sessions not in (None, "") else 1, "sessions", errors, minimum=1, maximum=MAX_SESSIONS
        ),
        "participants": _check_count(participants, "participants", errors),
        "started_on": started_on,
        "ended_on": ended_on,
    }
    _check_day(started_on, "started_on", errors)
    if ended_on is not None and started_on is not None and "started_on" not in errors:
        if ended_on < started_on:
            errors["ended_on"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        elif ended_on > timezone.localdate():
            errors["ended_on"] = _("Lớp chưa kết thúc: để trống ngày kết thúc, ghi sau khi lớp xong.")
    if errors:
        raise ValidationError(errors)
    return data


def _write(scope, record, data: dict):
    """The checked values onto the record, saved through the scope (a record that would leave the
    writer's territory is rolled back)."""
    for key, value in data.items():
        setattr(record, key, value)
    return scope.save(record, WRITE)


def record_class(scope, commune: Unit, *, user=None, instance: CentreClass | None = None, **fields) -> CentreClass:
    """Record (or correct) a class of the commune's learning centre."""
    _check_commune(scope, commune)
    data = clean_class(**fields)
    if instance is not None and instance.commune_id != commune.pk:
        raise ValidationError({"commune": _("Lớp học thuộc xã khác; không chuyển được sang xã này.")})
    return _write(scope, instance or CentreClass(commune=commune, recorded_by=user), data)


def clean_week_activity(*, date, activity, participants) -> dict:
    errors: dict = {}
    data = {
        "date": date,
        "activity": _check_text(activity, "activity", _("hoạt động"), errors),
        "participants": _check_count(participants, "participants", errors),
    }
    _check_day(date, "date", errors)
    if errors:
        raise ValidationError(errors)
    return data


def record_week_activity(
    scope, commune: Unit, *, user=None, instance: WeekActivity | None = None, **fields
) -> WeekActivity:
    """Record (or correct) an activity of the commune's Lifelong Learning Week."""
    _check_commune(scope, commune)
    data = clean_week_activity(**fields)
    if instance is not None and instance.commune_id != commune.pk:
        raise ValidationError({"commune": _("Hoạt động thuộc xã khác; không chuyển được sang xã này.")})
    return _write(scope, instance or WeekActivity(commune=commune, recorded_by=user), data)


DECLARED_COUNTS = ("population_15_35", "literate_15_35", "population_15_60", "literate2_15_60")
DECLARED_LEVELS = {"literacy_level": 2, "primary_level": 3, "lower_secondary_level": 3}


def clean_declaration(
    *,
    year,
    population_15_35,
    literate_15_35,
    population_15_60,
    literate2_15_60,
    literacy_level=0,
    primary_level=0,
    lower_secondary_level=0,
    preschool=False,
    declared_by,
    document,
    document_number="",
    document_date,
) -> dict:
    """A declaration's figures checked: exact whole numbers, the literate within their age band, the
    15–35 band within the 15–60 one, levels the standards have, and a source (who, which document,
    when). Every refusal names its field and says what to write."""
    errors: dict = {}
    given = {
        "population_15_35": population_15_35,
        "literate_15_35": literate_15_35,
        "population_15_60": population_15_60,
        "literate2_15_60": literate2_15_60,
        "literacy_level": literacy_level,
        "primary_level": primary_level,
        "lower_secondary_level": lower_secondary_level,
    }
    today = timezone.localdate()
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        errors["year"] = _("Năm kê khai phải từ %(first)d đến %(last)d.") % {"first": FIRST_YEAR, "last": today.year}
    data = {"year": year, "preschool": bool(preschool)}
    for name in DECLARED_COUNTS:
        data[name] = _check_count(given[name], name, errors, maximum=MAX_POPULATION)
    for name, top in DECLARED_LEVELS.items():
        value = given[name]
        value = (
            int(value)
            if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())
            else None
        )
        if value is None or not 0 <= value <= top:
            errors[name] = _("Chọn mức độ đã được công nhận (0 = chưa đạt chuẩn, tối đa mức độ %(top)d).") % {
                "top": top
            }
        data[name] = value
    # A part counted inside a whole can never be larger than it.
    for part, whole, message in (
        (
            "literate_15_35",
            "population_15_35",
            _("Số người biết chữ (%(n)d) không được lớn hơn số người 15–35 tuổi (%(total)d)."),
        ),
        (
            "literate2_15_60",
            "population_15_60",
            _("Số người biết chữ mức độ 2 (%(n)d) không được lớn hơn số người 15–60 tuổi (%(total)d)."),
        ),
        (
            "population_15_35",
            "population_15_60",
            _("Số người 15–35 tuổi (%(n)d) nằm trong nhóm 15–60 tuổi nên không được lớn hơn %(total)d."),
        ),
    ):
        if part not in errors and whole not in errors and data[part] > data[whole]:
            errors[part] = message % {"n": data[part], "total": data[whole]}
    data["declared_by"] = _check_text(declared_by, "declared_by", _("người kê khai (họ tên, chức vụ)"), errors)
    data["document"] = _check_text(document, "document", _("văn bản nguồn"), errors, max_length=300)
    data["document_number"] = _check_text(
        document_number, "document_number", _("số văn bản"), errors, required=False, max_length=60
    )
    if document_date is None:
        errors["document_date"] = _("Ghi ngày của văn bản nguồn.")
    elif document_date > today:
        errors["document_date"] = _("Ngày văn bản không được sau hôm nay.")
    elif isinstance(year, int) and document_date.year < year:
        errors["document_date"] = _("Văn bản nguồn phải ban hành từ năm %(year)d trở đi (số liệu của năm đó).") % {
            "year": year
        }
    data["document_date"] = document_date
    if errors:
        raise ValidationError(errors)
    return data


def declare(scope, commune: Unit, *, user=None, **fields) -> LiteracyDeclaration:
    """Record the commune's declaration for the year, or correct the one on record (the audit log
    keeps the earlier figures)."""
    _check_commune(scope, commune)
    data = clean_declaration(**fields)
    with transaction.atomic():
        record = LiteracyDeclaration.objects.select_for_update().filter(
            commune=commune, year=data["year"]
        ).first() or LiteracyDeclaration(commune=commune)
        record.recorded_by = user
        return _write(scope, record, data)


# -- figures up the hierarchy ------------------------------------------------------------------------


STANDARDS = ("literacy_level", "primary_level", "lower_secondary_level", "preschool")


def _levels():
    return defaultdict(int)


@dataclass
class LearningTotals(Totals):
    communes: int = 0  # communes of the current map under the unit (the denominator of coverage)
    classes: int = 0  # centre classes started in the year
    sessions: int = 0
    participants: int = 0  # people taking part, summed over classes (one person in two classes counts twice)
    centres_active: int = 0  # communes that recorded at least one class in the year
    week_activities: int = 0
    week_participants: int = 0
    week_communes: int = 0  # communes that recorded at least one activity of the year's Week
    declared: int = 0  # communes that declared literacy figures for the year
    population_15_35: int = 0  # the declared figures, summed over the communes that declared
    literate_15_35: int = 0
    population_15_60: int = 0
    literate2_15_60: int = 0
    by_topic: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # code → [classes, participants]
    # standard → {level: communes holding exactly that level}; preschool: {1: holding, 0: not}
    standards: dict = field(default_factory=lambda: defaultdict(_levels))

    def add(self, other: LearningTotals) -> None:
        super().add(other)
        for code, (n, people) in other.by_topic.items():
            self.by_topic[code][0] += n
            self.by_topic[code][1] += people
        for standard, levels in other.standards.items():
            for level, n in levels.items():
                self.standards[standard][level] += n

    # -- the shares, each with its coverage --------------------------------------------------------
    def literate_share(self) -> Share:
        """People 15–35 recognised literate, over the communes that declared."""
        return Share(self.literate_15_35, self.population_15_35, self.declared, self.communes)

    def literate2_share(self) -> Share:
        return Share(self.literate2_15_60, self.population_15_60, self.declared, self.communes)

    def standard_share(self, standard: str, level: int = 1) -> Share:
        """Communes holding `standard` at `level` or above, over every commune of the unit."""
        holding = sum(n for at, n in self.standards.get(standard, {}).items() if at >= level)
        return Share(holding, self.communes, self.declared, self.communes)

    def centre_share(self) -> Share:
        """Communes whose centre recorded a class in the year: those that recorded none are not
        known to have held one (nor known not to have)."""
        return Share(self.centres_active, self.communes, self.centres_active, self.communes)

    def week_share(self) -> Share:
        return Share(self.week_communes, self.communes, self.week_communes, self.communes)

    def topic_lines(self) -> list[tuple[str, str, int, int]]:
        """(code, name, classes, participants) for every topic of the list, in its order."""
        return [(code, name, *self.by_topic.get(code, (0, 0))) for code, name in topics.choices()]

    def as_dict(self) -> dict:
        out = super().as_dict()
        out["by_topic"] = {code: {"classes": n, "participants": p} for code, _name, n, p in self.topic_lines()}
        out["standards"] = {s: {str(k): v for k, v in sorted(self.standards.get(s, {}).items())} for s in STANDARDS}
        return out


@dataclass
class LearningFigures(Rollup[LearningTotals]):
    declarations: list[LiteracyDeclaration] = field(default_factory=list)  # a commune's own, with its source


def figures(unit: Unit, year: int) -> LearningFigures:
    """The learning figures of `unit` (the nation, a province or a commune of the current map) for
    `year`, with one line per child (provinces of the nation, communes of a province). Six queries at
    any level, each grouped in the database by the child (the province of a commune for the nation:
    two tiers since 2025), so the nation's 3,321 communes come back as 34 rows per table."""
    if unit.level == Level.VILLAGE:
        unit = unit.parent
    child = "commune__parent_id" if unit.level == Level.NATION else "commune_id"
    gathering = Gathering(unit, LearningTotals)
    per_child = gathering.lines
    under = {"commune__path__startswith": unit.path}

    communes = Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, path__startswith=unit.path)
    if unit.level == Level.NATION:
        for row in communes.values("parent_id").annotate(n=Count("pk")).order_by():
            per_child[row["parent_id"]].communes = row["n"]
    else:
        for pk in communes.values_list("pk", flat=True):
            per_child[pk].communes = 1

    classes = CentreClass.objects.filter(started_on__year=year, **under)
    for row in (
        classes.values(child, "topic")
        .order_by()
        .annotate(n=Count("pk"), people=Sum("participants"), sessions=Sum("sessions"))
    ):
        target = per_child[row[child]]
        target.classes += row["n"]
        target.sessions += row["sessions"] or 0
        target.participants += row["people"] or 0
        target.by_topic[row["topic"]][0] += row["n"]
        target.by_topic[row["topic"]][1] += row["people"] or 0
    for row in classes.values(child).order_by().annotate(n=Count("commune_id", distinct=True)):
        per_child[row[child]].centres_active = row["n"]

    for row in (
        WeekActivity.objects.filter(date__year=year, **under)
        .values(child)
        .order_by()
        .annotate(n=Count("pk"), people=Sum("participants"), communes=Count("commune_id", distinct=True))
    ):
        target = per_child[row[child]]
        target.week_activities, target.week_participants, target.week_communes = (
            row["n"],
            row["people"] or 0,
            row["communes"],
        )

    levels = {
        f"{standard}_{level}": Count("pk", filter=Q(**{standard: level}))
        for standard, top in (*DECLARED_LEVELS.items(), ("preschool", 1))
        for level in range(top + 1)
    }
    declared = LiteracyDeclaration.objects.filter(year=year, **under)
    for row in (
        declared.values(child)
        .order_by()
        .annotate(n=Count("pk"), **{name: Sum(name) for name in DECLARED_COUNTS}, **levels)
    ):
        target = per_child[row[child]]
        target.declared = row["n"]
        for name in DECLARED_COUNTS:
            setattr(target, name, row[name] or 0)
        for key in levels:
            standard, level = key.rsplit("_", 1)
            if row[key]:
                target.standards[standard][int(level)] = row[key]

    gathering.total_of_lines()
    # A commune's own declaration is shown with its source; a larger unit lists its children.
    own = list(declared) if unit.level == Level.COMMUNE else []
    return LearningFigures(unit, year, gathering.total, gathering.children(villages=False), own)
