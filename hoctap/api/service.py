"""/api/v1/: one NinjaAPI; each app contributes a router from its own api.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from hoctap.accounts.api import router as accounts_router
from hoctap.accounts.scoping import OutOfScope
from hoctap.assessments.api import assessments_router, campaigns_router, decisions_router, verification_router
from hoctap.assessments.learner_api import router as learners_router
from hoctap.assessments.workflow import TransitionRefused
from hoctap.awards.api import router as awards_router
from hoctap.core.versions import StaleRecord
from hoctap.criteria.api import router as criteria_router
from hoctap.inspections.api import router as inspections_router
from hoctap.learning.api import router as learning_router
from hoctap.privacy.api import router as privacy_router
from hoctap.registry.api import router as registry_router
from hoctap.reports.api import exports_router
from hoctap.reports.api import router as reports_router
from hoctap.stats.api import router as stats_router
from hoctap.territory.api import router as territory_router
from hoctap.web.api import router as todo_router

from .auth import API_AUTH

api = NinjaAPI(
    title="hoctap API",
    version="1",
    description="Đánh giá, công nhận các mô hình học tập. Mọi truy vấn đều giới hạn theo địa bàn của người dùng.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    # The docs page and the schema it reads are for signed-in users only (a signed-in browser can
    # try the API with its session).
    docs_decorator=login_required,
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(MultiPartParserError)
def malformed_multipart(request, exc):
    # A multipart body without a boundary (or cut short) cannot be read: the client's fault.
    return api.create_response(
        request,
        {"detail": _("Không đọc được nội dung gửi lên (thiếu ranh giới giữa các phần). Hãy gửi lại.")},
        status=400,
    )


@api.exception_handler(SuspiciousOperation)
def suspicious(request, exc):
    if isinstance(exc, RequestDataTooBig):
        return api.create_response(request, {"detail": _("Nội dung gửi lên quá lớn.")}, status=413)
    return api.create_response(request, {"detail": _("Yêu cầu không hợp lệ.")}, status=400)


@api.exception_handler(OverflowError)
def number_too_large(request, exc):
    # Parameters are range-checked (hoctap.core.limits); this is the net under a number that slipped
    # through to the database driver (SQLite raises OverflowError beyond 64 bits).
    return api.create_response(request, {"detail": _("Số quá lớn.")}, status=422)


@api.exception_handler(DataError)
def database_refused_value(request, exc):
    # PostgreSQL's "numeric value out of range" (22003) and its kin (class 22: data exceptions) are
    # a value the client sent that the column cannot hold; anything else stays a server error.
    if (getattr(exc.__cause__, "sqlstate", None) or "").startswith("22"):
        return api.create_response(request, {"detail": _("Giá trị vượt quá giới hạn cho phép.")}, status=422)
    raise exc


@api.exception_handler(OutOfScope)
def out_of_scope(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(DjangoValidationError)
def invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("Dữ liệu không hợp lệ."), "errors": errors}, status=422)


# A refused transition: 422 when the input is at fault (with its field), 403 when the user may not
# act, 409 when the record is not in a state for it (or changed since it was read).
REFUSAL_STATUS = {
    "no_capability": 403,
    "own_assessment": 403,
    "wrong_state": 409,
    "already_registered": 409,
    "still_held": 409,
}


@api.exception_handler(TransitionRefused)
def refused(request, exc):
    body = {"detail": exc.text, "code": exc.code}
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.text}]
        body["errors"] += [
            {"field": f"answers.{code}", "message": message} for code, message in getattr(exc, "problems", {}).items()
        ]
    return api.create_response(request, body, status=REFUSAL_STATUS.get(exc.code, 422))


@api.exception_handler(StaleRecord)
def stale(request, exc):
    body = {"detail": " ".join(exc.messages), "code": "stale", "current_version": exc.current_version}
    return api.create_response(request, body, status=409)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", [])[1:]),
            "kind": error.get("type", "invalid"),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": _("Dữ liệu không hợp lệ."), "errors": errors}, status=422)


api.add_router("/me", accounts_router)
api.add_router("/privacy", privacy_router)
api.add_router("/units", territory_router)
api.add_router("/criteria", criteria_router)
api.add_router("/registry", registry_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/assessments", assessments_router)
api.add_router("/decisions", decisions_router)
api.add_router("/learners", learners_router)
api.add_router("/verify", verification_router)
api.add_router("/reports", reports_router)
api.add_router("/exports", exports_router)
api.add_router("/inspections", inspections_router)
api.add_router("/awards", awards_router)
api.add_router("/stats", stats_router)
api.add_router("/learning", learning_router)
api.add_router("/todo", todo_router)
