"""The criteria sets shipped under hoctap/criteria/sets/, stored as published CriteriaSetVersions.

Idempotent: a set already stored with the same code and version is left alone when its content is
unchanged, and reported when the file differs (a published version is never rewritten; the file
needs a new version number). Used by `manage.py publish_shipped_sets`, the demo and the tests.
"""

from functools import lru_cache

from hoctap.criteria.loader import load_text, shipped_set_paths
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.schema import CriteriaSet
from hoctap.criteria.services import new_version


@lru_cache(maxsize=64)
def _parse(text: str, name: str) -> CriteriaSet:
    # The demo and many tests publish the same files again and again within one process.
    return load_text(text, name)


def publish_shipped_sets(log=print) -> list[CriteriaSetVersion]:
    """Publish the shipped sets; return the stored versions, one per shipped file."""
    stored = []
    for path in shipped_set_paths():
        text = path.read_text(encoding="utf-8-sig")
        definition = _parse(text, path.name)
        fingerprint = definition.fingerprint()
        existing = CriteriaSetVersion.objects.filter(code=definition.code, version=definition.version).first()
        if existing is not None:
            if existing.fingerprint != fingerprint:
                log(
                    f"{path.name}: nội dung khác bản đã công bố v{definition.version}; "
                    "hãy tăng số phiên bản trong tệp (bản đã công bố không bị sửa)."
                )
            stored.append(existing)
            continue
        version = new_version(definition, source_yaml=text, fingerprint=fingerprint)
        version.save(force_insert=True)
        stored.append(version)
        log(f"Đã công bố {definition.code} v{definition.version}")
    return stored
