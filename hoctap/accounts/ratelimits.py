"""Rate limits kept in the database, so they hold across processes and servers.

A limit is a name in `settings.HOCTAP_RATE_LIMITS` (`{"limit": n, "seconds": s}`): at most n counts
per key in each fixed window of s seconds. `RateLimitMiddleware` applies the limits of `RULES`
(method and path → limit) per client address; `count_failed_login` counts failed sign-ins per
address (password spraying across usernames; django-axes locks one username and address pair).
A refusal is a 429 with a `Retry-After` header and a Vietnamese message saying when to try again —
JSON `{"detail": …}` under /api/, a page elsewhere.

Why not django-ratelimit: it needs a cache with atomic increments shared by every process (Redis or
Memcached); this project runs on PostgreSQL alone. django-axes (already used) counts failed logins
only. A small table with one row per key and window does both jobs with no new service.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from hoctap.core import clients

from .models import RateCounter

# (limit name, HTTP methods, path pattern). Login failures are counted by the signal below and
# only checked here (a successful sign-in does not use up the allowance of a shared office address).
RULES = [
    ("signup", {"POST"}, re.compile(r"^/signup/$")),
    ("login_failures", {"POST"}, re.compile(r"^/login/$")),
    ("verify", {"GET"}, re.compile(r"^/verify/.|^/api/v1/verify/")),
    ("verify", {"GET"}, re.compile(r"^/verify/$")),
    ("validate", {"POST"}, re.compile(r"^/api/v1/criteria/validate$|^/criteria/import/$")),
]
CHECK_ONLY = {"login_failures"}


@dataclass
class Refusal:
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Hãy thử lại sau %(minutes)d phút.",
            "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Hãy thử lại sau %(minutes)d phút.",
            minutes,
        ) % {"minutes": minutes}


def _limit(name: str) -> tuple[int, int]:
    rule = settings.HOCTAP_RATE_LIMITS[name]
    return int(rule["limit"]), int(rule["seconds"])


def _window(seconds: int) -> tuple[datetime.datetime, int]:
    now = timezone.now()
    start = int(now.timestamp()) // seconds * seconds
    return datetime.datetime.fromtimestamp(start, tz=datetime.UTC), start + seconds - int(now.timestamp())


def _current(name: str, key: str) -> tuple[int, int, datetime.datetime, str]:
    limit, seconds = _limit(name)
    start, left = _window(seconds)
    return limit, left, start, f"{name}:{key}"


def hit(name: str, key: str, amount: int = 1) -> Refusal | None:
    """Count one use of `name` by `key`; a Refusal when this use goes over the limit."""
    limit, left, start, full_key = _current(name, key)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=full_key, window_start=start).update(count=F("count") + amount)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=full_key, window_start=start, count=amount)
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(key=full_key, window_start=start).update(count=F("count") + amount)
            else:
                RateCounter.objects.filter(window_start__lt=start - datetime.timedelta(days=2)).delete()
        count = RateCounter.objects.filter(key=full_key, window_start=start).values_list("count", flat=True).first()
    return Refusal(left) if count > limit else None


def check(name: str, key: str) -> Refusal | None:
    """Without counting: is `key` already at the limit of `name`?"""
    limit, left, start, full_key = _current(name, key)
    count = RateCounter.objects.filter(key=full_key, window_start=start).values_list("count", flat=True).first()
    return Refusal(left) if (count or 0) >= limit else None


def client_address(request) -> str:
    return clients.client_address(request) or "unknown"


def refusal_response(request, refusal: Refusal):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": refusal.message}, status=429)
    else:
        response = render(request, "ratelimited.html", {"message": refusal.message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, methods, pattern in RULES:
            if request.method in methods and pattern.match(request.path):
                address = client_address(request)
                refusal = check(name, address) if name in CHECK_ONLY else hit(name, address)
                if refusal is not None:
                    return refusal_response(request, refusal)
                break
        return self.get_response(request)


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    if request is not None:
        hit("login_failures", client_address(request))
