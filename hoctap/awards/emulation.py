"""The emulation criteria and honouring occasions shipped in `emulation.yaml`, read once.

They are data of the programme (a plan's text), not records of a territory: every signed-in user
reads the same list, and a new plan is an edit of the YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("emulation.yaml")


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    territory: str  # the level of the unit its self-report is filed under
    criteria: tuple[Criterion, ...]

    def criterion_codes(self) -> list[str]:
        return [c.code for c in self.criteria]


@dataclass(frozen=True)
class Occasion:
    code: str
    year: int
    kind: str
    name: str


@dataclass(frozen=True)
class Emulation:
    source: str
    bodies: tuple[Body, ...]
    occasions: tuple[Occasion, ...]


def load(path: Path = DATA_FILE) -> Emulation:
    """Read a programme file. Codes must be unique across bodies, since a self-report stores its
    answers under criterion codes and would be misread by a duplicate."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    bodies = tuple(
        Body(b["code"], b["name"], b["territory"], tuple(Criterion(c["code"], c["text"]) for c in b["criteria"]))
        for b in data["bodies"]
    )
    occasions = tuple(Occasion(o["code"], int(o["year"]), o["kind"], o["name"]) for o in data["occasions"])
    codes = [c.code for b in bodies for c in b.criteria]
    if len(codes) != len(set(codes)) or len({b.code for b in bodies}) != len(bodies):
        raise ValueError(f"{path}: duplicate body or criterion codes")
    return Emulation(data["source"], bodies, occasions)


@cache
def programme() -> Emulation:
    return load()


def body(code: str) -> Body | None:
    """The body of `code`, or None: the services refuse an unknown code with their own message."""
    return next((b for b in programme().bodies if b.code == code), None)


def occasion(code: str) -> Occasion | None:
    return next((o for o in programme().occasions if o.code == code), None)


def body_choices() -> list[tuple[str, str]]:
    return [(b.code, b.name) for b in programme().bodies]


def occasion_choices() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in programme().occasions]
