"""The data subject's rights end to end (issue 19 §2): request → the commune's to-do list with the
decree's deadline → answer → data shown, corrected, erased or consent withdrawn, every step audited."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.assessments.models import Assessment, CitizenSignup
from hoctap.privacy import erasure, services
from hoctap.privacy.models import Covers, DataRequest, LegalBasis, RequestState
from hoctap.registry.models import Household, Person
from hoctap.web.todo import todo_for
from tests.assessments.conftest import campaigns, head_is_citizen, people, published, users  # noqa: F401

from .conftest import signup_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client, small_map):
    """A citizen who signed up on line, with both consents; their registry person is created at once."""
    client.post("/signup/", signup_post(small_map, notice_version="1", consent="on", sensitive_consent="on"))
    person = Person.objects.get(account__username="lan")
    person.ethnicity = "01"
    person.save()
    return person


def todo_line(officer, data_request):
    [item] = [item for item in todo_for(Scope(officer)) if item.key == "data_requests"]
    return next(line for line in item.lines if line.url == f"/privacy/requests/{data_request.pk}/")


def answer(client, data_request, outcome="done", text="Đã thực hiện theo yêu cầu."):
    return client.post(f"/privacy/requests/{data_request.pk}/", {"outcome": outcome, "answer": text})


def audited(record):
    return LogEntry.objects.get_for_object(record).count()


def test_access_from_the_account_to_the_answer_and_the_download(client, small_map, officer_a, citizen):
    response = client.post("/privacy/mine/", {"kind": "access", "details": "Xin bản sao."})
    assert response.status_code == 302
    data_request = DataRequest.objects.get()
    assert data_request.person == citizen and data_request.channel == "account"
    assert data_request.due_on == timezone.localdate() + datetime.timedelta(
        days=settings.PRIVACY_REQUEST_DAYS["access"]
    )
    assert todo_line(officer_a, data_request).date == data_request.due_on
    download = json.loads(client.get("/registry/me/download/").content)
    assert [r["state"] for r in download["requests"]] == ["Chờ xử lý"]
    assert {c["covers"] for c in download["consents"]} == {"Dữ liệu cơ bản", "Dân tộc (dữ liệu nhạy cảm)"}
    assert download["consents"][0]["notice_version"] == 1
    client.force_login(officer_a)
    assert "Quá" not in client.get(f"/privacy/requests/{data_request.pk}/").content.decode()
    assert answer(client, data_request, text="").status_code == 200  # an answer is required
    assert answer(client, data_request).status_code == 302
    data_request.refresh_from_db()
    assert (data_request.state, data_request.answered_by) == (RequestState.DONE, officer_a)
    assert audited(data_request) == 2  # filed, answered
    assert not any(item.key == "data_requests" for item in todo_for(Scope(officer_a)))
    client.force_login(citizen.account)
    assert "Đã thực hiện theo yêu cầu." in client.get("/privacy/mine/").content.decode()


def test_correction_recorded_at_the_office_for_someone_without_an_account(client, small_map, officer_a, person_a):
    client.force_login(officer_a)
    refused = client.post(f"/privacy/people/{person_a.pk}/request/", {"kind": "correct", "details": ""})
    assert "Ghi thông tin nào sai" in refused.content.decode()
    client.post(f"/privacy/people/{person_a.pk}/request/", {"kind": "correct", "details": "Năm sinh đúng là 1979."})
    data_request = DataRequest.objects.get()
    assert (data_request.channel, data_request.recorded_by, data_request.user) == ("office", officer_a, None)
    assert todo_line(officer_a, data_request)
    person_a.birth_year = 1979
    Scope(officer_a).save(person_a, "edit_registry")
    answer(client, data_request, text="Đã sửa năm sinh thành 1979.")
    person_a.refresh_from_db()
    data_request.refresh_from_db()
    assert person_a.birth_year == 1979 and data_request.state == RequestState.DONE
    assert audited(data_request) == 2


def test_deletion_removes_a_person_nothing_points_at(client, small_map, officer_a, citizen):
    account = citizen.account
    client.post("/privacy/mine/", {"kind": "delete"})
    data_request = DataRequest.objects.get()
    client.force_login(officer_a)
    answer(client, data_request, text="Đã xóa dữ liệu.")
    assert not Person.objects.filter(pk=citizen.pk).exists()
    account.refresh_from_db()
    assert not account.is_active and account.full_name == "" and account.username == f"da-xoa-{account.pk}"
    assert not account.has_usable_password()
    signup = CitizenSignup.objects.get(user=account)
    assert signup.full_name == erasure.ERASED_NAME and signup.person is None
    # The history keeps who changed what and when, without the values.
    entries = LogEntry.objects.filter(object_pk=str(citizen.pk), content_type__model="person")
    assert entries.exists() and all("Nguyễn Thị Lan" not in json.dumps(e.changes) for e in entries)
    assert [
        (e.content_type.model, e.object_repr)
        for e in LogEntry.objects.all()
        if "Nguyễn Thị Lan" in (e.object_repr or "")
    ] == []
    data_request.refresh_from_db()
    assert data_request.state == RequestState.DONE and data_request.person is None
    assert LogEntry.objects.get_for_object(data_request).filter(action=LogEntry.Action.UPDATE).exists()


def test_deletion_keeps_what_a_recognition_decision_names(small_map, people, users, head_is_citizen):  # noqa: F811
    head = people["head"]
    head.id_number, head.ethnicity = "034080001234", "02"
    head.save()
    scope = Scope(users["commune_officer"])
    data_request = services.office_request(scope, head, kind="delete", details="")
    services.answer_request(scope, data_request, done=True, answer="Đã xóa; họ tên trong quyết định được giữ.")
    head.refresh_from_db()
    assert head.full_name == "Nguyễn Văn An" and head.birth_year == 1980  # on the decision
    assert (head.id_number, head.ethnicity, head.household, head.birth_date) == (None, "", None, None)
    household = Household.objects.get(pk=people["household"].pk)
    assert household.head is None and household.name_folded == ""
    assert Assessment.objects.filter(person=head).exists()


def test_withdrawing_the_ethnicity_consent_clears_the_ethnicity(client, small_map, officer_a, citizen):
    refused = client.post("/privacy/mine/", {"kind": "withdraw"})
    assert "Chọn rút lại đồng ý về dữ liệu cơ bản hay về dân tộc" in refused.content.decode()
    client.post("/privacy/mine/", {"kind": "withdraw", "withdraw_covers": "sensitive"})
    data_request = DataRequest.objects.get()
    assert data_request.due_on == timezone.localdate() + datetime.timedelta(
        days=settings.PRIVACY_REQUEST_DAYS["withdraw"]
    )
    client.force_login(officer_a)
    answer(client, data_request, text="Đã xóa dân tộc và ghi nhận rút lại đồng ý.")
    citizen.refresh_from_db()
    assert citizen.ethnicity == ""
    sensitive = LegalBasis.objects.get(person=citizen, covers=Covers.SENSITIVE)
    assert sensitive.withdrawn_at is not None and audited(sensitive) == 2
    assert LegalBasis.objects.get(person=citizen, covers=Covers.GENERAL).withdrawn_at is None
    assert not services.has_sensitive_consent(citizen)


def test_a_refusal_says_why_and_changes_nothing(client, small_map, officer_a, citizen):
    client.post("/privacy/mine/", {"kind": "delete"})
    data_request = DataRequest.objects.get()
    client.force_login(officer_a)
    answer(client, data_request, outcome="refused", text="Cần đối chiếu căn cước: mời bạn đến trụ sở xã.")
    assert Person.objects.filter(pk=citizen.pk).exists()
    data_request.refresh_from_db()
    assert data_request.state == RequestState.REFUSED
    assert answer(client, data_request).status_code == 200  # answered once only
    assert "Ghi trả lời" not in client.get(f"/privacy/requests/{data_request.pk}/").content.decode()


def test_another_commune_cannot_see_or_answer(client, small_map, officer_b, citizen):
    client.post("/privacy/mine/", {"kind": "access"})
    data_request = DataRequest.objects.get()
    client.force_login(officer_b)
    assert client.get(f"/privacy/requests/{data_request.pk}/").status_code == 404
    assert answer(client, data_request).status_code == 404
    assert not any(item.key == "data_requests" for item in todo_for(Scope(officer_b)))
    assert "Nguyễn Thị Lan" not in client.get("/privacy/requests/").content.decode()


def test_an_overdue_request_says_so_in_the_to_do_list(small_map, officer_a, person_a):
    data_request = services.office_request(Scope(officer_a), person_a, kind="access")
    DataRequest.objects.filter(pk=data_request.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert "quá hạn" in todo_line(officer_a, data_request).text


def test_the_api_lists_the_communes_pending_requests(client, small_map, officer_a, officer_b, person_a):
    services.office_request(Scope(officer_a), person_a, kind="access")
    client.force_login(officer_a)
    assert [r["kind"] for r in client.get("/api/v1/privacy/requests").json()] == ["access"]
    client.force_login(officer_b)
    assert client.get("/api/v1/privacy/requests").json() == []
