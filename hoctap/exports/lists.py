"""List exports: one path for every list, whatever its size.

The page asks for an export; `export()` counts the rows through the user's scope. Up to
`HOCTAP_EXPORT_STREAM_ROWS` rows (5,000 by default) the file is streamed at once, as users of a
village's list or a small commune's expect: 5,000 person rows are 1.24 s of CPU as xlsx on this
project's 2-core machine (bench/results/export-list*.json), within a web request's budget, and a
job would make them wait for the worker's next poll instead. Above that the
export becomes a background job: the page goes to the job's progress page, which polls it, and the
file is downloaded from there when done (350,000 persons took 88 s inside the request before).

Both ways write one audit entry (`hoctap.audit.exports.record_export`): who, which list, the filters
(searched text only as the fact of a search), how many rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.shortcuts import redirect

from hoctap.audit.exports import record_export
from hoctap.core.exports import ExportColumn, export_response, write_csv, write_xlsx

from . import jobs, kinds
from .tasks import PROGRESS_EVERY

# Rows fetched per database round trip while writing (a server-side cursor on PostgreSQL).
CHUNK = 2000
FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class ListExport:
    """A list that can be exported. `rows(scope, params)` builds the queryset from plain params (what
    a job stores: ids, codes, choices, the searched text); `columns(params)` the columns; `unit(params)`
    the unit the list is bounded by, if one; `audit_filters(params)` what the audit entry records."""

    key: str
    label: Any
    capability: str
    rows: Callable[..., Any]
    columns: Callable[[dict], Sequence[ExportColumn]]
    filename: Callable[[], str]
    sheet_title: Callable[[], str]
    unit: Callable[[dict], Any] = lambda params: None
    audit_filters: Callable[[dict], dict] = lambda params: {}

    def write(self, job, scope, out, progress) -> int:
        queryset = self.rows(scope, job.params)
        total = queryset.count()
        progress(0, total)

        def on_row(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                progress(min(done, total), max(total, done))

        records = queryset.iterator(chunk_size=CHUNK)
        columns = self.columns(job.params)
        if job.params.get("format") == "csv":
            return write_csv(out, columns, records, on_row)
        return write_xlsx(out, self.sheet_title(), columns, records, on_row)

    def job_filename(self, job) -> str:
        return f"{self.filename()}.{job.params.get('format', 'xlsx')}"


def register(export: ListExport) -> ListExport:
    kinds.register(
        kinds.ExportKind(
            key=export.key,
            label=export.label,
            capability=export.capability,
            write=export.write,
            filename=export.job_filename,
            audit_filters=export.audit_filters,
        )
    )
    return export


def stream_limit() -> int:
    return settings.HOCTAP_EXPORT_STREAM_ROWS


def export(request, scope, export: ListExport, params: dict):
    """Stream the list now, or start a job and send the user to its progress page."""
    file_format = params.get("format") if params.get("format") in FORMATS else "xlsx"
    params = {**params, "format": file_format}
    queryset = export.rows(scope, params)
    total = queryset.count()
    unit = export.unit(params)
    if total <= stream_limit():
        record_export(
            request.user,
            export.key,
            rows=total,
            unit=unit,
            filters=export.audit_filters(params),
            file_format=file_format,
        )
        return export_response(
            file_format,
            export.filename(),
            export.sheet_title(),
            export.columns(params),
            queryset.iterator(chunk_size=CHUNK),
        )
    job = jobs.request_job(kind=export.key, actor=request.user, unit=unit, params=params, rows_total=total)
    return redirect("exports:job_detail", job_id=job.pk)
