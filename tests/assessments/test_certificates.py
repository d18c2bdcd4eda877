"""Signed certificates: genuine ones verify, a tampered payload, a guessed code and a revoked
certificate do not pass as valid; the decision and certificate PDFs carry the Vietnamese text."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from hoctap.assessments import certificates, documents, workflow
from hoctap.assessments.decisions import issue_certificates
from hoctap.assessments.models import Certificate
from tests.assessments.conftest import recognise, scope_of, walk_to_proposed
from tests.pdfs import pdf_fonts, pdf_page_size, pdf_text, save_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(family_assessment, users):
    decision = recognise(walk_to_proposed(family_assessment, users), users)
    [issued] = issue_certificates(scope_of(users["commune_approver"]), decision)
    return issued


def test_a_genuine_certificate_verifies_as_valid(certificate):
    result = certificates.verify(certificate.code, today=datetime.date(2025, 12, 31))
    assert result.status == certificates.Status.VALID
    assert result.payload["subject"] == "Hộ ông Nguyễn Văn An"
    assert result.payload["valid_until"] == "2026-12-31"
    assert certificates.verify(certificate.code.lower()).is_genuine


def test_it_expires_after_its_validity(certificate):
    assert certificates.verify(certificate.code, today=datetime.date(2027, 1, 1)).status == certificates.Status.EXPIRED


def test_a_tampered_payload_fails(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(payload={**certificate.payload, "subject": "Hộ ông Giả Mạo"})
    assert certificates.verify(certificate.code).status == certificates.Status.INVALID


def test_a_guessed_code_fails(certificate):
    guessed = certificates.make_code(certificate.pk, b"\x00" * 64)
    assert certificates.verify(guessed).status == certificates.Status.INVALID
    assert certificates.verify("KHONG-PHAI-MA").status == certificates.Status.INVALID
    assert certificates.verify(certificates.make_code(certificate.pk + 1000, b"\x01" * 64)).status == "invalid"
    assert certificates.verify(certificates.make_legacy_code(certificate.pk, b"\x00" * 64)).status == "invalid"


def test_a_re_signed_payload_with_another_key_fails(certificate, settings):
    from nacl.encoding import Base64Encoder
    from nacl.signing import SigningKey

    settings.CERTIFICATE_SIGNING_KEY = SigningKey.generate().encode(encoder=Base64Encoder).decode()
    assert certificates.verify(certificate.code).status == certificates.Status.INVALID


def test_a_revoked_certificate_says_so(certificate, users):
    workflow.transition(
        scope_of(users["commune_approver"]),
        certificate.assessment,
        "revoke",
        reason="Kê khai không đúng",
        revocation_reference="7/QĐ-UBND",
    )
    result = certificates.verify(certificate.code)
    assert result.status == certificates.Status.REVOKED and result.revoked_on is not None
    assert (result.revocation_reference, result.revocation_reason) == ("7/QĐ-UBND", "Kê khai không đúng")


def test_the_public_page_and_api_show_only_what_the_certificate_shows(client, certificate):
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Còn hiệu lực" in body and "Hộ ông Nguyễn Văn An" in body
    assert "1980" not in body  # the head's birth year is in the registry, not on the certificate
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    api = client.get(f"/api/v1/verify/{certificate.code}").json()
    assert api["status"] == "valid" and set(api["certificate"]) == set(certificate.payload)


def test_the_decision_pdf_embeds_liberation_serif(certificate):
    pdf = documents.decision_pdf(certificate.decision)
    fonts = pdf_fonts(pdf)
    assert fonts and all(font.embedded for font in fonts)
    assert {font.name for font in fonts} >= {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"}
    text = pdf_text(pdf)
    for phrase in (
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "QUYẾT ĐỊNH",
        "An Lạc, ngày 20 tháng 12 năm 2025",
        "Phạm Văn Đức",
        "Hộ ông Nguyễn Văn An",
    ):
        assert phrase in text, phrase


def test_the_decision_cites_legal_bases_not_explanations(certificate):
    """The provisional family set has no official text: the decision rests on the law and the
    programme decision, and says nothing of where the criteria came from."""
    text = pdf_text(documents.decision_pdf(certificate.decision))
    assert "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;" in text
    assert "Căn cứ Quyết định số 387/QĐ-TTg ngày 25 tháng 3 năm 2022 của Thủ tướng Chính phủ" in text
    assert "Xét đề nghị của Hội đồng đánh giá, công nhận “Gia đình học tập” xã An Lạc năm 2025." in text
    for provenance in (
        "Ghi chú",
        "tạm thời",
        "chưa có văn bản",
        "family-provisional",
        "giao Hội Khuyến học",
        "677/QĐ-TTg",
    ):
        assert provenance not in text, provenance


def test_the_certificate_shows_what_the_paper_should_show(certificate):
    pdf = documents.certificates_pdf([certificate], "https://hoctap.example.vn/")
    width, height = pdf_page_size(pdf)
    assert width > height  # A4 landscape
    assert {font.name for font in pdf_fonts(pdf)} >= {"Liberation-Serif", "Liberation-Serif-Bold"}
    text = pdf_text(pdf)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ AN LẠC",
        "GIẤY CÔNG NHẬN",
        "“GIA ĐÌNH HỌC TẬP”",
        "Năm 2025",
        "Công nhận: Hộ ông Nguyễn Văn An",
        "Thôn Đông, xã An Lạc, tỉnh Hưng Yên",
        "Theo Quyết định số 02/QĐ-UBND ngày 20/12/2025 của Chủ tịch Ủy ban nhân dân xã An Lạc.",
        "Có giá trị đến hết ngày 31/12/2026.",
        "An Lạc, ngày 20 tháng 12 năm 2025",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Phạm Văn Đức",
        f"Mã tra cứu: {certificate.code}",
        f"https://hoctap.example.vn/verify/{certificate.code}",
    ):
        assert phrase in text, phrase
    # the criteria set and its provenance live on /verify/ and in the record, not on the paper
    for internal in ("family-provisional", "bộ tiêu chí", "Bộ tiêu chí", "văn bản gốc", "tạm thời", " v1"):
        assert internal not in text, internal
    assert "Xếp loại" not in text  # a pass-only set has nothing to classify


def test_a_classified_certificate_prints_its_level_in_words(certificate):
    certificate.payload = {**certificate.payload, "classification": "Mức độ 2"}  # as a TT 25 commune's would say
    text = pdf_text(documents.certificates_pdf([certificate], "https://hoctap.example.vn/"))
    assert "Xếp loại: Mức độ 2" in text


def test_official_documents_stay_vietnamese_in_an_english_session(certificate):
    with translation.override("en"):
        assert _("TM. ỦY BAN NHÂN DÂN") != "TM. ỦY BAN NHÂN DÂN"  # the interface would say it in English
        decision = pdf_text(documents.decision_pdf(certificate.decision))
        paper = pdf_text(documents.certificates_pdf([certificate], "https://hoctap.example.vn/"))
    assert "TM. ỦY BAN NHÂN DÂN" in decision and "QUYẾT ĐỊNH" in decision
    assert "GIẤY CÔNG NHẬN" in paper and "Có giá trị đến hết ngày" in paper


def test_look_at_the_papers(certificate, tmp_path):
    """The pages as a printer would render them (pdftoppm): one A4 decision page plus its annex,
    one landscape certificate."""
    decision = save_png(documents.decision_pdf(certificate.decision), tmp_path / "decision")
    paper = save_png(documents.certificates_pdf([certificate], "https://hoctap.example.vn/"), tmp_path / "paper")
    assert len(decision) == 2 and len(paper) == 1
    assert all(path.stat().st_size > 10_000 for path in decision + paper)


def test_certificates_signed_before_a_key_rotation_still_verify(certificate, settings):
    from nacl.encoding import Base64Encoder
    from nacl.signing import SigningKey

    old_public = certificates.public_key(certificates.signing_key().verify_key)
    settings.CERTIFICATE_SIGNING_KEY = SigningKey.generate().encode(encoder=Base64Encoder).decode()
    # rotated without keeping the old public key: a genuine certificate would look forged
    assert (
        certificates.verify(certificate.code, today=datetime.date(2025, 12, 31)).status == certificates.Status.INVALID
    )
    settings.CERTIFICATE_RETIRED_VERIFY_KEYS = [old_public]
    assert certificates.verify(certificate.code, today=datetime.date(2025, 12, 31)).status == certificates.Status.VALID
    # a certificate signed afterwards carries the new key's id
    new_id = certificates.key_id(certificates.signing_key().verify_key)
    assert new_id != certificate.payload["key"] and new_id in certificates.verify_keys()


def test_a_malformed_retired_key_is_named(settings):
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    settings.CERTIFICATE_RETIRED_VERIFY_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key 1"):
        certificates.verify_keys()
    assert [error.id for error in checks.run_checks() if error.id.startswith("hoctap.")] == ["hoctap.E001"]


def test_the_key_command_prints_public_keys_and_a_new_key(certificate, settings, capsys):
    from django.core.management import call_command
    from nacl.encoding import Base64Encoder
    from nacl.signing import SigningKey

    call_command("certificate_keys")
    current = certificates.signing_key().verify_key
    assert (
        f"current: id {certificates.key_id(current)}, public key {certificates.public_key(current)}"
        in capsys.readouterr().out
    )
    call_command("certificate_keys", "--new")
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("CERTIFICATE_SIGNING_KEY=")
    SigningKey(line.split("=", 1)[1].encode(), encoder=Base64Encoder)  # a usable key


def test_without_a_key_and_with_debug_off_nothing_is_signed(settings, tmp_path):
    """No fallback guesses it runs under a test: production without a key refuses, and DEBUG needs the
    development key file that `ensure_dev_keys` writes."""
    from django.core.exceptions import ImproperlyConfigured

    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEV_SIGNING_KEY_FILE = tmp_path / "dev-signing-key"
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_KEY must be set"):
        certificates.signing_key()
    settings.DEBUG = True
    with pytest.raises(ImproperlyConfigured, match="ensure_dev_keys"):
        certificates.signing_key()
    assert not settings.DEV_SIGNING_KEY_FILE.exists()
