"""The words of a notice, made when it is shown (inbox) or sent (e-mail), in the active language.

A notice stores facts (`params`), not sentences, so the English interface reads English notices.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoctap.assessments.models import Campaign
from hoctap.criteria.titles import Title
from hoctap.privacy.models import RequestKind

from .models import Kind


def _day(value: str) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")


def _title(code: str) -> str:
    return str(Title(code).label) if code in Title.values else code


def _campaign(params: dict) -> str:
    where = params.get("province") or _("toàn quốc")
    return f"{_title(params['title'])} {params['year']} · {where}"


def _milestone(name: str) -> str:
    return str(Campaign._meta.get_field(name).verbose_name).capitalize()


def _left(days: int) -> str:
    if days == 0:
        return _("hôm nay là hạn cuối")
    if days == 1:
        return _("ngày mai là hạn cuối")
    return ngettext("còn %(days)d ngày", "còn %(days)d ngày", days) % {"days": days}


def render(notice) -> str:
    p = notice.params
    if notice.kind == Kind.REPORT_DEADLINE:
        facts = {"report": p["report"], "year": p["year"], "unit": p["unit"], "due": _day(p["due"])}
        if p["stage"] == "overdue":
            return (
                _("%(report)s %(year)s của %(unit)s đã quá hạn gửi (hạn %(due)s): hãy hoàn thành và gửi ngay.") % facts
            )
        return _("Hạn gửi %(report)s %(year)s của %(unit)s: %(due)s (%(left)s).") % {**facts, "left": _left(p["days"])}
    if notice.kind == Kind.CAMPAIGN_WINDOW:
        facts = {"campaign": _campaign(p), "date": _day(p["date"])}
        if p["stage"] == "open":
            return _("Đã mở đăng ký %(campaign)s từ %(date)s.") % facts
        return _("%(milestone)s %(campaign)s: %(date)s (%(left)s).") % {
            **facts,
            "milestone": _milestone(p["milestone"]),
            "left": _left(p["days"]),
        }
    if notice.kind == Kind.DOSSIER_RETURNED:
        return _("Hồ sơ %(title)s %(year)s của %(subject)s (%(unit)s) bị trả lại: xem lý do, bổ sung và nộp lại.") % {
            "title": _title(p["title"]),
            "year": p["year"],
            "subject": p["subject"],
            "unit": p["unit"],
        }
    if notice.kind == Kind.REPORT_RETURNED:
        return _("%(report)s %(year)s của %(unit)s bị cấp trên trả lại: xem lý do, sửa và gửi lại.") % {
            "report": p["report"],
            "year": p["year"],
            "unit": p["unit"],
        }
    if notice.kind == Kind.DATA_REQUEST_DUE:
        facts = {
            "kind": _request_kind(p["kind"]),
            "unit": p["unit"],
            "due": _day(p["due"]) + (f" ({_('tạm tính')})" if p.get("provisional") else ""),
        }
        if p["stage"] == "overdue":
            return (
                _("Yêu cầu «%(kind)s» của người dân tại %(unit)s đã quá hạn trả lời (hạn %(due)s): trả lời ngay.")
                % facts
            )
        return _("Hạn trả lời yêu cầu «%(kind)s» của người dân tại %(unit)s: %(due)s (%(left)s).") % {
            **facts,
            "left": _left(p["days"]),
        }
    return notice.kind


def _request_kind(code: str) -> str:
    return str(RequestKind(code).label) if code in RequestKind.values else code
