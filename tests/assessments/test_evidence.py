"""Evidence: type by content (an .exe renamed .jpg is refused), size limit, content-addressed
storage, shared files flagged to the reviewer, thumbnails, served only in scope."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hoctap.assessments import evidence, workflow
from hoctap.assessments.models import EvidenceFile
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, scope_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


def image_bytes(fmt="JPEG", size=(1600, 1200), colour=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def attach(users, assessment, name, data, **kwargs):
    return evidence.attach(
        scope_of(users["village_officer"]), assessment, upload(name, data), effective_date=TODAY, **kwargs
    )


def test_photos_and_pdfs_are_accepted_and_stored_by_their_hash(family_assessment, users, settings):
    photo = attach(users, family_assessment, "anh.jpg", image_bytes(), indicator_codes=["TC1.1"])
    assert photo.file.content_type == "image/jpeg" and (photo.file.width, photo.file.height) == (1600, 1200)
    assert default_storage.exists(photo.file.path)  # MEDIA_ROOT, or the bucket (--storage=s3)
    assert photo.file.path.endswith(photo.file.sha256)
    for name, data in [
        ("a.png", image_bytes("PNG")),
        ("a.webp", image_bytes("WEBP")),
        ("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ]:
        assert attach(users, family_assessment, name, data).pk


def test_an_exe_renamed_jpg_is_refused(family_assessment, users):
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    with pytest.raises(ValidationError) as refused:
        attach(users, family_assessment, "anh-gia-dinh.jpg", executable)
    assert refused.value.code == "file_type" if hasattr(refused.value, "code") else True
    assert "JPEG, PNG, WebP" in " ".join(refused.value.messages)
    assert not EvidenceFile.objects.exists()


def test_a_jpeg_header_on_garbage_is_refused(family_assessment, users):
    with pytest.raises(ValidationError) as refused:
        attach(users, family_assessment, "hong.jpg", b"\xff\xd8\xff\xe0" + b"not really an image" * 50)
    assert "hỏng" in " ".join(refused.value.messages)


def test_a_file_over_the_limit_is_refused(family_assessment, users, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        attach(users, family_assessment, "lon.jpg", image_bytes())
    assert "MB" in " ".join(refused.value.messages)


def test_unknown_indicators_are_refused(family_assessment, users):
    with pytest.raises(ValidationError):
        attach(users, family_assessment, "anh.jpg", image_bytes(), indicator_codes=["KHONG-CO"])


def test_the_same_file_for_two_subjects_is_flagged(family_assessment, users, people):
    data = image_bytes(colour=(1, 2, 3))
    first = attach(users, family_assessment, "anh.jpg", data)
    assert not evidence.with_shared_flag(type(first).objects.filter(pk=first.pk)).get().shared_elsewhere
    neighbour = workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["neighbour"], YEAR)
    second = attach(users, neighbour, "cung-anh.jpg", data)
    assert second.file == first.file and EvidenceFile.objects.count() == 1
    flagged = evidence.with_shared_flag(type(first).objects.filter(pk__in=[first.pk, second.pk]))
    assert all(e.shared_elsewhere for e in flagged)
    assert evidence.assessments_with_shared_files([family_assessment.pk, neighbour.pk]) == {
        family_assessment.pk,
        neighbour.pk,
    }


def test_evidence_is_closed_once_submitted(family_assessment, users):
    from tests.assessments.conftest import walk_to_proposed

    proposed = walk_to_proposed(family_assessment, users)
    with pytest.raises(workflow.TransitionRefused) as refused:
        attach(users, proposed, "muon.jpg", image_bytes())
    assert refused.value.code == "wrong_state"


def test_thumbnails_are_downscaled_and_cached(family_assessment, users, settings):
    photo = attach(users, family_assessment, "anh.jpg", image_bytes(size=(4000, 3000)))
    data, content_type = evidence.thumbnail(photo.file, "small")
    with Image.open(io.BytesIO(data)) as small:
        assert max(small.size) == 320
    assert content_type == "image/jpeg"
    assert default_storage.exists(f"thumbnails/small/{photo.file.sha256[:2]}/{photo.file.sha256}.jpg")
    assert evidence.thumbnail(photo.file, "small")[0] == data


def test_files_are_served_only_in_scope(client, family_assessment, users, officer_b):
    photo = attach(users, family_assessment, "anh.jpg", image_bytes())
    client.force_login(users["commune_officer"])
    response = client.get(f"/evidence/{photo.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/evidence/{photo.pk}/thumbnail/small/").status_code == 200
    client.force_login(officer_b)
    assert client.get(f"/evidence/{photo.pk}/file/").status_code == 404
    client.logout()
    assert client.get(f"/evidence/{photo.pk}/file/").status_code == 302  # to the login page


def test_upload_through_the_api(client, family_assessment, users):
    from hoctap.accounts.models import ApiToken

    _, token = ApiToken.issue(users["village_officer"], "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/assessments/{family_assessment.pk}/evidence"
    good = client.post(
        url,
        {"file": upload("a.png", image_bytes("PNG")), "effective_date": "2025-05-01", "indicator_codes": "TC1.1"},
        **headers,
    )
    assert good.status_code == 201 and good.json()["content_type"] == "image/png"
    bad = client.post(url, {"file": upload("a.jpg", b"MZ" + b"\x00" * 100), "effective_date": "2025-05-01"}, **headers)
    assert bad.status_code == 422 and bad.json()["errors"]["file"]
    missing = client.post(url, {"effective_date": "2025-05-01"}, **headers)
    assert missing.status_code == 422 and any(e["field"] == "file" for e in missing.json()["errors"])


def _png_header_of_a_huge_image(side: int) -> bytes:
    """A valid PNG of side x side black pixels, written row by row so making it costs nothing: the
    file is ~60 KB for 7740 x 7740 and decoding it would hold 60 million pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + one grey byte per pixel
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [7740, 12000])
def test_an_image_with_too_many_pixels_is_refused_from_its_header(side):
    """The probe: a 7740 x 7740 PNG cost 227 MB to check; now its header alone refuses it."""
    import resource

    data = _png_header_of_a_huge_image(side)
    assert len(data) < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ValidationError) as refused:
        evidence.check_upload(SimpleUploadedFile("big.png", data))
    assert "thu nhỏ ảnh" in " ".join(refused.value.messages)
    # Peak memory of the test process grew by less than 40 MB (decoding would have taken 60-400 MB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40 * 1024
    assert Image.MAX_IMAGE_PIXELS == evidence.MAX_IMAGE_PIXELS


def test_a_large_image_within_the_limit_is_accepted():
    side = int(evidence.MAX_IMAGE_PIXELS**0.5) // 4  # small enough to decode quickly in a test
    checked = evidence.check_upload(SimpleUploadedFile("ok.png", _png_header_of_a_huge_image(side)))
    assert (checked.width, checked.height) == (side, side)


# -- HEIC photos and office files ----------------------------------------------------------------


def test_a_heic_photo_is_accepted_and_kept_as_a_jpeg(family_assessment, users):
    from tests.evidence_files import heic_bytes

    photo = attach(users, family_assessment, "IMG_0042.HEIC", heic_bytes((2400, 1800)))
    assert photo.file.content_type == "image/jpeg" and photo.original_name == "IMG_0042.jpg"
    # shrunk to the size phones send (browsers cannot show HEIC, and 1600 px reads a document)
    assert (photo.file.width, photo.file.height) == (evidence.MAX_SENT_EDGE, 1200)
    with Image.open(io.BytesIO(evidence.read_original(photo.file))) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 1200)


def test_a_heic_photo_with_too_many_pixels_is_refused_before_decoding(family_assessment, users, monkeypatch):
    from tests.evidence_files import heic_bytes

    monkeypatch.setattr(evidence, "MAX_IMAGE_PIXELS", 100_000)
    with pytest.raises(ValidationError) as refused:
        attach(users, family_assessment, "IMG_0043.heic", heic_bytes((400, 300)))
    assert "thu nhỏ ảnh" in " ".join(refused.value.messages)


def test_word_and_excel_files_are_accepted_by_their_content(family_assessment, users):
    from tests.evidence_files import docx_bytes, xlsx_bytes

    word = attach(users, family_assessment, "bien-ban", docx_bytes())  # no extension: the content decides
    sheet = attach(users, family_assessment, "danh-sach.xlsx", xlsx_bytes())
    assert word.file.content_type == evidence.DOCX and sheet.file.content_type == evidence.XLSX
    assert not word.file.is_image and word.file.width is None


@pytest.mark.parametrize(
    "maker, says",
    [
        ("docm_bytes", "macro"),
        ("vba_in_docx", "macro"),
        ("fake_docx_bytes", "không phải tệp Word"),
        ("broken_zip", "không phải tệp Word"),
    ],
)
def test_macro_enabled_or_fake_office_files_are_refused(family_assessment, users, maker, says):
    from tests import evidence_files

    makers = {
        "vba_in_docx": lambda: evidence_files.docx_bytes(macro_project=True),
        "broken_zip": lambda: evidence_files.docx_bytes()[:300],
    }
    data = makers[maker]() if maker in makers else getattr(evidence_files, maker)()
    with pytest.raises(ValidationError) as refused:
        attach(users, family_assessment, "bao-cao.docx", data)
    text = " ".join(refused.value.messages)
    assert says in text and "tải lên lại" in text
    assert not EvidenceFile.objects.exists()


def test_an_office_file_is_downloaded_not_shown(client, family_assessment, users):
    from tests.evidence_files import xlsx_bytes

    sheet = attach(users, family_assessment, "danh-sach.xlsx", xlsx_bytes())
    client.force_login(users["village_officer"])
    response = client.get(f"/evidence/{sheet.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == evidence.XLSX
    assert response["Content-Disposition"].startswith("attachment")


def test_the_evidence_page_attaches_the_file_with_what_the_form_says_about_it(client, family_assessment, users):
    client.force_login(users["village_officer"])
    sent = client.post(
        f"/assessments/{family_assessment.pk}/evidence/",
        {
            "file": upload("anh-ho.jpg", image_bytes()),
            "effective_date": "2025-06-01",
            "indicator_codes": ["TC1.1"],
            "description": "Ảnh buổi họp",
        },
        HTTP_ACCEPT="application/json",
    )
    assert sent.status_code == 201, sent.content[:500]
    attached = family_assessment.evidence.get()
    assert (attached.original_name, attached.effective_date, attached.description) == (
        "anh-ho.jpg",
        TODAY,
        "Ảnh buổi họp",
    )
    assert attached.indicator_codes == ["TC1.1"]
