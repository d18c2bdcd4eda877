"""The generated forms: one per (campaign, criteria set), every indicator with its bounds and a
photo question, Vietnamese labels, and the list a device gets depends on the account's scope."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.criteria import loader
from hoctap.criteria.titles import Title
from hoctap.openrosa import xform
from hoctap.openrosa.models import DeviceCredential
from hoctap.registry.models import Person, Sex
from tests.conftest import make_user

from .collect import XF, Collect

H = "{http://www.w3.org/1999/xhtml}"
SHIPPED = sorted(loader.SHIPPED_SETS_DIR.glob("*.yaml"))


def _binds(root):
    return {bind.get("nodeset").rsplit("/", 1)[-1]: bind for bind in root.iter(f"{XF}bind")}


def _body(root):
    return {
        element.get("ref").rsplit("/", 1)[-1]: element for element in root.find(f"{H}body").iter() if element.get("ref")
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_set_becomes_a_form_with_every_indicator_and_its_bounds(path):
    definition = loader.load_file(path)
    result = xform.convert(
        xform.xlsform(definition, form_id="hoctap_7_9", title="Thử", version="3.1"), form_name="data"
    )
    root = ET.fromstring(result.xform)
    binds, body = _binds(root), _body(root)
    [data] = [i[0] for i in root.iter(f"{XF}instance") if i.get("id") is None]
    assert (data.get("id"), data.get("version")) == ("hoctap_7_9", "3.1")
    subjects = [i for i in root.iter(f"{XF}instance") if i.get("id") == "subjects"]
    assert subjects[0].get("src") == "jr://file-csv/subjects.csv"
    names = xform.field_names(definition)
    assert len(set(names.values())) == len(definition.indicators)
    for indicator in definition.indicators:
        name = names[indicator.code]
        question = body[name]
        label = question.find(f"{XF}label").text
        assert label.startswith(f"{indicator.code}. ") and indicator.text_vi in label
        hint = question.find(f"{XF}hint").text or ""
        if indicator.kind == "pass_fail":
            assert question.tag == f"{XF}select1"
            assert question.find(f"{XF}itemset").get("nodeset") == "instance('dat')/root/item"
        else:
            assert binds[name].get("type") == "decimal"
            constraint = binds[name].get("constraint")
            assert ". >= 0" in constraint
            if indicator.max_points is not None:
                assert f". <= {format(indicator.max_points.normalize(), 'f')}" in constraint
            if indicator.floor is not None:
                assert format(indicator.floor.normalize(), "f").replace(".", ",") in hint and "điểm sàn" in hint
        photo = body[xform.photo_name(name)]
        assert photo.tag == f"{XF}upload" and photo.get("mediatype") == "image/*"
        assert binds[xform.photo_name(name)].get("{http://openrosa.org/xforms}max-pixels") == str(
            xform.PHOTO_MAX_PIXELS
        )
    assert binds["subject"].get("required") == "true()"
    assert binds["location"].get("type") == "geopoint" and binds["location"].get("required") is None
    assert "instance('subjects')/root/item[name= /data/subject ]/version" in binds["base_version"].get("calculate")
    assert {item.find(f"{XF}name").text for item in root.iter(f"{XF}item")} >= {"draft", "submit", "0", "1"}


def test_the_form_list_shows_one_form_per_campaign_and_set_with_the_headers(client, people, users, campaigns, device):
    village = Scope(users["village_officer"])
    workflow.register(village, Title.FAMILY, people["household"], 2025)
    workflow.register(village, Title.FAMILY, people["neighbour"], 2025)
    workflow.register(village, Title.CITIZEN, people["head"], 2025)
    collect = Collect(client, device[0].login, device[1])
    items = collect.form_list()
    assert len(items) == 2  # family and citizen, whatever the number of households
    family = next(item for item in items if "Gia đình học tập 2025" in item["name"])
    form = collect.download(family)
    assert [row["label"] for row in form.subjects] == [
        "Hộ ông Nguyễn Văn An · Thôn Đông",
        "Hộ ông Lê Văn Cường · Thôn Đông",
    ]
    assert all(row["version"] == "1" for row in form.subjects)
    response = collect.get(family["downloadUrl"])
    assert response["X-OpenRosa-Version"] == "1.0" and response["Date"]
    assert family["version"] == f"{campaigns[Title.FAMILY].criteria_sets.first().version}.{xform.GENERATOR_VERSION}"


def test_two_communes_get_different_forms_and_subjects(client, people, users, campaigns, small_map):
    officer_b = make_user("officer_b_odk", Role.COMMUNE_OFFICER, small_map["commune_b"])
    workflow.register(Scope(users["village_officer"]), Title.FAMILY, people["household"], 2025)
    workflow.register(Scope(officer_b), Title.FAMILY, people["household_b"], 2025)
    person_b = Person.objects.create(
        full_name="Đỗ Thị Hạnh", sex=Sex.FEMALE, birth_year=1990, unit=small_map["village_b"]
    )
    workflow.register(Scope(officer_b), Title.CITIZEN, person_b, 2025)
    a = Collect(client, *_device(users["commune_officer"]))
    b = Collect(client, *_device(officer_b))
    list_a, list_b = a.form_list(), b.form_list()
    assert [i["name"] for i in list_a] != [i["name"] for i in list_b]
    assert len(list_a) == 1 and len(list_b) == 2
    family_b = next(i for i in list_b if i["formID"] == list_a[0]["formID"])
    assert [r["label"] for r in a.download(list_a[0]).subjects] == ["Hộ ông Nguyễn Văn An · Thôn Đông"]
    assert [r["label"] for r in b.download(family_b).subjects] == ["Hộ ông Phạm Văn Đông · Thôn Đoài"]
    # Commune A's device cannot fetch a form it is not offered.
    citizen_b = next(i for i in list_b if i["formID"] != list_a[0]["formID"])
    assert a.get(citizen_b["downloadUrl"]).status_code == 404
    assert a.get(citizen_b["manifestUrl"]).status_code == 404


def test_a_campaign_of_another_year_is_another_form(client, people, users, campaigns, published):
    create_campaign(Title.FAMILY, 2026)
    village = Scope(users["village_officer"])
    workflow.register(village, Title.FAMILY, people["household"], 2025)
    workflow.register(village, Title.FAMILY, people["neighbour"], 2026)
    ids = [item["formID"] for item in Collect(client, *_device(users["village_officer"])).form_list()]
    assert len(set(ids)) == 2


def test_without_a_credential_the_server_asks_for_basic_authentication(client, device, users):
    response = client.get("/openrosa/formList", secure=True)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="hoctap"')
    assert response["X-OpenRosa-Version"] == "1.0"
    wrong = Collect(client, device[0].login, "not-the-secret")
    assert wrong.get("/openrosa/formList").status_code == 401


def test_a_revoked_credential_no_longer_works(client, device):
    credential, secret = device
    collect = Collect(client, credential.login, secret)
    assert collect.get("/openrosa/formList").status_code == 200
    credential.revoke()
    assert collect.get("/openrosa/formList").status_code == 401
    assert collect.head().status == 401


def test_plain_http_is_refused(client, device):
    collect = Collect(client, device[0].login, device[1])
    response = client.get("/openrosa/formList", **collect.headers)
    assert response.status_code == 403
    assert "https://" in response.content.decode()


def test_the_secret_is_not_stored(device):
    credential, secret = device
    stored = DeviceCredential.objects.get(pk=credential.pk)
    assert secret not in stored.digest and stored.matches(secret) and not stored.matches(secret[:-1])


def test_the_form_carries_floors_of_a_provincial_set():
    data = loader.load_file(loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml").model_dump(mode="python")
    data["criteria"][0]["indicators"][0]["floor"] = Decimal("2.5")
    definition = loader.load_mapping(data)
    result = xform.convert(xform.xlsform(definition, form_id="hoctap_1_2", title="T", version="1.1"), form_name="data")
    assert "Dưới 2,5 điểm (điểm sàn)" in result.xform


def _device(user):
    credential, secret = DeviceCredential.issue(user, "Máy thử")
    return credential.login, secret


def test_the_saved_form_is_named_after_its_subject():
    definition = loader.load_file(loader.SHIPPED_SETS_DIR / "family-448-2015.yaml")
    result = xform.convert(xform.xlsform(definition, form_id="hoctap_1_2", title="T", version="1.1"), form_name="data")
    binds = _binds(ET.fromstring(result.xform))
    assert binds["instanceName"].get("calculate") == "instance('subjects')/root/item[name= /data/subject ]/label"


def test_the_form_list_and_subject_list_cost_the_same_queries_for_two_or_twenty_subjects(
    client, people, users, campaigns, device, small_map
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village = Scope(users["village_officer"])
    workflow.register(village, Title.FAMILY, people["household"], 2025)
    workflow.register(village, Title.CITIZEN, people["head"], 2025)
    collect = Collect(client, device[0].login, device[1])

    def cost():
        with CaptureQueriesContext(connection) as listing:
            items = collect.form_list()
        with CaptureQueriesContext(connection) as subjects:
            for item in items:
                collect.get(item["downloadUrl"].replace("form.xml", "subjects.csv"))
        return len(listing), len(subjects)

    cost()  # the credential's first use is written once
    before = cost()
    for n in range(20):
        person = Person.objects.create(
            full_name=f"Người thứ {n}", sex=Sex.MALE, birth_year=1970 + n, unit=small_map["village_a"]
        )
        workflow.register(village, Title.CITIZEN, person, 2025)
    assert cost() == before
