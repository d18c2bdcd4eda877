"""Shared fixtures: a small hand-made map (two communes of one province), users per role."""

import datetime
import itertools
import os

import hypothesis
import pytest
from django.conf import settings as django_settings
from django.test.utils import override_settings
from django.utils import translation

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Role
from hoctap.territory.loader import load_territories
from hoctap.territory.models import Era, Level, Unit, UnitLineage
from tests import seaweedfs as seaweed

# Speed is measured in bench/, never by a unit test: hypothesis must not fail an example for taking long
# on a loaded CI machine (its per-example deadline and "too slow" data-generation check).
hypothesis.settings.register_profile("hoctap", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow])
hypothesis.settings.load_profile("hoctap")


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in the test's thread (as a server thread would
    until its next request): every test starts and ends in the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


def make_unit(level, code, name, parent=None, era=Era.CURRENT, division_type=None, **extra):
    short = name.split(" ", 1)[1] if " " in name and level != Level.NATION else name
    return Unit.objects.create(
        era=era,
        level=level,
        code=code,
        name=name,
        short_name=short,
        division_type=division_type or name.split(" ", 1)[0].lower(),
        parent=parent,
        **extra,
    )


@pytest.fixture
def small_map(db):
    """Nation → Tỉnh Hưng Yên → Xã An (A) and Xã Bình (B), each with a village; a legacy
    Thái Bình commune that became Xã Bình."""
    nation = make_unit(Level.NATION, "VN", "Việt Nam")
    province = make_unit(Level.PROVINCE, "33", "Tỉnh Hưng Yên", nation)
    commune_a = make_unit(Level.COMMUNE, "12001", "Xã An Lạc", province)
    commune_b = make_unit(Level.COMMUNE, "12002", "Xã Bình Minh", province)
    village_a = make_unit(Level.VILLAGE, "12001-001", "Thôn Đông", commune_a, division_type="Thôn")
    village_b = make_unit(Level.VILLAGE, "12002-001", "Thôn Đoài", commune_b, division_type="Thôn")
    old_province = make_unit(Level.PROVINCE, "34", "Tỉnh Thái Bình", nation, era=Era.LEGACY)
    old_district = make_unit(Level.DISTRICT, "336", "Huyện Vũ Thư", old_province, era=Era.LEGACY)
    old_commune = make_unit(Level.COMMUNE, "12990", "Xã Minh Quang", old_district, era=Era.LEGACY)
    UnitLineage.objects.create(old_unit=old_commune, new_unit=commune_b)
    return {
        "nation": nation,
        "province": province,
        "commune_a": commune_a,
        "commune_b": commune_b,
        "village_a": village_a,
        "village_b": village_b,
        "old_commune_b": old_commune,
        "old_province": old_province,
        "old_district": old_district,
    }


def make_user(username, role, unit, **extra):
    user = User.objects.create_user(username=username, password="correct-horse-battery-9", full_name=username, **extra)
    RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=datetime.date(2020, 1, 1))
    return user


@pytest.fixture
def officer_a(small_map):
    return make_user("officer_a", Role.COMMUNE_OFFICER, small_map["commune_a"])


@pytest.fixture
def officer_b(small_map):
    return make_user("officer_b", Role.COMMUNE_OFFICER, small_map["commune_b"])


@pytest.fixture
def province_officer(small_map):
    return make_user("province_officer", Role.PROVINCE_OFFICER, small_map["province"])


@pytest.fixture
def central_admin(small_map):
    return make_user("central_admin", Role.CENTRAL_ADMIN, small_map["nation"])


@pytest.fixture
def client_a(client, officer_a):
    client.force_login(officer_a)
    return client


# --- the real map of both eras, loaded once per session ---------------------------------------
# `loaded_map` loads the map into the test database outside any test transaction, so it stays for
# the whole session; tests that use it must be `@pytest.mark.django_db` (transaction rolled back
# after each test), not `transaction=True`, which would flush it. It is removed at the end of the
# session so a reused database (`--reuse-db`) starts empty.
#
# While it is loaded, fixtures that create units with real codes (the hand-made `small_map` of
# this file: "VN", "33", "34", "336", ...) would collide with it on the unique
# (era, level, code) constraint, so the hook below runs every test that uses `loaded_map` after all
# the others. (With xdist each worker loads its own copy.)


def pytest_collection_modifyitems(session, config, items):
    """Tests that need the real map run last (stable order otherwise)."""
    items[:] = sorted(items, key=lambda item: "loaded_map" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def loaded_map(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = load_territories()
    yield result
    with django_db_blocker.unblock():
        # Plain DELETEs, children first: the ORM's delete() fetches and signals every one of the
        # ~14,000 units (6 s); nothing else refers to them once every test has rolled back.
        UnitLineage.objects.all()._raw_delete(UnitLineage.objects.db)
        for level in (Level.VILLAGE, Level.COMMUNE, Level.DISTRICT, Level.PROVINCE, Level.NATION):
            Unit.objects.filter(level=level)._raw_delete(Unit.objects.db)


# -- where files go: MEDIA_ROOT, or a real S3-compatible bucket ------------------------------------
# `--storage=s3` (or HOCTAP_TEST_STORAGE=s3) runs the session with default storage on a bucket of a
# SeaweedFS server started here (tests/seaweedfs.py), the way production runs with S3_BUCKET set:
# scripts/run-tests.sh runs the evidence, document, import and export tests that way on each
# database. Tests that always need the bucket (two app servers sharing files) ask for `seaweedfs`.
# If the server cannot start, those tests fail; they are never skipped.


def pytest_addoption(parser):
    parser.addoption(
        "--storage",
        choices=("local", "s3"),
        default=os.environ.get("HOCTAP_TEST_STORAGE") or "local",
        help="where default storage keeps files during the tests: local (MEDIA_ROOT) or s3 (a SeaweedFS bucket)",
    )


_seaweed_failure: list[str] = []


@pytest.fixture(scope="session")
def seaweedfs():
    """A SeaweedFS server (S3 gateway) for the session, started once, stopped at the end."""
    if _seaweed_failure:
        pytest.fail(_seaweed_failure[0], pytrace=False)
    try:
        server = seaweed.start()
    except seaweed.SeaweedUnavailable as error:
        _seaweed_failure.append(str(error))
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def file_storage(request):
    """ "local", or "s3": then default storage is a bucket of `seaweedfs` for the whole session, and
    the S3_* variables in os.environ make subprocesses (crash tests, app servers) use it too."""
    mode = request.config.getoption("--storage")
    if mode != "s3":
        yield mode
        return
    server = request.getfixturevalue("seaweedfs")
    bucket = server.create_bucket("hoctap-tests")
    saved = {key: os.environ.get(key) for key in server.storage_env(bucket)}
    os.environ.update(server.storage_env(bucket))
    storage = seaweed.s3_storage_settings(server, bucket)
    with override_settings(STORAGES={**django_settings.STORAGES, "default": storage}):
        yield mode
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_prefixes = itertools.count(1)


def use_private_files(settings, tmp_path, file_storage_mode: str) -> None:
    """Each test keeps its files apart: its own MEDIA_ROOT, or its own key prefix in the bucket
    (read by tests.seaweedfs.PrefixedS3Storage from S3_PREFIX, which subprocesses inherit)."""
    if file_storage_mode == "s3":
        os.environ["S3_PREFIX"] = f"t{os.getpid()}-{next(_prefixes)}"
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
