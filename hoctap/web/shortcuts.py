"""The few things every app's views do alike, written once."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import content_disposition_header

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core import imports as engine
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.core.limits import current_year, is_year, year_choices
from hoctap.core.uploads import XlsxImportForm
from hoctap.territory.models import Level, Unit


def add_service_errors(form, error: ValidationError, *, field_for: dict[str, str] | None = None) -> None:
    """Show what a service refused on the form that sent it: each field's messages on that field
    (a service's `unit_id` is the form's `unit`; `field_for` renames others), everything else, and
    refusals that name no field (a stale version, a state that moved on), above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        name = (field_for or {}).get(name, name)
        if name not in form.fields and name.removesuffix("_id") in form.fields:
            name = name.removesuffix("_id")
        form.add_error(name if name in form.fields else None, problems)


def accepted[T](request, form, save: Callable[[dict], T]) -> T | None:
    """What `save(form.cleaned_data)` wrote, when the form was posted, is valid and the service
    accepted it; None when nothing was written: not posted, or refused (the form then shows why,
    as `add_service_errors` puts it). `save` calls the service and returns the record it wrote."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def not_post(request) -> HttpResponse | None:
    """None for a POST; else the 405 of a view that only acts. Such a view looks its record up first
    and asks this second, so a record outside the scope is a 404 whatever the method (nobody learns
    it exists by trying a GET)."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def writer_form[F](request, may_write: bool, make_form: Callable[[], F]) -> F | None:
    """The form of a page that everyone in scope reads and only some may write on: `make_form()`
    for a writer; None for a reader, whose POST is a 404 (what they may not change is not there)."""
    if may_write:
        return make_form()
    if request.method == "POST":
        raise Http404
    return None


def form_page(request, form, *, title, submit, back: str, subtitle: str = "") -> HttpResponse:
    """A page that is one form and nothing else: its title (and what it is about), the fields with
    their errors, the button, and the way back (`web/form.html`)."""
    context = {"form": form, "title": title, "subtitle": subtitle, "submit": submit, "back": back}
    return render(request, "web/form.html", context)


def year_page(request, template: str, year: int, context: dict) -> HttpResponse:
    """A page about one year of a ledger or roll (`year` as `core.limits.year_asked` read it), which
    offers the years to choose from: this one and the six before it (the page shows them with
    web/_year_picker.html)."""
    return render(request, template, {"year": year, "years": year_choices(current_year() - 6), **context})


def is_htmx(request) -> bool:
    """The request came from htmx swapping part of a page (it wants the fragment, not the page)."""
    return request.headers.get("HX-Request") == "true"


def download(content, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A file for the browser to save (or, `inline`, to show), its name encoded for any browser
    (RFC 6266: Vietnamese names survive)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def one_page_import(request, template, *, page: str, filename: str, done: str) -> HttpResponse:
    """An Excel import done on one page, without the registry's upload jobs (`page` includes
    `web/_import_form.html`): a 404 for whom the template is not for, `?template=1` downloads the
    template (as `filename`), a posted file (`XlsxImportForm`: refused as every upload is when it is
    not a plain workbook within the size limit) is checked, or checked and written, by the engine
    there and then. `done` is the message once written, `%(n)s` the rows."""
    scope = scope_for(request)
    if not template.permitted(scope):
        raise Http404
    if request.GET.get("template"):
        return download(engine.template_workbook(template), filename, XLSX_CONTENT_TYPE)
    form = XlsxImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        run = engine.check_file if form.cleaned_data["dry_run"] else engine.import_file
        result = run(form.cleaned_data["file"], template, scope=scope, actor=request.user)
        if result.committed:
            messages.success(request, done % {"n": result.rows})
    return render(request, page, {"form": form, "result": result})


def private_file(response: HttpResponse) -> HttpResponse:
    """A file only its reader may see (evidence, a decision's PDF): the reader's browser may keep it
    an hour, no shared cache may, and the browser never guesses it into another type (a page)."""
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def commune_year_record(scope, records, unit_id, year, *, commune_field: str = "commune"):
    """A commune's record for one year, to show or declare: the commune (where the user reports,
    else 404), and its record for `year` or a new one not yet saved. A year out of range is a 404."""
    commune = scope.get_or_404(Unit.objects.current().filter(level=Level.COMMUNE), Capability.REPORT, pk=unit_id)
    if not is_year(year):
        raise Http404
    lookup = {commune_field: commune, "year": year}
    return commune, records.filter(**lookup).first() or records.model(**lookup)


def filtered_by_given(queryset, **lookups):
    """`queryset` narrowed by each lookup whose value was given: a list's filter left empty ("" or
    None) narrows nothing, while False, as in `province__isnull=False`, does."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value not in ("", None)})
