"""How notices reach people: one small interface, one implementation per channel.

A channel is any object with

    code: str                    # stored on deliveries and preferences ("email"); never changes
    label: str                   # shown on the preferences page
    def address(self, user) -> str       # where this person is reached; "" when they cannot be
    no_address: str              # what to do when `address` is "" (shown on the preferences page)
    def send(self, user, notices) -> None  # deliver a batch to one person; raise to fail

The inbox is a channel like the others whose `send` has nothing to do: the notice row is the
message. Every other channel gets one `Delivery` per notice, claimed before sending so that nothing
goes out twice. The channels in use are `settings.HOCTAP_NOTIFICATION_CHANNELS` (dotted paths): a
Zalo Official Account or SMS gateway is added by writing a class with these five members (an OA
access token, the person's Zalo user id or phone number, the provider's client) and listing it
there. None is shipped: no provider is contracted, and a channel that only pretends to send would
tell officers they were reminded when they were not.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

INBOX = "inbox"


@runtime_checkable
class Channel(Protocol):
    code: str
    label: str
    no_address: str

    def address(self, user) -> str: ...

    def send(self, user, notices: list) -> None: ...


class InboxChannel:
    code = INBOX
    label = _("Hộp thư trong hệ thống")
    no_address = ""

    def address(self, user) -> str:
        return str(user.pk)

    def send(self, user, notices: list) -> None:
        """Nothing to do: the notice row is what the inbox shows."""


class EmailChannel:
    """Django's mailer (settings.MAILERS: SMTP from EMAIL_HOST…, the console with DEBUG). One message
    per person and run, listing the run's notices: a commune with twelve returned dossiers gets one
    e-mail, not twelve. It carries the notices' own wording (what the person sees in the inbox) and
    links, nothing else: no ID numbers, no reasons typed by a reviewer."""

    code = "email"
    label = _("Thư điện tử")
    no_address = _("Tài khoản chưa có địa chỉ thư điện tử: ghi địa chỉ ở ô bên dưới để nhận thư.")

    def address(self, user) -> str:
        return user.email or ""

    def send(self, user, notices: list) -> None:
        from .text import render

        site = settings.SITE_URL.rstrip("/")
        # Mail goes out in the interface's default language: the reader's own choice lives in a
        # browser cookie the worker cannot see.
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                {"text": render(notice), "url": f"{site}{notice.url}" if site and notice.url else ""}
                for notice in notices
            ]
            context = {
                "user": user,
                "lines": lines,
                "site": site,
                "inbox": f"{site}{reverse('notifications:inbox')}" if site else "",
                "preferences": f"{site}{reverse('notifications:preferences')}" if site else "",
            }
            subject = render_to_string("notifications/email_subject.txt", context).strip()
            body = render_to_string("notifications/email_body.txt", context)
        EmailMessage(subject, body, to=[user.email]).send()


@cache
def channels() -> tuple[Channel, ...]:
    """The channels in use, the inbox first."""
    found = tuple(import_string(path)() for path in settings.HOCTAP_NOTIFICATION_CHANNELS)
    for channel in found:
        if not isinstance(channel, Channel):
            raise TypeError(f"{channel!r} is not a notification channel")
    return found


def channel(code: str) -> Channel | None:
    return next((c for c in channels() if c.code == code), None)
