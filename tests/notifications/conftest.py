import pytest

from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    people,
    private_media,
    published,
    users,
)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    """Mail goes to django.core.mail.outbox; links are absolute as in production."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = "https://hoctap.example.vn"
