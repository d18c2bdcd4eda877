from auditlog.middleware import AuditlogMiddleware
from django.conf import settings

from hoctap.core.clients import client_address

from .context import during_request


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (remote address) that also lets an entry find the request's user
    when it is written, not only when the request came in (API tokens authenticate in the view)."""

    @staticmethod
    def _get_remote_addr(request):
        # auditlog believes the left-most X-Forwarded-For entry, which the client writes itself
        return None if settings.AUDITLOG_DISABLE_REMOTE_ADDR else client_address(request)

    def __call__(self, request):
        with during_request(request):
            return super().__call__(request)
