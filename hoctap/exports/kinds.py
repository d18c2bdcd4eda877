"""The exports the background runner knows, registered by the apps that own their data.

An app to the right of this one (the registry, reports) registers each of its job exports once, at
import of its own module listed in `AppConfig.ready`; the runner (`tasks.run_export`) looks the
kind up by the key stored on the job. This app imports none of them: data flows one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportKind:
    """`write(job, scope, file, progress)` writes the file and returns how many rows it holds; it
    builds its rows through `scope` (the requester's, rebuilt in the worker). `filename(job)` is the
    name the download gets. `audit_filters(params)` is what the audit entry records of the request:
    nothing personal (no searched text, no names, no ID numbers). `capability` is what the requester
    must still hold over the job's unit when the file is written and read."""

    key: str
    label: Any
    capability: str
    write: Callable[..., int]
    filename: Callable[..., str]
    audit_filters: Callable[[dict], dict] = field(default=lambda params: dict(params))


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> ExportKind:
    return _KINDS[key]


def label_of(key: str) -> str:
    kind = _KINDS.get(key)
    return str(kind.label) if kind else key


def write_to(kind: ExportKind, job, scope, file: BinaryIO, progress: Progress) -> int:
    return kind.write(job, scope, file, progress)
