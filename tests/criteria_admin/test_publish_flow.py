"""Upload → validation report → publish, through the pages: nothing is stored until the file is
valid and fits the published versions; every problem is reported with its place in the file."""

import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.xlsx import SHEET_CRITERIA, SHEET_INFO, import_xlsx

from .conftest import SHIPPED, edited_workbook, store, upload, workbook_bytes, yaml_of

pytestmark = pytest.mark.django_db

NEW_SET = {"code": "citizen-test-2025", "version": 1, "effective_from": datetime.date(2025, 7, 1)}


def check(client, content, name="set.yaml", target="national"):
    return client.post(reverse("criteria:import"), {"file": upload(content, name), "target": target})


def publish_form_data(response):
    form = response.context["publish_form"]
    return {name: form[name].value() for name in ("source_yaml", "source_name", "fingerprint", "target")}


def test_central_admin_uploads_checks_then_publishes_a_national_set(client, central_admin, published):
    client.force_login(central_admin)
    assert client.get(reverse("criteria:import")).status_code == 200
    before = CriteriaSetVersion.objects.count()

    report = check(client, yaml_of(**NEW_SET))
    assert report.status_code == 200
    assert report.context["candidate"].is_valid
    assert "Công bố" in report.content.decode()
    assert CriteriaSetVersion.objects.count() == before  # the report stores nothing

    response = client.post(reverse("criteria:publish"), publish_form_data(report))
    stored = CriteriaSetVersion.objects.get(code="citizen-test-2025")
    assert response.status_code == 302 and response.url == reverse("criteria:set_detail", args=[stored.pk])
    assert stored.version == 1 and stored.province is None and stored.published_by == central_admin
    assert stored.definition == loader.load_mapping({**SHIPPED["citizen-677-2022"].model_dump(), **NEW_SET})
    assert stored.fingerprint == stored.definition.fingerprint()
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == central_admin


def test_province_officer_publishes_for_their_own_province_only(client, province_officer, small_map, published):
    client.force_login(province_officer)
    page = client.get(reverse("criteria:import"))
    assert [value for value, _label in page.context["form"].fields["target"].choices] == [str(small_map["province"].pk)]
    report = check(client, yaml_of(**NEW_SET), target=str(small_map["province"].pk))
    client.post(reverse("criteria:publish"), publish_form_data(report))
    assert CriteriaSetVersion.objects.get(code="citizen-test-2025").province == small_map["province"]
    # "national" is not theirs to choose.
    refused = check(client, yaml_of(**{**NEW_SET, "code": "citizen-test-other"}), target="national")
    assert refused.status_code == 200 and "target" in refused.context["form"].errors


def test_province_approver_may_publish_too(client, province_approver, small_map, published):
    client.force_login(province_approver)
    report = check(client, yaml_of(**NEW_SET), target=str(small_map["province"].pk))
    assert report.context["candidate"].is_valid


def test_commune_officer_has_no_import_or_publish(client_a, published):
    assert client_a.get(reverse("criteria:import")).status_code == 404
    assert client_a.post(reverse("criteria:publish"), {}).status_code == 404
    assert b"criteria/import" not in client_a.get(reverse("criteria:set_list")).content


def test_malformed_yaml_lists_every_problem_with_its_line_and_stores_nothing(client, central_admin, published):
    client.force_login(central_admin)
    text = yaml_of(**NEW_SET)
    text = text.replace("max_points: 10\n", "max_points: -3\n", 1).replace("status: partial", "status: draft")
    before = CriteriaSetVersion.objects.count()
    report = check(client, text)
    problems = report.context["problems"]
    assert not report.context["candidate"].is_valid and report.context["publish_form"] is None
    paths = {p["path"] for p in problems}
    assert {"criteria[0].indicators[0].max_points", "status"} <= paths
    lines = text.splitlines()
    for row in problems:
        line = int(re.search(r"\d+", row["where"]).group())
        key = row["path"].rsplit(".", 1)[-1]
        assert key in lines[line - 1], row  # the line shown is the line of that key
    assert reverse("criteria:publish") not in report.content.decode()
    assert CriteriaSetVersion.objects.count() == before


def test_problems_follow_the_language_switch(client, central_admin, published):
    client.force_login(central_admin)
    client.cookies["django_language"] = "en"
    report = check(client, yaml_of(**NEW_SET).replace("status: partial", "status: draft"))
    assert any(p["message"].startswith("Must be one of") for p in report.context["problems"])


def test_version_must_be_the_next_one_and_is_located(client, central_admin, published):
    client.force_login(central_admin)
    # The shipped file is version 2, so 4 skips a number and 3 is next.
    text = yaml_of(code="citizen-677-2022", version=4)
    report = check(client, text)
    [problem] = report.context["candidate"].problems
    assert problem.kind == "version_not_next" and problem.path == "version"
    assert text.splitlines()[problem.line - 1].startswith("version: 4")
    assert "version: 3" in problem.message_vi
    # The next number passes, and the report shows what changed against version 2.
    report = check(client, yaml_of(code="citizen-677-2022", version=3, name_vi="Tên mới"))
    assert report.context["candidate"].is_valid
    assert [c.key for c in report.context["diff"].changes] == ["citizen-677-2022"]


def test_a_new_code_starts_at_version_one(client, central_admin, published):
    client.force_login(central_admin)
    [problem] = check(client, yaml_of(**{**NEW_SET, "version": 2})).context["candidate"].problems
    assert problem.kind == "version_not_next" and "version: 1" in problem.message_vi


def test_unchanged_content_is_not_a_new_version(client, central_admin, published):
    client.force_login(central_admin)
    [problem] = check(client, yaml_of(version=3)).context["candidate"].problems
    assert problem.kind == "unchanged"


def test_a_code_of_another_territory_or_title_is_refused(client, province_officer, small_map, province_b, published):
    store("citizen-cao-nguyen", 1, province=province_b)
    client.force_login(province_officer)
    target = str(small_map["province"].pk)
    [taken] = check(client, yaml_of(code="citizen-cao-nguyen", version=2), target=target).context["candidate"].problems
    assert taken.kind == "code_taken" and "Cao Nguyên" not in taken.message_vi  # whose it is stays hidden
    [national] = (
        check(client, yaml_of(code="citizen-677-2022", version=2, name_vi="x"), target=target)
        .context["candidate"]
        .problems
    )
    assert national.kind == "code_taken"


def test_title_cannot_change_between_versions(client, central_admin, published):
    client.force_login(central_admin)
    text = yaml_of("clan-448-2015", code="family-448-2015", version=2)
    [problem] = check(client, text).context["candidate"].problems
    assert problem.kind == "title_changed" and problem.path == "title" and problem.line is not None


def test_publish_checks_again_and_refuses_a_changed_text(client, central_admin, published):
    client.force_login(central_admin)
    data = publish_form_data(check(client, yaml_of(**NEW_SET)))
    tampered = {**data, "source_yaml": data["source_yaml"].replace("max_points: 10", "max_points: 11", 1)}
    response = client.post(reverse("criteria:publish"), tampered)
    assert response.status_code == 422
    assert [p.kind for p in response.context["candidate"].problems] == ["changed_since_review"]
    assert not CriteriaSetVersion.objects.filter(code="citizen-test-2025").exists()


def test_publishing_twice_makes_one_version(client, central_admin, published):
    client.force_login(central_admin)
    data = publish_form_data(check(client, yaml_of(**NEW_SET)))
    assert client.post(reverse("criteria:publish"), data).status_code == 302
    again = client.post(reverse("criteria:publish"), data)
    assert again.status_code == 422
    assert CriteriaSetVersion.objects.filter(code="citizen-test-2025").count() == 1


def test_publish_with_a_foreign_target_is_refused(client, province_officer, small_map, province_b, published):
    client.force_login(province_officer)
    data = publish_form_data(check(client, yaml_of(**NEW_SET), target=str(small_map["province"].pk)))
    response = client.post(reverse("criteria:publish"), {**data, "target": str(province_b.pk)})
    assert response.status_code == 400
    assert not CriteriaSetVersion.objects.filter(code="citizen-test-2025").exists()


def _edited_export(content: bytes, **info) -> bytes:
    """A downloaded workbook after changing rows of its information sheet (key → value)."""
    workbook = load_workbook(io.BytesIO(content))
    for row in workbook[SHEET_INFO].iter_rows(min_row=2):
        if row[0].value in info:
            row[2].value = info[row[0].value]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_upload_round_trip(client, central_admin, published):
    """Export the shipped version (2) as a workbook, edit it in Excel (new version, new name), upload,
    publish: the same set but for those two cells; and version 3 exports to a workbook that reads back equal."""
    client.force_login(central_admin)
    v1 = published["citizen-677-2022"]
    assert v1.version == 2
    exported = client.get(reverse("criteria:export_xlsx", args=[v1.pk]))
    assert exported.status_code == 200 and exported.content.startswith(b"PK")

    report = check(client, _edited_export(exported.content, version=3, name="Bộ tiêu chí đã sửa"), name="citizen.xlsx")
    assert report.context["candidate"].is_valid, report.context["problems"]
    [change] = report.context["diff"].changes
    assert [f.field for f in change.fields] == ["name_vi"]
    client.post(reverse("criteria:publish"), publish_form_data(report))

    v2 = CriteriaSetVersion.objects.get(code=v1.code, version=3)
    assert v2.definition == v1.definition.model_copy(update={"version": 3, "name_vi": "Bộ tiêu chí đã sửa"})
    again = client.get(reverse("criteria:export_xlsx", args=[v2.pk]))
    assert import_xlsx(again.content, "v2.xlsx") == v2.definition


def test_unchanged_workbook_is_refused_at_the_version_cell(client, central_admin, published):
    client.force_login(central_admin)
    v1 = published["citizen-677-2022"]
    exported = client.get(reverse("criteria:export_xlsx", args=[v1.pk])).content
    report = check(client, _edited_export(exported, version=3), name="same.xlsx")
    [problem] = report.context["candidate"].problems
    assert problem.kind == "unchanged"
    assert (problem.sheet, problem.row, problem.column) == (SHEET_INFO, 4, "C")
    assert report.context["problems"][0]["where"] == f"{SHEET_INFO}!C4"


def test_malformed_workbook_points_at_sheet_row_and_column(client, central_admin, published):
    client.force_login(central_admin)

    def break_points(workbook):
        sheet = workbook[SHEET_CRITERIA]
        header = [cell.value for cell in sheet[1]]
        sheet.cell(row=2, column=header.index("Điểm tối đa") + 1).value = "mười"

    before = CriteriaSetVersion.objects.count()
    report = check(client, edited_workbook(SHIPPED["citizen-677-2022"], break_points), name="x.xlsx")
    rows = report.context["problems"]
    assert any(row["where"].startswith(f"{SHEET_CRITERIA}!") and row["where"].endswith("2") for row in rows), rows
    assert CriteriaSetVersion.objects.count() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.7\n\x00\x01", "không phải văn bản YAML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "tệp Excel cũ"),
        (b"PK\x03\x04not really a zip", "bị hỏng"),
        (b"   \n", "rỗng"),
    ],
)
def test_files_that_are_neither_yaml_nor_xlsx_are_refused_by_content(
    client,
    central_admin,
    published,
    content,
    message,
):
    client.force_login(central_admin)
    response = check(client, content, name="looks-fine.yaml")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors["file"])


def test_size_limit(client, central_admin, published, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(central_admin)
    response = check(client, yaml_of(**NEW_SET))
    assert "quá lớn" in " ".join(response.context["form"].errors["file"])


def test_non_utf8_yaml_is_a_problem_not_a_crash(client, central_admin, published):
    client.force_login(central_admin)
    report = check(client, b"title: citizen\ncode: caf\xe9\n")
    assert [p["kind"] for p in report.context["problems"]] == ["encoding"]


def test_workbook_export_of_the_stored_set_reimports_equal(published):
    for version in published.values():
        assert import_xlsx(workbook_bytes(version.definition), "x.xlsx") == version.definition
