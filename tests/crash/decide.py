"""Recognise proposed assessments by one decision, as the web page does (`decisions.issue_decision`).

    python tests/crash/decide.py [--verify] <approver user id> <assessment id>...

Run by tests/crash/test_crash.py in a subprocess, with a crash point set or not; `--verify` then
runs `manage.py stats verify` in the same process (one start-up less).
"""

import datetime
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from hoctap.accounts.models import User  # noqa: E402
from hoctap.accounts.scoping import Scope  # noqa: E402
from hoctap.assessments.decisions import issue_decision  # noqa: E402
from hoctap.assessments.models import Assessment  # noqa: E402

args = sys.argv[1:]
verify = args[:1] == ["--verify"]
args = args[1:] if verify else args
approver = User.objects.get(pk=int(args[0]))
assessments = list(Assessment.objects.filter(pk__in=[int(pk) for pk in args[1:]]).select_related("unit"))
unit = assessments[0].unit
issuer = unit.parent if unit.level == "village" else unit
decision = issue_decision(
    Scope(approver),
    assessments[0].campaign,
    assessments,
    issuer=issuer,
    issued_on=datetime.date(2025, 12, 21),
    signer_name="Phạm Văn Đức",
)
print(f"decision {decision.pk}")
if verify:
    call_command("stats", "verify")  # exits non-zero on any difference
