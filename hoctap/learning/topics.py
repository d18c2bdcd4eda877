"""The topics of a learning centre's classes, as data (`data/topics.yaml`), not a list in code."""

import functools
from pathlib import Path

import yaml

from hoctap.core.text import fold, in_reader_language

DATA_FILE = Path(__file__).parent / "data" / "topics.yaml"


@functools.cache
def _topics() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["topics"])


def codes() -> list[str]:
    return [topic["code"] for topic in _topics()]


def label(code: str) -> str:
    """The topic's name in the reader's language (an unknown code reads as itself: never raised)."""
    topic = next((t for t in _topics() if t["code"] == code), None)
    return in_reader_language(topic["vi"], topic["en"]) if topic else code


def choices() -> list[tuple[str, str]]:
    return [(topic["code"], label(topic["code"])) for topic in _topics()]


def official_choices() -> list[tuple[str, str]]:
    """(code, Vietnamese name): import templates and official documents stay Vietnamese."""
    return [(topic["code"], topic["vi"]) for topic in _topics()]


def named(text: str) -> str | None:
    """The topic `text` names (its Vietnamese name with or without diacritics, or its code)."""
    wanted = fold(text or "")
    return next((t["code"] for t in _topics() if wanted in (fold(t["vi"]), fold(t["code"]))), None)
