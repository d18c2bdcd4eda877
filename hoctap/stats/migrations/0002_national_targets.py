"""The national targets of 387/QĐ-TTg and 677/QĐ-TTg (2025 and 2030), as data."""

from django.db import migrations

NATIONAL = {
    "family": {2025: 70, 2030: 80},
    "clan": {2025: 65, 2030: 75},
    "community": {2025: 65, 2030: 75},
    "unit": {2025: 80, 2030: 90},
    "workers_citizens": {2025: 40, 2030: 60},
    "staff_citizens": {2025: 60, 2030: 80},
    "citizens_digital": {2025: 70, 2030: 90},
    "citizens_proficient": {2025: 60, 2030: 80},
    "chair_in_clc": {2025: 100},
    "officers_it": {2025: 40, 2030: 70},
    "briefed": {2025: 100, 2030: 100},
}


def seed(apps, schema_editor):
    Target = apps.get_model("stats", "Target")
    for indicator, by_year in NATIONAL.items():
        for year, value in by_year.items():
            Target.objects.get_or_create(
                indicator=indicator, year=year, unit=None,
                defaults={"value": value, "source": "387/QĐ-TTg, 677/QĐ-TTg"},
            )


def unseed(apps, schema_editor):
    apps.get_model("stats", "Target").objects.filter(unit=None, source="387/QĐ-TTg, 677/QĐ-TTg").delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
