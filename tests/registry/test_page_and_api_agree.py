"""The page and the API accept and refuse the same households: the rules live in the registry's
services (`household_members_problem`, `save_household`), not in the page's formset alone."""

import json

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.registry.models import Household, Person

MEMBER = {
    "full_name": "Hà Văn Tuấn",
    "sex": "male",
    "birth_year": 1980,
    "occupation_group": "farmer",
    "digital_skill": "none",
}
SPOUSE = {**MEMBER, "full_name": "Lường Thị Hoa", "sex": "female", "birth_year": 1983}

CASES = {
    # name: (members, outcome, message the refusal carries or None)
    "two members, one head": ([MEMBER, {**SPOUSE, "is_head": True}], "created", None),
    "no head ticked: the first becomes head": ([MEMBER], "created", None),
    "no members": ([], "refused", "Hộ phải có ít nhất một thành viên."),
    "two heads": ([{**MEMBER, "is_head": True}, {**SPOUSE, "is_head": True}], "refused", "Chỉ đánh dấu một chủ hộ."),
    "one ID number twice": (
        [{**MEMBER, "id_number": "034080007777"}, {**SPOUSE, "id_number": "034080007777"}],
        "refused",
        None,
    ),
    "a name with a hidden direction mark": ([{**MEMBER, "full_name": "Hà\u202eVăn"}], "refused", None),
}


def through_page(client, village, members):
    data = {
        "village": village.pk,
        "code": "",
        "address": "",
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
    }
    for index, member in enumerate(members):
        for field, value in member.items():
            if field == "is_head":
                if value:
                    data[f"members-{index}-is_head"] = "on"
            else:
                data[f"members-{index}-{field}"] = str(value)
    response = client.post("/registry/households/new/", data)
    return ("created" if response.status_code == 302 else "refused"), response.content.decode()


def through_api(client, token, village, members):
    body = {
        "village": village.pk,
        "members": [
            {key: value for key, value in member.items() if key not in ("occupation_group", "digital_skill")}
            | {"occupation_group": member["occupation_group"], "digital_skill": member["digital_skill"]}
            for member in members
        ],
    }
    response = client.post(
        "/api/v1/registry/households",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (201, 422), response.content
    return ("created" if response.status_code == 201 else "refused"), json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("case", CASES)
def test_the_page_and_the_api_decide_alike(case, client, small_map, officer_a):
    members, outcome, message = CASES[case]
    village = small_map["village_a"]
    client.force_login(officer_a)
    page_outcome, page_text = through_page(client, village, members)
    page_households = Household.objects.count()
    Person.objects.all().delete()
    Household.objects.all().delete()
    _, token = ApiToken.issue(officer_a, "agree")
    api_outcome, api_text = through_api(client, token, village, members)
    assert (page_outcome, api_outcome) == (outcome, outcome)
    assert page_households == Household.objects.count() == (1 if outcome == "created" else 0)
    if outcome == "created":
        household = Household.objects.get()
        ticked = [m["full_name"] for m in members if m.get("is_head")] or [members[0]["full_name"]]
        assert household.head.full_name == ticked[0] and household.members.count() == len(members)
    if message:
        assert message in page_text and message in api_text
