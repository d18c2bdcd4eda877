"""Classification codes as people read them: "level_2" → "Mức 2", "achieved" → "Đạt".

The names live in the criteria sets (bands and levels carry name_vi and name_en); they are read
once per process from the shipped sets, and from the published versions when a province's own set
brings a code the shipped ones do not have. Dashboards and history pages show these names, never
the code."""

from __future__ import annotations

import threading
import time

from django.utils.translation import gettext as _

from hoctap.core.text import in_reader_language

from .schema import ACHIEVED, NOT_ACHIEVED

_names: dict[str, tuple[str, str]] = {}
_lock = threading.Lock()
_loaded_fingerprints: set[str] = set()
# Codes no set names (yet): looked up again after a while, not on every page (a dashboard costs a
# constant number of queries).
_misses: dict[str, float] = {}
MISS_SECONDS = 300


def _add(definition) -> None:
    for band in definition.scoring.bands:
        _names.setdefault(band.code, (band.name_vi, band.name_en))
    for level in definition.scoring.levels:
        _names.setdefault(level.code, (level.name_vi, level.name_en))


def _load_shipped() -> None:
    from .loader import load_shipped_sets

    for definition in load_shipped_sets().values():
        _add(definition)


def _load_published() -> None:
    from .models import CriteriaSetVersion

    unseen = [
        pk
        for pk, fingerprint in CriteriaSetVersion.objects.values_list("pk", "fingerprint")
        if fingerprint not in _loaded_fingerprints
    ]
    for version in CriteriaSetVersion.objects.filter(pk__in=unseen).only(
        "pk", "code", "version", "source_yaml", "fingerprint"
    ):
        _loaded_fingerprints.add(version.fingerprint)
        try:
            _add(version.definition)
        except Exception:  # a stored set is validated at upload; a broken one simply adds no names
            continue


def classification_label(code: str) -> str:
    if code == ACHIEVED:
        return _("Đạt")
    if code == NOT_ACHIEVED:
        return _("Không đạt")
    with _lock:
        if not _names:
            _load_shipped()
        if code not in _names and time.monotonic() - _misses.get(code, -MISS_SECONDS) >= MISS_SECONDS:
            _load_published()
            if code not in _names:
                _misses[code] = time.monotonic()
    names = _names.get(code)
    if names is None:
        return code
    return in_reader_language(names[0], names[1])


def forget() -> None:
    """Drop what was read (tests that count queries start each count from the same state)."""
    with _lock:
        _names.clear()
        _loaded_fingerprints.clear()
        _misses.clear()
