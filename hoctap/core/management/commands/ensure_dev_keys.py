"""Make a development Ed25519 key for signing certificates, once, under var/ (never in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from nacl.encoding import Base64Encoder
from nacl.signing import SigningKey


class Command(BaseCommand):
    help = "Tạo khoá ký giấy công nhận cho môi trường phát triển (var/dev-signing-key)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Khoá phát triển chỉ dùng khi DEBUG=1 (make run). Môi trường thật đặt CERTIFICATE_SIGNING_KEY "
                "bằng khoá do `python manage.py certificate_keys --new` tạo."
            )
        path = settings.DEV_SIGNING_KEY_FILE
        if path.exists():
            self.stdout.write(f"Khoá phát triển đã có: {path}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SigningKey.generate().encode(encoder=Base64Encoder))
        path.chmod(0o600)
        self.stdout.write(f"Đã tạo khoá phát triển: {path}")
