"""A submission from ODK Collect, applied through the assessments workflow (no second path).

The instance XML names the form (campaign and criteria set), the subject's assessment, the version
the device started from, the answers, a photo file name per indicator, a note, a GPS point and
whether to save a draft or submit. Everything is checked before anything is written: the XML, the
form, the scope, the answers (by the criteria engine, inside the workflow) and every photo (by its
bytes, as a web upload); then the draft is saved, the photos attached (stored once by SHA-256) and
the assessment submitted, all in one transaction, and the instance id recorded so that a resend
changes nothing and is answered as a success.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.assessments import evidence, workflow
from hoctap.assessments.models import Assessment, StaleAssessment
from hoctap.assessments.sets import definition_of
from hoctap.assessments.states import Action
from hoctap.assessments.subjects import SUBJECT_RELATIONS, display_name
from hoctap.core.uploads import UploadRejected

from . import xform
from .models import DeviceCredential, ProcessedInstance

MAX_XML_BYTES = 1024 * 1024
# Status codes: OpenRosa clients treat 201/202 as received; any other code shows our message.
CREATED, ALREADY_RECEIVED = 201, 202
MALFORMED, FORBIDDEN, OUT_OF_SCOPE, CONFLICT, TOO_LARGE, WRONG_TYPE = 400, 403, 404, 409, 413, 415


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Received:
    status: int
    message: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_instance(data: bytes) -> tuple[dict, dict[str, str]]:
    """(root attributes, element local name → text) of an instance; Refused when it is not XML."""
    if len(data) > MAX_XML_BYTES:
        raise Refused(TOO_LARGE, _("Tệp dữ liệu của bản gửi quá lớn."))
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise Refused(
            MALFORMED,
            _("Bản gửi hỏng (không đọc được dữ liệu XML). Hãy mở lại biểu mẫu trên điện thoại, lưu lại rồi gửi lại."),
        ) from None
    values = {}
    for element in root.iter():
        if len(element) == 0:
            values[_local(element.tag)] = (element.text or "").strip()
    return dict(root.attrib), values


def _malformed(message: str) -> Refused:
    return Refused(MALFORMED, message)


def _answers(definition, values: dict) -> tuple[dict, dict[str, str]]:
    """(answers by indicator code, photo file name by indicator code) from the instance values."""
    answers, photos = {}, {}
    for code, name in xform.field_names(definition).items():
        value = values.get(name, "")
        if value:
            if definition.indicator(code).kind == "pass_fail":
                if value not in ("0", "1"):
                    raise _malformed(_("Câu trả lời cho chỉ số %(code)s không hợp lệ.") % {"code": code})
                answers[code] = value == "1"
            else:
                answers[code] = value
        photo = values.get(xform.photo_name(name), "")
        if photo:
            photos[code] = photo
    return answers, photos


def _check_photos(photos: dict[str, str], files) -> dict:
    """The uploaded file of each photo, checked by content before anything is written."""
    uploads = {}
    for code, filename in photos.items():
        upload = files.get(filename)
        if upload is None:
            raise _malformed(
                _("Bản gửi thiếu ảnh minh chứng «%(file)s» của chỉ số %(code)s. Hãy gửi lại.")
                % {"file": filename, "code": code}
            )
        try:
            evidence.check_upload(upload)
        except UploadRejected as rejected:
            # The refusal's kind, for the status code: too big, not an image at all, or a broken one.
            upload.seek(0)
            if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
                status = TOO_LARGE
            else:
                status = WRONG_TYPE if evidence.sniff(upload.read(16)) is None else MALFORMED
            raise Refused(
                status,
                _("Ảnh minh chứng của chỉ số %(code)s: %(reason)s")
                % {"code": code, "reason": " ".join(rejected.messages)},
            ) from None
        upload.seek(0)
        uploads[code] = upload
    return uploads


def _is_stale(assessment: Assessment, base_version: int, user) -> bool:
    """Someone changed the assessment since the device's copy, other than this officer's own earlier
    ODK submissions (a draft sent, then the final answers, from the same subject list)."""
    version = base_version
    while version != assessment.version:
        step = (
            ProcessedInstance.objects.filter(
                assessment=assessment, credential__user=user, from_version=version, to_version__gt=version
            )
            .order_by("-to_version")
            .values_list("to_version", flat=True)
            .first()
        )
        if step is None:
            return True
        version = step
    return False


def receive(scope: Scope, credential: DeviceCredential, xml_data: bytes, files) -> Received:
    """Apply one submission; raise Refused (status, Vietnamese message) with nothing written."""
    attributes, values = parse_instance(xml_data)
    parsed = xform.parse_form_id(attributes.get("id", ""))
    if parsed is None:
        raise _malformed(_("Biểu mẫu này không phải của hệ thống. Hãy tải biểu mẫu mới từ máy chủ."))
    campaign_id, set_id = parsed
    instance_id = values.get("instanceID", "")
    if not instance_id or len(instance_id) > 100:
        raise _malformed(_("Bản gửi thiếu mã bản ghi (instanceID). Hãy tải lại biểu mẫu rồi nhập lại."))
    done = ProcessedInstance.objects.filter(instance_id=instance_id).select_related("credential").first()
    if done is not None:
        return _already(done, credential)
    try:
        assessment_id, base_version = int(values.get("subject", "")), int(values.get("base_version", ""))
    except ValueError:
        raise _malformed(
            _("Bản gửi thiếu hồ sơ hoặc phiên bản hồ sơ. Hãy cập nhật biểu mẫu rồi chọn lại hồ sơ.")
        ) from None
    action = values.get("action", "")
    if action not in (xform.DRAFT, xform.SUBMIT):
        raise _malformed(_("Hãy chọn «Lưu nháp» hoặc «Nộp» ở câu cuối của biểu mẫu."))
    assessment = (
        scope.filter(Assessment.objects.select_related(*SUBJECT_RELATIONS, "criteria_set"), Capability.EDIT_REGISTRY)
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Refused(
            OUT_OF_SCOPE,
            _(
                "Hồ sơ số %(id)s không thuộc địa bàn của bạn hoặc không còn nữa. Hãy cập nhật "
                "biểu mẫu để có danh sách hồ sơ mới rồi chọn lại."
            )
            % {"id": assessment_id},
        )
    if (assessment.campaign_id, assessment.criteria_set_id) != (campaign_id, set_id):
        raise _malformed(
            _("Hồ sơ %(name)s không dùng biểu mẫu này. Hãy cập nhật biểu mẫu rồi nhập lại.")
            % {"name": display_name(assessment)}
        )
    definition = definition_of(assessment.criteria_set)
    answers, photos = _answers(definition, values)
    uploads = _check_photos(photos, files)
    note = values.get("note", "")[:2000]
    try:
        with transaction.atomic():
            return _apply(
                scope,
                credential,
                assessment,
                instance_id=instance_id,
                base_version=base_version,
                answers=answers,
                uploads=uploads,
                submit=action == xform.SUBMIT,
                note=note,
                location=values.get("location", "")[:100],
                form_id=attributes["id"],
            )
    except IntegrityError:
        # The same instance arrived twice at the same moment: the first one applied it.
        done = ProcessedInstance.objects.filter(instance_id=instance_id).select_related("credential").first()
        if done is None:
            raise
        return _already(done, credential)
    except StaleAssessment:
        raise _stale(assessment) from None
    except workflow.TransitionRefused as refusal:
        status = (
            FORBIDDEN
            if refusal.code in ("no_capability", "own_assessment")
            else (MALFORMED if refusal.code == "invalid_answers" else CONFLICT)
        )
        raise Refused(
            status,
            _("Hồ sơ %(name)s chưa được ghi: %(reason)s") % {"name": display_name(assessment), "reason": refusal.text},
        ) from None
    except ValidationError as error:
        raise _malformed(" ".join(error.messages)) from None
    except Http404:
        raise Refused(OUT_OF_SCOPE, _("Hồ sơ không thuộc địa bàn của bạn.")) from None


def _already(done: ProcessedInstance, credential: DeviceCredential) -> Received:
    if done.credential.user_id != credential.user_id:
        raise Refused(CONFLICT, _("Mã bản ghi này đã được dùng cho một bản gửi khác."))
    return Received(ALREADY_RECEIVED, _("Bản này đã được nhận trước đó; không có gì thay đổi."))


def _stale(assessment: Assessment) -> Refused:
    return Refused(
        CONFLICT,
        _(
            "Hồ sơ %(name)s đã được sửa trên web sau khi điện thoại tải danh sách, nên bản gửi "
            "này không được ghi để khỏi đè lên thay đổi đó. Hãy cập nhật biểu mẫu, xem lại hồ sơ "
            "rồi nhập lại."
        )
        % {"name": display_name(assessment)},
    )


def _apply(
    scope, credential, assessment, *, instance_id, base_version, answers, uploads, submit, note, location, form_id
) -> Received:
    current = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if _is_stale(current, base_version, credential.user):
        raise _stale(assessment)
    from_version = current.version
    saved = workflow.save_answers(scope, current, answers, expected_version=current.version)
    today = timezone.localdate()
    for code, upload in uploads.items():
        evidence.attach(
            scope,
            saved,
            upload,
            effective_date=today,
            indicator_codes=[code],
            description=note[:300] or _("Ảnh chụp bằng ODK Collect"),
        )
    if submit:
        saved = workflow.transition(scope, saved, Action.SUBMIT, expected_version=saved.version)
    ProcessedInstance.objects.create(
        instance_id=instance_id,
        credential=credential,
        assessment=saved,
        form_id=form_id,
        submitted=submit,
        from_version=from_version,
        to_version=saved.version,
        note=note,
        location=location,
    )
    name = display_name(assessment)
    if submit:
        return Received(CREATED, _("Đã nộp hồ sơ tự đánh giá của %(name)s.") % {"name": name})
    return Received(CREATED, _("Đã lưu nháp hồ sơ %(name)s (chưa nộp).") % {"name": name})
