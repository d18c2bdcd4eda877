"""Kinds of village-level units as data (`data/village_kinds.yaml`), not a list in code."""

import functools
from pathlib import Path

import yaml

from hoctap.core.text import fold

DATA_FILE = Path(__file__).parent / "data" / "village_kinds.yaml"


@functools.cache
def village_kinds() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["kinds"])


def village_kind_choices() -> list[tuple[str, str]]:
    """(stored value, label) pairs: the kind's name is both (it prefixes the village's full name)."""
    return [(kind["name"], kind["name"]) for kind in village_kinds()]


def village_kind_named(text: str) -> str | None:
    """The kind `text` names, written with or without diacritics or case ("tieu khu" → "Tiểu khu")."""
    wanted = fold(text)
    return next((kind["name"] for kind in village_kinds() if fold(kind["name"]) == wanted), None)
