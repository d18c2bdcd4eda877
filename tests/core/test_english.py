"""English is available: the catalogue translates every string the source marks, placeholders
intact, and the compiled .mo is the .po's; an English session sees English labels."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "hoctap" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")


def test_every_entry_is_translated_with_its_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []
    for entry in catalogue.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # a plural's singular may spell the number out ("one assessment"); every other form keeps them all
            if entry.msgid_plural and text is translations[0]:
                assert set(PLACEHOLDER.findall(text)) <= set(wanted), entry.msgid
            else:
                assert sorted(PLACEHOLDER.findall(text)) == wanted, entry.msgid


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_compiled_catalogue_is_the_source_one(language):
    catalogue = REPO / "hoctap" / "locale" / language / "LC_MESSAGES" / "django.po"
    source = {(e.msgid, e.msgctxt): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(catalogue))}
    compiled = {
        (e.msgid, e.msgctxt): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(catalogue.with_suffix(".mo")))
    }
    compiled.pop(("", None), None)
    assert compiled == source, f"run: python manage.py compilemessages -l {language}"


def test_the_catalogue_covers_every_marked_string(tmp_path):
    """makemessages on a copy of the source: no new or changed string comes out untranslated."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path / "src"
    shutil.copytree(REPO / "hoctap", copy / "hoctap", ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    shutil.copy(REPO / "manage.py", copy / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "hoctap.settings",
            "PYTHONPATH": str(copy),
        },
    )
    assert result.returncode == 0, result.stderr
    refreshed = polib.pofile(str(copy / "hoctap" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in refreshed.untranslated_entries() + refreshed.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:10]} (run makemessages -l en, translate, compilemessages)"


@pytest.mark.django_db
def test_an_english_session_reads_english_labels(client, officer_a):
    client.force_login(officer_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Sign out" in page and "Đăng xuất" not in page
    dashboard = client.get(f"/stats/units/{officer_a.assignments.first().unit_id}/?year=2025").content.decode()
    assert "Learning families" in dashboard and "Gia đình học tập" not in dashboard


def test_numbers_follow_the_interface_language():
    from fractions import Fraction

    from django.utils import translation

    from hoctap.stats import charts

    with translation.override("vi"):
        assert (charts.fmt(Fraction(1306, 20)), charts.count(1240000), charts.pct(Fraction(1, 3) * 100)) == (
            "65,3",
            "1.240.000",
            "33,3%",
        )
    with translation.override("en"):
        assert (charts.fmt(Fraction(1306, 20)), charts.count(1240000), charts.pct(Fraction(1, 3) * 100)) == (
            "65.3",
            "1,240,000",
            "33.3%",
        )


@pytest.mark.django_db
def test_django_strings_missing_in_its_vietnamese_catalogue_are_supplied(officer_a):
    """Django 6 names a select's blank choice "- Select an option -", which its vi catalogue does
    not translate: hoctap/locale/vi supplies it."""
    from django.utils import translation

    from hoctap.accounts.scoping import Scope
    from hoctap.reports.forms import BoardForm

    with translation.override("vi"):
        html = str(BoardForm(scope=Scope(officer_a)))
    assert "Select an option" not in html and html.count("— Chọn —") == 2  # report type and unit
