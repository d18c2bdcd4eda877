"""The demo's inbox: the daily job replayed over the last month, relative to today; loading twice adds nothing."""

import pytest

from hoctap.accounts.models import User
from hoctap.demo.steps import run_all
from hoctap.notifications.models import Kind, Notification


@pytest.mark.django_db
def test_demo_inbox(loaded_map):
    run_all(log=lambda *args: None)
    count = Notification.objects.count()
    run_all(log=lambda *args: None)
    assert Notification.objects.count() == count
    # the province returned the third commune's report: its officer is told, the others are not
    returned = Notification.objects.filter(kind=Kind.REPORT_RETURNED)
    assert set(returned.values_list("user__username", flat=True)) == {"canboxa3"}
    assert User.objects.get(username="canboxa").email == "canboxa@example.vn"
    # nothing is mailed while the demo loads
    assert not Notification.objects.filter(deliveries__state="sent").exists()
