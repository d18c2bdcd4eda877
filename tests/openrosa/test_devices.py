"""The officer's devices page: a QR code that configures ODK Collect in one scan, shown once;
revocation; the one-page guide."""

import base64
import json
import zlib

from hoctap.openrosa import collect_settings
from hoctap.openrosa.models import DeviceCredential


def test_creating_a_device_shows_its_qr_code_once(client, users):
    client.force_login(users["village_officer"])
    response = client.post("/openrosa/devices/", {"name": "Điện thoại chị Hoa"}, secure=True)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    credential = DeviceCredential.objects.get(user=users["village_officer"])
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page and credential.login in page
    assert "https://testserver/openrosa" in page
    listing = client.get("/openrosa/devices/", secure=True).content.decode()
    assert "Điện thoại chị Hoa" in listing and "data:image/svg+xml" not in listing


def test_the_settings_code_is_zlib_compressed_base64_json_as_collect_reads_it():
    settings = collect_settings.collect_settings(
        server_url="https://hoctap.example/openrosa", login="tb-1", secret="bí-mật", project_name="hoctap · Xã An Lạc"
    )
    payload = collect_settings.encode(settings)
    decoded = json.loads(zlib.decompress(base64.b64decode(payload)))
    assert decoded["general"]["server_url"] == "https://hoctap.example/openrosa"
    assert (decoded["general"]["username"], decoded["general"]["password"]) == ("tb-1", "bí-mật")
    assert decoded["general"]["form_update_mode"] == "match_exactly"
    assert decoded["project"]["name"] == "hoctap · Xã An Lạc"
    assert collect_settings.qr_data_uri(payload).startswith("data:image/svg+xml")


def test_an_officer_revokes_a_device_and_only_their_own(client, users):
    own, _secret = DeviceCredential.issue(users["village_officer"], "Máy cũ")
    other, _ = DeviceCredential.issue(users["commune_officer"], "Máy của xã")
    client.force_login(users["village_officer"])
    assert client.post(f"/openrosa/devices/{other.pk}/revoke/", secure=True).status_code == 404
    response = client.post(f"/openrosa/devices/{own.pk}/revoke/", secure=True, follow=True)
    assert "Đã thu hồi mã của thiết bị «Máy cũ»" in response.content.decode()
    own.refresh_from_db(), other.refresh_from_db()
    assert own.revoked_at is not None and other.revoked_at is None


def test_a_nameless_device_is_refused_with_a_hint(client, users):
    client.force_login(users["village_officer"])
    response = client.post("/openrosa/devices/", {"name": "  "}, secure=True, follow=True)
    assert "Hãy đặt tên cho thiết bị" in response.content.decode()
    assert not DeviceCredential.objects.exists()


def test_a_citizen_has_no_devices_page_and_the_guide_is_vietnamese(client, users, small_map):
    from hoctap.accounts.roles import Role
    from tests.conftest import make_user

    citizen = make_user("citizen_odk", Role.CITIZEN, small_map["village_a"])
    client.force_login(citizen)
    assert client.get("/openrosa/devices/").status_code == 404
    client.force_login(users["village_officer"])
    guide = client.get("/openrosa/guide/").content.decode()
    assert "Cấu hình bằng mã QR" in guide and "Thu hồi mã" in guide


def test_the_demo_gives_the_commune_officer_a_phone_and_forms(db, loaded_map):
    from hoctap.accounts.scoping import Scope
    from hoctap.demo.steps import run_all
    from hoctap.openrosa import catalog

    lines = []
    context = run_all(log=lines.append)
    run_all(log=lambda *args: None)
    officer = context["users"]["commune_officer"]
    assert DeviceCredential.objects.filter(user=officer).count() == 1
    assert catalog.forms(Scope(officer))
    assert any(line.startswith("ODK Collect:") for line in lines)
