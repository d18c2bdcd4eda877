"""Ethnicity becomes the General Statistics Office's code (QĐ 1019/QĐ-TCTK), "" = not recorded.

What the existing rows mean: until now every path filled a blank ethnicity with "Kinh" — the model's
default, `Person.refresh_derived()`, the person and member forms, and the Excel import ("Để trống:
Kinh"). A stored "Kinh" therefore cannot be told apart from "nobody recorded it", so it becomes not
recorded (""): inventing Kinh for a Tày or H'Mông household is the error this fixes, and the
commune can record the real value. Any other stored text was typed by someone on purpose: when it
names one of the 54 groups (by name, another name of the group, or a 2-digit code) it becomes that
group's code. Text that names no group (a typing error) cannot be known either and becomes not
recorded; the count is printed so whoever migrates can tell the communes to check.
Going back restores names (and "not recorded" as blank, not as Kinh).
"""

from django.db import migrations, models

import hoctap.registry.ethnicity


def new_code(value: str) -> str:
    """The code an old stored value becomes (see the module docstring): "" for Kinh, blank and unknowns."""
    from hoctap.core.text import fold
    from hoctap.registry.ethnicity import resolve_ethnicity

    if fold(value or "") in ("", "kinh"):
        return ""
    return resolve_ethnicity(value) or ""


def to_codes(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    unknown = 0
    for value in Person.objects.values_list("ethnicity", flat=True).distinct():
        code = new_code(value)
        if not code and (value or "").strip() and value.strip().lower() != "kinh":
            unknown += Person.objects.filter(ethnicity=value).count()
        Person.objects.filter(ethnicity=value).update(ethnicity=code)
    if unknown:
        print(f"\n  registry.0005: {unknown} people had an ethnicity naming none of the 54 groups; now not recorded.")


def to_names(apps, schema_editor):
    from hoctap.registry.ethnicity import ethnic_groups

    Person = apps.get_model("registry", "Person")
    for group in ethnic_groups():
        Person.objects.filter(ethnicity=group["code"]).update(ethnicity=group["name"])


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_names_visible_and_import_notes"),
    ]

    operations = [
        migrations.RunPython(to_codes, to_names),
        migrations.AlterField(
            model_name="person",
            name="ethnicity",
            field=models.CharField(blank=True, choices=hoctap.registry.ethnicity.ethnicity_choices, default="",
                                   max_length=2, verbose_name="dân tộc"),
        ),
    ]
