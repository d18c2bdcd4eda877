"""Criteria files are read within limits (issue 16 §2): anchors and aliases, depth, node count and
size are refused as problems of the file, control characters are a syntax problem, never a 500;
the same through the loader, the API, the upload page and `manage.py criteria validate`."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from hoctap.criteria import loader
from hoctap.criteria.schema import CriteriaFileError

from .conftest import upload, yaml_of

REPO = Path(__file__).resolve().parents[2]

# The probe's file: 350 bytes of nested aliases, 9^7 = 4.8 million strings once expanded
# (1.6 GB and 20 s of CPU before the limits).
BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        for previous, name in zip("abcdef", "bcdefg", strict=True)
    )
    + "h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
)


def problem_kinds(text):
    with pytest.raises(CriteriaFileError) as caught:
        loader.load_text(text, "x.yaml")
    return [problem.kind for problem in caught.value.problems]


def test_the_billion_laughs_is_refused_before_it_is_expanded():
    assert len(BILLION_LAUGHS.encode()) < 600
    before = resource.getrusage(resource.RUSAGE_SELF)
    assert problem_kinds(BILLION_LAUGHS) == ["yaml_alias"]
    after = resource.getrusage(resource.RUSAGE_SELF)
    # Peak memory of the whole test process grew by less than 50 MB (ru_maxrss is in KB on Linux).
    assert after.ru_maxrss - before.ru_maxrss < 50 * 1024


def test_a_single_anchor_or_merge_key_is_refused_with_its_line():
    with pytest.raises(CriteriaFileError) as caught:
        loader.load_text("title: citizen\nbase: &base {a: 1}\nother:\n  <<: *base\n", "x.yaml")
    [problem] = caught.value.problems
    assert problem.kind == "yaml_alias" and problem.line == 2
    assert "bí danh" in problem.message_vi


def test_depth_nodes_and_size_are_bounded():
    deep = "a:\n" + "".join("  " * level + "- \n" for level in range(1, 40))
    assert problem_kinds(deep) == ["too_deep"]
    assert problem_kinds("[" * 5000) == ["too_deep"]
    assert problem_kinds("- x\n" * (loader.MAX_NODES + 10)) == ["too_many_nodes"]
    assert problem_kinds("# " + "x" * loader.MAX_BYTES) == ["too_large"]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"])
def test_control_characters_are_a_syntax_problem(character):
    assert problem_kinds(f"title: citizen{character}\n") == ["yaml_syntax"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_set_or_a_list_of_problems(text):
    try:
        loader.load_text(text, "x.yaml")
    except CriteriaFileError as error:
        assert error.problems


def test_every_shipped_set_still_loads():
    assert len(loader.load_shipped_sets()) == len(loader.shipped_set_paths())


@pytest.mark.django_db
def test_api_validate_answers_the_bomb_and_control_characters_as_problems(client, officer_a):
    from hoctap.accounts.models import ApiToken

    _, token = ApiToken.issue(officer_a, "test")
    for text, kind in (
        (BILLION_LAUGHS, "yaml_alias"),
        ("title: a\x07b\n", "yaml_syntax"),
        (yaml_of() + "#" * loader.MAX_BYTES, "too_large"),
    ):
        response = client.post(
            "/api/v1/criteria/validate",
            {"yaml": text},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, text[:40]
        body = response.json()
        assert not body["valid"] and [p["kind"] for p in body["problems"]] == [kind]


@pytest.mark.django_db
def test_upload_page_reports_the_bomb_and_stores_nothing(client, central_admin, published):
    client.force_login(central_admin)
    for content in (BILLION_LAUGHS, b"title: a\x1bb\n"):
        report = client.post(reverse("criteria:import"), {"file": upload(content), "target": "national"})
        assert report.status_code == 200
        assert not report.context["candidate"].is_valid and report.context["publish_form"] is None


def test_command_line_validate_refuses_the_bomb_quickly(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "criteria", "validate", "--language", "en", str(bomb)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "anchors or aliases" in done.stdout


def test_the_time_limit_counts_this_threads_cpu_not_the_wall_clock(monkeypatch):
    """A shipped set parses however busy the machine is (a wall-clock budget once refused one under
    load, and the digital-skills rule then read it as unreadable); a file that costs CPU is refused."""
    shipped = (loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml").read_text(encoding="utf-8")
    clock = iter(range(0, 10**6, 100))  # a wall clock jumping 100 s at every reading
    monkeypatch.setattr(loader.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(loader.time, "time", lambda: next(clock))
    assert loader.load_text(shipped, "citizen.yaml").code == "citizen-677-2022"
    monkeypatch.setattr(loader, "MAX_SECONDS", -1.0)  # any CPU spent is over the budget
    assert "too_slow" in problem_kinds(shipped)
