import pytest
from tests.stats.test_tallies_machine import *  # noqa
from hoctap.stats import citizens


@pytest.mark.django_db
def test_sabotaged(small_map, monkeypatch):
    monkeypatch.setattr(citizens, "apply_change", lambda *a, **k: None)
    machine = build_machine(small_map)
    machine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    machine.TestCase().runTest()
