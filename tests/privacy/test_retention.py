"""Retention (issue 19 §4): people with no current record are anonymised after the period; old
answered requests are deleted; the job is a command and a task, and running it twice changes nothing."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.privacy import erasure, retention, services
from hoctap.privacy.models import DataRequest, RequestState
from hoctap.privacy.tasks import apply_retention
from hoctap.registry.models import Person

pytestmark = pytest.mark.django_db


def aged(person, years):
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - datetime.timedelta(days=365 * years + 2))


def test_people_who_left_are_anonymised_after_the_period(settings, small_map, officer_a, person_a):
    settings.PRIVACY_RETENTION = {**settings.PRIVACY_RETENTION, "person_years": 5}
    moved = Person.objects.create(full_name="Đã Chuyển Đi", sex="male", birth_year=1970, unit=small_map["village_a"])
    recent = Person.objects.create(full_name="Mới Chuyển Đi", sex="male", birth_year=1971, unit=small_map["village_a"])
    aged(moved, 6)
    aged(person_a, 6)  # still in a household: a current record
    aged(recent, 4)
    assert list(retention.expired_people(timezone.localdate())) == [moved]
    summary = retention.run()
    assert summary.people == 1 and not Person.objects.filter(pk=moved.pk).exists()
    assert Person.objects.filter(pk__in=[person_a.pk, recent.pk]).count() == 2
    assert retention.run().people == 0  # nothing more the second time


def test_answered_requests_are_deleted_after_their_period_and_the_job_runs_as_command_and_task(
    settings, small_map, officer_a, person_a, capsys
):
    scope = Scope(officer_a)
    old = services.office_request(scope, person_a, kind="access")
    services.answer_request(scope, old, done=True, answer="Đã gửi bản sao.")
    DataRequest.objects.filter(pk=old.pk).update(answered_at=timezone.now() - datetime.timedelta(days=365 * 6))
    pending = services.office_request(scope, person_a, kind="correct", details="Sai năm sinh.")
    DataRequest.objects.filter(pk=pending.pk).update(received_at=timezone.now() - datetime.timedelta(days=365 * 6))
    call_command("privacy_retention")
    assert "đã xóa 1 yêu cầu cũ" in capsys.readouterr().out
    assert list(DataRequest.objects.values_list("pk", "state")) == [(pending.pk, RequestState.PENDING)]
    assert apply_retention.call() == {"people": 0, "requests": 0, "rejected_signups": 0}


def test_a_person_whom_a_decision_names_is_kept_by_name(small_map, person_a, monkeypatch):
    from hoctap.privacy import signals

    def keeps_name(sender, person, **kwargs):
        return signals.KEEP_NAME

    signals.erasing.connect(keeps_name, dispatch_uid="test-keeps-name")
    try:
        assert erasure.erase(person_a) == "name_kept"
    finally:
        signals.erasing.disconnect(dispatch_uid="test-keeps-name")
    person_a.refresh_from_db()
    assert person_a.full_name == "Nguyễn Văn An" and person_a.id_number is None and person_a.ethnicity == ""


def test_rejected_sign_ups_are_deleted_after_their_period_and_the_audit_says_what_went(
    client, settings, small_map, officer_a
):
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    from hoctap.assessments import citizens
    from hoctap.assessments.models import CitizenSignup

    from .conftest import signup_post

    settings.PRIVACY_RETENTION = {**settings.PRIVACY_RETENTION, "rejected_signup_days": 365}
    for username, name, number in (("lan", "Nguyễn Thị Lan", "034190001111"), ("hoa", "Trần Thị Hoa", "034190002222")):
        client.post(
            "/signup/",
            signup_post(
                small_map, username=username, full_name=name, id_number=number, notice_version="1", consent="on"
            ),
        )
        client.logout()
    client.post(
        "/signup/",
        signup_post(
            small_map,
            username="mai",
            full_name="Lê Thị Mai",
            id_number="034190003333",
            notice_version="1",
            consent="on",
        ),
    )
    old, recent, waiting = (CitizenSignup.objects.get(user__username=u) for u in ("lan", "hoa", "mai"))
    scope = Scope(officer_a)
    citizens.reject(scope, old, "Không phải người trong sổ của xã.")
    citizens.reject(scope, recent, "Đã có tài khoản khác.")
    CitizenSignup.objects.filter(pk=old.pk).update(linked_at=timezone.now() - datetime.timedelta(days=366))
    call_command("privacy_retention")
    assert set(CitizenSignup.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    account = get_user_model().objects.get(pk=old.user_id)
    assert not account.is_active and account.username == f"da-xoa-{account.pk}" and account.full_name == ""
    deleted = LogEntry.objects.get(
        content_type__model="citizensignup", object_pk=str(old.pk), action=LogEntry.Action.DELETE
    )
    assert deleted.additional_data["system_actor"] == "privacy_retention"
    assert "Nguyễn Thị Lan" not in json.dumps(deleted.changes, ensure_ascii=False)
    assert set(deleted.changes_dict) >= {"full_name", "id_number"}  # what went, without its values
    assert not LogEntry.objects.filter(object_repr__contains="Nguyễn Thị Lan").exists()
    assert apply_retention.call() == {"people": 0, "requests": 0, "rejected_signups": 0}  # twice: nothing more
    assert CitizenSignup.objects.count() == 2
