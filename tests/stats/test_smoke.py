from hoctap.criteria.titles import Title
from hoctap.stats import recompute
from hoctap.stats.models import Tally


def test_registration_and_recognition_are_counted(make, small_map):
    village = small_map["village_a"]
    household = make.household(village)
    make.person(household, birth_year=1985)
    a = make.register(Title.FAMILY, household, 2025)
    assert Tally.objects.get(unit=village, year=2025, title="family", classification="").registered == 1
    make.recognise(a)
    row = Tally.objects.get(unit=small_map["commune_a"], year=2025, title="family", classification="")
    assert (row.registered, row.self_assessed, row.decided, row.recognised) == (1, 1, 1, 1)
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences))
