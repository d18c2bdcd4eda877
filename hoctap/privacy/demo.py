"""Demo data of personal data: the notice (a migration adds version 1), consents, bases recorded on
paper (ethnicity with its own consent), the provinces' choices (Cao Bằng: the People's Committee; the
demo commune's province: where requests go and deletions in working days, still provisional), and one
pending request of each kind in the demo commune, each with its due date.
Idempotent: every record is looked up first. Runs after the assessments step, which links the demo
citizen's account to their registry person."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.registry.models import Person
from hoctap.territory.models import Era, Level, Unit

from . import services
from .models import (
    BasisKind,
    Controller,
    ControllerKind,
    Covers,
    DataRequest,
    DayCount,
    LegalBasis,
    RequestDeadline,
    RequestKind,
    RequestState,
)


def _province_choices(context, users) -> None:
    """Cao Bằng chose the People's Committee; the demo commune's province keeps the association but names
    where requests are received and counts deletions in working days (still provisional: «tạm tính»)."""
    cao_bang = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, short_name="Cao Bằng").first()
    if cao_bang is not None and not Controller.objects.filter(province=cao_bang).exists():
        services.set_controller(
            Scope(users["central_admin"]),
            cao_bang,
            kind=ControllerKind.COMMITTEE,
            contact="Bộ phận một cửa, Ủy ban nhân dân xã, phường nơi cư trú",
        )
    province = context["communes"][0].province()
    if province is not None and not RequestDeadline.objects.filter(province=province).exists():
        scope = Scope(users["province_officer"])
        services.set_controller(
            scope, province, kind=ControllerKind.ASSOCIATION, contact="Văn phòng Hội Khuyến học xã, phường"
        )
        services.set_deadlines(
            scope, province, {RequestKind.DELETE: {"days": 20, "counting": DayCount.WORKING, "provisional": True}}
        )


def _ethnicity_with_consent(context, users, village, collected_on) -> None:
    """Ethnicity is written only with the person's own consent: the demo's people whose group is recorded
    (the mountain commune's) consented on paper; in the demo commune's first village the consent forms
    of the village meeting covered ethnicity too, and the commune officer then recorded it (Kinh)."""
    admin = Scope(users["central_admin"])
    sensitive = LegalBasis.objects.filter(covers=Covers.SENSITIVE, withdrawn_at__isnull=True).values("person_id")
    recorded = Person.objects.exclude(ethnicity="").exclude(pk__in=sensitive).order_by("pk")
    if recorded.exists():
        services.record_basis(
            admin,
            recorded,
            kind=BasisKind.CONSENT_PAPER,
            covers=Covers.SENSITIVE,
            collected_by=users["commune_officer"].full_name,
            collected_on=collected_on,
        )
    meeting = list(
        Person.objects.filter(
            unit=village, account=None, legal_bases__kind=BasisKind.CONSENT_PAPER, legal_bases__covers=Covers.GENERAL
        ).order_by("pk")[:8]
    )
    if meeting and not LegalBasis.objects.filter(person__in=meeting, covers=Covers.SENSITIVE).exists():
        services.record_basis(
            Scope(users["commune_officer"]),
            meeting,
            kind=BasisKind.CONSENT_PAPER,
            covers=Covers.SENSITIVE,
            collected_by=users["village_officer"].full_name,
            collected_on=collected_on,
        )
        for person in meeting:  # the consent is on record: the commune officer's write the rule allows
            person.ethnicity = "01"
            person.save()


def load(context, log):
    commune = context["communes"][0]
    users = context["users"]
    officer = users["commune_officer"]
    scope = Scope(officer)
    today = timezone.localdate()
    _province_choices(context, users)
    citizen = users["citizen"]
    mine = Person.objects.filter(account=citizen).first()
    if mine is not None and not LegalBasis.objects.filter(person=mine).exists():
        for basis in services.record_signup_consent(citizen, mine.commune, sensitive=True):
            basis.person = mine
            basis.save()
    # The first village's households gave their consent on paper at the village meeting a month ago;
    # the others are left for the officer to record (the to-do list shows them).
    village = context["villages"][commune.pk][0]
    on_paper = Person.objects.filter(unit=village, account=None, legal_bases__isnull=True).order_by("pk")[:12]
    if on_paper and not LegalBasis.objects.filter(person__unit=village, kind=BasisKind.CONSENT_PAPER).exists():
        services.record_basis(
            scope,
            on_paper,
            kind=BasisKind.CONSENT_PAPER,
            collected_by=users["village_officer"].full_name,
            collected_on=today - datetime.timedelta(days=30),
        )
    _ethnicity_with_consent(context, users, village, today - datetime.timedelta(days=30))
    pending = set(
        DataRequest.objects.filter(commune=commune, state=RequestState.PENDING).values_list("kind", flat=True)
    )
    if mine is not None and RequestKind.ACCESS not in pending:
        services.citizen_request(citizen, kind=RequestKind.ACCESS, details="Xin bản sao dữ liệu của tôi.")
    if mine is not None and RequestKind.WITHDRAW not in pending:
        services.citizen_request(
            citizen,
            kind=RequestKind.WITHDRAW,
            withdraw_covers=Covers.SENSITIVE,
            details="Tôi không muốn ghi dân tộc nữa.",
        )
    others = Person.objects.filter(commune=commune, account=None, assessments__isnull=True).order_by("pk")
    if RequestKind.CORRECT not in pending and (person := others.first()) is not None:
        services.office_request(
            scope,
            person,
            kind=RequestKind.CORRECT,
            details=f"Năm sinh đúng là {person.birth_year - 1}, không phải {person.birth_year}.",
        )
    if RequestKind.DELETE not in pending and (second := list(others[1:2])):
        services.office_request(scope, second[0], kind=RequestKind.DELETE, details="Đã chuyển đi nơi khác sống.")
    log(
        f"Dữ liệu cá nhân: thông báo phiên bản {services.current_notice().version}; "
        f"{LegalBasis.objects.count()} căn cứ đã ghi; "
        f"{DataRequest.objects.filter(state=RequestState.PENDING).count()} yêu cầu chờ xử lý"
    )
