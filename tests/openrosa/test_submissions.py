"""Submissions built from the generated form as ODK Collect builds them (instance XML plus photos,
multipart) go through the assessments workflow: draft or submitted, evidence stored once by
SHA-256, idempotent on the instance id, and refused with nothing written when out of scope, stale,
malformed, too large or not an image."""

import hashlib
import io

import pytest
from PIL import Image

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment, Evidence, EvidenceFile, StateChange
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.openrosa.models import DeviceCredential, ProcessedInstance
from tests.conftest import make_user

from .collect import Collect


def jpeg(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def citizen_form(client, people, users, campaigns, collect):
    """The village officer's phone, holding the citizen form with the household head's assessment."""
    assessment = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    [item] = collect.form_list()
    return assessment, collect.download(item)


def _answers(assessment, points="8"):
    return {
        i.code: ("1" if i.kind == "pass_fail" else min(points, str(i.max_points), key=float))
        for i in assessment.criteria_set.definition.indicators
    }


def _written():
    """What a submission could write, to compare before and after a refusal."""
    return (
        Evidence.objects.count(),
        EvidenceFile.objects.count(),
        StateChange.objects.count(),
        ProcessedInstance.objects.count(),
        list(Assessment.objects.values_list("pk", "version", "state", "self_answers")),
    )


def test_a_draft_lands_as_a_draft_with_its_photo_stored_once(citizen_form, collect, users):
    assessment, form = citizen_form
    first, second = (i.code for i in assessment.criteria_set.definition.indicators[:2])
    photo = jpeg()
    instance, files = collect.fill(
        form,
        assessment.pk,
        {first: "7.5", second: "6"},
        note="Đã xem sổ sách",
        location="22.6657 106.2579 500 5",
        photos={first: ("1733400000000.jpg", photo), second: ("1733400000001.jpg", photo)},
    )
    reply = collect.send(instance, files)
    assert reply.status == 201, reply
    assert "Đã lưu nháp" in reply.message and "Nguyễn Văn An" in reply.message
    assert reply.headers["X-OpenRosa-Version"] == "1.0"
    assessment.refresh_from_db()
    assert assessment.state == State.SELF_ASSESSING
    assert assessment.self_answers == {first: "7.5", second: "6"}
    assert assessment.submitted_at is None
    attached = list(assessment.evidence.select_related("file"))
    assert [e.indicator_codes for e in attached] == [[first], [second]]
    assert {e.file.sha256 for e in attached} == {hashlib.sha256(photo).hexdigest()}
    assert EvidenceFile.objects.count() == 1  # the same bytes twice, stored once
    assert attached[0].uploaded_by == users["village_officer"] and attached[0].description == "Đã xem sổ sách"
    processed = ProcessedInstance.objects.get()
    assert (processed.from_version, processed.to_version, processed.submitted) == (1, assessment.version, False)
    assert processed.location.startswith("22.6657")


def test_a_submitted_form_submits_the_assessment(citizen_form, collect, users):
    assessment, form = citizen_form
    instance, files = collect.fill(form, assessment.pk, _answers(assessment), action="submit")
    reply = collect.send(instance, files)
    assert reply.status == 201 and "Đã nộp" in reply.message
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert assessment.submitted_by == users["village_officer"]
    assert assessment.self_result["total"]
    assert list(assessment.state_changes.values_list("action", flat=True)) == ["register", "start", "submit"]


def test_a_resend_changes_nothing_and_answers_success(citizen_form, collect):
    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    instance, files = collect.fill(form, assessment.pk, {code: "5"}, photos={code: ("a.jpg", jpeg())})
    assert collect.send(instance, files).status == 201
    before = _written()
    again = collect.send(instance, files)
    assert again.status == 202 and "không có gì thay đổi" in again.message
    assert _written() == before


def test_a_draft_then_the_final_answers_from_the_same_list_are_both_accepted(citizen_form, collect):
    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    assert collect.send(*collect.fill(form, assessment.pk, {code: "5"})).status == 201
    # The phone has not updated its list: base_version is still the one before the draft.
    final = collect.send(*collect.fill(form, assessment.pk, _answers(assessment), action="submit"))
    assert final.status == 201, final
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED


def test_a_newer_web_edit_refuses_the_stale_submission(citizen_form, collect, users):
    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    workflow.save_answers(Scope(users["commune_officer"]), assessment, {code: "3"})
    before = _written()
    reply = collect.send(*collect.fill(form, assessment.pk, {code: "9"}, photos={code: ("b.jpg", jpeg())}))
    assert reply.status == 409
    assert "đã được sửa trên web" in reply.message and "cập nhật biểu mẫu" in reply.message
    assert _written() == before
    # After a form update the phone starts from the new version and is accepted.
    [item] = collect.form_list()
    fresh = collect.download(item)
    assert collect.send(*collect.fill(fresh, assessment.pk, {code: "9"})).status == 201


def test_a_subject_outside_the_scope_is_refused(citizen_form, collect, people, small_map):
    assessment, form = citizen_form
    officer_b = make_user("officer_b_odk", Role.COMMUNE_OFFICER, small_map["commune_b"])
    other = workflow.register(Scope(officer_b), Title.FAMILY, people["household_b"], 2025)
    instance, files = collect.fill(form, assessment.pk, {}, action="submit")
    instance = instance.replace(
        f"<subject>{assessment.pk}</subject>".encode(), f"<subject>{other.pk}</subject>".encode()
    )
    before = _written()
    reply = collect.send(instance, files)
    assert reply.status == 404
    assert f"Hồ sơ số {other.pk} không thuộc địa bàn của bạn" in reply.message
    assert _written() == before


@pytest.mark.parametrize(
    "body",
    [
        b"<data id='hoctap_1_1'><subject>1",
        b"not xml at all",
        b"<!DOCTYPE d [<!ENTITY x 'y'>]><data id='hoctap_1_1'>&x;</data>",
    ],
)
def test_malformed_xml_is_refused(citizen_form, collect, body):
    before = _written()
    reply = collect.send(body, {})
    assert reply.status == 400 and "Bản gửi hỏng" in reply.message
    assert _written() == before


def test_a_missing_instance_id_or_photo_is_refused(citizen_form, collect):
    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    instance, _files = collect.fill(form, assessment.pk, {code: "5"}, photos={code: ("c.jpg", jpeg())})
    before = _written()
    missing_photo = collect.send(instance, {})
    assert missing_photo.status == 400 and "thiếu ảnh minh chứng «c.jpg»" in missing_photo.message
    no_id = collect.send(*collect.fill(form, assessment.pk, {code: "5"}, instance_id=""))
    assert no_id.status == 400 and "instanceID" in no_id.message
    assert _written() == before


def test_an_answer_outside_the_bounds_is_refused_with_the_engines_reason(citizen_form, collect):
    assessment, form = citizen_form
    indicator = assessment.criteria_set.definition.indicators[0]
    before = _written()
    reply = collect.send(*collect.fill(form, assessment.pk, {indicator.code: "999"}))
    assert reply.status == 400 and indicator.code in reply.message
    assert _written() == before


def test_an_oversized_attachment_is_refused(citizen_form, collect, settings):
    assessment, form = citizen_form
    settings.UPLOAD_MAX_BYTES = 1000
    code = assessment.criteria_set.definition.indicators[0].code
    big = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(big, "JPEG", quality=95)
    before = _written()
    reply = collect.send(*collect.fill(form, assessment.pk, {code: "5"}, photos={code: ("big.jpg", big.getvalue())}))
    assert reply.status == 413 and "giới hạn" in reply.message
    assert _written() == before


def test_an_attachment_that_is_not_an_image_is_refused(citizen_form, collect):
    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    before = _written()
    reply = collect.send(
        *collect.fill(form, assessment.pk, {code: "5"}, photos={code: ("d.jpg", b"#!/bin/sh\necho not a photo\n")})
    )
    assert reply.status == 415 and "JPEG" in reply.message
    assert _written() == before


def test_a_submission_that_is_not_multipart_is_refused(client, collect, citizen_form):
    response = client.post(
        "/openrosa/submission", data=b"<data/>", content_type="text/xml", secure=True, **collect.headers
    )
    assert response.status_code == 415
    assert response["X-OpenRosa-Accept-Content-Length"]


def test_head_answers_204_with_the_accepted_length_and_a_session_cannot_post(client, collect, users):
    head = collect.head()
    assert head.status == 204 and int(head.headers["X-OpenRosa-Accept-Content-Length"]) >= 10 * 1024 * 1024
    client.force_login(users["village_officer"])
    response = client.post("/openrosa/submission", data={}, secure=True)
    assert response.status_code == 401  # a browser cookie never submits: only a device credential does


def test_an_officer_without_edit_rights_cannot_fill_in(citizen_form, client, users):
    assessment, form = citizen_form
    credential, secret = DeviceCredential.issue(users["commune_approver"], "Máy chủ tịch")
    approver = Collect(client, credential.login, secret)
    assert approver.form_list() == []
    before = _written()
    reply = approver.send(*approver.fill(form, assessment.pk, {}))
    assert reply.status == 404
    assert _written() == before


def test_the_audit_log_names_the_officer_behind_the_phone(citizen_form, collect, users):
    from auditlog.models import LogEntry

    assessment, form = citizen_form
    code = assessment.criteria_set.definition.indicators[0].code
    assert collect.send(*collect.fill(form, assessment.pk, {code: "5"}, photos={code: ("e.jpg", jpeg())})).status == 201
    attached = Evidence.objects.get()
    assert LogEntry.objects.get_for_object(attached).get().actor == users["village_officer"]
    assert LogEntry.objects.get_for_object(assessment).latest("pk").actor == users["village_officer"]
