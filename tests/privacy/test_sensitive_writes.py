"""Ethnicity on every write path (issue 19 §3): the person form, the household form, the API and the Excel
import all ask ONE rule (registry.sensitive): only a role holding view_sensitive writes it, and only for
a person whose own consent to record it is current; a refusal says who may record it and what to do."""

import json

import pytest
from django.utils import timezone

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.core.imports import import_file
from hoctap.privacy import services
from hoctap.privacy.models import Covers, RequestKind
from hoctap.registry import sensitive
from hoctap.registry.imports import HOUSEHOLDS
from hoctap.registry.models import Person
from tests.registry.conftest import household_row, xlsx

pytestmark = pytest.mark.django_db
VILLAGE_A = "12001-001"


def consent(officer, person):
    services.record_basis(
        Scope(officer),
        [person],
        kind="consent_paper",
        covers=Covers.SENSITIVE,
        collected_by="Hoàng Văn Cán",
        collected_on=timezone.localdate(),
    )


def test_a_village_officer_file_with_an_ethnicity_column_is_refused_row_by_row(
    small_map, village_officer_a, officer_a, household_a, person_a
):
    rows = [
        household_row("H001", VILLAGE_A, "Nguyễn Văn An", id_number="034080001234", ethnicity="Tày", head=True),
        household_row("H001", VILLAGE_A, "Nguyễn Thị Bé", birth_year=2001, ethnicity="Kinh"),
        household_row("H001", VILLAGE_A, "Nguyễn Văn Cò", birth_year=2003),
    ]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(village_officer_a), actor=village_officer_a)
    assert not result.committed
    # Even the value on record (row 2: An is Tày) is refused: an answer that differed would reveal it.
    assert [(e["row"], e["header"]) for e in result.errors] == [(2, "Dân tộc"), (3, "Dân tộc")]
    assert all("chỉ cán bộ xã được giao mới ghi được" in e["reason"] for e in result.errors)
    assert not Person.objects.filter(full_name="Nguyễn Thị Bé").exists()
    blank = import_file(
        xlsx(HOUSEHOLDS, [household_row("H001", VILLAGE_A, "Nguyễn Văn Cò", birth_year=2003)]),
        HOUSEHOLDS,
        scope=Scope(village_officer_a),
        actor=village_officer_a,
    )
    assert blank.committed, blank.errors  # the same file without the column goes in
    person_a.refresh_from_db()
    assert person_a.ethnicity == "02"


def test_the_commune_officer_file_writes_only_where_consent_is_recorded(small_map, officer_a, household_a, person_a):
    person_a.ethnicity = ""
    person_a.save()
    row = household_row("H001", VILLAGE_A, "Nguyễn Văn An", id_number="034080001234", ethnicity="Tày", head=True)
    refused = import_file(xlsx(HOUSEHOLDS, [row]), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert [e["row"] for e in refused.errors] == [2]
    assert "Người này chưa có phiếu đồng ý riêng" in refused.errors[0]["reason"]
    consent(officer_a, person_a)
    assert import_file(xlsx(HOUSEHOLDS, [row]), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a).committed
    person_a.refresh_from_db()
    assert person_a.ethnicity == "02"


def test_the_api_applies_the_same_rule_to_patches_and_household_members(
    client, small_map, officer_a, village_officer_a, person_a
):
    def call(user, method, path, body):
        _, token = ApiToken.issue(user, "test")
        return getattr(client, method)(
            f"/api/v1/registry{path}",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    # A village officer may still correct a name of someone whose ethnicity is recorded (it is not sent back).
    assert call(village_officer_a, "patch", f"/people/{person_a.pk}", {"full_name": "Nguyễn Văn Ân"}).status_code == 200
    refused = call(village_officer_a, "patch", f"/people/{person_a.pk}", {"ethnicity": "Tày"})
    assert refused.status_code == 422 and "chỉ cán bộ xã được giao" in refused.content.decode("unicode_escape")
    member = {"full_name": "Lò Thị Mai", "sex": "female", "birth_year": 1990, "ethnicity": "Thái", "is_head": True}
    household = {"village": small_map["village_a"].pk, "members": [member]}
    refused = call(officer_a, "post", "/households", household)
    assert refused.status_code == 422 and "members.0.ethnicity" in refused.json()["errors"]
    person_a.refresh_from_db()
    assert (person_a.full_name, person_a.ethnicity) == ("Nguyễn Văn Ân", "02")
    # The commune officer clears a recorded group without a consent (the person withdrew it on paper).
    assert call(officer_a, "patch", f"/people/{person_a.pk}", {"ethnicity": ""}).status_code == 200
    person_a.refresh_from_db()
    assert person_a.ethnicity == ""


def test_a_withdrawn_consent_stops_the_next_write(small_map, officer_a, person_a):
    consent(officer_a, person_a)
    scope = Scope(officer_a)
    assert sensitive.refusal(scope, person_a.unit, person_id=person_a.pk, old="02", new="08") is None
    request = services.office_request(scope, person_a, kind=RequestKind.WITHDRAW, withdraw_covers=Covers.SENSITIVE)
    services.answer_request(scope, request, done=True, answer="Đã xóa dân tộc theo yêu cầu.")
    person_a.refresh_from_db()
    assert person_a.ethnicity == ""
    assert "đã rút lại" in sensitive.refusal(scope, person_a.unit, person_id=person_a.pk, old="", new="02")
    # A legal duty is never a basis for ethnicity, so it cannot open the way either.
    with pytest.raises(Exception, match="nhạy cảm"):
        services.record_basis(scope, [person_a], kind="legal_duty", covers=Covers.SENSITIVE, reference="Điều 1")
