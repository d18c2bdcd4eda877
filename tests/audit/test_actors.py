"""Every write records its actor and a server-made request id: sessions, API tokens, commands, jobs."""

import json

import pytest
from auditlog.models import LogEntry

from hoctap.accounts.models import ApiToken
from hoctap.audit.context import acting_as, as_command, command_actor
from hoctap.registry.models import ClanBranch, ImportJob, Person
from hoctap.territory.models import Level, Unit


def entry_for(obj, action=LogEntry.Action.CREATE):
    return LogEntry.objects.get_for_object(obj).filter(action=action).get()


def test_a_write_with_an_api_token_records_the_tokens_user(client, small_map, officer_a):
    _, token = ApiToken.issue(officer_a, "t")
    response = client.post(
        "/api/v1/registry/clans",
        json.dumps({"name": "Họ Đặng", "commune": small_map["commune_a"].pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_REQUEST_ID="phone-42-abcdef",
    )
    assert response.status_code == 201
    clan = ClanBranch.objects.get()
    entry = entry_for(clan)
    assert entry.actor == officer_a
    assert entry.cid == response["X-Request-Id"] and entry.cid != "phone-42-abcdef"
    assert entry.additional_data == {"client_request_id": "phone-42-abcdef"}
    assert entry.remote_addr == "127.0.0.1"
    renamed = client.patch(
        f"/api/v1/registry/clans/{clan.pk}",
        json.dumps({"branch": "Chi 3"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert entry_for(clan, LogEntry.Action.UPDATE).actor == officer_a
    assert entry_for(clan, LogEntry.Action.UPDATE).cid == renamed["X-Request-Id"] != entry.cid


def test_a_command_writes_under_a_named_system_actor_and_an_id_of_its_own(small_map):
    assert command_actor(["/srv/hoctap/manage.py", "load_demo", "--flush"]) == "manage.py load_demo"
    with as_command(["manage.py", "load_territories"]):
        unit = Unit.objects.create(
            level=Level.VILLAGE,
            code="12001-009",
            name="Thôn Mới",
            short_name="Mới",
            division_type="thôn",
            parent=small_map["commune_a"],
        )
        unit.short_name = "Mới Lập"
        unit.save()
    created, updated = entry_for(unit), entry_for(unit, LogEntry.Action.UPDATE)
    assert created.actor is None and created.additional_data == {"system_actor": "manage.py load_territories"}
    assert created.cid and len(created.cid) == 32 and created.cid == updated.cid  # one run, one id


def test_a_job_writes_as_the_user_who_started_it(small_map, officer_a):
    with acting_as(officer_a, job="export 7"):
        unit = Unit.objects.create(
            level=Level.VILLAGE,
            code="12001-009",
            name="Thôn Mới",
            short_name="Mới",
            division_type="thôn",
            parent=small_map["commune_a"],
        )
    entry = entry_for(unit)
    assert entry.actor == officer_a and entry.additional_data == {"job": "export 7"} and entry.cid


def test_outside_any_request_command_or_job_nothing_is_invented(small_map):
    unit = Unit.objects.create(
        level=Level.VILLAGE,
        code="12001-009",
        name="Thôn Mới",
        short_name="Mới",
        division_type="thôn",
        parent=small_map["commune_a"],
    )
    entry = entry_for(unit)
    assert entry.actor is None and entry.cid is None and not entry.additional_data


def test_an_import_run_by_the_worker_is_audited_as_the_uploader_under_the_uploads_request_id(
    client_a, small_map, officer_a, monkeypatch, django_capture_on_commit_callbacks
):
    from hoctap.registry import jobs
    from hoctap.registry.imports import HOUSEHOLDS
    from tests.registry.conftest import household_row, xlsx

    monkeypatch.setattr(jobs, "SYNC_MAX_BYTES", 0)
    source = xlsx(HOUSEHOLDS, [household_row("H1", "12001-001", "An", head=True)])
    with django_capture_on_commit_callbacks(execute=True):
        upload = client_a.post("/registry/imports/", {"template": "households", "file": source})
    job = ImportJob.objects.get()
    assert job.request_id == upload["X-Request-Id"]
    jobs.run_import_job.call(job.pk, False)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(f"/registry/imports/{job.pk}/commit/")
    jobs.run_import_job.call(job.pk, True)
    person = Person.objects.get()
    entry = entry_for(person)
    assert entry.actor == officer_a and entry.cid == job.request_id


@pytest.mark.django_db(transaction=True)
def test_an_export_job_writes_as_its_requester(small_map, officer_a, monkeypatch, django_capture_on_commit_callbacks):
    """Whatever an export job writes to audited records carries the requester, not "system"."""
    import dataclasses

    from hoctap.accounts.scoping import Scope
    from hoctap.exports import kinds, tasks
    from hoctap.reports.jobs import request_export

    def writer(job, scope, spool, progress):
        ClanBranch.objects.create(name="Họ Ghi", commune=job.unit)  # stands for any audited write
        return 0

    monkeypatch.setitem(kinds._KINDS, "households", dataclasses.replace(kinds.get("households"), write=writer))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_export(
            Scope(officer_a), kind="households", unit=small_map["commune_a"], year=2025, actor=officer_a
        )
    tasks.run_export.call(job.pk)
    entry = entry_for(ClanBranch.objects.get())
    assert entry.actor == officer_a and entry.additional_data == {"job": f"export {job.pk}"} and entry.cid
