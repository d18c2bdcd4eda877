"""Reminders: each trigger on its day relative to a fixed day passed in, once, to the people
responsible inside their territory, as each person chose, by inbox and e-mail."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.assessments.models import Campaign
from hoctap.criteria.titles import Title
from hoctap.notifications import services
from hoctap.notifications.models import Delivery, DeliveryState, Kind, Muted, Notification
from hoctap.notifications.tasks import send_reminders
from hoctap.reports import services as reports
from hoctap.reports.loader import load_schedules
from hoctap.reports.models import Report, ReportState, ReportType
from tests.assessments.conftest import YEAR, full_answers
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
# On the small map the communes of Hưng Yên report by 01/12 (schedules.yaml), the province by the
# national 15/12.
COMMUNE_DUE = datetime.date(THIS_YEAR, 12, 1)
PROVINCE_DUE = datetime.date(THIS_YEAR, 12, 15)


def days(n):
    return datetime.timedelta(days=n)


def notices(user, kind=None):
    found = Notification.objects.filter(user=user)
    if kind:
        found = found.filter(kind=kind)
    return sorted(found.values_list("key", flat=True))


@pytest.fixture
def annual(small_map):
    load_schedules()
    return ReportType.objects.get(code="annual")


@pytest.fixture
def officers(small_map, annual):
    return {
        "a": make_user("officer_a", Role.COMMUNE_OFFICER, small_map["commune_a"], email="a@example.vn"),
        "b": make_user("officer_b", Role.COMMUNE_OFFICER, small_map["commune_b"], email="b@example.vn"),
        "village": make_user("village_a", Role.VILLAGE_OFFICER, small_map["village_a"], email="v@example.vn"),
        "province": make_user("province_a", Role.PROVINCE_OFFICER, small_map["province"], email="p@example.vn"),
    }


def stage_keys(user):
    return [key.rsplit(":", 1)[1] for key in notices(user, Kind.REPORT_DEADLINE)]


# -- report deadlines ----------------------------------------------------------------------------


def test_report_deadline_a_week_before_the_day_before_and_once_overdue(officers, annual):
    a = officers["a"]
    services.run(COMMUNE_DUE - days(8))
    assert stage_keys(a) == []
    services.run(COMMUNE_DUE - days(7))
    assert stage_keys(a) == ["week"]
    for n in (6, 5, 2):  # the rest of the week adds nothing
        services.run(COMMUNE_DUE - days(n))
    assert stage_keys(a) == ["week"]
    services.run(COMMUNE_DUE - days(1))
    services.run(COMMUNE_DUE)
    assert stage_keys(a) == ["day", "week"]
    services.run(COMMUNE_DUE + days(1))
    services.run(COMMUNE_DUE + days(2))
    assert stage_keys(a) == ["day", "overdue", "week"]
    texts = [str(n) for n in Notification.objects.filter(user=a).order_by("pk")]
    assert texts[0] == f"Hạn gửi Báo cáo năm {THIS_YEAR} của Xã An Lạc: 01/12/{THIS_YEAR} (còn 7 ngày)."
    assert texts[1] == f"Hạn gửi Báo cáo năm {THIS_YEAR} của Xã An Lạc: 01/12/{THIS_YEAR} (ngày mai là hạn cuối)."
    assert texts[2].startswith(f"Báo cáo năm {THIS_YEAR} của Xã An Lạc đã quá hạn gửi (hạn 01/12/{THIS_YEAR})")
    # the village keeps no report; the province's own report is due later (15/12): nothing yet
    assert notices(officers["village"]) == [] and notices(officers["province"]) == []
    services.run(PROVINCE_DUE - days(7))
    assert stage_keys(officers["province"]) == ["week"]


def test_each_officer_hears_of_their_own_commune_only(officers, annual, small_map):
    services.run(COMMUNE_DUE - days(7))
    a_key, b_key = notices(officers["a"]), notices(officers["b"])
    assert len(a_key) == len(b_key) == 1 and a_key != b_key
    assert f":{small_map['commune_a'].pk}:" in a_key[0] and f":{small_map['commune_b'].pk}:" in b_key[0]
    [notice] = Notification.objects.filter(user=officers["b"])
    assert "Xã Bình Minh" in str(notice) and "An Lạc" not in str(notice)


def test_a_sent_report_is_not_chased(officers, annual, small_map):
    Report.objects.create(report_type=annual, year=THIS_YEAR, unit=small_map["commune_a"], state=ReportState.SUBMITTED)
    draft = Report.objects.create(report_type=annual, year=THIS_YEAR, unit=small_map["commune_b"])
    services.run(COMMUNE_DUE + days(1))
    assert notices(officers["a"]) == []
    [notice] = Notification.objects.filter(user=officers["b"])
    assert notice.url == f"/reports/{draft.pk}/"  # the draft, not the board


def test_running_twice_sends_nothing_twice(officers, annual):
    first = services.run(COMMUNE_DUE - days(1))
    assert first.recorded == 2 and first.sent == 2  # officers a and b, one e-mail each
    assert len(mail.outbox) == 2
    again = services.run(COMMUNE_DUE - days(1))
    assert (again.recorded, again.sent) == (0, 0)
    call_command("send_reminders", date=(COMMUNE_DUE - days(1)).isoformat(), stdout=open("/dev/null", "w"))
    send_reminders.call((COMMUNE_DUE - days(1)).isoformat())
    assert len(mail.outbox) == 2 and Notification.objects.count() == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_the_e_mail_says_what_the_inbox_says_and_links_to_it(officers, annual):
    services.run(COMMUNE_DUE - days(7))
    [message] = [m for m in mail.outbox if m.to == ["a@example.vn"]]
    notice = Notification.objects.get(user=officers["a"])
    assert message.subject == f"hoctap: {notice}"
    assert str(notice) in message.body
    assert "https://hoctap.example.vn/reports/?report_type=annual" in message.body
    assert "https://hoctap.example.vn/notifications/preferences/" in message.body


def test_a_failed_send_is_tried_again_later_and_never_twice(officers, annual, monkeypatch):
    from hoctap.notifications.channels import EmailChannel

    def broken(self, user, notices):
        raise ConnectionRefusedError

    with monkeypatch.context() as patch:
        patch.setattr(EmailChannel, "send", broken)
        summary = services.run(COMMUNE_DUE - days(7))
    assert (summary.sent, summary.failed, len(mail.outbox)) == (0, 2, 0)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.PENDING}
    services.run(COMMUNE_DUE - days(6))
    services.run(COMMUNE_DUE - days(6))
    assert len(mail.outbox) == 2


# -- preferences ---------------------------------------------------------------------------------


def test_preferences_are_respected(officers, annual):
    a, b = officers["a"], officers["b"]
    Muted.objects.create(user=a, kind=Kind.REPORT_DEADLINE, channel="email")
    for channel in ("inbox", "email"):
        Muted.objects.create(user=b, kind=Kind.REPORT_DEADLINE, channel=channel)
    services.run(COMMUNE_DUE - days(7))
    assert len(notices(a)) == 1 and services.unread_count(a) == 1
    assert notices(b) == []
    assert mail.outbox == []


def test_inbox_off_e_mail_on(officers, annual):
    Muted.objects.create(user=officers["a"], kind=Kind.REPORT_DEADLINE, channel="inbox")
    services.run(COMMUNE_DUE - days(7))
    assert services.unread_count(officers["a"]) == 0
    assert [m.to for m in mail.outbox if m.to == ["a@example.vn"]] == [["a@example.vn"]]


def test_no_address_no_mail(small_map, annual):
    officer = make_user("no_mail", Role.COMMUNE_OFFICER, small_map["commune_a"])
    services.run(COMMUNE_DUE - days(7))
    assert len(notices(officer)) == 1 and mail.outbox == [] and not Delivery.objects.exists()


# -- campaign windows ----------------------------------------------------------------------------


def test_campaign_windows_reach_who_acts_in_them(small_map, campaigns, users):
    today = datetime.date(YEAR, 6, 10)
    Campaign.objects.filter(pk=campaigns[Title.FAMILY].pk).update(
        registration_opens=today,
        registration_closes=today + days(7),
        self_assessment_deadline=today + days(20),
        review_deadline=today + days(30),
        recognition_deadline=today + days(40),
    )
    Campaign.objects.filter(pk=campaigns[Title.CLAN].pk).update(
        registration_opens=today - days(60),
        registration_closes=today - days(30),
        self_assessment_deadline=today - days(10),
        review_deadline=today + days(6),
        recognition_deadline=today + days(1),
    )
    other = make_user("officer_b_fields", Role.VILLAGE_OFFICER, small_map["village_b"])
    services.run(today)
    family, clan = campaigns[Title.FAMILY].pk, campaigns[Title.CLAN].pk
    opened = [f"campaign:{family}:registration_closes:week", f"campaign:{family}:registration_opens:open"]
    assert notices(users["village_officer"]) == opened
    assert notices(other) == opened  # the national default applies in every province
    assert notices(users["commune_officer"]) == sorted([f"campaign:{clan}:review_deadline:week", *opened])
    assert notices(users["commune_approver"]) == [
        f"campaign:{clan}:recognition_deadline:day",
        f"campaign:{clan}:review_deadline:week",
    ]
    assert notices(users["province_approver"]) == [] and notices(users["central_admin"]) == []
    texts = sorted(str(n) for n in Notification.objects.filter(user=users["village_officer"]))
    assert texts == [
        f"Hạn đăng ký Gia đình học tập {YEAR} · toàn quốc: 17/06/{YEAR} (còn 7 ngày).",
        f"Đã mở đăng ký Gia đình học tập {YEAR} · toàn quốc từ 10/06/{YEAR}.",
    ]
    # a week later registration is no longer news; the day before it closes is
    services.run(today + days(6))
    assert notices(users["village_officer"]) == sorted([f"campaign:{family}:registration_closes:day", *opened])


def test_a_province_with_its_own_campaign_hears_of_its_own(small_map, campaigns, users, published):
    today = datetime.date(YEAR, 6, 10)
    Campaign.objects.filter(pk=campaigns[Title.FAMILY].pk).update(registration_opens=today)
    own = create_campaign(Title.FAMILY, YEAR, province=small_map["province"], registration_opens=today - days(100))
    services.run(today)
    assert not any(str(campaigns[Title.FAMILY].pk) in key for key in notices(users["village_officer"]))
    assert own.pk


def test_citizens_hear_of_the_self_assessment_deadline_of_their_own_dossier(small_map, campaigns, people, users):
    account = make_user("citizen_head", Role.CITIZEN, small_map["village_a"])
    people["head"].account = account
    people["head"].save()
    workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    today = datetime.date(YEAR, 11, 29)
    services.run(today)
    [notice] = Notification.objects.filter(user=account)
    assert notice.key.endswith("self_assessment_deadline:day") and notice.url.startswith("/assessments/")


# -- returned dossiers and reports ---------------------------------------------------------------


def _returned_dossier(person, users):
    scope = Scope(users["village_officer"])
    assessment = workflow.register(scope, Title.CITIZEN, person, YEAR)
    assessment = workflow.transition(scope, assessment, "start")
    assessment = workflow.transition(scope, assessment, "submit", answers=full_answers(assessment.criteria_set))
    council = Scope(users["commune_officer"])
    assessment = workflow.transition(council, assessment, "start_review")
    return workflow.transition(council, assessment, "return", reason="Thiếu minh chứng, CCCD 001080012345")


def test_a_returned_dossier_reaches_its_keepers_not_another_commune(small_map, campaigns, people, users):
    account = make_user("spouse_account", Role.CITIZEN, small_map["village_a"], email="c@example.vn")
    people["spouse"].account = account
    people["spouse"].id_number = "001082012345"
    people["spouse"].save()
    assessment = _returned_dossier(people["spouse"], users)
    officer_b = make_user("officer_b_dossiers", Role.COMMUNE_OFFICER, small_map["commune_b"])
    today = timezone.localdate()
    services.run(today)
    key = [f"dossier_returned:{assessment.state_changes.get(to_state='returned').pk}"]
    assert notices(users["village_officer"], Kind.DOSSIER_RETURNED) == key
    assert notices(account, Kind.DOSSIER_RETURNED) == key
    # whoever returned it knows; another commune never hears of it
    assert notices(users["commune_officer"], Kind.DOSSIER_RETURNED) == []
    assert notices(officer_b) == [] and notices(users["province_officer"], Kind.DOSSIER_RETURNED) == []
    assert str(Notification.objects.get(user=account, kind=Kind.DOSSIER_RETURNED)) == (
        f"Hồ sơ Công dân học tập {YEAR} của Trần Thị Bình (Thôn Đông) bị trả lại: xem lý do, bổ sung và nộp lại."
    )
    # the e-mail names the dossier, nothing personal: no ID number, birth year or the reviewer's words
    [message] = [m for m in mail.outbox if m.to == ["c@example.vn"]]
    for private in ("001082012345", "1982", "CCCD", "Thiếu minh chứng"):
        assert private not in message.body and private not in message.subject
    # sent in again: a later run says nothing more
    services.run(today + days(1))
    assert len(notices(account, Kind.DOSSIER_RETURNED)) == 1


def test_a_returned_report_reaches_its_writers(officers, annual, small_map):
    report = Report.objects.create(
        report_type=annual, year=THIS_YEAR, unit=small_map["commune_a"], state=ReportState.SUBMITTED
    )
    reports.return_report(Scope(officers["province"]), report, actor=officers["province"], reason="Thiếu số liệu")
    services.run(timezone.localdate())
    assert notices(officers["a"], Kind.REPORT_RETURNED) == [f"report_returned:{report.events.get().pk}"]
    assert notices(officers["b"], Kind.REPORT_RETURNED) == []
    assert notices(officers["province"], Kind.REPORT_RETURNED) == []
    assert notices(officers["village"]) == []
