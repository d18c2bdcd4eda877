"""The models and the migrations agree: a change of choices or fields without its migration fails
here, not on a production database."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(
            f"makemigrations --check found model changes without a migration:\n{out.getvalue()} (exit {exit_.code})"
        )
