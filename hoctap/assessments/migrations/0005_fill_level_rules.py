"""Campaigns made before level rules existed get them from their pinned sets, as new campaigns do
(`campaigns.default_level_rules`): a unit campaign pinning the TT 24/2023 set then has the province
approver, 3 years and 12 months for province-managed units. Open assessments of those units take the
rule's validity; decided ones keep what their decision and certificate said."""

import yaml
from django.db import migrations

ABOVE_COMMUNE = ("district", "province")
FROZEN = ("recognised", "certified", "revoked", "not_recognised")


def fill(apps, schema_editor):
    Campaign = apps.get_model("assessments", "Campaign")
    Assessment = apps.get_model("assessments", "Assessment")
    for campaign in Campaign.objects.filter(level_rules={}).prefetch_related("criteria_sets"):
        rules = {}
        for version in campaign.criteria_sets.all():
            data = yaml.safe_load(version.source_yaml) or {}
            recognition = data.get("recognition") or {}
            for level in (data.get("applicability") or {}).get("admin_levels") or []:
                if level in ABOVE_COMMUNE and level not in rules and recognition.get("validity_years"):
                    rules[level] = {"recognising_role": "province_approver",
                                    "validity_years": int(recognition["validity_years"]),
                                    "upgrade_after_months": recognition.get("upgrade_after_months")}
        if not rules:
            continue
        campaign.level_rules = rules
        campaign.save(update_fields=["level_rules"])
        if "province" in rules:
            Assessment.objects.filter(
                campaign=campaign, organisation__managing_level="province",
            ).exclude(state__in=FROZEN).update(validity_years=rules["province"]["validity_years"])


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0004_learner_figures"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
