"""Pages of the learning records. Thin: records come through the scope, rules and figures from
services; a record outside the reader's territory is a 404, and so is a form the reader may not use
(a province officer reads a commune's records, the commune's officers write them)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.audit.exports import record_export
from hoctap.core.exports import ExportColumn, xlsx_response
from hoctap.core.limits import year_asked
from hoctap.territory.models import Era, Level, Unit
from hoctap.web.shortcuts import accepted, form_page, year_page

from . import services, topics
from .forms import ClassForm, DeclarationForm, WeekActivityForm
from .models import CentreClass, LiteracyDeclaration, WeekActivity

WRITE = services.WRITE
PAGE = 200  # a commune's centre holds tens of classes a year; the page lists the year's


def _unit(scope, unit_id):
    return scope.get_or_404(
        Unit.objects.filter(era=Era.CURRENT, level__in=[Level.NATION, Level.PROVINCE, Level.COMMUNE]), pk=unit_id
    )


def index(request):
    """The reader's own figures: their commune's page (a village officer's commune), or a list when
    they work on several units."""
    scope = scope_for(request)
    units = []
    for unit in scope.home_units():
        unit = unit.parent if unit.level == Level.VILLAGE else unit
        if unit.era == Era.CURRENT and unit not in units:
            units.append(unit)
    if len(units) == 1:
        return redirect("learning:summary", unit_id=units[0].pk)
    return render(request, "learning/index.html", {"units": units})


def summary(request, unit_id):
    scope = scope_for(request)
    unit = _unit(scope, unit_id)
    year = year_asked(request)
    figures = services.figures(unit, year)
    context = {
        "unit": unit,
        "figures": figures,
        "visible": figures.visible_children(scope),
        "total": figures.total,
        "can_write": scope.can(WRITE, unit) and unit.level == Level.COMMUNE,
        "child_kind": {Level.NATION: _("Tỉnh, thành phố"), Level.PROVINCE: _("Xã, phường")}.get(unit.level, ""),
    }
    total = figures.total
    context.update(
        literacy2=total.standard_share("literacy_level", 2),
        primary3=total.standard_share("primary_level", 3),
        secondary2=total.standard_share("lower_secondary_level", 2),
        preschool=total.standard_share("preschool", 1),
    )
    if unit.level == Level.COMMUNE:
        # The commune's own records list only for who reads the commune: a village officer reads its
        # totals, and an empty list said «Chưa ghi lớp học nào» beside seven classes.
        if scope.can(Capability.VIEW, unit):
            context["classes"] = scope.filter(CentreClass.objects.filter(commune=unit, started_on__year=year))[:PAGE]
            context["activities"] = scope.filter(WeekActivity.objects.filter(commune=unit, date__year=year))[:PAGE]
        context["declaration"] = figures.declarations[0] if figures.declarations else None
    return year_page(request, "learning/summary.html", year, context)


def _rate(share):
    rate = share.rate
    return None if rate is None else round(float(rate), 1)


EXPORT_COLUMNS = [
    ExportColumn(_lazy("Đơn vị"), lambda r: r[0], 28),
    ExportColumn(_lazy("Số xã, phường"), lambda r: r[1].communes, 10),
    ExportColumn(_lazy("Lớp học ở TTHTCĐ"), lambda r: r[1].classes, 12),
    ExportColumn(_lazy("Số buổi"), lambda r: r[1].sessions, 10),
    ExportColumn(_lazy("Lượt người tham gia lớp học"), lambda r: r[1].participants, 14),
    ExportColumn(_lazy("Xã có ghi lớp học"), lambda r: r[1].centres_active, 12),
    ExportColumn(_lazy("Hoạt động Tuần lễ học tập suốt đời"), lambda r: r[1].week_activities, 14),
    ExportColumn(_lazy("Người tham gia Tuần lễ"), lambda r: r[1].week_participants, 14),
    ExportColumn(_lazy("Xã có ghi hoạt động Tuần lễ"), lambda r: r[1].week_communes, 14),
    ExportColumn(_lazy("Xã đã kê khai phổ cập, xóa mù chữ"), lambda r: r[1].declared, 14),
    ExportColumn(_lazy("Người 15–35 tuổi (xã đã kê khai)"), lambda r: r[1].population_15_35, 14),
    ExportColumn(_lazy("Trong đó biết chữ"), lambda r: r[1].literate_15_35, 12),
    ExportColumn(_lazy("Tỷ lệ biết chữ 15–35 (%)"), lambda r: _rate(r[1].literate_share()), 12),
    ExportColumn(_lazy("Người 15–60 tuổi (xã đã kê khai)"), lambda r: r[1].population_15_60, 14),
    ExportColumn(_lazy("Trong đó biết chữ mức độ 2"), lambda r: r[1].literate2_15_60, 12),
    ExportColumn(_lazy("Tỷ lệ biết chữ mức độ 2, 15–60 (%)"), lambda r: _rate(r[1].literate2_share()), 12),
    ExportColumn(
        _lazy("Xã đạt chuẩn xóa mù chữ mức độ 2"), lambda r: r[1].standard_share("literacy_level", 2).numerator, 14
    ),
    ExportColumn(
        _lazy("Xã đạt chuẩn PCGD tiểu học mức độ 3"), lambda r: r[1].standard_share("primary_level", 3).numerator, 14
    ),
    ExportColumn(
        _lazy("Xã đạt chuẩn PCGD THCS mức độ 2 trở lên"),
        lambda r: r[1].standard_share("lower_secondary_level", 2).numerator,
        14,
    ),
    ExportColumn(
        _lazy("Xã đạt chuẩn PCGD mầm non trẻ 5 tuổi"), lambda r: r[1].standard_share("preschool", 1).numerator, 14
    ),
]


def summary_xlsx(request, unit_id):
    """The page's figures as a spreadsheet: the unit's total, then one row per child."""
    scope = scope_for(request)
    unit = _unit(scope, unit_id)
    year = year_asked(request)
    figures = services.figures(unit, year)
    topic_columns = [
        ExportColumn(_("Lớp: %(topic)s") % {"topic": name}, lambda r, code=code: r[1].by_topic.get(code, [0, 0])[0], 12)
        for code, name in topics.choices()
    ]
    rows = [(_("Tổng: %(unit)s") % {"unit": unit.name}, figures.total)] + [(c.name, t) for c, t in figures.children]
    filename = f"{pgettext('file name', 'hoc-tap-cong-dong')}-{unit.code}-{year}"
    record_export(request.user, "learning.summary", rows=len(rows), unit=unit, filters={"year": year})
    return xlsx_response(filename, pgettext("file name", "Học tập cộng đồng"), EXPORT_COLUMNS + topic_columns, rows)


def _commune(scope, unit_id):
    """The commune a form writes for: in the reader's scope with the write capability, else 404."""
    unit = scope.get_or_404(Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE), pk=unit_id)
    scope.require(WRITE, unit)
    return unit


def _render_form(request, form, title, unit, back, submit):
    return form_page(request, form, title=title, subtitle=unit.name, back=back, submit=submit)


def _record_and_form(request, scope, records, form_class, unit_id, record_id):
    """The commune, the record and the form: a new record of the commune `unit_id`, or the record
    `record_id` to correct (looked up through the scope first, so another commune's is a 404)."""
    if record_id is None:
        return _commune(scope, unit_id), None, form_class(request.POST or None)
    instance = scope.get_or_404(records.select_related("commune"), WRITE, pk=record_id)
    initial = {name: getattr(instance, name) for name in form_class.base_fields}
    return instance.commune, instance, form_class(request.POST or None, initial=initial)


def _back(unit, year):
    return f"{reverse('learning:summary', args=[unit.pk])}?year={year}"


@require_http_methods(["GET", "POST"])
def class_form(request, unit_id=None, class_id=None):
    scope = scope_for(request)
    unit, instance, form = _record_and_form(request, scope, CentreClass.objects, ClassForm, unit_id, class_id)
    record = accepted(
        request, form, lambda data: services.record_class(scope, unit, user=request.user, instance=instance, **data)
    )
    if record is not None:
        messages.success(
            request,
            _("Đã ghi lớp «%(name)s»: %(n)s người tham gia.") % {"name": record.name, "n": record.participants},
        )
        return redirect(_back(unit, record.started_on.year))
    title = _("Sửa lớp học") if instance else _("Ghi lớp học ở trung tâm học tập cộng đồng")
    return _render_form(request, form, title, unit, _back(unit, year_asked(request)), _("Ghi"))


@require_http_methods(["GET", "POST"])
def week_form(request, unit_id=None, activity_id=None):
    scope = scope_for(request)
    unit, instance, form = _record_and_form(
        request, scope, WeekActivity.objects, WeekActivityForm, unit_id, activity_id
    )
    record = accepted(
        request,
        form,
        lambda data: services.record_week_activity(scope, unit, user=request.user, instance=instance, **data),
    )
    if record is not None:
        messages.success(request, _("Đã ghi hoạt động «%(name)s».") % {"name": record.activity})
        return redirect(_back(unit, record.date.year))
    title = _("Sửa hoạt động Tuần lễ") if instance else _("Ghi hoạt động Tuần lễ hưởng ứng học tập suốt đời")
    return _render_form(request, form, title, unit, _back(unit, year_asked(request)), _("Ghi"))


@require_http_methods(["GET", "POST"])
def declaration_form(request, unit_id):
    scope = scope_for(request)
    unit = _commune(scope, unit_id)
    year = year_asked(request)
    existing = LiteracyDeclaration.objects.filter(commune=unit, year=year).first()
    initial = {name: getattr(existing, name) for name in DeclarationForm.base_fields} if existing else None
    form = DeclarationForm(request.POST or None, initial=initial)
    saved = accepted(request, form, lambda data: services.declare(scope, unit, user=request.user, year=year, **data))
    if saved is not None:
        messages.success(request, _("Đã ghi số liệu phổ cập giáo dục, xóa mù chữ năm %(year)d.") % {"year": year})
        return redirect(_back(unit, year))
    title = _("Kê khai phổ cập giáo dục, xóa mù chữ năm %(year)d") % {"year": year}
    return _render_form(request, form, title, unit, _back(unit, year), _("Ghi số liệu"))
