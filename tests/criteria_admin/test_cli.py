"""`manage.py criteria`: validate and score work without a database; list and show read it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoctap.criteria.loader import SHIPPED_SETS_DIR

from .conftest import SHIPPED, workbook_bytes, yaml_of

REPO = Path(__file__).resolve().parents[2]
NO_DATABASE = "postgres://nobody@127.0.0.1:1/none"

SHEET = {
    "answers": {
        "CS1": "10",
        "CS2": "9",
        "CS3": "9",
        "CS4": "9",
        "CS5": "4.5",
        "CS6": "9",
        "CS7": "9",
        "CS8": "9",
        "CS9": "9",
        "CS10": "9",
    },
    "facts": {},
    "area_class": "normal",
    "group": "farmers",
}


def run(*args, database_url=NO_DATABASE):
    """The command in a fresh process whose database cannot be reached."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", "criteria", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_validate_a_shipped_file_without_a_database():
    done = run("validate", str(SHIPPED_SETS_DIR / "citizen-677-2022.yaml"))
    assert done.returncode == 0, done.stderr
    assert "hợp lệ" in done.stdout and "CẢNH BÁO" in done.stdout  # a partial set says so


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml_of().replace("status: partial", "status: draft").replace("max_points: 10", "max_points: -1", 1),
        encoding="utf-8",
    )
    done = run("validate", "--language", "en", str(bad))
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    # The wrong status, the negative maximum, and the floor now above that maximum.
    assert len(lines) == 3
    assert any("status" in line and "Must be one of" in line for line in lines)
    assert any("criteria[0].indicators[0].max_points" in line and "line " in line for line in lines)
    assert any("criteria[0].indicators[0].floor" in line for line in lines)


def test_validate_a_workbook_by_content_and_locate_problems(tmp_path):
    good = tmp_path / "renamed.bin"
    good.write_bytes(workbook_bytes(SHIPPED["unit-tt24-2023"]))
    out = _call("validate", str(good))
    assert "unit-tt24-2023" in out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CommandError) as refused:
        _call("validate", str(broken))
    assert refused.value.returncode == 1


def test_score_from_the_shipped_files_when_the_database_is_unreachable(tmp_path):
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps(SHEET), encoding="utf-8")
    done = run("score", "citizen-677-2022", str(sheet))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] == "86.5" and result["classification"] == "not_achieved"
    assert result["failed_floors"] == ["CS5"]
    assert "citizen-677-2022.yaml" in done.stderr  # says where the set came from


def test_score_options_override_the_sheet(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({**SHEET["answers"], "CS5": 5}), encoding="utf-8")  # bare answers
    done = run(
        "score",
        str(SHIPPED_SETS_DIR / "citizen-677-2022.yaml"),
        str(answers),
        "--area-class",
        "disadvantaged",
        "--group",
        "workers",
    )
    result = json.loads(done.stdout)
    assert (result["area_class"], result["group"], result["pass_mark"]) == ("disadvantaged", "workers", "70")
    assert result["achieved"] is True


def test_score_with_facts_file(tmp_path):
    unit = SHIPPED["unit-tt24-2023"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({i.code: True for i in unit.indicators}), encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "members_citizen_share": 0.95,
                "learners_citizen_share": 0.96,
                "is_provincial_educational_institution": False,
            }
        ),
        encoding="utf-8",
    )
    done = run("score", "unit-tt24-2023", str(answers), "--facts", str(facts))
    assert json.loads(done.stdout)["classification"] == "level_2", done.stderr


def test_unusable_answers_exit_1_naming_each_field(tmp_path):
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps({"answers": {"CS1": "mười", "XX": 1}}), encoding="utf-8")
    done = run("score", "citizen-677-2022", str(sheet))
    assert done.returncode == 1
    assert "answers.CS1:" in done.stderr and "answers.XX:" in done.stderr and "answers.CS10:" in done.stderr


def test_unknown_code_and_broken_json(tmp_path):
    sheet = tmp_path / "sheet.json"
    sheet.write_text("{not json", encoding="utf-8")
    assert run("score", "citizen-677-2022", str(sheet)).returncode == 1
    assert run("score", "no-such-set", str(sheet)).returncode == 1


def _call(*args):
    from io import StringIO

    out = StringIO()
    call_command("criteria", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_list_and_show_read_the_database(published, small_map):
    from .conftest import store

    store("citizen-hung-yen", 1, province=small_map["province"])
    listed = _call("list")
    assert "citizen-hung-yen" in listed and "Tỉnh Hưng Yên" in listed and "13 phiên bản" in listed
    shown = _call("show", "citizen-hung-yen")
    assert "CS10" in shown and "Tổng điểm tối đa: 100" in shown
    assert _call("show", "citizen-hung-yen", "--yaml").startswith("title: citizen")


@pytest.mark.django_db
def test_score_prefers_the_published_version(published, tmp_path):
    from .conftest import store

    store("citizen-677-2022", 3, name_vi="Bản 3")  # the shipped file is version 2
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps(SHEET), encoding="utf-8")
    assert json.loads(_call("score", "citizen-677-2022", str(sheet)))["criteria_set_version"] == 3
    assert json.loads(_call("score", "citizen-677-2022", str(sheet), "--version", "2"))["criteria_set_version"] == 2
