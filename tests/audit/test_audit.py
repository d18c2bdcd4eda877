import pytest
from auditlog.models import LogEntry

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.audit.signals import CreationEntryIsPermanent
from hoctap.territory.services import create_village


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_create_update_delete_are_recorded_with_who_and_before_after(small_map, officer_a, client):
    from auditlog.context import set_actor

    scope = Scope(officer_a)
    with set_actor(officer_a):
        village = create_village(scope, small_map["commune_a"], division_type="Thôn", short_name="Mới")
        village.short_name = "Mới Lập"
        village.name = "Thôn Mới Lập"
        scope.save(village, Capability.MANAGE_TERRITORY)
    actions = [e.action for e in entries_for(village)]
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    update = entries_for(village).last()
    assert update.actor == officer_a
    assert update.changes_dict["name"] == ["Thôn Mới", "Thôn Mới Lập"]
    village_pk = village.pk
    with set_actor(officer_a):
        village.delete()
    assert LogEntry.objects.filter(object_pk=str(village_pk), action=LogEntry.Action.DELETE).exists()


def test_the_server_request_id_is_stamped_on_entries_and_the_clients_kept_beside_it(small_map, officer_a, client):
    client.force_login(officer_a)
    response = client.post(
        f"/units/{small_map['commune_a'].pk}/villages/new/",
        {"division_type": "Thôn", "short_name": "Hạ", "code": ""},
        HTTP_X_REQUEST_ID="req-0123456789",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr="Thôn Hạ").get()
    assert entry.cid == response["X-Request-Id"] != "req-0123456789"
    assert entry.additional_data["client_request_id"] == "req-0123456789"
    assert entry.actor == officer_a


def test_an_unsafe_client_request_id_is_dropped(small_map, officer_a, client):
    client.force_login(officer_a)
    response = client.post(
        f"/units/{small_map['commune_a'].pk}/villages/new/",
        {"division_type": "Thôn", "short_name": "Hạ", "code": ""},
        HTTP_X_REQUEST_ID="<script>alert(1)</script>",
    )
    entry = LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr="Thôn Hạ").get()
    assert entry.cid == response["X-Request-Id"] and len(entry.cid) == 32
    assert "client_request_id" not in (entry.additional_data or {})


def test_history_page_reads_in_vietnamese(small_map, officer_a, client):
    client.force_login(officer_a)
    client.post(f"/units/{small_map['commune_a'].pk}/villages/new/", {"division_type": "Thôn", "short_name": "Hạ"})
    village = small_map["commune_a"].children.get(short_name="Hạ")
    page = client.get(f"/history/territory.unit/{village.pk}/").content.decode()
    assert "tạo mới" in page and "officer_a" in page


def test_creation_entries_are_never_purged(small_map):
    entry = LogEntry.objects.get_for_object(small_map["commune_a"]).get(action=LogEntry.Action.CREATE)
    with pytest.raises(CreationEntryIsPermanent):
        entry.delete()


def test_history_shows_values_as_people_read_them(small_map, officer_a, client):
    client.force_login(officer_a)
    client.post(f"/units/{small_map['commune_a'].pk}/villages/new/", {"division_type": "Thôn", "short_name": "Hạ"})
    village = small_map["commune_a"].children.get(short_name="Hạ")
    page = client.get(f"/history/territory.unit/{village.pk}/").content.decode()
    table = page.split("<tbody>", 1)[1]
    assert "<td>Xã An Lạc</td>" in table  # the parent by name, not its id
    assert "<td>village</td>" not in table and "<td>current</td>" not in table  # choices by their label


def test_structured_values_and_flags_are_not_shown_raw():
    from hoctap.assessments.models import Assessment
    from hoctap.audit.history import _display

    answers = Assessment._meta.get_field("self_answers")
    assert _display("{'F1': 9, 'F2': True}", answers) == "2 mục"
    assert _display('{"F1": 9}', answers) == "1 mục"
    assert _display("2026-12-05 09:30:00+00:00", Assessment._meta.get_field("revoked_at")) == "05/12/2026 16:30"
    assert _display("submitted", Assessment._meta.get_field("state")) == "Đã nộp"
