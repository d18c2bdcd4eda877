from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from hoctap.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; only the token's SHA-256 is stored."""

    def __call__(self, request):
        # django-ninja's HttpBearer logs the whole header when the scheme is not Bearer (in DEBUG):
        # a token sent as "Token …" or a Basic user:password would land in the log. Refuse quietly.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        try:
            api_token = ApiToken.objects.select_related("user").get(digest=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        if api_token.expires_at and api_token.expires_at < timezone.now():
            return None
        if not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


# Browsers that are logged in may call the API too (CSRF-checked by ninja for session auth).
API_AUTH = [TokenAuth(), django_auth]
