"""Signed certificates: genuine ones verify, a tampered payload, a guessed code and a revoked
certificate do not pass as valid; the decision and certificate PDFs carry the Vietnamese text."""

import datetime
import re
import zlib

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from hoctap.assessments import certificates, documents, workflow
from hoctap.assessments.decisions import issue_certificates
from hoctap.assessments.models import Certificate
from tests.assessments.conftest import recognise, scope_of, walk_to_proposed

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


def test_a_re_signed_payload_with_another_key_fails(certificate, settings):
    from nacl.encoding import Base64Encoder
    from nacl.signing import SigningKey

    settings.CERTIFICATE_SIGNING_KEY = SigningKey.generate().encode(encoder=Base64Encoder).decode()
    assert certificates.verify(certificate.code).status == certificates.Status.INVALID


def test_a_revoked_certificate_says_so(certificate, users):
    workflow.transition(scope_of(users["commune_approver"]), certificate.assessment, "revoke",
                        reason="Kê khai không đúng", revocation_reference="7/QĐ-UBND")
    result = certificates.verify(certificate.code)
    assert result.status == certificates.Status.REVOKED and result.revoked_on is not None


def test_the_public_page_and_api_show_only_what_the_certificate_shows(client, certificate):
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Còn hiệu lực" in body and "Hộ ông Nguyễn Văn An" in body
    assert "1980" not in body  # the head's birth year is in the registry, not on the certificate
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    api = client.get(f"/api/v1/verify/{certificate.code}").json()
    assert api["status"] == "valid" and set(api["certificate"]) == set(certificate.payload)


def _inflate(pdf: bytes) -> bytes:
    """The file with every compressed stream inflated (objects may sit in object streams)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _fonts_and_glyphs(pdf: bytes) -> tuple[bool, set[str], str]:
    """Whether a TrueType font is embedded, the embedded font names, and every character the
    ToUnicode maps can produce (no PDF library needed)."""
    inflated = _inflate(pdf)
    fonts = {name.decode() for name in re.findall(rb"/FontName\s*/[A-Z]{6}\+([\w-]+)", inflated)}
    glyphs = "".join(chr(int(code, 16)) for code in re.findall(rb"<([0-9A-Fa-f]{4})>", inflated))
    return b"/FontFile2" in inflated, fonts, glyphs


def test_the_decision_pdf_embeds_dejavu_with_vietnamese_glyphs(certificate):
    pdf = documents.decision_pdf(certificate.decision)
    embedded, fonts, glyphs = _fonts_and_glyphs(pdf)
    assert pdf.startswith(b"%PDF") and embedded
    assert any("DejaVu" in name for name in fonts), fonts
    for letter in "ỦỘĐộạđếệảơườ":
        assert letter in glyphs, letter


def test_the_certificate_pdf_is_landscape_with_a_qr_code(certificate):
    pdf = documents.certificates_pdf([certificate], "https://hoctap.example.vn/")
    embedded, _fonts, glyphs = _fonts_and_glyphs(pdf)
    assert embedded
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", _inflate(pdf)).groups())
    assert width > height  # A4 landscape
    for letter in "ẤỘĐộậạ":
        assert letter in glyphs, letter


def test_pdfs_say_when_the_criteria_set_is_not_official(certificate):
    assert certificate.payload["criteria_set_status"] in ("partial", "provisional")
    page_text = documents.render_to_string(
        "assessments/pdf/certificates.html",
        {"pages": [{"certificate": certificate, "payload": certificate.payload, "incomplete": True,
                    "url": "u", "qr": "", "issuer_name": "", "dated": "", "signature_lines": [], "signer_name": ""}],
         "fonts": {}},
    )
    assert "chưa có văn bản gốc đầy đủ" in page_text


def test_official_documents_stay_vietnamese_in_an_english_session(certificate):
    with translation.override("en"):
        assert _("TM. ỦY BAN NHÂN DÂN") != "TM. ỦY BAN NHÂN DÂN"  # the interface would say it in English
        pdf = documents.decision_pdf(certificate.decision)
    _embedded, _fonts, glyphs = _fonts_and_glyphs(pdf)
    assert "Ủ" in glyphs and "Ị" in glyphs  # "TM. ỦY BAN NHÂN DÂN", "QUYẾT ĐỊNH": the Vietnamese text


def test_certificates_signed_before_a_key_rotation_still_verify(certificate, settings):
    from nacl.encoding import Base64Encoder
    from nacl.signing import SigningKey

    old_public = certificates.public_key(certificates.signing_key().verify_key)
    settings.CERTIFICATE_SIGNING_KEY = SigningKey.generate().encode(encoder=Base64Encoder).decode()
    # rotated without keeping the old public key: a genuine certificate would look forged
    assert certificates.verify(certificate.code, today=datetime.date(2025, 12, 31)).status == certificates.Status.INVALID
    settings.CERTIFICATE_RETIRED_VERIFY_KEYS = [old_public]
    assert certificates.verify(certificate.code, today=datetime.date(2025, 12, 31)).status == certificates.Status.VALID
    # a certificate signed afterwards carries the new key's id
    new_id = certificates.key_id(certificates.signing_key().verify_key)
    assert new_id != certificate.payload["key"] and new_id in certificates.verify_keys()


def test_a_malformed_retired_key_is_named(settings):
    from django.core.exceptions import ImproperlyConfigured

    from django.core import checks

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
    assert f"current: id {certificates.key_id(current)}, public key {certificates.public_key(current)}" in \
        capsys.readouterr().out
    call_command("certificate_keys", "--new")
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("CERTIFICATE_SIGNING_KEY=")
    SigningKey(line.split("=", 1)[1].encode(), encoder=Base64Encoder)  # a usable key
