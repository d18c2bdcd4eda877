"""Confirm a checked import as the page's "Nhập vào sổ" button does (`registry.jobs.start(commit=True)`:
a small file is imported in the request's own process).

    python tests/crash/import_job.py <import job id>
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from hoctap.registry import jobs  # noqa: E402
from hoctap.registry.models import ImportJob  # noqa: E402

jobs.start(ImportJob.objects.get(pk=int(sys.argv[1])), commit=True)
print(ImportJob.objects.get(pk=int(sys.argv[1])).status)
