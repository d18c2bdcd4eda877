"""The client's address, read one way for the audit log, rate limits and sign-in lockouts.

A header such as X-Forwarded-For is written by whoever sends the request, so it is believed only as
far as the deployment says proxies of its own append to it: `HOCTAP_TRUSTED_PROXIES` (default 0,
the app faces the network itself) is how many. With N trusted proxies the client is the N-th address
from the right of X-Forwarded-For (each proxy appends the address it received from); anything further
left was sent by the client and could be anything. django-auditlog's own reading takes the left-most
entry, so a client could write any address into the audit log; this module replaces it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address the request came from, as far as this deployment can vouch for it."""
    trusted = settings.HOCTAP_TRUSTED_PROXIES
    if trusted:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= trusted:
            return _valid(hops[-trusted])
    return _valid(request.META.get("REMOTE_ADDR", ""))
