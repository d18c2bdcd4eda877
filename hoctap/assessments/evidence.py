"""Evidence files: checked by content, stored once by SHA-256, shown downscaled, served only in scope.

The declared type and the file name are ignored: an upload is a JPEG, PNG, WebP, HEIC/HEIF, PDF,
DOCX or XLSX because its bytes say so (magic numbers, then Pillow must decode an image whole; an
office file must be an OOXML package whose declared main part is a Word document or an Excel
workbook, with no macro project). A HEIC/HEIF photo (iPhones) is converted to a JPEG no larger than
MAX_SENT_EDGE on its long side, the size phones shrink photos to before sending them
(static/assessments/selfassess.js reads it from the page), because browsers cannot show HEIC.
The bytes are stored in default storage (MEDIA_ROOT or the bucket, hoctap/core/storage.py) at a path
made of their SHA-256, so the same file attached twice is stored once and the same file attached to
two different subjects can be pointed out to the reviewer.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from hoctap.accounts.scoping import Scope
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.core.storage import read_file
from hoctap.core.uploads import UploadRejected

from .models import Assessment, Evidence, EvidenceFile
from .sets import definition_of
from .states import State
from .workflow import TransitionRefused, is_subject_actor

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
HEIF = "image/heif"  # only on the way in: stored as JPEG
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = XLSX_CONTENT_TYPE
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", HEIF: "HEIF"}
# What the file picker offers (types and, for phones that do not know the office types, names).
ACCEPT = "image/*,.heic,.heif,application/pdf,.pdf,.docx,.xlsx," + DOCX + "," + XLSX
# The long side, in pixels, of a photo as it is sent and kept: enough to read a certificate or a
# page of a notebook, small enough (well under 500 KB as a JPEG) for a 1 Mbit/s link.
MAX_SENT_EDGE = 1600
# ISO base media files whose brand says HEIF/HEIC (still images, image sequences).
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
# An office file is a zip: what it may hold before it is refused without being read further.
OOXML_MAX_ENTRIES = 2000
OOXML_MAX_UNPACKED = 200 * 1024 * 1024
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
register_heif_opener()
THUMBNAIL_SIZES = {"small": 320, "large": 1280}
# Decoding an image holds every pixel in memory (3-4 bytes each): a 7740 x 7740 PNG of a few
# kilobytes cost 227 MB. 25 million pixels (a 20 MP camera's 5472 x 3648, a phone's 12 MP with room)
# caps that near 100 MB; the size is read from the header before anything is decoded. Pillow's own
# bomb check is set to the same number, so no other path (thumbnails) decodes more.
MAX_IMAGE_PIXELS = 25_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
OPEN_STATES = {State.REGISTERED, State.SELF_ASSESSING, State.RETURNED}


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIF
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"  # an office file, if its content says so (_check_office)
    return None


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    sha256: str
    content_type: str
    width: int | None = None
    height: int | None = None


def check_upload(uploaded) -> CheckedUpload:
    """Read and check an uploaded file; raise UploadRejected (field "file") saying what is wrong."""
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise _too_big(limit)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    if not data:
        raise UploadRejected({"file": _("Tệp rỗng.")}, code="empty")
    content_type = sniff(data[:16])
    if content_type is None:
        raise UploadRejected(
            {
                "file": _(
                    "Chỉ nhận ảnh (JPEG, PNG, WebP, HEIC), tệp PDF, Word (.docx) hoặc Excel (.xlsx); nội "
                    "dung tệp này không phải các loại đó (đuôi tên tệp không được tính). Hãy chụp ảnh "
                    "hoặc lưu tệp thành PDF rồi tải lên lại."
                )
            },
            code="file_type",
        )
    width = height = None
    if content_type == PDF:
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected({"file": _("Tệp PDF bị hỏng hoặc chưa tải lên hết.")}, code="file_broken")
    elif content_type == "application/zip":
        content_type = _check_office(data)
    else:
        width, height = _check_image(data, content_type)
        if content_type == HEIF:
            data, width, height = _heif_to_jpeg(data)
            content_type = JPEG
    return CheckedUpload(data, hashlib.sha256(data).hexdigest(), content_type, width, height)


def _too_big(limit: int) -> ValidationError:
    return UploadRejected(
        {"file": _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}}, code="file_size"
    )


def _check_image(data: bytes, content_type: str) -> tuple[int, int]:
    broken = UploadRejected({"file": _("Ảnh bị hỏng hoặc không đọc được.")}, code="file_broken")
    too_large = UploadRejected(
        {
            "file": _(
                "Ảnh quá lớn (hơn %(million)s triệu điểm ảnh). Hãy thu nhỏ ảnh hoặc chụp ở độ phân giải "
                "thấp hơn rồi tải lên lại."
            )
            % {"million": MAX_IMAGE_PIXELS // 1_000_000}
        },
        code="file_size",
    )
    try:
        # Image.open reads only the header: width and height are known before any pixel is decoded.
        with Image.open(io.BytesIO(data)) as image:
            if image.format != PILLOW_FORMATS[content_type]:
                raise broken
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
        # verify() checks structure only; decoding the pixels catches truncated data too.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.width, image.height
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise broken from None


def _upright_jpeg(image: Image.Image, edge: int) -> tuple[bytes, int, int]:
    """`image` as a JPEG of at most `edge` on its long side: turned upright by its EXIF orientation
    first, then without its EXIF (which may carry GPS positions)."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((edge, edge))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue(), image.width, image.height


def _heif_to_jpeg(data: bytes) -> tuple[bytes, int, int]:
    """A HEIC/HEIF photo (already checked for its pixel count) as an upright JPEG of at most
    MAX_SENT_EDGE on its long side, without its EXIF."""
    with Image.open(io.BytesIO(data)) as image:
        return _upright_jpeg(image, MAX_SENT_EDGE)


def _check_office(data: bytes) -> str:
    """DOCX or XLSX, from the package's own declaration of its main part; anything else in a zip
    (a macro-enabled document, a renamed archive, an old binary format) is refused.

    Only the entry list and [Content_Types].xml are read: nothing else is unpacked, so a zip bomb
    costs nothing. A macro project is refused wherever it is declared or stored."""
    not_office = UploadRejected(
        {
            "file": _(
                "Tệp này không phải tệp Word (.docx) hay Excel (.xlsx) thật. Hãy mở tệp bằng Word hoặc "
                "Excel, chọn «Lưu thành» .docx hoặc .xlsx (hoặc PDF) rồi tải lên lại."
            )
        },
        code="file_type",
    )
    macros = UploadRejected(
        {
            "file": _(
                "Tệp Word/Excel có chứa macro nên không nhận (macro có thể chứa mã độc). Hãy lưu lại "
                "thành .docx hoặc .xlsx thường (hoặc PDF) rồi tải lên lại."
            )
        },
        code="file_macros",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > OOXML_MAX_ENTRIES or sum(entry.file_size for entry in entries) > OOXML_MAX_UNPACKED:
                raise not_office
            names = {entry.filename.lower() for entry in entries}
            if any(name.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for name in names):
                raise macros
            declaration = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
            if declaration is None or declaration.file_size > 1024 * 1024:
                raise not_office
            root = SafeElementTree.fromstring(package.read(declaration))
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, SyntaxError):
        raise not_office from None
    except Exception:  # defusedxml refuses entities and DTDs with its own errors
        raise not_office from None
    declared = [
        node.get("ContentType", "")
        for node in root
        if node.tag in (CONTENT_TYPES_NS + "Override", CONTENT_TYPES_NS + "Default")
    ]
    if any("macroenabled" in kind.lower() or "vbaproject" in kind.lower() for kind in declared):
        raise macros
    kinds = {OOXML_MAIN_PARTS[kind] for kind in declared if kind in OOXML_MAIN_PARTS}
    if len(kinds) != 1:
        raise not_office
    return kinds.pop()


def store(checked: CheckedUpload) -> EvidenceFile:
    """The stored file for these bytes, writing them once."""
    existing = EvidenceFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    path = EvidenceFile(sha256=checked.sha256).path
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(checked.data))
    try:
        with transaction.atomic():
            return EvidenceFile.objects.create(
                sha256=checked.sha256,
                content_type=checked.content_type,
                size=len(checked.data),
                width=checked.width,
                height=checked.height,
            )
    except IntegrityError:  # the same bytes uploaded at the same moment by someone else
        return EvidenceFile.objects.get(sha256=checked.sha256)


def attach(
    scope: Scope,
    assessment: Assessment,
    uploaded,
    *,
    effective_date: datetime.date,
    indicator_codes: list[str] | None = None,
    description: str = "",
) -> Evidence:
    """Attach an uploaded file to an open assessment, for some of its indicators."""
    if not scope.contains(assessment):
        raise Http404
    if assessment.state not in OPEN_STATES:
        raise TransitionRefused(
            _("Chỉ bổ sung minh chứng khi hồ sơ chưa nộp hoặc bị trả lại (hiện: %(state)s).")
            % {"state": assessment.get_state_display()},
            code="wrong_state",
        )
    if not is_subject_actor(scope, assessment):
        raise TransitionRefused(
            _("Chỉ chính đối tượng hoặc cán bộ quản lý hồ sơ mới bổ sung minh chứng."), code="no_capability"
        )
    codes = list(dict.fromkeys(indicator_codes or []))
    known = {indicator.code for indicator in definition_of(assessment.criteria_set).indicators}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            {"indicator_codes": _("Chỉ số không có trong bộ tiêu chí: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    if effective_date > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"effective_date": _("Ngày của minh chứng không được ở tương lai.")})
    checked = check_upload(uploaded)
    stored = store(checked)
    name = (getattr(uploaded, "name", "") or stored.sha256[:12]).rsplit("/", 1)[-1][:250]
    if name.lower().endswith((".heic", ".heif")) and stored.content_type == JPEG:
        name = name.rsplit(".", 1)[0] + ".jpg"  # what it is now
    return Evidence.objects.create(
        assessment=assessment,
        file=stored,
        original_name=name,
        description=description[:300],
        effective_date=effective_date,
        indicator_codes=codes,
        uploaded_by=scope.signed_in,
    )


def with_shared_flag(evidence):
    """Annotate `shared_elsewhere`: the same bytes are attached to another subject's assessment,
    which a reviewer should look at (one photo offered as proof by two households)."""
    other_subject = (
        Evidence.objects.filter(file=OuterRef("file"))
        .exclude(assessment=OuterRef("assessment"))
        .exclude(
            Q(assessment__household__isnull=False, assessment__household=OuterRef("assessment__household"))
            | Q(assessment__person__isnull=False, assessment__person=OuterRef("assessment__person"))
            | Q(assessment__clan_branch__isnull=False, assessment__clan_branch=OuterRef("assessment__clan_branch"))
            | Q(assessment__organisation__isnull=False, assessment__organisation=OuterRef("assessment__organisation"))
            | Q(assessment__community__isnull=False, assessment__community=OuterRef("assessment__community"))
        )
    )
    return evidence.annotate(shared_elsewhere=Exists(other_subject))


def assessments_with_shared_files(assessment_ids) -> set[int]:
    """Of these assessments, those holding a file that another subject also attached (one query)."""
    return set(
        with_shared_flag(Evidence.objects.filter(assessment_id__in=list(assessment_ids)))
        .filter(shared_elsewhere=True)
        .values_list("assessment_id", flat=True)
    )


def thumbnail(stored: EvidenceFile, size: str) -> tuple[bytes, str]:
    """A downscaled JPEG of an image, made once and cached next to the originals."""
    edge = THUMBNAIL_SIZES[size]
    path = f"thumbnails/{size}/{stored.sha256[:2]}/{stored.sha256}.jpg"
    try:
        return read_file(path), JPEG
    except FileNotFoundError:
        pass
    with Image.open(io.BytesIO(read_file(stored.path))) as image:
        # A JPEG decodes straight at 1/2-1/8 scale when that is still larger than the thumbnail.
        image.draft("RGB", (edge, edge))
        data, _width, _height = _upright_jpeg(image, edge)
    default_storage.save(path, ContentFile(data))
    return data, JPEG


def read_original(stored: EvidenceFile) -> bytes:
    return read_file(stored.path)
