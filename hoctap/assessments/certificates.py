"""Signed certificates and their public verification.

A certificate's payload is exactly what the paper shows. It is signed with Ed25519 over its
canonical JSON. The public code printed on the paper and in the QR code is
base32(certificate id, 4 bytes ‖ first 10 bytes of the signature):

* a guessed code names an id whose signature starts differently (a 2^-80 chance to hit);
* an altered payload no longer matches its signature, whatever the code;
* a revoked or expired certificate still verifies as genuine but is shown as revoked or expired.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import struct
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
from hoctap.criteria.titles import Title

from .campaigns import valid_until
from .models import Assessment, Certificate
from .states import State
from .subjects import display_name

TAG_BYTES = 10
PAYLOAD_VERSION = 1


def _in_tests() -> bool:
    # pytest sets this variable for the whole run; production never has it.
    return "PYTEST_CURRENT_TEST" in os.environ


def signing_key() -> SigningKey:
    """The production key from CERTIFICATE_SIGNING_KEY; in DEBUG or tests, the development key file."""
    if settings.CERTIFICATE_SIGNING_KEY:
        return SigningKey(settings.CERTIFICATE_SIGNING_KEY.encode(), encoder=Base64Encoder)
    if not (settings.DEBUG or _in_tests()):
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be set: certificates cannot be signed without it.")
    path = Path(settings.DEV_SIGNING_KEY_FILE)
    if not path.exists():
        if not _in_tests():
            raise ImproperlyConfigured(f"{path} is missing: run `python manage.py ensure_dev_keys`.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SigningKey.generate().encode(encoder=Base64Encoder))
        path.chmod(0o600)
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
                f"CERTIFICATE_RETIRED_VERIFY_KEYS, key {index}: not a base64 Ed25519 public key") from None
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


def make_code(certificate_id: int, signature: bytes) -> str:
    raw = struct.pack(">I", certificate_id) + signature[:TAG_BYTES]
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def parse_code(code: str) -> tuple[int, bytes] | None:
    cleaned = "".join(code.split()).replace("-", "").upper()
    if not cleaned.isalnum() or len(cleaned) > 40:
        return None
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 4 + TAG_BYTES:
        return None
    return struct.unpack(">I", raw[:4])[0], raw[4:]


def place_of(assessment: Assessment) -> str:
    """The village, commune and province names, from the unit up (not the nation)."""
    units = [*assessment.unit.ancestors(), assessment.unit]
    return ", ".join(unit.name for unit in reversed(units) if unit.parent_id is not None)


def build_payload(certificate: Certificate, assessment: Assessment, verify_key: VerifyKey) -> dict:
    decision = certificate.decision
    result = assessment.review_result or {}
    criteria_set = assessment.criteria_set
    return {
        "v": PAYLOAD_VERSION,
        "id": certificate.pk,
        "key": key_id(verify_key),
        "title": assessment.title,
        "title_name": str(Title(assessment.title).label),
        "year": assessment.campaign.year,
        "subject": display_name(assessment),
        "place": place_of(assessment),
        "classification": result.get("classification_name_vi", ""),
        "decision": decision.number,
        "decided_on": decision.issued_on.isoformat(),
        "issuer": decision.issuer.name,
        "valid_until": certificate.valid_until.isoformat(),
        "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
        "criteria_set_status": criteria_set.status,
    }


@in_official_language  # the signed payload is the certificate's text
def issue(assessment: Assessment) -> Certificate:
    """Sign and store the certificate of a recognised assessment (inside the caller's transaction)."""
    key = signing_key()
    certificate = Certificate.objects.create(
        assessment=assessment, decision=assessment.decision, payload={}, signature="", key_id="",
        valid_until=valid_until(assessment.campaign),
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

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_genuine(self) -> bool:
        return self.status != Status.INVALID


def verify(code: str, today: datetime.date | None = None) -> Verification:
    """What the public verification page shows for `code`."""
    parsed = parse_code(code)
    if parsed is None:
        return Verification(Status.INVALID)
    certificate_id, tag = parsed
    certificate = Certificate.objects.select_related("assessment").filter(pk=certificate_id).first()
    if certificate is None or not certificate.signature:
        return Verification(Status.INVALID)
    try:
        signature = base64.b64decode(certificate.signature, validate=True)
    except (binascii.Error, ValueError):
        return Verification(Status.INVALID)
    if not hmac.compare_digest(signature[:TAG_BYTES], tag):
        return Verification(Status.INVALID)
    payload = certificate.payload
    verify_key = verify_keys().get(payload.get("key"))
    if verify_key is None or payload.get("id") != certificate.pk:
        return Verification(Status.INVALID)
    try:
        verify_key.verify(canonical(payload), signature)
    except BadSignatureError:
        return Verification(Status.INVALID)
    assessment = certificate.assessment
    if assessment.state == State.REVOKED:
        revoked_on = timezone.localdate(assessment.revoked_at) if assessment.revoked_at else None
        return Verification(Status.REVOKED, payload, revoked_on)
    today = today or timezone.localdate()
    if today > datetime.date.fromisoformat(payload["valid_until"]):
        return Verification(Status.EXPIRED, payload)
    return Verification(Status.VALID, payload)
