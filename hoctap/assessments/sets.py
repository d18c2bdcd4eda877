"""Published criteria sets, parsed once per process.

A published version never changes, so its parsed form can be shared; without this every
transition would parse the set's YAML again (tens of milliseconds, on every row of a review).
"""

from functools import lru_cache

from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.schema import CriteriaSet


@lru_cache(maxsize=128)
def _parse(source_yaml: str, name: str) -> CriteriaSet:
    return loader.load_text(source_yaml, name)


def definition_of(version: CriteriaSetVersion) -> CriteriaSet:
    """The parsed set; keyed by the text itself, so an edited test fixture is never served stale."""
    return _parse(version.source_yaml, f"{version.code} v{version.version}")
