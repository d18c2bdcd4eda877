from auditlog.middleware import AuditlogMiddleware

from .context import during_request


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (remote address) that also lets an entry find the request's user
    when it is written, not only when the request came in (API tokens authenticate in the view)."""

    def __call__(self, request):
        with during_request(request):
            return super().__call__(request)
