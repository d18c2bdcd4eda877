"""Certificate codes people read aloud and type on a phone: 16 Crockford base32 characters in
groups of four, no fixed prefix, look-alike letters and any spelling accepted; codes printed before
this format still verify; anything that is not a code is refused without an error; the public page
shows a revocation's decision and reason and dates as dd/mm/yyyy."""

import datetime
import re
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoctap.assessments import certificates, workflow
from hoctap.assessments.certificates import (
    CROCKFORD,
    Status,
    canonical_code,
    make_code,
    make_legacy_code,
    parse_code,
    verify,
)
from hoctap.assessments.decisions import issue_certificates
from hoctap.assessments.models import Certificate
from tests.assessments.conftest import recognise, scope_of, walk_to_proposed

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")
ids = st.integers(min_value=1, max_value=2**32 - 1)
signatures = st.binary(min_size=64, max_size=64)


def test_the_alphabet_has_no_ambiguous_letters():
    assert len(CROCKFORD) == 32 and not set("ILOU") & set(CROCKFORD)


@given(ids, signatures)
def test_a_code_is_16_readable_characters_that_give_back_the_id_and_tag(certificate_id, signature):
    code = make_code(certificate_id, signature)
    assert CODE.fullmatch(code), code
    parsed = parse_code(code)
    assert (parsed.certificate_id, parsed.tag) == (certificate_id, signature[:6])
    assert canonical_code(code) == code


@given(ids, signatures, st.data())
def test_any_spelling_of_a_code_reads_the_same(certificate_id, signature, data):
    """Lower case, spaces or no separators, en dashes, full-width characters from a phone keyboard,
    and I, L, O for 1, 1, 0 all read as the printed code."""
    code = make_code(certificate_id, signature)
    plain = code.replace("-", "")
    spellings = [
        code.lower(),
        plain,
        plain.lower(),
        " ".join(code.split("-")),
        code.replace("-", " – "),
        f"  {code}\n",
        "".join(chr(ord(c) + 0xFEE0) for c in plain),  # full-width forms
        f"https://hoctap.example.vn/verify/{code}",
    ]
    confusable = "".join(
        data.draw(st.sampled_from("IiLl")) if c == "1" else data.draw(st.sampled_from("Oo")) if c == "0" else c
        for c in plain
    )
    for spelling in [*spellings, confusable]:
        assert canonical_code(spelling) == code, spelling
        assert parse_code(spelling) == parse_code(code)


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_anything_typed_is_a_code_or_none_never_an_error(text):
    parsed = parse_code(text)
    if parsed is not None:
        assert 0 <= parsed.certificate_id < 2**32 and len(parsed.tag) in (6, 10)


def test_consecutive_certificates_share_no_prefix():
    """Today's old codes all began "AAAAA" (the id led the base32). Now even for one signature
    repeated, consecutive ids never share their first group, and first characters spread evenly."""
    for signature in (bytes(64), b"\xff" * 64, bytes(range(64))):
        codes = [make_code(certificate_id, signature) for certificate_id in range(1, 2001)]
        assert all(a[:4] != b[:4] for a, b in pairwise(codes))
        first = [code[0] for code in codes]
        assert max(first.count(char) for char in set(first)) < 2000 * 0.08
        assert len(set(first)) == 32


def test_a_code_never_holds_an_id_it_cannot_carry():
    with pytest.raises(ValueError):
        make_code(0, bytes(64))
    with pytest.raises(ValueError):
        make_code(2**32, bytes(64))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a/b",
        "../../etc/passwd",
        "ZZZZ-ZZZZ-ZZZZ-ZZZ",
        "ZZZZ-ZZZZ-ZZZZ-ZZZZ-Z",
        "UUUU-UUUU-UUUU-UUUU",
        "AAAAAAAAAAAAAAAAAAAAAA1",
        "x" * 5000,
        "7K3M-Q9TX-2HCA-D4W%",
        "<script>",
        "０",
    ],
)
def test_what_is_not_a_code_is_none(text):
    assert parse_code(text) is None and canonical_code(text) is None


# -- against the database ---------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def certificate(family_assessment, users):
    decision = recognise(walk_to_proposed(family_assessment, users), users)
    [issued] = issue_certificates(scope_of(users["commune_approver"]), decision)
    return issued


@pytestmark_db
def test_an_issued_certificate_carries_a_new_code_that_verifies_in_any_spelling(certificate):
    assert CODE.fullmatch(certificate.code)
    today = datetime.date(2025, 12, 31)
    for spelling in (certificate.code, certificate.code.lower().replace("-", " "), certificate.code.replace("-", "")):
        result = verify(spelling, today=today)
        assert result.status == Status.VALID and result.code == certificate.code


@pytestmark_db
def test_certificates_printed_with_the_old_code_still_verify(certificate):
    """A certificate issued before December 2026 carries base32(id ‖ 10 signature bytes): its
    printed code verifies, and so does the new-format code of the same signature."""
    import base64

    signature = base64.b64decode(certificate.signature)
    legacy = make_legacy_code(certificate.pk, signature)
    assert legacy.startswith("AAAAA") and len(legacy) == 23
    Certificate.objects.filter(pk=certificate.pk).update(code=legacy)
    today = datetime.date(2025, 12, 31)
    assert verify(legacy, today=today).status == Status.VALID
    assert verify(legacy.lower(), today=today).status == Status.VALID
    assert verify(make_code(certificate.pk, signature), today=today).status == Status.VALID
    # the old format has I, L, O in its alphabet: they are never "corrected" there
    assert parse_code(legacy).is_legacy


@pytestmark_db
def test_a_code_for_a_real_id_with_a_wrong_tag_fails(certificate):
    import base64

    signature = bytearray(base64.b64decode(certificate.signature))
    for index in range(6):  # every byte of the tag matters
        altered = bytearray(signature)
        altered[index] ^= 0x01
        assert verify(make_code(certificate.pk, bytes(altered))).status == Status.INVALID
    altered = bytearray(signature)
    altered[9] ^= 0x01  # legacy codes carry 10 bytes of the tag, and all of them are checked
    assert verify(make_legacy_code(certificate.pk, bytes(altered))).status == Status.INVALID


@pytestmark_db
def test_the_form_sends_any_spelling_to_the_printed_code(client, certificate):
    typed = certificate.code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}"
    pasted = client.get("/verify/", {"code": f"https://hoctap.example.vn/verify/{certificate.code}"})
    assert pasted["Location"] == f"/verify/{certificate.code}"


@pytestmark_db
@pytest.mark.parametrize("typed", ["a/b", "../x", "KHONG PHAI MA", "%2F", "x" * 3000])
def test_the_form_names_what_is_not_a_code(client, typed):
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 404 and response.context["result"].status == Status.INVALID
    body = response.content.decode()
    assert "Đây không phải là một mã tra cứu" in body and 'aria-invalid="true"' in body


@pytestmark_db
@pytest.mark.parametrize(
    "path", ["/verify/a%2Fb", "/verify/%00", "/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ", "/verify/" + "A" * 500]
)
def test_an_unknown_code_page_is_a_404_with_the_form(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Không xác thực được" in response.content.decode() and 'name="code"' in response.content.decode()


@pytestmark_db
def test_the_page_writes_dates_as_dd_mm_yyyy_and_names_the_criteria_set(client, certificate):
    body = client.get(f"/verify/{certificate.code}").content.decode()
    assert "20/12/2025" in body and "31/12/2026" in body
    assert "2025-12-20" not in body and "2026-12-31" not in body
    assert "Tiêu chí tạm thời Gia đình học tập giai đoạn 2021–2030" in body
    assert "family-provisional-2021 v2" in body and "tạm thời" in body
    assert "Phạm Văn Đức" in body and certificate.code in body


@pytestmark_db
def test_a_revocation_shows_its_decision_reason_and_date(client, certificate, users):
    workflow.transition(
        scope_of(users["commune_approver"]),
        certificate.assessment,
        "revoke",
        reason="Hồ sơ kê khai không đúng số người lớn",
        revocation_reference="15/QĐ-UBND",
    )
    certificate.assessment.refresh_from_db()
    revoked_on = certificates.timezone.localdate(certificate.assessment.revoked_at).strftime("%d/%m/%Y")
    body = client.get(f"/verify/{certificate.code}").content.decode()
    assert "Đã bị thu hồi" in body
    assert "15/QĐ-UBND" in body and "Hồ sơ kê khai không đúng số người lớn" in body and revoked_on in body
    api = client.get(f"/api/v1/verify/{certificate.code}").json()
    assert api["status"] == "revoked" and api["revocation_reference"] == "15/QĐ-UBND"
    assert api["revocation_reason"] == "Hồ sơ kê khai không đúng số người lớn" and api["code"] == certificate.code


@pytestmark_db
def test_old_payloads_still_show_their_criteria_set_name(client, certificate, published):
    """A version-1 payload named the set by code only: the page looks its name up."""
    result = certificates.Verification(Status.VALID, {**certificate.payload, "v": 1, "criteria_set_name": ""})
    assert result.criteria_set_name == "Tiêu chí tạm thời Gia đình học tập giai đoạn 2021–2030"


@pytestmark_db
@given(st.text(max_size=80))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_the_api_never_fails_on_what_is_asked(client, text):
    text = text.replace("/", "").replace("?", "").replace("#", "").strip() or "x"
    from urllib.parse import quote

    response = client.get(f"/api/v1/verify/{quote(text, safe='')}")
    assert response.status_code in (200, 404)
