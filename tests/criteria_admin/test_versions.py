"""A used version never changes; a province's own set replaces the national one there; a newer
version of a code replaces the older one from its start date."""

import datetime

import pytest

from hoctap.assessments.models import Assessment, Campaign, SubjectKind
from hoctap.criteria.models import CriteriaSetInUse, CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.registry.models import Person

from .conftest import store, yaml_of

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 9, 1)


def use(version, unit):
    """An assessment scored on `version`: the minimum rows the foreign keys need."""
    campaign = Campaign.objects.create(
        year=2025,
        title=Title.CITIZEN,
        registration_opens=datetime.date(2025, 1, 1),
        registration_closes=datetime.date(2025, 3, 1),
        self_assessment_deadline=datetime.date(2025, 10, 1),
        review_deadline=datetime.date(2025, 11, 1),
        recognition_deadline=datetime.date(2025, 12, 1),
    )
    person = Person.objects.create(full_name="Nguyễn Văn An", sex="male", birth_year=1980, unit=unit)
    return Assessment.objects.create(
        campaign=campaign,
        title=Title.CITIZEN,
        subject_kind=SubjectKind.PERSON,
        person=person,
        unit=unit,
        criteria_set=version,
    )


def test_a_used_version_refuses_any_change_to_its_content(small_map, published):
    version = published["citizen-677-2022"]
    use(version, small_map["village_a"])
    version.source_yaml = yaml_of(name_vi="Sửa lén")
    with pytest.raises(CriteriaSetInUse):
        version.save()
    version.refresh_from_db()
    for field, value in [("province", small_map["province"]), ("status", "official"), ("version", 9)]:
        setattr(version, field, value)
        with pytest.raises(CriteriaSetInUse):
            version.save()
        version.refresh_from_db()
    with pytest.raises(CriteriaSetInUse):
        version.delete()
    with pytest.raises(CriteriaSetInUse):
        CriteriaSetVersion.objects.filter(pk=version.pk).update(source_yaml="x")
    stored = CriteriaSetVersion.objects.get(pk=version.pk)
    assert stored.definition.name_vi != "Sửa lén" and stored.province is None


def test_bookkeeping_of_a_used_version_may_change(small_map, published, central_admin):
    version = published["citizen-677-2022"]
    use(version, small_map["village_a"])
    version.published_by = central_admin
    version.save()
    assert CriteriaSetVersion.objects.filter(published_by=central_admin).update(published_by=None) == 1


def test_an_unused_version_is_not_frozen(published):
    version = published["clan-448-2015"]
    version.name_en = "Renamed"
    version.save()
    CriteriaSetVersion.objects.filter(pk=version.pk).update(name_vi="Đổi tên")
    version.refresh_from_db()
    assert (version.name_vi, version.name_en) == ("Đổi tên", "Renamed")


def test_the_error_names_the_next_version(small_map, published):
    version = published["citizen-677-2022"]
    use(version, small_map["village_a"])
    with pytest.raises(CriteriaSetInUse) as refused:
        version.delete()
    assert "phiên bản 2" in refused.value.messages[0]


def test_province_set_is_picked_over_the_national_default(small_map, province_b, published):
    national = published["citizen-677-2022"]
    own = store("citizen-hung-yen", 1, province=small_map["province"])
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, small_map["province"], DAY)) == [own]
    # Another province, and the nation itself, keep the national default.
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, province_b, DAY)) == [national]
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, None, DAY)) == [national]
    # Before the province's set takes effect the national one applies there too.
    before = datetime.date(2025, 6, 30)
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, small_map["province"], before)) == [national]
    # A province set for another title does not displace this title's national set.
    assert national.title == Title.CITIZEN
    assert (
        CriteriaSetVersion.objects.applicable(Title.FAMILY, small_map["province"], DAY)
        .filter(province__isnull=True)
        .exists()
    )


def test_a_later_version_of_a_code_replaces_the_earlier_from_its_start(small_map, published):
    v1 = store("citizen-hung-yen", 1, province=small_map["province"])
    v2 = store(
        "citizen-hung-yen",
        2,
        province=small_map["province"],
        effective_from=datetime.date(2026, 1, 1),
        name_vi="Phiên bản 2",
    )
    province = small_map["province"]
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, province, DAY)) == [v1]
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, province, datetime.date(2026, 3, 1))) == [v2]
    # The earlier version stays readable: it is only no longer the one in force.
    assert CriteriaSetVersion.objects.filter(pk=v1.pk).exists()


def test_a_closed_province_set_hands_back_to_the_national_one(small_map, published):
    store("citizen-hung-yen", 1, province=small_map["province"], effective_to=datetime.date(2025, 12, 31))
    later = datetime.date(2026, 2, 1)
    assert list(CriteriaSetVersion.objects.applicable(Title.CITIZEN, small_map["province"], later)) == [
        published["citizen-677-2022"]
    ]
