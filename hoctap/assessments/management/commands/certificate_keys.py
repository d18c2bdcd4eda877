"""`python manage.py certificate_keys` — the keys certificates are signed and verified with.

Without options: the current signing key's id and public key, and the retired keys still accepted.
`--new`: a fresh signing key for a rotation. To rotate: put the current public key into
CERTIFICATE_RETIRED_VERIFY_KEYS (so the certificates it signed keep verifying), set
CERTIFICATE_SIGNING_KEY to the new key, restart. The new key is printed once, to standard output
only: store it where the other secrets are kept.
"""

from django.core.management.base import BaseCommand
from nacl.encoding import Base64Encoder
from nacl.signing import SigningKey

from ... import certificates


class Command(BaseCommand):
    help = "Khoá ký giấy công nhận: khoá đang dùng, khoá cũ còn được chấp nhận; --new tạo khoá mới để thay."

    def add_arguments(self, parser):
        parser.add_argument("--new", action="store_true", help="print a new signing key for a rotation")

    def handle(self, *args, new=False, **options):
        if new:
            key = SigningKey.generate()
            self.stdout.write(f"CERTIFICATE_SIGNING_KEY={key.encode(encoder=Base64Encoder).decode()}")
            self.stdout.write(
                f"# id {certificates.key_id(key.verify_key)}, public key {certificates.public_key(key.verify_key)}"
            )
            return
        current = certificates.signing_key().verify_key
        self.stdout.write(f"current: id {certificates.key_id(current)}, public key {certificates.public_key(current)}")
        for key in certificates.retired_verify_keys():
            self.stdout.write(f"retired: id {certificates.key_id(key)}, public key {certificates.public_key(key)}")
