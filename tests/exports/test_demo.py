"""The demo's export job: the commune officer's person list, done, with its file, readable by them
only, audited with its rows; loading twice changes nothing."""

import pytest

from hoctap.audit.exports import export_entries
from hoctap.demo.steps import run_all
from hoctap.exports.models import ExportJob, ExportStatus
from hoctap.registry.models import Person


@pytest.mark.django_db
def test_demo_export_job(loaded_map, client):
    context = run_all(log=lambda *args: None)
    run_all(log=lambda *args: None)
    officer = context["users"]["commune_officer"]
    job = ExportJob.objects.get(kind="registry.people")
    assert (job.requested_by, job.status) == (officer, ExportStatus.DONE) and job.file
    commune = context["communes"][0]
    assert job.rows_done == Person.objects.filter(unit__path__startswith=commune.path).count() > 0
    entry = export_entries().get(additional_data__export="registry.people")
    assert entry.actor == officer and entry.additional_data["rows"] == job.rows_done
    client.force_login(officer)
    assert client.get(f"/my-exports/{job.pk}/download/").status_code == 200
    client.force_login(context["users"]["other_commune_officer"])
    assert client.get(f"/my-exports/{job.pk}/download/").status_code == 404
