"""The API under fuzzing (issue 16 §3): schemathesis reads the live OpenAPI schema that django-ninja
serves at /api/v1/openapi.json (to a signed-in user) and sends generated requests, valid and invalid, to every operation
with the tokens of three roles (a citizen, a commune officer, a province officer). Any 5xx, or a
response that does not match its documented schema, fails the test.

Bounded: a few examples per operation and role (FUZZ_EXAMPLES, default 6), no shrinking, so the
whole run stays around a minute; `FUZZ_EXAMPLES=200` digs deeper by hand.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.criteria.shipped import publish_shipped_sets
from tests.conftest import make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

pytestmark = pytest.mark.django_db(transaction=True)


def describe(error: BaseException) -> str:
    """The first lines of each distinct failure (schemathesis groups them), without the long curl."""
    parts = list(error.exceptions) if isinstance(error, BaseExceptionGroup) else [error]
    return " | ".join(" ".join(str(part).split())[:400] for part in parts)


@pytest.fixture
def tokens(small_map, officer_a, province_officer):
    publish_shipped_sets(log=lambda _message: None)
    citizen = make_user("citizen_a", Role.CITIZEN, small_map["commune_a"])
    return {user.username: ApiToken.issue(user, "fuzz")[1] for user in (citizen, officer_a, province_officer)}


def test_every_operation_answers_without_5xx_and_as_documented(tokens, client, province_officer):
    client.force_login(province_officer)  # the schema, like the docs page, is for signed-in users
    live_schema = client.get("/api/v1/openapi.json")
    assert live_schema.status_code == 200
    schema = schemathesis.openapi.from_dict(live_schema.json())
    schema.app = get_wsgi_application()  # requests go through the whole Django stack, in process
    failures, statuses = [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80
    for operation in operations:
        for username, token in tokens.items():
            # identity: schemathesis's in-process WSGI transport does not gunzip the compressed answers
            headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
            strategy = st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
                operation.as_strategy(GenerationMode.NEGATIVE, headers=headers),
            )

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def fuzz(case):  # called at once below, inside this loop turn: B023 does not apply
                response = case.call_and_validate(checks=CHECKS, headers=headers)  # noqa: B023
                statuses.append((operation.label, response.status_code))  # noqa: B023

            try:
                fuzz()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 -- report every operation's failures
                failures.append(f"{operation.label} as {username}: {describe(error)}")
    assert not failures, "\n\n".join(failures)
    # The requests reached the views: signed in, and many operations answered with data.
    assert len(statuses) >= len(operations) * len(tokens)
    assert len({label for label, status in statuses if 200 <= status < 300}) > 20
    assert not [status for _label, status in statuses if status == 401]
