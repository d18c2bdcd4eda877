"""Fixtures for the OpenRosa server: the assessments fixtures, device credentials, and a client
that speaks to the server the way ODK Collect does (see collect.py)."""

import pytest

from hoctap.openrosa.models import DeviceCredential
from tests.assessments.conftest import campaigns, people, private_media, published, users  # noqa: F401

from .collect import Collect


@pytest.fixture
def device(users):
    """The village officer's phone."""
    credential, secret = DeviceCredential.issue(users["village_officer"], "Điện thoại thôn Đông")
    return credential, secret


@pytest.fixture
def collect(client, device):
    credential, secret = device
    return Collect(client, credential.login, secret)
