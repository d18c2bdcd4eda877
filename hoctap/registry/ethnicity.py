"""The 54 ethnic groups with the General Statistics Office's codes (`data/ethnic_groups.yaml`, with
its sources), the 1979 numbering for records from older systems, and "not recorded" ("").

Ethnicity is sensitive personal data: it is stored as the 2008 code, shown by name, never guessed
(a blank is "not recorded", never Kinh), and counted only in aggregates.
"""

import functools
import re
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

from hoctap.core.text import fold

DATA_FILE = Path(__file__).parent / "data" / "ethnic_groups.yaml"
NOT_RECORDED = ""
NOT_RECORDED_LABEL = _("Chưa ghi nhận")


@functools.cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def ethnic_groups() -> list[dict]:
    return _data()["groups"]


def _key(text: str) -> str:
    """Folded, without hyphens, apostrophes or spaces: "H'Mông", "Hmông" and "h mong" are one key."""
    return re.sub(r"[\s'’\-]", "", fold(text))


@functools.cache
def _by_key() -> dict[str, str]:
    found = {}
    for group in ethnic_groups():
        for name in (group["name"], *group["aliases"]):
            found[_key(name)] = group["code"]
    return found


@functools.cache
def _from_1979() -> dict[str, str]:
    return {group["code_1979"]: group["code"] for group in ethnic_groups()}


def ethnicity_choices() -> list[tuple[str, str]]:
    """For forms and model choices: "not recorded" first, then the 54 in the 2008 order."""
    return [(NOT_RECORDED, NOT_RECORDED_LABEL), *[(g["code"], g["name"]) for g in ethnic_groups()]]


def ethnicity_name(code: str) -> str:
    names = {g["code"]: g["name"] for g in ethnic_groups()}
    return names.get(code or "", str(NOT_RECORDED_LABEL))


def resolve_ethnicity(text) -> str | None:
    """The 2008 code that `text` names: a 2-digit 2008 code ("08"), a name or another name of the
    group ("Mông", "H'Mông", "Mèo"). None when it names none of the 54."""
    text = str(text or "").strip()
    if re.fullmatch(r"\d{1,2}", text):
        code = text.zfill(2)
        return code if code in {g["code"] for g in ethnic_groups()} else None
    return _by_key().get(_key(text))


def from_1979_code(code) -> str | None:
    """The 2008 code of a group numbered `code` in the 1979 list (QĐ 121-TCTK/PPCĐ)."""
    return _from_1979().get(str(code or "").strip().zfill(2))
