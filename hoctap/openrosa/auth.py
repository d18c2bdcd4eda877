"""HTTP Basic authentication with a device credential, over HTTPS only.

Why Basic and not Digest (ODK Collect speaks both): Digest makes the server keep
MD5(login:realm:secret), which is as good as the secret to anyone who reads the database, and MD5
besides; Basic lets the server keep only a SHA-256 of a 256-bit random secret, as for API tokens.
Basic sends the secret in every request, so it is accepted only over HTTPS (ODK Collect itself
sends Basic credentials only to https:// servers); TLS protects it on the way, and a lost phone is
handled by revoking its credential, which never was the officer's password.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from django.conf import settings
from django.utils import timezone

from .models import DeviceCredential

REALM = "hoctap"
# A credential's last use is written at most this often: not one UPDATE per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=10)


def transport_allowed(request) -> bool:
    """HTTPS, or plain HTTP on a development server (DEBUG) where nothing real is at stake."""
    return request.is_secure() or settings.DEBUG


def credential_of(request) -> DeviceCredential | None:
    """The active device credential the request authenticates with, if any."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        login, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    credential = DeviceCredential.objects.select_related("user").filter(login=login, revoked_at__isnull=True).first()
    if credential is None or not credential.matches(secret) or not credential.user.is_active:
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_PRECISION:
        DeviceCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential


def challenge() -> str:
    return f'Basic realm="{REALM}", charset="UTF-8"'
