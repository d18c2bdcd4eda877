"""/api/v1/: one NinjaAPI; each app contributes a router from its own api.py."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from hoctap.accounts.api import router as accounts_router
from hoctap.accounts.scoping import OutOfScope
from hoctap.territory.api import router as territory_router

from .auth import API_AUTH

api = NinjaAPI(
    title="hoctap API",
    version="1",
    description="Đánh giá, công nhận các mô hình học tập. Mọi truy vấn đều giới hạn theo địa bàn của người dùng.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(OutOfScope)
def out_of_scope(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(DjangoValidationError)
def invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", [])[1:]), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=422)


api.add_router("/me", accounts_router)
api.add_router("/units", territory_router)


