from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.audit.exports import record_export
from hoctap.core.exports import ExportColumn, xlsx_response
from hoctap.core.limits import year_choices
from hoctap.members import services as member_services
from hoctap.territory.models import Era, Level, Unit, path_ids
from hoctap.web.shortcuts import commune_year_record, form_page, one_page_import

from . import by_ethnicity, charts, history
from .dashboard import PLAN_FIRST_YEAR, build, default_year, status_label
from .figures import CURRENT
from .forms import CapacityForm, DashboardForm, TargetForm
from .imports import TARGETS
from .indicators import TITLE_INDICATORS, Indicator
from .models import AssociationCapacity, Target

EXPORT_TABLES = ("indicators", "children", "series")


def year_comparison(request, unit_id):
    """A commune's titles recognised per year since 2021 (the five-year review), with the years of
    the old map by old commune and the villages' lines (`history.compare_years`)."""
    scope = scope_for(request)
    commune = scope.get_or_404(Unit.objects.current().filter(level=Level.COMMUNE).select_related("parent"), pk=unit_id)
    return render(
        request,
        "stats/year_comparison.html",
        {
            "commune": commune,
            "cmp": history.compare_years(commune),
            "can_record_villages": scope.can(Capability.MANAGE_TERRITORY, commune),
        },
    )


def _board(request, unit):
    form = DashboardForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    return build(
        unit,
        year=params.get("year"),
        map=params.get("map") or CURRENT,
        focus=params.get("focus"),
        scope=scope_for(request),
    ), form


def home(request):
    scope = scope_for(request)
    units = scope.home_units()
    if not units:
        raise Http404
    return redirect("stats:dashboard", unit_id=units[0].pk)


def dashboard(request, unit_id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.select_related("parent"), pk=unit_id)
    board, form = _board(request, unit)
    visible = _visible(scope, unit)
    ancestors = [a for a in unit.ancestors() if a.pk in visible]
    query = request.GET.urlencode()
    title_counts = [
        (line.short, board.figures.title_counts(line.indicator, board.year))
        for line in board.lines
        if line.indicator in TITLE_INDICATORS
    ]
    return render(
        request,
        "stats/dashboard.html",
        {
            "board": board,
            "form": form,
            "unit": unit,
            "ancestors": ancestors,
            "query": query,
            "year_choices": year_choices(PLAN_FIRST_YEAR, board.year),
            "title_counts": title_counts,
            "can_capacity": unit.level == Level.COMMUNE
            and unit.era == Era.CURRENT
            and scope.can(Capability.REPORT, unit),
            "status_label": status_label,
        },
    )


def _visible(scope, unit):
    return set(scope.filter(Unit.objects.filter(pk__in=path_ids(unit.path))).values_list("pk", flat=True))


def _export_rows(board, table):
    pct = lambda v: round(float(v), 2) if v is not None else None  # noqa: E731
    if table == "indicators":
        columns = [
            ExportColumn(_("Chỉ số"), lambda line: line.label, 50),
            ExportColumn(_("Năm"), lambda line: board.year, 8),
            ExportColumn(
                _("Tử số"), lambda line: float(line.value.numerator) if line.value.numerator is not None else None
            ),
            ExportColumn(_("Mẫu số"), lambda line: float(line.value.denominator) if line.value.denominator else None),
            ExportColumn(_("Nguồn mẫu số"), lambda line: line.value.source or ""),
            ExportColumn(_("Tỷ lệ (%)"), lambda line: pct(line.rate)),
            ExportColumn(_("Chỉ tiêu (%)"), lambda line: pct(line.target.value) if line.target else None),
            ExportColumn(_("Hạn chỉ tiêu"), lambda line: line.target.deadline if line.target else None),
            ExportColumn(_("Tình trạng"), lambda line: status_label(line.status)),
            ExportColumn(_("Năm dự kiến đạt"), lambda line: line.projected),
            ExportColumn(_("Ước tính"), lambda line: "x" if line.value.approximate else ""),
        ]
        return columns, board.lines
    if table == "children":
        columns = [
            ExportColumn(_("Mã"), lambda c: c.unit.code, 12),
            ExportColumn(_("Đơn vị"), lambda c: c.unit.name, 30),
            ExportColumn(_("Chỉ số"), lambda c: str(Indicator(board.focus).label), 40),
            ExportColumn(_("Tử số"), lambda c: float(c.value.numerator) if c.value.numerator is not None else None),
            ExportColumn(_("Mẫu số"), lambda c: float(c.value.denominator) if c.value.denominator else None),
            ExportColumn(_("Tỷ lệ (%)"), lambda c: pct(c.rate)),
            ExportColumn(_("Chỉ tiêu (%)"), lambda c: pct(c.target.value) if c.target else None),
            ExportColumn(_("Tình trạng"), lambda c: status_label(c.status)),
            ExportColumn(_("Ước tính"), lambda c: "x" if c.value.approximate else ""),
        ]
        return columns, board.children
    columns = [ExportColumn(_("Chỉ số"), lambda r: r[0].label, 50)] + [
        ExportColumn(str(year), (lambda r, i=i: pct(r[0].series[i][1])), 9) for i, year in enumerate(board.years)
    ]
    return columns, [(line,) for line in board.lines]


def export(request, unit_id, table):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.all(), pk=unit_id)
    if table not in EXPORT_TABLES:
        raise Http404
    board, _form = _board(request, unit)
    columns, records = _export_rows(board, table)
    # Sheet and file names in the reader's language, never the table's internal code.
    sheet, stem = {
        "indicators": (_("Chỉ số"), pgettext("file name", "chi-so")),
        "children": (_("Đơn vị trực thuộc"), pgettext("file name", "don-vi-truc-thuoc")),
        "series": (_("Theo năm"), pgettext("file name", "theo-nam")),
    }[table]
    prefix = pgettext("file name", "thong-ke")
    records = list(records)
    record_export(request.user, f"stats.{table}", rows=len(records), unit=unit, filters={"year": board.year})
    return xlsx_response(f"{prefix}-{unit.code}-{board.year}-{stem}", sheet, columns, records)


def _ethnicity_cut(request, unit_id):
    """The cut of one unit of the current map, for the year asked (the dashboard's default year)."""
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.current().select_related("parent"), pk=unit_id)
    form = DashboardForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or default_year()
    return scope, unit, by_ethnicity.cut(unit, year)


def ethnicity(request, unit_id):
    scope, unit, cut = _ethnicity_cut(request, unit_id)
    visible = _visible(scope, unit)
    return render(
        request,
        "stats/ethnicity.html",
        {
            "cut": cut,
            "unit": unit,
            "ancestors": [a for a in unit.ancestors() if a.pk in visible],
            "year_choices": year_choices(PLAN_FIRST_YEAR, cut.year),
            "small_cell": by_ethnicity.SMALL_CELL,
        },
    )


def ethnicity_export(request, unit_id):
    _scope, unit, cut = _ethnicity_cut(request, unit_id)

    note = str(
        _("“<5”: dưới 5 người, không hiển thị để bảo vệ dữ liệu cá nhân; “—”: không tính được hoặc tính từ ô bị ẩn.")
    )

    def count(column):
        def value(row):
            if isinstance(row, str):
                return ""
            return row.shown(column) if row.shown(column) is not None else by_ethnicity.HIDDEN

        return value

    def share(name):
        def value(row):
            if isinstance(row, str):
                return ""
            return round(float(row.share(name)) * 100, 2) if row.share(name) is not None else by_ethnicity.NOT_SHOWN

        return value

    columns = [
        ExportColumn(_("Dân tộc"), lambda row: row if isinstance(row, str) else (row.label or _("Tổng số")), 24),
        ExportColumn(_("Người trong độ tuổi lao động"), count("adults")),
        ExportColumn(_("Công dân học tập"), count("citizens")),
        ExportColumn(_("Tỷ lệ Công dân học tập (%)"), share("citizens_share")),
        ExportColumn(_("Có kỹ năng số"), count("digital")),
        ExportColumn(_("Tỷ lệ có kỹ năng số (%)"), share("digital_share")),
        ExportColumn(_("Thành thạo"), count("proficient")),
        ExportColumn(_("Tỷ lệ thành thạo (%)"), share("proficient_share")),
    ]
    prefix, stem = pgettext("file name", "thong-ke"), pgettext("file name", "cdht-theo-dan-toc")
    # The ethnic groups' rows and the total (the note line under them is not a row of data).
    record_export(request.user, "stats.ethnicity", rows=len(cut.rows) + 1, unit=unit, filters={"year": cut.year})
    return xlsx_response(
        f"{prefix}-{unit.code}-{cut.year}-{stem}", _("Theo dân tộc"), columns, [*cut.rows, cut.total, note]
    )


@require_http_methods(["GET", "POST"])
def capacity_edit(request, unit_id, year):
    scope = scope_for(request)
    commune, instance = commune_year_record(scope, AssociationCapacity.objects, unit_id, year, commune_field="unit")
    # What the association's own lists show (hoctap.members). Offered, never written by itself: a
    # commune reports when its officer saves this form, so a partial list never counts as a report.
    from_records = member_services.capacity_counts(commune, year)
    if request.method == "GET" and from_records and request.GET.get("from_records"):
        for name, value in from_records.items():
            setattr(instance, name, value)
    form = CapacityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        scope.save(form.save(commit=False), Capability.REPORT)
        messages.success(request, _("Đã lưu số liệu năng lực Hội năm %(year)s.") % {"year": year})
        return redirect(f"{reverse('stats:dashboard', args=[commune.pk])}?year={year}&focus=chair_in_clc")
    return render(
        request,
        "stats/capacity_form.html",
        {
            "form": form,
            "unit": commune,
            "year": year,
            "from_records": from_records,
            "filled": bool(request.GET.get("from_records")),
        },
    )


def target_list(request):
    scope = scope_for(request)
    targets = scope.filter(Target.objects.select_related("unit")).order_by("indicator", "year", "unit__sort_key")
    indicator = request.GET.get("indicator", "")
    if indicator in Indicator.values:
        targets = targets.filter(indicator=indicator)
    return render(
        request,
        "stats/target_list.html",
        {
            "targets": targets[:500],
            "indicators": Indicator.choices,
            "indicator": indicator,
            "can_edit": scope.can(Capability.REPORT),
        },
    )


@require_http_methods(["GET", "POST"])
def target_edit(request, target_id=None):
    scope = scope_for(request)
    if not scope.can(Capability.REPORT):
        raise Http404
    target = None
    if target_id is not None:
        target = scope.get_or_404(Target.objects.select_related("unit"), Capability.REPORT, pk=target_id)
        if target.unit_id is None and not scope.is_national(Capability.REPORT):
            raise Http404
    form = TargetForm(request.POST or None, instance=target, scope=scope)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.unit_id is None:
            saved.save()
        else:
            scope.save(saved, Capability.REPORT)
        messages.success(request, _("Đã lưu chỉ tiêu."))
        return redirect("stats:target_list")
    title = _("Sửa chỉ tiêu") if target else _("Thêm chỉ tiêu")
    return form_page(request, form, title=title, submit=_("Lưu"), back=reverse("stats:target_list"))


@require_http_methods(["GET", "POST"])
def target_import(request):
    return one_page_import(
        request,
        TARGETS,
        page="stats/target_import.html",
        filename="mau-chi-tieu.xlsx",
        done=_("Đã nhập %(n)s dòng chỉ tiêu."),
    )


@login_not_required
def public_province(request, code):
    """A province's summary for everyone: aggregates only, no names of people, no login."""
    province = get_object_or_404(Unit, era=Era.CURRENT, level=Level.PROVINCE, code=code)
    form = DashboardForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    board = build(province, year=params.get("year"), map=CURRENT, focus=params.get("focus"), scope=None)
    return render(
        request,
        "stats/public_province.html",
        {
            "board": board,
            "year_choices": year_choices(PLAN_FIRST_YEAR, board.year),
            "unit": province,
            "form": form,
            "status_label": status_label,
            "pct": charts.pct,
        },
    )
