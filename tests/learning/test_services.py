"""The rules of the learning records and the figures rolled up: refusals name their field, the
literate stay within their age band, and a commune that did not report never becomes 100 %."""

import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoctap.accounts.scoping import Scope
from hoctap.learning import services
from hoctap.learning.models import CentreClass, LiteracyDeclaration
from tests.conftest import make_unit
from tests.learning.conftest import a_class, source

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_class_is_recorded_and_bad_fields_are_named(small_map, scope_a, officer_a):
    commune = small_map["commune_a"]
    record = services.record_class(scope_a, commune, user=officer_a, **a_class(datetime.date(LAST_YEAR, 3, 12)))
    assert (record.participants, record.sessions, record.recorded_by) == (45, 3, officer_a)
    future = timezone.localdate() + datetime.timedelta(days=3)
    errors = refusal(
        lambda: services.record_class(
            scope_a, commune, **a_class(future, topic="astrology", name=" ", participants="4,5", held_by="", sessions=0)
        )
    )
    assert set(errors) == {"topic", "name", "started_on", "participants", "held_by", "sessions"}
    assert "sau hôm nay" in errors["started_on"][0] and "số nguyên" in errors["participants"][0]
    errors = refusal(
        lambda: services.record_class(
            scope_a,
            commune,
            **a_class(datetime.date(LAST_YEAR, 3, 12), ended_on=datetime.date(LAST_YEAR, 3, 1), participants=10**7),
        )
    )
    assert "trước ngày bắt đầu" in errors["ended_on"][0] and "quá lớn" in errors["participants"][0]
    errors = refusal(
        lambda: services.record_class(
            scope_a, commune, **a_class(datetime.date(LAST_YEAR, 3, 12), name="Lớp\x00A", held_by="Xã\u202eA")
        )
    )
    assert set(errors) == {"name", "held_by"} and "ký tự ẩn" in errors["name"][0]  # PostgreSQL never sees a NUL
    assert CentreClass.objects.count() == 1


def test_only_the_communes_own_officers_write(small_map, scope_a, province_officer, officer_b):
    day = datetime.date(LAST_YEAR, 3, 12)
    with pytest.raises(Http404):
        services.record_class(scope_a, small_map["commune_b"], **a_class(day))
    with pytest.raises(Http404):  # the province reads its communes' records; it does not write them
        services.record_class(Scope(province_officer), small_map["commune_a"], **a_class(day))
    with pytest.raises(Http404):
        services.declare(Scope(province_officer), small_map["commune_a"], **source(LAST_YEAR))
    with pytest.raises(ValidationError):
        services.record_week_activity(scope_a, small_map["village_a"], date=day, activity="x", participants=1)
    assert not CentreClass.objects.exists()


def test_declaration_checks_bands_and_source_and_corrects_in_place(small_map, scope_a):
    commune = small_map["commune_a"]
    errors = refusal(
        lambda: services.declare(
            scope_a,
            commune,
            **source(
                LAST_YEAR,
                literate_15_35=1001,
                literate2_15_60=2600,
                declared_by="",
                document="",
                literacy_level=3,
                document_date=None,
            ),
        )
    )
    assert set(errors) == {
        "literate_15_35",
        "literate2_15_60",
        "declared_by",
        "document",
        "literacy_level",
        "document_date",
    }
    assert "1001" in errors["literate_15_35"][0] and "1000" in errors["literate_15_35"][0]
    errors = refusal(
        lambda: services.declare(scope_a, commune, **source(LAST_YEAR, population_15_35=3000, literate_15_35=10))
    )
    assert "15–60" in errors["population_15_35"][0]
    errors = refusal(
        lambda: services.declare(
            scope_a, commune, **source(LAST_YEAR, document_date=datetime.date(LAST_YEAR - 1, 12, 1))
        )
    )
    assert "document_date" in errors
    errors = refusal(lambda: services.declare(scope_a, commune, **source(timezone.localdate().year + 1)))
    assert "year" in errors
    services.declare(scope_a, commune, **source(LAST_YEAR))
    services.declare(scope_a, commune, **source(LAST_YEAR, literate_15_35=995))
    declaration = LiteracyDeclaration.objects.get()
    assert declaration.literate_15_35 == 995
    assert "25/BC-UBND" in declaration.source_line and "Nguyễn Văn Hùng" in declaration.source_line


def test_figures_roll_up_with_coverage(small_map, scope_a, officer_b):
    province, a, b = small_map["province"], small_map["commune_a"], small_map["commune_b"]
    make_unit("commune", "12003", "Xã Cát Tiên", province)
    scope_b = Scope(officer_b)
    services.record_class(scope_a, a, **a_class(datetime.date(LAST_YEAR, 3, 12)))
    services.record_class(
        scope_a,
        a,
        **a_class(datetime.date(LAST_YEAR, 5, 2), topic="digital", name="Kỹ năng số", participants=30, sessions=2),
    )
    services.record_class(scope_b, b, **a_class(datetime.date(LAST_YEAR - 1, 5, 2)))  # another year
    services.record_week_activity(
        scope_b, b, date=datetime.date(LAST_YEAR, 10, 1), activity="Khai mạc Tuần lễ", participants=120
    )
    services.declare(scope_a, a, **source(LAST_YEAR))

    figures = services.figures(province, LAST_YEAR)
    total = figures.total
    assert (total.communes, total.classes, total.sessions, total.participants) == (3, 2, 5, 75)
    assert total.by_topic["agriculture"] == [1, 45] and total.by_topic["digital"] == [1, 30]
    assert (total.centres_active, total.week_activities, total.week_participants, total.week_communes) == (1, 1, 120, 1)
    literate = total.literate_share()
    assert (literate.covered, literate.expected, literate.rate) == (1, 3, Fraction(99))
    assert literate.coverage == "1/3 xã đã báo cáo"
    # The one declaring commune holds level 2; the other two are not known to: 1 of 3, never 100 %.
    level2 = total.standard_share("literacy_level", 2)
    assert (level2.numerator, level2.denominator) == (1, 3)
    lines = {child.code: line for child, line in figures.children}
    assert set(lines) == {"12001", "12002", "12003"}
    assert lines["12002"].literate_share().rate is None and lines["12002"].week_activities == 1
    nation = services.figures(small_map["nation"], LAST_YEAR)
    assert nation.total.as_dict() == total.as_dict()
    assert [child.code for child, _line in nation.children] == ["33"]
    commune = services.figures(a, LAST_YEAR)
    assert commune.total.classes == 2 and commune.declarations[0].commune == a and not commune.children


def test_nothing_declared_is_unknown_not_zero(small_map):
    total = services.figures(small_map["province"], LAST_YEAR).total
    assert total.literate_share().rate is None and total.standard_share("literacy_level", 2).rate is None
    assert total.literate_share().coverage == "0/2 xã đã báo cáo"


def test_figures_cost_the_same_queries_at_any_size(small_map, scope_a, django_assert_max_num_queries):
    for n in range(12):
        services.record_class(
            scope_a, small_map["commune_a"], **a_class(datetime.date(LAST_YEAR, 1 + n, 1), name=f"Lớp {n}")
        )
    with django_assert_max_num_queries(6):
        services.figures(small_map["nation"], LAST_YEAR)
    with django_assert_max_num_queries(6):
        services.figures(small_map["province"], LAST_YEAR)


DECLARATION = st.fixed_dictionaries(
    {
        "population_15_35": st.integers(0, 5000),
        "extra_15_60": st.integers(0, 5000),
        "literate_part": st.fractions(0, 1),
        "literate2_part": st.fractions(0, 1),
        "literacy_level": st.integers(0, 2),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declared=st.lists(st.one_of(st.none(), DECLARATION), min_size=1, max_size=6))
def test_missing_reports_never_make_a_full_share(small_map, central_admin, declared):
    """Whatever some communes declare, a share of communes reaches 100 % only when every commune
    declared and meets it; a share of people is over the declaring communes and says how many."""
    province = small_map["province"]
    admin = Scope(central_admin)
    LiteracyDeclaration.objects.all().delete()
    existing = list(province.children.filter(level="commune").order_by("code"))
    for n in range(len(existing), len(declared)):
        existing.append(make_unit("commune", f"129{n:02d}", f"Xã Thử {n}", province))
    communes = existing
    # Communes made by an earlier example stay (the database outlives the examples) and declare nothing.
    declared = declared + [None] * (len(communes) - len(declared))
    expected_people, expected_literate, reporting, at_level2 = 0, 0, 0, 0
    for commune, figures in zip(communes, declared, strict=True):
        if figures is None:
            continue
        people = figures["population_15_35"]
        literate = int(people * figures["literate_part"])
        band = people + figures["extra_15_60"]
        services.declare(
            admin,
            commune,
            **source(
                LAST_YEAR,
                population_15_35=people,
                literate_15_35=literate,
                population_15_60=band,
                literate2_15_60=int(band * figures["literate2_part"]),
                literacy_level=figures["literacy_level"],
            ),
        )
        reporting += 1
        expected_people += people
        expected_literate += literate
        at_level2 += figures["literacy_level"] == 2
    total = services.figures(province, LAST_YEAR).total
    share = total.literate_share()
    assert (share.covered, share.expected) == (reporting, len(communes))
    if reporting == 0 or expected_people == 0:
        assert share.rate is None
    else:
        assert share.rate == Fraction(expected_literate * 100, expected_people)
    level2 = total.standard_share("literacy_level", 2)
    assert level2.denominator == len(communes) and level2.numerator == at_level2
    if level2.rate == 100:
        assert reporting == len(communes)
    assert sum(line.declared for _c, line in services.figures(province, LAST_YEAR).children) == reporting


def test_the_report_section_equals_the_live_figures(small_map, scope_a):
    from hoctap.learning.report_sections import SECTIONS

    services.record_week_activity(
        scope_a,
        small_map["commune_a"],
        date=datetime.date(LAST_YEAR, 10, 2),
        activity="Khai mạc Tuần lễ",
        participants=90,
    )
    empty = SECTIONS[0].compute(small_map["province"], LAST_YEAR)["total"]["values"]
    assert empty["literate_rate"] is None and empty["literacy_level_2"] is None and empty["week_communes"] == 1
    services.declare(scope_a, small_map["commune_a"], **source(LAST_YEAR))
    section = SECTIONS[0].compute(small_map["province"], LAST_YEAR)
    total = services.figures(small_map["province"], LAST_YEAR).total
    values = section["total"]["values"]
    assert values["literate_rate"] == "99.0" and values["literate2_rate"] == "92.0"
    assert (values["literacy_level_2"], values["communes"], values["declared"]) == (1, 2, total.declared)
    assert section["notes"] == ["1/2 xã đã báo cáo"]
    assert {row["name"]: row["values"]["declared"] for row in section["rows"]} == {"Xã An Lạc": 1, "Xã Bình Minh": 0}
