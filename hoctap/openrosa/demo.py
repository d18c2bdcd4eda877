"""Demo: the demo commune officer's phone is set up for ODK Collect (a device credential); a new QR
code for another phone is one click away on /openrosa/devices/."""

from hoctap.accounts.scoping import Scope

from . import catalog
from .models import DeviceCredential

DEMO_DEVICE = "Điện thoại mẫu của cán bộ xã"


def load(context, log):
    officer = context["users"]["commune_officer"]
    if not DeviceCredential.objects.filter(user=officer, name=DEMO_DEVICE).exists():
        DeviceCredential.issue(officer, DEMO_DEVICE)
    forms = catalog.forms(Scope(officer))
    log(f"ODK Collect: {len(forms)} biểu mẫu cho {officer.username}; mã QR cấu hình điện thoại tại /openrosa/devices/")
