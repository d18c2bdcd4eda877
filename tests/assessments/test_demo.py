"""The demo's yearly cycle on the real map: every state, decisions with certificates that verify;
loading it twice changes nothing."""

import pytest

from hoctap.assessments import certificates
from hoctap.assessments.models import Assessment, Campaign, Certificate, CitizenSignup, Decision, Evidence
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.stats.models import Tally
from hoctap.demo.steps import run_all


@pytest.mark.django_db
def test_demo_cycle(loaded_map):
    context = run_all(log=lambda *args: None)
    counts = [model.objects.count() for model in (Campaign, Assessment, Decision, Certificate, Evidence, CitizenSignup)]
    run_all(log=lambda *args: None)
    assert [model.objects.count() for model in (Campaign, Assessment, Decision, Certificate, Evidence,
                                                CitizenSignup)] == counts
    province = context["province"]
    assert Campaign.objects.filter(province=province, year__in=[2024, 2025]).count() == 4
    commune = context["communes"][0]
    mine = Assessment.objects.filter(unit__path__startswith=commune.path)
    assert set(mine.values_list("state", flat=True)) == set(State.values)
    # every title has an assessment in 2025 but the commune learning community, recognised in 2024
    # for 3 years (not assessed again meanwhile), which the 2025 statistics still count
    assert set(mine.filter(campaign__year=2025).values_list("title", flat=True)) == \
        set(Title.values) - {Title.COMMUNE_COMMUNITY}
    held = mine.get(title=Title.COMMUNE_COMMUNITY)
    assert (held.campaign.year, held.state, held.campaign.validity_years) == (2024, State.CERTIFIED, 3)
    assert Tally.objects.get(unit=commune, year=2025, title=Title.COMMUNE_COMMUNITY, classification="").carried == 1
    certificate = Certificate.objects.filter(assessment__campaign__year=2025, assessment__state=State.CERTIFIED).first()
    assert certificates.verify(certificate.code).is_genuine
    revoked = Certificate.objects.get(assessment__state=State.REVOKED)
    assert certificates.verify(revoked.code).status == certificates.Status.REVOKED
    assert CitizenSignup.objects.filter(status=CitizenSignup.Status.PENDING).exists()
    assert Assessment.objects.filter(person__account=context["users"]["citizen"], state=State.SELF_ASSESSING).exists()
