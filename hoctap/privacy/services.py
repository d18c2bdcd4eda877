"""The rules of personal data: which notice is in force, who controls the data, consent and other legal
bases, the data subject's requests and their deadlines. Views, the API and sign-up all come here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core import workdays
from hoctap.core.text import normalise
from hoctap.core.validators import check_visible_text
from hoctap.registry.models import Person
from hoctap.territory.models import Level, Unit

from .models import (
    CONSENT_KINDS,
    BasisKind,
    Channel,
    Controller,
    ControllerKind,
    Covers,
    DataRequest,
    DayCount,
    LegalBasis,
    Notice,
    RequestDeadline,
    RequestKind,
    RequestState,
)

# -- the notice and the controller ------------------------------------------------------------------


def current_notice(today: datetime.date | None = None) -> Notice | None:
    """The notice in force: the highest version already published."""
    today = today or timezone.localdate()
    notice = Notice.objects.filter(published_on__lte=today).order_by("-version").first()
    if notice is None:  # a day before the first publication (a clock set back, a test): the first one
        notice = Notice.objects.order_by("version").first()
    if notice is None:
        from .first_notice import FIRST

        notice, _created = Notice.objects.get_or_create(version=FIRST["version"], defaults=FIRST)
    return notice


@dataclass(frozen=True)
class ControllerChoice:
    kind: ControllerKind
    contact: str = ""
    chosen: bool = False  # False: the default, the province has not chosen yet


def controller_of(province: Unit | None) -> ControllerChoice:
    """The province's choice; the commune's Study Promotion Association when it has made none."""
    row = Controller.objects.filter(province=province).first() if province is not None else None
    if row is None:
        return ControllerChoice(ControllerKind.ASSOCIATION)
    return ControllerChoice(ControllerKind(row.kind), row.contact, True)


def controller_kind(province: Unit | None) -> str:
    return controller_of(province).kind


def controller_name(commune: Unit) -> str:
    """«Hội Khuyến học Xã An Lạc» or «Ủy ban nhân dân Xã An Lạc»: what a consent names."""
    kind = ControllerKind(controller_kind(commune.province()))
    return f"{kind.label} {commune.name}"


def _settable_province(scope, province: Unit | None) -> Unit:
    if province is None or province.level != Level.PROVINCE or not scope.can(Capability.SET_PRIVACY, province):
        raise ValidationError(
            _("Chỉ cán bộ tỉnh (hoặc quản trị trung ương) mới chọn được cho tỉnh này. Chọn tỉnh bạn được giao.")
        )
    return province


@transaction.atomic
def set_controller(scope, province: Unit, *, kind: str, contact: str = "") -> Controller:
    """The province chooses who controls its people's data; the notice and new consents name it (consents
    already given keep the controller they named). Audited (the model is tracked)."""
    province = _settable_province(scope, province)
    errors: dict[str, list[str]] = {}
    if kind not in ControllerKind.values:
        errors["kind"] = [_("Chọn Hội Khuyến học hoặc Ủy ban nhân dân xã, phường.")]
    contact = _text(contact, _("nơi tiếp nhận yêu cầu"), "contact", 255, errors)
    if errors:
        raise ValidationError(errors)
    row = Controller.objects.select_for_update().filter(province=province).first() or Controller(province=province)
    if row.pk and (row.kind, row.contact) == (kind, contact):
        return row
    row.kind, row.contact = kind, contact
    row.updated_by, row.updated_at = scope.user, timezone.now()
    row.save()
    return row


# -- consent at sign-up --------------------------------------------------------------------------


def signup_consent_errors(notice_version: int | None) -> dict[str, list[str]]:
    """A sign-up is refused unless the visitor agreed to the notice in force (the one they read)."""
    notice = current_notice()
    if notice is None:
        return {
            "consent": [
                _(
                    "Chưa có thông báo xử lý dữ liệu cá nhân nên chưa thể đăng ký. Hãy liên hệ "
                    "Ủy ban nhân dân xã, phường."
                )
            ]
        }
    if notice_version is None:
        return {
            "consent": [
                _(
                    "Hãy đọc thông báo xử lý dữ liệu cá nhân và đánh dấu ô «Tôi đồng ý» để đăng ký. "
                    "Không đồng ý thì không thể tạo tài khoản; bạn vẫn có thể đến Ủy ban nhân dân "
                    "xã, phường để được hướng dẫn."
                )
            ]
        }
    if notice_version != notice.version:
        return {
            "consent": [
                _(
                    "Thông báo xử lý dữ liệu cá nhân vừa được cập nhật. Hãy đọc lại bản mới và "
                    "đánh dấu đồng ý một lần nữa."
                )
            ]
        }
    return {}


def record_signup_consent(user, commune: Unit, *, sensitive: bool) -> list[LegalBasis]:
    """The visitor's own consent, with the notice version and the time; ethnicity only if ticked."""
    notice = current_notice()
    now = timezone.now()
    common = {
        "user": user,
        "commune": commune,
        "kind": BasisKind.CONSENT_ONLINE,
        "notice": notice,
        "controller": controller_name(commune),
        "recorded_by": user,
        "recorded_at": now,
        "collected_on": timezone.localdate(now),
    }
    bases = [LegalBasis.objects.create(covers=Covers.GENERAL, **common)]
    if sensitive:
        bases.append(LegalBasis.objects.create(covers=Covers.SENSITIVE, **common))
    return bases


def attach_to_person(user, person: Person) -> None:
    """A sign-up's consents follow the account to the registry person the commune links it to."""
    LegalBasis.objects.filter(user=user, person__isnull=True).update(person=person)


# -- the legal basis an officer records ----------------------------------------------------------


def _text(value: str, label: str, field: str, limit: int, errors: dict) -> str:
    try:
        check_visible_text(value or "", label)
    except ValidationError as error:
        errors[field] = error.messages
        return ""
    value = normalise(value or "")
    if len(value) > limit:
        errors[field] = [_("%(field)s dài tối đa %(limit)d ký tự.") % {"field": label.capitalize(), "limit": limit}]
    return value


@transaction.atomic
def record_basis(
    scope,
    people,
    *,
    kind: str,
    covers: str = Covers.GENERAL,
    collected_by: str = "",
    collected_on: datetime.date | None = None,
    reference: str = "",
) -> list[LegalBasis]:
    """The officer says on what basis the registry holds these people's data — never assumed: consent
    on paper or at the office names who collected it and when; a legal duty names the law."""
    errors: dict[str, list[str]] = {}
    if kind not in BasisKind.values or kind == BasisKind.CONSENT_ONLINE:
        errors["kind"] = [_("Chọn căn cứ: đồng ý bằng giấy, đồng ý tại trụ sở xã, hoặc nhiệm vụ theo pháp luật.")]
    if covers not in Covers.values:
        errors["covers"] = [_("Chọn phạm vi: dữ liệu cơ bản hoặc dân tộc.")]
    collected_by = _text(collected_by, _("người thu phiếu đồng ý"), "collected_by", 200, errors)
    reference = _text(reference, _("văn bản pháp luật"), "reference", 255, errors)
    if kind in CONSENT_KINDS:
        if not collected_by:
            errors.setdefault("collected_by", [_("Ghi họ tên cán bộ đã nhận phiếu đồng ý của người dân.")])
        if collected_on is None:
            errors["collected_on"] = [_("Ghi ngày người dân đồng ý (ngày trên phiếu).")]
        elif collected_on > timezone.localdate():
            errors["collected_on"] = [_("Ngày đồng ý không được ở tương lai.")]
    if kind == BasisKind.LEGAL_DUTY and covers == Covers.SENSITIVE:
        errors["covers"] = [_("Dân tộc là dữ liệu nhạy cảm: chỉ ghi khi người dân đồng ý riêng.")]
    elif kind == BasisKind.LEGAL_DUTY and not reference:
        errors.setdefault("reference", [_("Ghi số, tên văn bản pháp luật giao nhiệm vụ (ví dụ: Điều ... Luật ...).")])
    people = list(people)
    if not people:
        errors["people"] = [_("Chọn ít nhất một người.")]
    for person in people:
        if not scope.can(Capability.EDIT_REGISTRY, person.unit):
            errors["people"] = [_("Có người không thuộc địa bàn bạn quản lý.")]
            break
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    notice = current_notice()
    return [
        LegalBasis.objects.create(
            person=person,
            user=person.account,
            commune=person.commune,
            covers=covers,
            kind=kind,
            notice=notice if kind in CONSENT_KINDS else None,
            controller=controller_name(person.commune),
            collected_by=collected_by if kind in CONSENT_KINDS else "",
            collected_on=collected_on if kind in CONSENT_KINDS else None,
            reference=reference if kind == BasisKind.LEGAL_DUTY else "",
            recorded_by=scope.user,
            recorded_at=now,
        )
        for person in people
    ]


def people_without_basis(scope):
    """People of the officer's territory for whom no current basis is recorded."""
    from django.db.models import Exists, OuterRef

    current = LegalBasis.objects.filter(person=OuterRef("pk"), covers=Covers.GENERAL, withdrawn_at__isnull=True)
    return scope.filter(Person.objects.filter(~Exists(current)), Capability.EDIT_REGISTRY)


def has_sensitive_consent(person: Person) -> bool:
    return person.pk in sensitive_consents({person.pk})


def sensitive_consents(person_ids) -> set[int]:
    """Of these people, those whose own consent to record their ethnicity is current (never a legal duty:
    record_basis refuses one for ethnicity)."""
    return set(
        LegalBasis.objects.filter(
            person_id__in=person_ids, covers=Covers.SENSITIVE, kind__in=CONSENT_KINDS, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )


def answer_sensitive_consent(sender, person_ids, **kwargs) -> set[int]:
    """The registry asks before it writes an ethnicity (registry.sensitive)."""
    return sensitive_consents(person_ids)


# -- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str
    days: int
    counting: str
    provisional: bool
    source: str = ""
    chosen: bool = False  # False: the default of settings.PRIVACY_REQUEST_DAYS

    def due(self, received: datetime.date) -> datetime.date:
        if self.counting == DayCount.WORKING:
            return workdays.add_working_days(received, self.days)
        return received + datetime.timedelta(days=self.days)


DAYS_LIMIT = 90  # a longer limit is surely a typing slip (the decree's are a few weeks at most)


def deadlines_for(province: Unit | None) -> dict[str, Deadline]:
    """Each kind's time limit in the province: its own rule, else the default (provisional)."""
    rules = {r.kind: r for r in RequestDeadline.objects.filter(province=province)} if province else {}
    out = {}
    for kind in RequestKind.values:
        rule = rules.get(kind)
        out[kind] = (
            Deadline(kind, rule.days, rule.counting, rule.provisional, rule.source, True)
            if rule
            else Deadline(kind, settings.PRIVACY_REQUEST_DAYS[kind], settings.PRIVACY_REQUEST_COUNTING, True)
        )
    return out


def due_date(commune: Unit, kind: str, received: datetime.date) -> tuple[datetime.date, bool]:
    """THE due date of a request (and whether it is provisional): computed once, on receipt, and stored;
    the to-do list, the request pages, the API and the reminders all read the stored date."""
    deadline = deadlines_for(commune.province())[kind]
    return deadline.due(received), deadline.provisional


@transaction.atomic
def set_deadlines(scope, province: Unit, rules: dict[str, dict]) -> list[RequestDeadline]:
    """The province's time limits, per kind: {kind: {days, counting, provisional, source}}. A rule no
    longer provisional must say where its figure comes from. Requests already received keep their date."""
    province = _settable_province(scope, province)
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for kind, rule in rules.items():
        if kind not in RequestKind.values:
            continue
        label = RequestKind(kind).label
        days = rule.get("days")
        if not isinstance(days, int) or not 1 <= days <= DAYS_LIMIT:
            errors[f"{kind}-days"] = [_("%(kind)s: số ngày từ 1 đến %(limit)d.") % {"kind": label, "limit": DAYS_LIMIT}]
        counting = rule.get("counting")
        if counting not in DayCount.values:
            errors[f"{kind}-counting"] = [_("%(kind)s: chọn ngày hoặc ngày làm việc.") % {"kind": label}]
        source = _text(rule.get("source", ""), _("căn cứ"), f"{kind}-source", 255, errors)
        provisional = bool(rule.get("provisional", True))
        if not provisional and not source and f"{kind}-source" not in errors:
            errors[f"{kind}-source"] = [
                _("%(kind)s: ghi căn cứ (điều, khoản, văn bản) của thời hạn đã đối chiếu, hoặc để «tạm tính».")
                % {"kind": label}
            ]
        cleaned[kind] = {"days": days, "counting": counting, "provisional": provisional, "source": source}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    saved = []
    for kind, values in cleaned.items():
        row = RequestDeadline.objects.select_for_update().filter(province=province, kind=kind).first()
        row = row or RequestDeadline(province=province, kind=kind)
        if row.pk and all(getattr(row, field) == value for field, value in values.items()):
            saved.append(row)
            continue
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_by, row.updated_at = scope.user, now
        row.save()
        saved.append(row)
    return saved


def _check_request(kind: str, details: str, withdraw_covers: str, errors: dict) -> str:
    if kind not in RequestKind.values:
        errors["kind"] = [_("Chọn loại yêu cầu: xem, sửa, xóa dữ liệu hoặc rút lại đồng ý.")]
    details = _text(details, _("nội dung"), "details", 2000, errors)
    if kind == RequestKind.CORRECT and not details and "details" not in errors:
        errors["details"] = [_("Ghi thông tin nào sai và cần sửa thành gì.")]
    if kind == RequestKind.WITHDRAW and withdraw_covers not in Covers.values:
        errors["withdraw_covers"] = [_("Chọn rút lại đồng ý về dữ liệu cơ bản hay về dân tộc.")]
    return details


@transaction.atomic
def file_request(
    *,
    person: Person | None,
    user,
    commune: Unit,
    kind: str,
    details: str = "",
    withdraw_covers: str = "",
    channel: str,
    recorded_by,
) -> DataRequest:
    errors: dict[str, list[str]] = {}
    details = _check_request(kind, details, withdraw_covers, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    due_on, provisional = due_date(commune, kind, timezone.localdate(now))
    return DataRequest.objects.create(
        person=person,
        user=user,
        commune=commune,
        kind=kind,
        details=details,
        withdraw_covers=withdraw_covers if kind == RequestKind.WITHDRAW else "",
        channel=channel,
        recorded_by=recorded_by,
        received_at=now,
        due_on=due_on,
        due_provisional=provisional,
    )


def citizen_request(user, *, kind: str, details: str = "", withdraw_covers: str = "") -> DataRequest:
    """From the citizen's own account: their registry person, else their sign-up's commune."""
    person = Person.objects.filter(account=user).select_related("commune").first()
    commune = person.commune if person else _signup_commune(user)
    if commune is None:
        raise ValidationError(
            _("Tài khoản này chưa gắn với xã, phường nào. Hãy đến Ủy ban nhân dân xã, phường để gửi yêu cầu trực tiếp.")
        )
    return file_request(
        person=person,
        user=user,
        commune=commune,
        kind=kind,
        details=details,
        withdraw_covers=withdraw_covers,
        channel=Channel.ACCOUNT,
        recorded_by=user,
    )


def _signup_commune(user) -> Unit | None:
    basis = LegalBasis.objects.filter(user=user).select_related("commune").first()
    return basis.commune if basis else None


def office_request(scope, person: Person, *, kind: str, details: str = "", withdraw_covers: str = "") -> DataRequest:
    """Recorded by the commune office for someone who came in person (with or without an account)."""
    if not scope.can(Capability.EDIT_REGISTRY, person.unit):
        raise ValidationError(_("Người này không thuộc địa bàn bạn quản lý."))
    return file_request(
        person=person,
        user=person.account,
        commune=person.commune,
        kind=kind,
        details=details,
        withdraw_covers=withdraw_covers,
        channel=Channel.OFFICE,
        recorded_by=scope.user,
    )


@transaction.atomic
def answer_request(scope, data_request: DataRequest, *, done: bool, answer: str) -> DataRequest:
    """The officer answers: done (the data shown, corrected, erased, or the consent withdrawn), or
    refused with a reason the person reads. Deletion and withdrawal change the data here."""
    from . import erasure

    data_request = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    if not scope.can(Capability.EDIT_REGISTRY, data_request.commune):
        raise ValidationError(_("Yêu cầu này không thuộc địa bàn bạn quản lý."))
    if data_request.state != RequestState.PENDING:
        raise ValidationError(_("Yêu cầu này đã được trả lời."))
    errors: dict[str, list[str]] = {}
    answer = _text(answer, _("trả lời"), "answer", 2000, errors)
    if not answer and "answer" not in errors:
        errors["answer"] = [
            _("Ghi câu trả lời cho người yêu cầu: đã làm gì, hoặc vì sao từ chối và họ có thể làm gì tiếp.")
        ]
    if errors:
        raise ValidationError(errors)
    if done:
        if data_request.kind == RequestKind.WITHDRAW:
            withdraw(data_request)
        elif data_request.kind == RequestKind.DELETE and data_request.person_id:
            erasure.erase(Person.objects.get(pk=data_request.person_id))
            data_request.refresh_from_db(fields=["person"])  # gone when nothing had to stay
    data_request.state = RequestState.DONE if done else RequestState.REFUSED
    data_request.answer = answer
    data_request.answered_by, data_request.answered_at = scope.user, timezone.now()
    data_request.save()
    return data_request


def withdraw(data_request: DataRequest) -> None:
    """Consents are dated withdrawn (kept as proof of what was agreed); withdrawing the ethnicity consent
    also clears the recorded ethnicity. Processing before the withdrawal stays lawful (the notice says so)."""
    now = timezone.now()
    owner = (
        LegalBasis.objects.filter(person_id=data_request.person_id)
        if data_request.person_id
        else LegalBasis.objects.filter(user_id=data_request.user_id)
    )
    for basis in owner.filter(covers=data_request.withdraw_covers, kind__in=CONSENT_KINDS, withdrawn_at__isnull=True):
        basis.withdrawn_at = now
        basis.save()
    if data_request.withdraw_covers == Covers.SENSITIVE and data_request.person_id:
        person = Person.objects.get(pk=data_request.person_id)
        if person.ethnicity:
            person.ethnicity = ""
            person.save()


# -- what a person's own download shows -------------------------------------------------------------


def own_records(user) -> dict:
    """Consents and requests of the account's owner, for the citizen's JSON download and page."""
    people = list(Person.objects.filter(account=user).values_list("pk", flat=True))
    from django.db.models import Q

    mine = Q(user=user) | Q(person_id__in=people)
    bases = LegalBasis.objects.filter(mine).select_related("notice").order_by("recorded_at", "pk")
    requests = DataRequest.objects.filter(mine).order_by("received_at", "pk")
    return {
        "consents": [
            {
                "covers": b.get_covers_display(),
                "basis": b.get_kind_display(),
                "notice_version": b.notice.version if b.notice_id else None,
                "controller": b.controller,
                "collected_by": b.collected_by or None,
                "collected_on": b.collected_on.isoformat() if b.collected_on else None,
                "reference": b.reference or None,
                "recorded_at": b.recorded_at.isoformat(),
                "withdrawn_at": b.withdrawn_at.isoformat() if b.withdrawn_at else None,
            }
            for b in bases
        ],
        "requests": [
            {
                "id": r.pk,
                "kind": r.get_kind_display(),
                "details": r.details,
                "channel": r.get_channel_display(),
                "received_at": r.received_at.isoformat(),
                "due_on": r.due_on.isoformat(),
                "due_provisional": r.due_provisional,
                "state": r.get_state_display(),
                "answer": r.answer or None,
                "answered_at": r.answered_at.isoformat() if r.answered_at else None,
            }
            for r in requests
        ],
    }


def personal_data_sections(sender, user, **kwargs) -> dict:
    """The citizen's consents and requests, added to their own data (page and JSON download)."""
    return own_records(user)
