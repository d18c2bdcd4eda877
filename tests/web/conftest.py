from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    people,
    private_media,
    published,
    users,
)
