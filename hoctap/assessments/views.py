"""Pages of the yearly cycle. Thin: every query goes through the scope, every change through the
workflow, review, evidence, decisions or citizens modules."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import ascii_int, current_year
from hoctap.core.text import fold
from hoctap.criteria.titles import Title
from hoctap.privacy import services as privacy
from hoctap.territory.models import Era, Level, Unit
from hoctap.web.shortcuts import add_service_errors, download, form_page, is_htmx, not_post, private_file

from . import (
    certificates,
    citizens,
    decisions,
    document_jobs,
    documents,
    evidence,
    learners,
    registration,
    review,
    season,
    subjects,
    workflow,
)
from .campaigns import campaign_for, create_campaign, ensure_national_campaigns, level_rows
from .forms import (
    AssessmentFilterForm,
    CampaignForm,
    DecisionForm,
    EvidenceForm,
    ResultsImportForm,
    SelfAssessmentForm,
    SignupForm,
    TransitionForm,
)
from .lists import AssessmentFilters, assessments_in_scope
from .models import (
    Assessment,
    Campaign,
    Certificate,
    CitizenSignup,
    Decision,
    DocumentKind,
    Evidence,
    StaleAssessment,
)
from .sets import definition_of
from .states import Action, State
from .subjects import OWNER_PREFETCH, SUBJECT_RELATIONS, display_name

PAGE_SIZE = 50
# A confirmation carries at most this many rows (a village has far fewer dossiers).
MAX_BULK_ROWS = 5000
# How often a page waiting for a PDF asks again (the worker takes about a second for one).
DOCUMENT_REFRESH_SECONDS = 2


def _refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- campaigns ------------------------------------------------------------------------------------


def campaign_list(request):
    scope = scope_for(request)
    # This year's national defaults open on first need: nobody has to prepare a year.
    ensure_national_campaigns(current_year())
    # The newest year first, as the model orders campaigns: a query with an aggregate drops the
    # model's ordering (GROUP BY), and the list came in no order (past years first on a phone).
    campaigns = (
        scope.filter(Campaign.objects.select_related("province"))
        .annotate(set_count=Count("criteria_sets", distinct=True))
        .order_by(*Campaign._meta.ordering)
    )
    return render(
        request,
        "assessments/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_create": scope.can(Capability.MANAGE_CRITERIA),
            "year": current_year(),
        },
    )


def _campaign_provinces(scope):
    return scope.filter(
        Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE), Capability.MANAGE_CRITERIA
    ).in_order()


def campaign_create(request):
    scope = scope_for(request)
    scope.require(Capability.MANAGE_CRITERIA)
    national_allowed = scope.is_national(Capability.MANAGE_CRITERIA)
    form = CampaignForm(request.POST or None, provinces=_campaign_provinces(scope), national_allowed=national_allowed)
    if request.method == "POST" and form.is_valid():
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if value not in (None, "") and not name.startswith("province_units_")
        }
        data["level_overrides"] = form.level_overrides()
        sets = list(data.pop("criteria_sets", [])) or None
        title, year, province = data.pop("title"), data.pop("year"), data.pop("province", None)
        try:
            campaign = create_campaign(title, year, province=province, criteria_sets=sets, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã tạo đợt %(campaign)s.") % {"campaign": campaign})
            return redirect("assessments:campaign_detail", campaign_id=campaign.pk)
    return form_page(
        request,
        form,
        title=_("Tạo đợt đánh giá"),
        subtitle=_(
            "Đợt của tỉnh kế thừa mọi thiết lập của đợt toàn quốc cùng năm và danh hiệu; chỉ cần điền những gì khác."
        ),
        submit=_("Tạo đợt"),
        back=reverse("assessments:campaign_list"),
    )


def campaign_detail(request, campaign_id):
    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.select_related("province"), pk=campaign_id)
    assessments = scope.filter(campaign.assessments.all())
    by_state = dict(assessments.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    # The communes and villages the user works on: where registration and review happen.
    units = scope.filter(Unit.objects.filter(era=Era.CURRENT, level__in=[Level.COMMUNE, Level.VILLAGE]))
    if campaign.province_id:
        units = units.filter(path__startswith=campaign.province.path)
    # A province officer sees every commune and village of the province: a page at a time, with
    # the count, rather than a list cut off without saying so.
    unit_page = Paginator(units.in_order(), PAGE_SIZE).get_page(request.GET.get("page"))
    unit_rows = [
        {
            "unit": unit,
            "can_register": scope.can(Capability.EDIT_REGISTRY, unit),
            "can_review": scope.can(Capability.REVIEW, unit),
        }
        for unit in unit_page
    ]
    return render(
        request,
        "assessments/campaign_detail.html",
        {
            "campaign": campaign,
            "level_rows": level_rows(campaign),
            "season_steps": season.order(campaign),
            "waiting": season.waiting(scope, campaign),
            "sets": campaign.criteria_sets.all(),
            "states": [(State(s).label, by_state.get(s, 0)) for s in State.values],
            "unit_rows": [row for row in unit_rows if row["can_register"] or row["can_review"]],
            "unit_page": unit_page,
            "issuers": decisions.issuers_for(scope, campaign),
            "decisions": scope.filter(campaign.decisions.select_related("issuer")),
            **_results_context(request, scope, campaign),
        },
    )


def _results_context(request, scope, campaign) -> dict:
    """The results import box of the campaign page, for those who may import."""
    from hoctap.registry.models import ImportJob

    from .results_import import ResultsTemplate

    template = ResultsTemplate(campaign)
    if not template.permitted(scope):
        return {}
    return {
        "can_import_results": True,
        "results_form": ResultsImportForm(),
        "results_past": campaign.year < current_year(),
        "results_jobs": scope.filter(ImportJob.objects.filter(uploaded_by=request.user, template=template.code))[:5],
    }


def register_subjects(request, campaign_id, unit_id):
    """Registration at the start of the year: search, page through and tick the subjects of a
    village or commune (`registration`)."""
    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.all(), pk=campaign_id)
    unit = scope.get_or_404(Unit.objects.filter(era=Era.CURRENT), Capability.EDIT_REGISTRY, pk=unit_id)
    if request.method == "POST":
        ids = [pk for pk in map(ascii_int, request.POST.getlist("subject")[: registration.PAGE_SIZE * 4]) if pk]
        done, refused = registration.register_chosen(scope, campaign, unit, ids)
        if done:
            messages.success(
                request, ngettext("Đã đăng ký %(n)s đối tượng.", "Đã đăng ký %(n)s đối tượng.", done) % {"n": done}
            )
        for text in refused:
            messages.error(request, text)
        # Back to the same search and page, so the officer carries on where they were.
        kept = {k: request.POST[k] for k in ("q", "show", "page") if request.POST.get(k)}
        url = reverse("assessments:register_subjects", args=[campaign.pk, unit.pk])
        return redirect(f"{url}?{urlencode(kept)}" if kept else url)
    text, show = request.GET.get("q", ""), request.GET.get("show", "")
    found = registration.listing(
        scope, campaign, unit, text=text, unregistered_only=show == "todo", page_number=request.GET.get("page")
    )
    if found.refused_text:
        # Off the address at once: it would stay in the history and in links built from the page.
        messages.error(
            request,
            _("Ở đây không tìm theo số định danh (số định danh không được đưa vào địa chỉ trang): hãy gõ họ tên."),
        )
        url = reverse("assessments:register_subjects", args=[campaign.pk, unit.pk])
        return redirect(f"{url}?{urlencode({'show': show})}" if show else url)
    return render(
        request,
        "assessments/register_subjects.html",
        {
            "campaign": campaign,
            "unit": unit,
            "listing": found,
            "show": show,
            "can_review": scope.can(Capability.REVIEW, unit),
        },
    )


# -- assessments ----------------------------------------------------------------------------------


def assessment_list(request):
    form = AssessmentFilterForm(request.GET or None)
    filters = (
        AssessmentFilters(**{k: v for k, v in form.cleaned_data.items() if v})
        if form.is_valid()
        else AssessmentFilters()
    )
    assessments = assessments_in_scope(scope_for(request), filters)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"assessment": a, "name": display_name(a)} for a in page]
    return render(request, "assessments/assessment_list.html", {"form": form, "page": page, "rows": rows})


def _assessment(request, assessment_id, capability=Capability.VIEW):
    return scope_for(request).get_or_404(
        Assessment.objects.select_related(*SUBJECT_RELATIONS, "campaign", "criteria_set", "decision").prefetch_related(
            *OWNER_PREFETCH
        ),
        capability,
        pk=assessment_id,
    )


def _answer_rows(assessment):
    definition = definition_of(assessment.criteria_set)
    self_by_code = {i["code"]: i for i in assessment.self_result.get("indicators", [])}
    rows = []
    for criterion in definition.criteria:
        for indicator in criterion.indicators:
            rows.append(
                {
                    "criterion": criterion,
                    "indicator": indicator,
                    "text": indicator.text_for(assessment.subject_group or None)[0],
                    "self": assessment.self_answers.get(indicator.code),
                    "note": assessment.self_notes.get(indicator.code, ""),
                    "council": assessment.review_answers.get(indicator.code),
                    "below_floor": self_by_code.get(indicator.code, {}).get("below_floor", False),
                }
            )
    return rows


def assessment_detail(request, assessment_id):
    scope = scope_for(request)
    assessment = _assessment(request, assessment_id)
    attached = evidence.with_shared_flag(assessment.evidence.select_related("file"))
    allowed = workflow.allowed_actions(scope, assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "name": display_name(assessment),
            "rows": _answer_rows(assessment),
            "evidence": attached,
            "timeline": assessment.state_changes.select_related("actor"),
            "actions": [(a, Action(a).label) for a in allowed],
            "can_revoke": Action.REVOKE in allowed,
            "transition_form": TransitionForm(initial={"expected_version": assessment.version}),
            "evidence_form": EvidenceForm(definition=definition_of(assessment.criteria_set))
            if assessment.state in evidence.OPEN_STATES and workflow.is_subject_actor(scope, assessment)
            else None,
            "can_edit_answers": assessment.state in (State.REGISTERED, State.SELF_ASSESSING, State.RETURNED)
            and workflow.is_subject_actor(scope, assessment),
            "certificate": Certificate.objects.filter(assessment=assessment).first(),
            "replaced_by": assessment.replaced_by.all(),
            "learners": learners.for_assessment(assessment),
            "explained": subjects.explain(assessment),
        },
    )


def self_assessment(request, assessment_id):
    """The self-assessment sheet; one indicator per fieldset, usable on a phone.

    The evidence fields belong to the same form, so a photo chosen without JavaScript travels with
    the scores typed so far: both are kept (the scores as a draft), neither is lost. With JavaScript
    the page sends the photo on its own (shrunk, with a progress bar: static/assessments/selfassess.js)
    and the typed scores never leave the screen."""
    scope = scope_for(request)
    assessment = _assessment(request, assessment_id)
    if not workflow.is_subject_actor(scope, assessment):
        raise Http404
    if assessment.state not in (State.REGISTERED, State.SELF_ASSESSING, State.RETURNED):
        messages.info(request, _("Hồ sơ đã nộp; không sửa điểm tự chấm được nữa."))
        return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
    definition = definition_of(assessment.criteria_set)
    form = SelfAssessmentForm(
        request.POST or None,
        definition=definition,
        group=assessment.subject_group or None,
        initial_answers=assessment.self_answers,
        initial_notes=assessment.self_notes,
    )
    if request.method == "POST":
        _attach_from_sheet(request, scope, assessment, definition)
    if request.method == "POST" and not form.is_valid() and "submit" in request.POST:
        _engine_problems(form, assessment)
    if request.method == "POST" and form.is_valid():
        version = _int(request.POST.get("expected_version"))
        try:
            saved = assessment = workflow.save_answers(
                scope, assessment, form.answers(), notes=form.notes(), expected_version=version
            )
            if "submit" in request.POST:
                submitted = workflow.transition(scope, saved, Action.SUBMIT, expected_version=saved.version)
                messages.success(request, _submitted_text(submitted))
                return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
            messages.success(request, _("Đã lưu nháp."))
            return redirect("assessments:self_assessment", assessment_id=assessment.pk)
        except workflow.TransitionRefused as refusal:
            problems = getattr(refusal, "problems", {})
            for code, message in problems.items():
                if f"a_{code}" in form.fields:
                    form.add_error(f"a_{code}", message)
            if not problems:
                form.add_error(None, refusal.text)
        except StaleAssessment as stale:
            form.add_error(None, _refusal_text(stale))
    return render(
        request,
        "assessments/self_assessment.html",
        {
            "assessment": assessment,
            "name": display_name(assessment),
            "form": form,
            "set_incomplete": not assessment.criteria_set.is_complete,
            "explained": subjects.explain(assessment),
            "error_summary": _error_summary(form) if form.is_bound else [],
            "evidence_list": assessment.evidence.order_by("pk"),
            "rules": _sheet_rules(assessment, definition),
            "upload": {
                "accept": evidence.ACCEPT,
                "max_edge": evidence.MAX_SENT_EDGE,
                "max_bytes": settings.UPLOAD_MAX_BYTES,
                "today": timezone.localdate(),
            },
        },
    )


def _attach_from_sheet(request, scope, assessment, definition) -> None:
    """A file sent with the sheet (pages without JavaScript): attach it and say how it went; the
    scores are handled after, whatever happened to the file."""
    if not request.FILES.get("file"):
        if "upload" in request.POST:
            messages.warning(request, _("Chưa chọn tệp nào để tải lên: hãy bấm «Chọn tệp» trước."))
        return
    upload = EvidenceForm(request.POST, request.FILES, definition=definition)
    if not upload.is_valid():
        messages.error(request, _not_attached_text(_form_errors_text(upload)))
        return
    try:
        _attach(scope, assessment, upload)
    except ValidationError as error:
        messages.error(request, _not_attached_text(_refusal_text(error)))
    else:
        messages.success(request, _("Đã thêm minh chứng «%(name)s».") % {"name": upload.cleaned_data["file"].name})


def _attach(scope, assessment, upload: EvidenceForm) -> Evidence:
    """Attach the file of a valid evidence form, with what the form says about it (its other fields
    are named as `evidence.attach` names them)."""
    about = dict(upload.cleaned_data)
    return evidence.attach(scope, assessment, about.pop("file"), **about)


def _form_errors_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _not_attached_text(why: str) -> str:
    return _("Chưa thêm được minh chứng: %(why)s") % {"why": why}


def _engine_problems(form, assessment) -> None:
    """A refused submit lists everything at once: besides the fields the form refused, what the
    engine would refuse in the rest (a score not yet given), in its own words."""
    try:
        workflow.score(assessment, form.answers())
    except workflow.TransitionRefused as refusal:
        for code, message in getattr(refusal, "problems", {}).items():
            name = f"a_{code}"
            if name in form.fields and name not in form.errors:
                form.add_error(name, message)


def _submitted_text(assessment) -> str:
    """Submitted, and what the subject's own scores come to: never silent about a floor missed."""
    result = assessment.self_result or {}
    text = _("Đã nộp hồ sơ tự đánh giá.")
    if result.get("achieved") is False:
        reasons = " ".join(r["message_vi"] for r in result.get("reasons", []) if r["code"] != "total_overridden")
        text += " " + _("Theo điểm tự chấm, hồ sơ chưa đạt: %(reasons)s") % {"reasons": reasons}
    return text


def _error_summary(form) -> list[dict]:
    """Every problem of a refused sheet, in page order, each linking to its field."""
    rows = [{"text": str(message), "href": ""} for message in form.non_field_errors()]
    for item in form.indicators:
        errors = item["field"].errors
        if errors:
            code = item["indicator"].code
            anchor = item["field"].id_for_label or f"ind-{code}"
            if item["indicator"].kind == "pass_fail":
                anchor = f"{item['field'].auto_id}_0"
            for message in errors:
                rows.append(
                    {
                        "text": _("Chỉ số %(code)s: %(message)s") % {"code": code, "message": message},
                        "href": "#" + anchor,
                    }
                )
        for message in item["note"].errors:
            rows.append(
                {
                    "text": _("Ghi chú chỉ số %(code)s: %(message)s")
                    % {"code": item["indicator"].code, "message": message},
                    "href": "#" + item["note"].id_for_label,
                }
            )
    return rows


def _sheet_rules(assessment, definition) -> dict:
    """The numbers the page's running total shows, from where the server scores: the engine's
    pass mark for the assessment's area class and the criteria set's maximum."""
    from hoctap.criteria import engine

    if definition.scoring.method != "points":
        return {}
    mark = engine.pass_mark(definition, assessment.area_class)
    return {
        "max_total": format(definition.max_total, "f"),
        "pass_mark": format(mark, "f") if mark is not None else "",
        "pass_mark_line": assessment.pass_mark_line,
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def assessment_transition(request, assessment_id):
    scope = scope_for(request)
    assessment = _assessment(request, assessment_id)  # out of scope is a 404 whatever the method
    if refused := not_post(request):
        return refused
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("assessments:assessment_detail", assessment_id=assessment.pk)
    data = form.cleaned_data
    details = {name: data[name] for name in ("reason", "expected_version", "revocation_reference")}
    try:
        if data["action"] == Action.REVOKE and data["reopen"]:
            new = workflow.correct(scope, assessment, **details)
            messages.success(request, _("Đã thu hồi và lập hồ sơ mới."))
            return redirect("assessments:assessment_detail", assessment_id=new.pk)
        workflow.transition(scope, assessment, data["action"], **details)
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": Action(data["action"]).label})
    except (workflow.TransitionRefused, StaleAssessment) as refusal:
        messages.error(request, _refusal_text(refusal))
    return redirect("assessments:assessment_detail", assessment_id=assessment.pk)


def evidence_upload(request, assessment_id):
    """Attach a file. Asked for JSON (the self-assessment page's own upload), the answer is the new
    list item or the refusal as text, and the page around it is left as it is."""
    scope = scope_for(request)
    assessment = _assessment(request, assessment_id)
    if refused := not_post(request):
        return refused
    inline = request.headers.get("Accept", "").startswith("application/json")
    form = EvidenceForm(request.POST, request.FILES, definition=definition_of(assessment.criteria_set))
    refusal = None
    if form.is_valid():
        try:
            attached = _attach(scope, assessment, form)
        except ValidationError as error:
            refusal = _refusal_text(error)
    else:
        refusal = _form_errors_text(form)
    if inline:
        if refusal is not None:
            return JsonResponse({"error": _not_attached_text(refusal)}, status=422)
        item = render_to_string("assessments/_evidence_item.html", {"e": attached}, request=request)
        return JsonResponse(
            {"html": item, "message": _("Đã thêm minh chứng «%(name)s».") % {"name": attached.original_name}},
            status=201,
        )
    if refusal is None:
        messages.success(request, _("Đã thêm minh chứng."))
    else:
        messages.error(request, refusal)
    target = request.POST.get("next")
    if target == "self":
        return redirect("assessments:self_assessment", assessment_id=assessment.pk)
    return redirect("assessments:assessment_detail", assessment_id=assessment.pk)


def _evidence(request, evidence_id):
    return scope_for(request).get_or_404(Evidence.objects.select_related("file"), pk=evidence_id)


def evidence_file(request, evidence_id):
    attachment = _evidence(request, evidence_id)
    # Never rendered inline by the browser as a page of ours: images are shown as files, PDFs and
    # office files are downloaded.
    return private_file(
        download(
            evidence.read_original(attachment.file),
            f"evidence-{attachment.pk}",
            attachment.file.content_type,
            inline=attachment.file.is_image,
        )
    )


def evidence_thumbnail(request, evidence_id, size):
    attachment = _evidence(request, evidence_id)
    if size not in evidence.THUMBNAIL_SIZES or not attachment.file.is_image:
        raise Http404
    data, content_type = evidence.thumbnail(attachment.file, size)
    return private_file(HttpResponse(data, content_type=content_type))


# -- review ---------------------------------------------------------------------------------------


def review_board(request, campaign_id, unit_id):
    """A village's dossiers, a card per subject on a phone, a page at a time (`review.BOARD_PAGE_SIZE`),
    filtered by state group and name. Reviewers act on them; the village's own officers (who may see
    but not review) follow their dossiers' states on the same page.

    Bulk accept is two steps: `?confirm=accept` (or a POST without the confirmed rows) shows how
    many dossiers of the filter, on every page, would be accepted and which; only the POST of that
    page, carrying each row with the version shown, accepts them, and only them
    (`review.accept_all` refuses anything else)."""
    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.all(), pk=campaign_id)
    unit = scope.get_or_404(Unit.objects.filter(era=Era.CURRENT), pk=unit_id)
    can_review = scope.can(Capability.REVIEW, unit)
    board = review.Board.from_query(request.POST if request.method == "POST" else request.GET)
    board_url = reverse("assessments:review_board", kwargs={"campaign_id": campaign.pk, "unit_id": unit.pk})
    if board.query():
        board_url += "?" + urlencode(board.query())
    bulk = request.POST.get("bulk") == "accept" or request.GET.get("confirm") == "accept"
    if bulk and not can_review:
        raise Http404
    confirmed = _confirmed_rows(request.POST.getlist("confirm")) if request.method == "POST" else {}
    if bulk and confirmed:
        try:
            accepted, refused = review.accept_all(scope, campaign, unit, confirmed=confirmed)
            messages.success(
                request,
                ngettext(
                    "Đã chấp nhận điểm tự chấm của %(n)s hồ sơ.", "Đã chấp nhận điểm tự chấm của %(n)s hồ sơ.", accepted
                )
                % {"n": accepted},
            )
            for text in refused:
                messages.error(request, text)
        except workflow.TransitionRefused as refusal:
            messages.error(request, refusal.text)
        return redirect(board_url)
    if bulk:
        if not campaign.allow_bulk_accept:
            messages.error(request, _("Đợt này không cho phép chấp nhận điểm tự chấm hàng loạt."))
            return redirect(board_url)
        return render(
            request,
            "assessments/review_confirm.html",
            {
                "campaign": campaign,
                "unit": unit,
                "board": board,
                "board_url": board_url,
                "rows": review.bulk_rows(review.rows_for(scope, campaign, unit, board)),
            },
        )
    page, rows = review.board_page(scope, campaign, unit, board, request.GET.get("page"))
    counts = review.board_counts(scope, campaign, unit, board)
    # The confirmation counts exactly; here only whether there is anything to accept in the filter.
    bulk_offered = (
        can_review
        and campaign.allow_bulk_accept
        and board.show in (review.BoardFilter.ALL, review.BoardFilter.WAITING)
        and counts[review.BoardFilter.WAITING] > 0
    )
    set_ids = board.assessments(scope, campaign, unit).order_by().values_list("criteria_set_id", flat=True).distinct()
    return render(
        request,
        "assessments/review_board.html",
        {
            "campaign": campaign,
            "unit": unit,
            "board": board,
            "filters": [(value, label, counts[value]) for value, label in review.BoardFilter.choices],
            "page": page,
            "page_query": urlencode(board.query()),
            "rows": rows,
            "can_review": can_review,
            "can_register": scope.can(Capability.EDIT_REGISTRY, unit),
            "incomplete_sets": documents.incomplete_sets(set_ids),
            "bulk_offered": bulk_offered,
            "bulk_query": urlencode({**board.query(), "confirm": "accept"}),
        },
    )


def _confirmed_rows(values: list[str]) -> dict[int, int]:
    """The rows a bulk-accept confirmation carried, as "assessment id:version" pairs."""
    confirmed = {}
    for value in values[:MAX_BULK_ROWS]:
        pk, _sep, version = value.partition(":")
        pk, version = ascii_int(pk), ascii_int(version)
        if pk and version is not None:
            confirmed[pk] = version
    return confirmed


def review_row(request, assessment_id):
    """One row of the review screen (htmx): GET shows it (or its editor), POST acts on it."""
    scope = scope_for(request)
    assessment = _assessment(request, assessment_id, Capability.REVIEW)
    error, editing = "", request.GET.get("edit") == "1"
    if request.method == "POST":
        version = _int(request.POST.get("expected_version"))
        operation = request.POST.get("op")
        try:
            if operation == "accept":
                review.accept_self_score(scope, assessment, expected_version=version)
            elif operation == "return":
                review.return_row(scope, assessment, request.POST.get("reason", ""), expected_version=version)
            elif operation == "change":
                answers = {k[2:]: v for k, v in request.POST.items() if k.startswith("a_")}
                review.change_scores(scope, assessment, answers, expected_version=version)
            else:
                raise Http404
        except (workflow.TransitionRefused, StaleAssessment) as refusal:
            error, editing = _refusal_text(refusal), operation == "change"
    row = review.row_for(scope, assessment)
    if row is None:
        raise Http404
    context = {"row": row, "error": error, "editing": editing}
    if editing:
        context["indicators"] = [
            {
                "indicator": i,
                "value": row.assessment.review_answers.get(i.code, row.assessment.self_answers.get(i.code)),
            }
            for i in definition_of(row.assessment.criteria_set).indicators
        ]
    if is_htmx(request):
        return render(request, "assessments/_review_row.html", context)
    if error:
        messages.error(request, error)
    return redirect(
        "assessments:review_board", campaign_id=assessment.campaign_id, unit_id=_village_or_commune(assessment.unit).pk
    )


def _village_or_commune(unit):
    return unit if unit.level in (Level.VILLAGE, Level.COMMUNE) else unit.parent


# -- decisions and certificates ----------------------------------------------------------------


def decision_list(request):
    scope = scope_for(request)
    decisions_in_scope = scope.filter(Decision.objects.select_related("issuer", "campaign")).annotate(
        n=Count("assessments")
    )
    page = Paginator(decisions_in_scope.order_by("-issued_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/decision_list.html", {"page": page})


def decision_create(request, campaign_id):
    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.all(), pk=campaign_id)
    issuers = decisions.issuers_for(scope, campaign)
    if not issuers:
        raise Http404
    issuer = issuers[0]
    initial = {
        "legal_bases": decisions.default_legal_bases(campaign, issuer),
        "recipients": decisions.default_recipients(issuer),
        "signer_name": request.user.full_name,
    }
    form = DecisionForm(request.POST or None, issuers=issuers, initial=initial)
    issuer_id = _int(request.POST.get("issuer")) if request.method == "POST" else issuer.pk
    issuer = next((u for u in issuers if u.pk == issuer_id), issuer)
    # only what this user signs: the campaign's role for each subject's level, never their own
    # commune's file (the transition checks it again)
    proposed = [
        # the campaign with each row: allowed_actions reads its recognising rule (one query per row
        # otherwise: 241 queries for a commune's 230 proposals, the slowest page of the load test)
        a
        for a in decisions.proposed_for(scope, campaign, issuer)
        .select_related("campaign", *SUBJECT_RELATIONS)
        .prefetch_related("state_changes", *OWNER_PREFETCH)
        .order_by("unit__sort_key", "pk")
        if Action.RECOGNISE in workflow.allowed_actions(scope, a)
    ]
    if request.method == "POST" and form.is_valid():
        wanted = set(map(str, request.POST.getlist("assessment")))
        chosen = [a for a in proposed if str(a.pk) in wanted]
        data = form.cleaned_data
        try:
            decision = decisions.issue_decision(
                scope,
                campaign,
                list(chosen),
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                legal_bases=data["legal_bases"],
                recipients=data["recipients"],
            )
        except (ValidationError, StaleAssessment) as error:
            form.add_error(None, _refusal_text(error))
        else:
            document_jobs.queue(documents.decision_html(decision), kind=DocumentKind.DECISION, decision=decision)
            messages.success(
                request,
                _("Đã ban hành quyết định %(number)s. Tệp PDF của quyết định đang được tạo.")
                % {"number": decision.number},
            )
            return redirect("assessments:decision_detail", decision_id=decision.pk)
    rows = [{"assessment": a, "name": display_name(a)} for a in proposed]
    return render(request, "assessments/decision_form.html", {"campaign": campaign, "form": form, "rows": rows})


def _decision(request, decision_id):
    return scope_for(request).get_or_404(Decision.objects.select_related("issuer", "campaign"), pk=decision_id)


def decision_detail(request, decision_id):
    scope = scope_for(request)
    decision = _decision(request, decision_id)
    if request.method == "POST":
        try:
            issued = decisions.issue_certificates(scope, decision)
            messages.success(request, _("Đã cấp %(n)s giấy công nhận.") % {"n": len(issued)})
        except (ValidationError, StaleAssessment) as error:
            messages.error(request, _refusal_text(error))
        else:
            # The printable certificates are made by the worker meanwhile; the page shows when.
            certificates_in_scope = _certificates_of(scope, decision)
            if certificates_in_scope:
                document_jobs.queue(
                    documents.certificates_html(certificates_in_scope, request.build_absolute_uri("/")),
                    kind=DocumentKind.CERTIFICATES,
                    decision=decision,
                )
        return redirect("assessments:decision_detail", decision_id=decision.pk)
    jobs = document_jobs.jobs_of(decision)
    if is_htmx(request) and request.GET.get("part") == "documents":
        has_certificates = _certificates_of(scope, decision, exists=True)
        return render(
            request,
            "assessments/_decision_documents.html",
            {"decision": decision, "jobs": jobs, "has_certificates": has_certificates},
        )
    assessments = scope.filter(decision.assessments.select_related(*SUBJECT_RELATIONS).order_by("unit__sort_key", "pk"))
    certificate_by_assessment = {c.assessment_id: c for c in Certificate.objects.filter(decision=decision)}
    rows = [
        {"assessment": a, "name": display_name(a), "certificate": certificate_by_assessment.get(a.pk)}
        for a in assessments
    ]
    return render(
        request,
        "assessments/decision_detail.html",
        {
            "decision": decision,
            "rows": rows,
            "jobs": jobs,
            "has_certificates": any(row["certificate"] for row in rows),
            "can_issue": any(a.state == State.RECOGNISED for a in assessments)
            and decision.issuer in decisions.issuers_for(scope, decision.campaign),
            "incomplete_sets": documents.incomplete_sets(a.criteria_set_id for a in assessments),
        },
    )


def _certificates_of(scope, decision, *, exists=False):
    issued = scope.filter(Certificate.objects.filter(decision=decision).select_related("decision__issuer"))
    return issued.exists() if exists else list(issued.order_by("pk"))


def _pdf(data: bytes, filename: str):
    return private_file(download(data, filename, "application/pdf", inline=True))


def _document(request, html: str, *, kind: str, decision, filename: str, title: str):
    """The PDF if it was made; otherwise a page saying it is being made, which reloads itself until
    it is there (the worker renders it: `document_jobs`). Its caller checked the reader's scope and
    rendered `html` from what they may see. POST makes a failed document again."""
    if request.method == "POST":
        document_jobs.queue(html, kind=kind, decision=decision, retry_failed=True)
        return redirect(request.get_full_path())
    data, job = document_jobs.pdf_or_job(html, kind=kind, decision=decision)
    if data is not None:
        return _pdf(data, filename)
    response = render(
        request,
        "assessments/document_wait.html",
        {"job": job, "decision": decision, "title": title, "ahead": document_jobs.waiting_before(job)},
        status=202,
    )
    if job.is_pending:
        response["Refresh"] = str(DOCUMENT_REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def decision_pdf(request, decision_id):
    decision = _decision(request, decision_id)
    return _document(
        request,
        documents.decision_html(decision),
        kind=DocumentKind.DECISION,
        decision=decision,
        filename=f"quyet-dinh-{decision.sequence}-{decision.year}.pdf",
        title=_("Quyết định số %(number)s") % {"number": decision.number},
    )


def decision_certificates_pdf(request, decision_id):
    decision = _decision(request, decision_id)
    issued = _certificates_of(scope_for(request), decision)
    if not issued:
        raise Http404
    return _document(
        request,
        documents.certificates_html(issued, request.build_absolute_uri("/")),
        kind=DocumentKind.CERTIFICATES,
        decision=decision,
        filename=f"giay-cong-nhan-{decision.sequence}-{decision.year}.pdf",
        title=_("Giấy công nhận theo quyết định số %(number)s") % {"number": decision.number},
    )


def certificate_pdf(request, certificate_id):
    certificate = scope_for(request).get_or_404(
        Certificate.objects.select_related("decision__issuer"), pk=certificate_id
    )
    return _document(
        request,
        documents.certificates_html([certificate], request.build_absolute_uri("/")),
        kind=DocumentKind.CERTIFICATE,
        decision=certificate.decision,
        filename=f"giay-cong-nhan-{certificate.code}.pdf",
        title=_("Giấy công nhận %(code)s") % {"code": certificate.code},
    )


@login_not_required
def verify(request, code):
    """Public: is this certificate genuine, and still valid? Shows only what the certificate shows,
    the criteria set it was judged by and, if revoked, the revoking decision and its reason."""
    return _verification_page(request, certificates.verify(code))


def _verification_page(request, result, **form):
    response = render(
        request, "assessments/verify.html", {"result": result, **form}, status=200 if result.is_genuine else 404
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# -- citizens -------------------------------------------------------------------------------------


def privacy_notice_context(form) -> dict:
    """The notice shown above the sign-up form, with the controller of the chosen province."""
    province_id = ascii_int(str(form["province"].value() or ""))
    province = Unit.objects.filter(pk=province_id, level=Level.PROVINCE).first() if province_id else None
    chosen = privacy.controller_of(province)
    return {
        "notice": privacy.current_notice(),
        "province": province,
        "controller": chosen.kind,
        "controller_contact": chosen.contact,
    }


@login_not_required
def signup(request):
    """Public sign-up of a citizen (a signed-in user has nothing to sign up for)."""
    if request.user.is_authenticated:
        return redirect("assessments:mine")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and request.POST.get("step") != "province" and form.is_valid():
        data = form.cleaned_data
        try:
            created = citizens.sign_up(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                birth_year=data["birth_year"],
                sex=data["sex"],
                commune=data["commune"],
                id_number=data["id_number"],
                occupation_group=data["occupation_group"],
                notice_version=data["notice_version"] if data["consent"] else None,
                sensitive_consent=data["sensitive_consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, created.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Đã tạo tài khoản."))
            return redirect("assessments:mine")
    if is_htmx(request) and request.GET.get("province"):
        communes = SignupForm(initial={"province": request.GET["province"]})
        return render(request, "assessments/_commune_options.html", {"form": communes})
    return render(request, "assessments/signup.html", {"form": form, **privacy_notice_context(form)})


def mine(request):
    """The citizen's own page: sign-up status, their assessments, registering for this year."""
    scope = scope_for(request)
    person = citizens.person_of(request.user)
    signup_record = CitizenSignup.objects.filter(user=request.user).select_related("commune").first()
    own = scope.filter(Assessment.objects.select_related("campaign", "criteria_set")).filter(
        person__account=request.user
    )
    year = current_year()
    campaign = None
    if person is not None:
        campaign = campaign_for(Title.CITIZEN, year, person.unit.province_id)
    if request.method == "POST":
        # A post the page would not have offered (no linked person, no campaign this year) is told why,
        # never shown the page again as if nothing was asked.
        if person is None:
            messages.error(
                request, _("Tài khoản chưa gắn sổ nhân khẩu: khi xã xác nhận tài khoản, hãy đăng ký lại tại đây.")
            )
        elif campaign is None:
            messages.error(
                request, _("Năm nay tỉnh chưa mở đợt đánh giá công dân học tập: hãy đăng ký khi xã thông báo.")
            )
        else:
            try:
                created = workflow.register(scope, Title.CITIZEN, person, year)
                return redirect("assessments:self_assessment", assessment_id=created.pk)
            except ValidationError as error:
                messages.error(request, _refusal_text(error))
        return redirect("assessments:mine")
    registered = own.filter(campaign=campaign).exclude(state=State.REVOKED).exists() if campaign else True
    certificate_of = {c.assessment_id: c for c in Certificate.objects.filter(assessment__in=own)}
    rows = [{"a": a, "certificate": certificate_of.get(a.pk)} for a in own.order_by("-campaign__year", "-pk")]
    return render(
        request,
        "assessments/mine.html",
        {
            "person": person,
            "signup": signup_record,
            "rows": rows,
            "campaign": campaign,
            "can_register": campaign is not None and not registered,
            "year": year,
        },
    )


def signup_list(request):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    pending = scope.filter(CitizenSignup.objects.select_related("commune", "person"), Capability.EDIT_REGISTRY)
    return render(
        request,
        "assessments/signup_list.html",
        {
            "pending": pending.filter(status=CitizenSignup.Status.PENDING).order_by("created_at"),
            "recent": pending.exclude(status=CitizenSignup.Status.PENDING).order_by("-created_at")[:50],
        },
    )


def signup_link(request, signup_id):
    """The commune resolves a sign-up: the same person as a registry record, a new record, or not
    confirmed (with the reason the citizen will read)."""
    scope = scope_for(request)
    record = scope.get_or_404(
        CitizenSignup.objects.select_related("commune", "user"), Capability.EDIT_REGISTRY, pk=signup_id
    )
    candidates = list(citizens.candidates_for(scope, record))
    reason_error = None
    if request.method == "POST":
        choice = request.POST.get("person", "")
        person = next((p for p in candidates if str(p.pk) == choice and p.account_id is None), None)
        try:
            if choice == "reject":
                citizens.reject(scope, record, request.POST.get("reason", ""))
                messages.success(request, _("Đã ghi: xã không xác nhận đăng ký này. Công dân sẽ thấy lý do."))
                return redirect("assessments:signup_list")
            if choice == "new" or person is not None:
                citizens.link(scope, record, person)
                messages.success(request, _("Đã liên kết tài khoản với sổ nhân khẩu."))
                return redirect("assessments:signup_list")
            messages.error(request, _("Chọn một người trong danh sách, ghi mới, hoặc không xác nhận."))
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                reason_error = error.message_dict["reason"]
            else:
                messages.error(request, _refusal_text(error))
    return render(
        request,
        "assessments/signup_link.html",
        {
            "signup": record,
            "candidates": candidates,
            "reason_error": reason_error,
            "reason": request.POST.get("reason", "") if request.method == "POST" else "",
        },
    )


@login_not_required
def verify_home(request):
    """Public: type the code printed on a certificate (or paste its address); a code in any
    accepted spelling goes to its page as printed. Anything else ("a/b" cannot even be put in the
    address) gets the same "not genuine" answer as /verify/<code>, naming it as not a code, with the
    form to type it again."""
    typed = request.GET.get("code", "")
    if typed.strip():
        printed = certificates.canonical_code(typed)
        if printed is not None:
            return redirect(reverse("verify", kwargs={"code": printed}))
        return _verification_page(request, certificates.verify(typed), typed=typed, not_a_code=True)
    return render(request, "assessments/verify_home.html")


# -- results import (Excel) -----------------------------------------------------------------------


def _results_template(request, campaign_id):
    from .results_import import ResultsTemplate

    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.select_related("province"), pk=campaign_id)
    template = ResultsTemplate(campaign)
    if not template.permitted(scope):
        raise Http404
    return scope, campaign, template


def results_template(request, campaign_id):
    """The campaign's results template, generated from its criteria sets."""
    from hoctap.core.exports import XLSX_CONTENT_TYPE
    from hoctap.core.imports import template_workbook

    _scope, campaign, template = _results_template(request, campaign_id)
    name = slugify(
        fold(_("mẫu kết quả %(title)s %(year)s") % {"title": Title(campaign.title).label, "year": campaign.year})
    )
    return download(template_workbook(template), f"{name}.xlsx", XLSX_CONTENT_TYPE)


def results_import(request, campaign_id):
    """Upload a results file: stored and checked (dry run); the job page shows every error or what
    would be written, and writes on confirmation (registry.jobs, the registry import's machinery)."""
    from hoctap.core.uploads import UploadRejected
    from hoctap.registry import jobs

    scope, campaign, template = _results_template(request, campaign_id)
    if request.method != "POST":
        return redirect("assessments:campaign_detail", campaign_id=campaign.pk)
    form = ResultsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp Excel (.xlsx) theo mẫu kết quả của đợt rồi bấm Kiểm tra tệp."))
        return redirect("assessments:campaign_detail", campaign_id=campaign.pk)
    try:
        job = jobs.create_job(
            scope, request.user, template, form.cleaned_data["file"], request_id=getattr(request, "request_id", "")
        )
    except UploadRejected as rejected:
        messages.error(request, rejected.messages[0])
        return redirect("assessments:campaign_detail", campaign_id=campaign.pk)
    jobs.start(job, commit=False)
    return redirect("registry:import_job", job_id=job.pk)
