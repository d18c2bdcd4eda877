import pytest
from tests import matrix_cases
from tests import test_scope_matrix as m

MINE = ("reports:", "inspections:", "awards:", "api:report", "api:export", "api:inspection", "api:finding", "api:score",
        "api:self_report", "api:update_self", "api:submit_self", "api:nomination", "api:award", "api:update_report",
        "api:list_reports", "api:list_nominations", "api:list_exports", "api:list_inspections", "api:list_awards",
        "api:list_self_reports", "api:honour", "api:emulation", "api:start_report", "api:create_", "api:plan_")

@pytest.fixture(autouse=True)
def only_mine(monkeypatch):
    routes = [r for r in m.all_routes() if r[0].startswith(MINE)]
    monkeypatch.setattr(m, "all_routes", lambda: routes)
    from django.urls import NoReverseMatch, reverse
    from hoctap.web import navigation
    ok = []
    for e in navigation.ENTRIES:
        try:
            reverse(e[0]); ok.append(e)
        except NoReverseMatch:
            pass
    monkeypatch.setattr(navigation, "ENTRIES", ok)

test_404 = m.test_officer_of_commune_a_gets_404_for_every_object_of_commune_b
test_lists = m.test_lists_of_commune_a_never_show_commune_b
world = m.world
