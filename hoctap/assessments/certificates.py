"""Signed certificates and their public verification.

A certificate's payload holds what the paper shows (and, for /verify/, the criteria set it was
judged by). It is signed with Ed25519 over its canonical JSON. The public code printed on the paper
and in the QR code carries the certificate id and the first bytes of the signature:

* a guessed code names an id whose signature starts differently (a 2^-48 chance per guess, tried
  one request at a time against the server, which alone holds the signatures);
* an altered payload no longer matches its signature, whatever the code;
* a revoked or expired certificate still verifies as genuine but is shown as revoked or expired.

Codes are read aloud and typed on phones, so they are 16 characters of Crockford's base32 (no I, L,
O, U), grouped by four: 7K3M-Q9TX-2HCA-D4WE. The id and the signature bytes are mixed by a fixed
public permutation, so consecutive certificates share no prefix. Certificates printed before this
format carry 23 characters of RFC 4648 base32 (AAAAAI…): they still verify (`parse_code`).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import re
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from nacl.encoding import Base64Encoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from hoctap.core.documents import in_official_language
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.schema import ACHIEVED
from hoctap.criteria.titles import Title

from .campaigns import valid_until
from .legal_bases import unit_in_sentence
from .models import Assessment, Certificate
from .states import State
from .subjects import display_name

PAYLOAD_VERSION = 2


def signing_key() -> SigningKey:
    """The production key from CERTIFICATE_SIGNING_KEY; with DEBUG on (`make run`), the development
    key file `ensure_dev_keys` writes. Tests set a throwaway key like production does (tests/settings.py):
    no code path guesses that it runs under a test."""
    if settings.CERTIFICATE_SIGNING_KEY:
        return SigningKey(settings.CERTIFICATE_SIGNING_KEY.encode(), encoder=Base64Encoder)
    if not settings.DEBUG:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be set: certificates cannot be signed without it.")
    path = Path(settings.DEV_SIGNING_KEY_FILE)
    if not path.exists():
        raise ImproperlyConfigured(f"{path} is missing: run `python manage.py ensure_dev_keys`.")
    return SigningKey(path.read_bytes().strip(), encoder=Base64Encoder)


def key_id(verify_key: VerifyKey) -> str:
    return hashlib.sha256(bytes(verify_key)).hexdigest()[:16]


def public_key(verify_key: VerifyKey) -> str:
    return verify_key.encode(encoder=Base64Encoder).decode()


def retired_verify_keys() -> list[VerifyKey]:
    """The public keys of retired signing keys (settings.CERTIFICATE_RETIRED_VERIFY_KEYS)."""
    keys = []
    for index, text in enumerate(settings.CERTIFICATE_RETIRED_VERIFY_KEYS, start=1):
        try:
            key = VerifyKey(text.encode(), encoder=Base64Encoder)
        except (binascii.Error, ValueError, TypeError, CryptoError):
            raise ImproperlyConfigured(
                f"CERTIFICATE_RETIRED_VERIFY_KEYS, key {index}: not a base64 Ed25519 public key"
            ) from None
        keys.append(key)
    return keys


def check_retired_keys(app_configs=None, **kwargs):
    """System check (every manage.py command, the server's start): a malformed retired key is
    named before the public verification page meets it."""
    try:
        retired_verify_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="hoctap.E001")]
    return []


def verify_keys() -> dict[str, VerifyKey]:
    """Every key a genuine certificate may be signed with, by id: the current one and the retired
    ones, so that certificates issued before a key rotation still verify."""
    keys = {key_id(key): key for key in retired_verify_keys()}
    current = signing_key().verify_key
    keys[key_id(current)] = current
    return keys


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- public codes ---------------------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# What people type for what they read: Crockford's decoding of look-alike letters.
CONFUSABLES = str.maketrans({"I": "1", "L": "1", "O": "0"})
CODE_CHARS = 16
CODE_GROUP = 4
ID_BITS = 32
TAG_BYTES = 6  # 80 bits = a 32-bit id and 48 bits of the signature
LEGACY_CHARS = 23
LEGACY_TAG_BYTES = 10
_MIX_ROUNDS = 4
_HALF_BITS = 40
_HALF_MASK = (1 << _HALF_BITS) - 1
# Spaces, hyphens and dashes people put between groups, and dots some keyboards offer first.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.·]+")


@dataclass(frozen=True)
class ParsedCode:
    certificate_id: int
    tag: bytes  # the first bytes of the certificate's signature

    @property
    def is_legacy(self) -> bool:
        return len(self.tag) == LEGACY_TAG_BYTES


def _round_function(half: int, round_number: int) -> int:
    digest = hashlib.sha256(b"hoctap certificate code %d:" % round_number + half.to_bytes(5, "big")).digest()
    return int.from_bytes(digest[:5], "big")


def _mix(value: int) -> int:
    """A fixed, public permutation of 80-bit numbers (a four-round Feistel network over SHA-256):
    changing the id changes every character, so codes of consecutive ids look unrelated. It hides
    nothing: the signature bytes are what a guess cannot produce."""
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for round_number in range(_MIX_ROUNDS):
        left, right = right, left ^ _round_function(right, round_number)
    return (left << _HALF_BITS) | right


def _unmix(value: int) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for round_number in reversed(range(_MIX_ROUNDS)):
        left, right = right ^ _round_function(left, round_number), left
    return (left << _HALF_BITS) | right


def group(code: str) -> str:
    """ "7K3MQ9TX2HCAD4WE" → "7K3M-Q9TX-2HCA-D4WE"."""
    return "-".join(code[index : index + CODE_GROUP] for index in range(0, len(code), CODE_GROUP))


def make_code(certificate_id: int, signature: bytes) -> str:
    """The code printed on the certificate: 16 Crockford base32 characters in groups of four."""
    if not 0 < certificate_id < 1 << ID_BITS:
        raise ValueError(f"certificate id {certificate_id} does not fit a code")
    value = _mix((certificate_id << (8 * TAG_BYTES)) | int.from_bytes(signature[:TAG_BYTES], "big"))
    return group("".join(CROCKFORD[(value >> (5 * place)) & 31] for place in reversed(range(CODE_CHARS))))


def make_legacy_code(certificate_id: int, signature: bytes) -> str:
    """The code of certificates printed before December 2026: base32(id, 4 bytes ‖ 10 signature
    bytes). Never issued any more; kept so that tests and tools can produce one."""
    raw = struct.pack(">I", certificate_id) + signature[:LEGACY_TAG_BYTES]
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def _cleaned(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip()
    if "/verify/" in text:  # a pasted address: the code is what follows
        text = text.rsplit("/verify/", 1)[1]
    return _SEPARATORS.sub("", text).upper()


def parse_code(text: str) -> ParsedCode | None:
    """The one place a typed or scanned code is read (the page, its form and the API): lower case,
    spaces, dashes and the look-alike letters I, L, O are accepted; anything else that is not a
    code (slashes, other lengths, other letters) is None, never an error."""
    if len(text or "") > 200:
        return None
    cleaned = _cleaned(text)
    if len(cleaned) == CODE_CHARS:
        cleaned = cleaned.translate(CONFUSABLES)
        if any(char not in CROCKFORD for char in cleaned):
            return None
        value = _unmix(sum(CROCKFORD.index(char) << (5 * place) for place, char in enumerate(reversed(cleaned))))
        certificate_id, tag = value >> (8 * TAG_BYTES), value & ((1 << (8 * TAG_BYTES)) - 1)
        return ParsedCode(certificate_id, tag.to_bytes(TAG_BYTES, "big")) if certificate_id else None
    if len(cleaned) == LEGACY_CHARS and re.fullmatch(r"[A-Z2-7]+", cleaned):
        try:
            raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
        except (binascii.Error, ValueError):
            return None
        return ParsedCode(struct.unpack(">I", raw[:4])[0], raw[4:])
    return None


def canonical_code(text: str) -> str | None:
    """The code as printed (grouped, upper case, look-alikes resolved), or None if `text` is not one."""
    parsed = parse_code(text)
    if parsed is None:
        return None
    cleaned = _cleaned(text)
    return cleaned if parsed.is_legacy else group(cleaned.translate(CONFUSABLES))


# -- the payload ----------------------------------------------------------------------------------


def place_of(assessment: Assessment) -> str:
    """ "Thôn Đông, xã An Lạc, tỉnh Hưng Yên": from the unit up (not the nation), the kinds in lower
    case after the first, as an address is written in a sentence."""
    units = [unit for unit in reversed([*assessment.unit.ancestors(), assessment.unit]) if unit.parent_id is not None]
    return ", ".join(unit.name if index == 0 else unit_in_sentence(unit) for index, unit in enumerate(units))


def build_payload(certificate: Certificate, assessment: Assessment, verify_key: VerifyKey) -> dict:
    decision = certificate.decision
    result = assessment.review_result or {}
    criteria_set = assessment.criteria_set
    # A set that only passes or fails has nothing to classify: "Đạt" would repeat "công nhận".
    classified = result.get("classification") not in (None, "", ACHIEVED)
    return {
        "v": PAYLOAD_VERSION,
        "id": certificate.pk,
        "key": key_id(verify_key),
        "title": assessment.title,
        "title_name": str(Title(assessment.title).label),
        "year": assessment.campaign.year,
        "subject": display_name(assessment),
        "place": place_of(assessment),
        "classification": result.get("classification_name_vi", "") if classified else "",
        "decision": decision.number,
        "decided_on": decision.issued_on.isoformat(),
        "issuer": decision.issuer.name,
        "signer": decision.signer_name,
        "signer_title": decision.signer_title,
        "valid_until": certificate.valid_until.isoformat(),
        "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
        "criteria_set_name": criteria_set.name_vi,
        "criteria_set_status": criteria_set.status,
    }


@in_official_language  # the signed payload is the certificate's text
def issue(assessment: Assessment) -> Certificate:
    """Sign and store the certificate of a recognised assessment (inside the caller's transaction)."""
    key = signing_key()
    certificate = Certificate.objects.create(
        assessment=assessment,
        decision=assessment.decision,
        payload={},
        signature="",
        key_id="",
        valid_until=valid_until(assessment.campaign, assessment.validity_years),
    )
    certificate.payload = build_payload(certificate, assessment, key.verify_key)
    signature = key.sign(canonical(certificate.payload)).signature
    certificate.signature = base64.b64encode(signature).decode("ascii")
    certificate.key_id = certificate.payload["key"]
    certificate.code = make_code(certificate.pk, signature)
    certificate.save(update_fields=["payload", "signature", "key_id", "code"])
    return certificate


class Status:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"


STATUS_LABELS = {
    Status.VALID: _("Còn hiệu lực"),
    Status.EXPIRED: _("Đã hết hiệu lực"),
    Status.REVOKED: _("Đã bị thu hồi"),
    Status.INVALID: _("Không xác thực được: mã không đúng hoặc giấy đã bị sửa"),
}


@dataclass(frozen=True)
class Verification:
    status: str
    payload: dict | None = None
    revoked_on: datetime.date | None = None
    revocation_reference: str = ""
    revocation_reason: str = ""
    code: str | None = None  # as printed, when what was typed is a code

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_genuine(self) -> bool:
        return self.status != Status.INVALID

    def _date(self, key: str) -> datetime.date | None:
        value = (self.payload or {}).get(key)
        return datetime.date.fromisoformat(value) if value else None

    @property
    def decided_on(self) -> datetime.date | None:
        return self._date("decided_on")

    @property
    def valid_until(self) -> datetime.date | None:
        return self._date("valid_until")

    @property
    def criteria_set_status_label(self) -> str:
        status = (self.payload or {}).get("criteria_set_status", "")
        return str(CriteriaSetVersion.Status(status).label) if status in CriteriaSetVersion.Status.values else ""

    @property
    def criteria_set_name(self) -> str:
        """The set's name: in the payload since version 2, looked up for older certificates."""
        payload = self.payload or {}
        if payload.get("criteria_set_name"):
            return payload["criteria_set_name"]
        code, _space, version = payload.get("criteria_set", "").rpartition(" v")
        found = CriteriaSetVersion.objects.filter(code=code, version=int(version) if version.isdigit() else 0).first()
        return found.name_vi if found else ""


def verify(code: str, today: datetime.date | None = None) -> Verification:
    """What the public verification page shows for `code`."""
    parsed = parse_code(code)
    if parsed is None:
        return Verification(Status.INVALID)
    printed = canonical_code(code)
    invalid = Verification(Status.INVALID, code=printed)
    certificate = Certificate.objects.select_related("assessment").filter(pk=parsed.certificate_id).first()
    if certificate is None or not certificate.signature:
        return invalid
    try:
        signature = base64.b64decode(certificate.signature, validate=True)
    except (binascii.Error, ValueError):
        return invalid
    if not hmac.compare_digest(signature[: len(parsed.tag)], parsed.tag):
        return invalid
    payload = certificate.payload
    verify_key = verify_keys().get(payload.get("key"))
    if verify_key is None or payload.get("id") != certificate.pk:
        return invalid
    try:
        verify_key.verify(canonical(payload), signature)
    except BadSignatureError:
        return invalid
    assessment = certificate.assessment
    if assessment.state == State.REVOKED:
        revoked_on = timezone.localdate(assessment.revoked_at) if assessment.revoked_at else None
        return Verification(
            Status.REVOKED, payload, revoked_on, assessment.revocation_reference, assessment.revocation_reason, printed
        )
    today = today or timezone.localdate()
    if today > datetime.date.fromisoformat(payload["valid_until"]):
        return Verification(Status.EXPIRED, payload, code=printed)
    return Verification(Status.VALID, payload, code=printed)
