"""Official documents — decisions, certificates, reports to the level above, honour lists — are
written in Vietnamese whatever language the reader's interface speaks: they are filed, signed and
verified as administrative documents, so an officer who browses in English still issues the same
paper as everyone else."""

import functools
import hashlib
import io
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote, unquote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from hoctap.core.storage import read_file

OFFICIAL_LANGUAGE = "vi"


def in_official_language(function):
    """Run `function` with Vietnamese active (a fresh override per call: safe when nested or
    called from several threads)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(OFFICIAL_LANGUAGE):
            return function(*args, **kwargs)

    return wrapper


# -- PDFs -------------------------------------------------------------------------------------------

# Liberation Serif 2.1.5 (SIL OFL 1.1, licence beside the files): metric-compatible with Times New
# Roman, the typeface Nghị định 30/2020/NĐ-CP prescribes, and it carries every Vietnamese letter.
# Shipped in the repository rather than read from the system, so a fresh server renders the same
# document, line breaks included.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Liberation Serif"
_FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


def font_faces() -> str:
    """The @font-face rules of the document typeface, for a PDF template's <style>."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONT_DIR / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for (weight, style), name in _FONT_FILES.items()
    )


# A QR code in a document is written in its HTML as `<img src="hoctap-qr:<text>">` and drawn only
# when WeasyPrint renders the PDF (in the background worker). The HTML, and so the stored file's key,
# carries the text the code holds (which fixes the code), and a page that computes the key for a
# decision's 230 certificates does not draw 230 codes first (≈ 10–20 ms each with segno).
QR_SCHEME = "hoctap-qr:"


def qr_source(text: str) -> str:
    """The <img src> of the QR code of `text` in an official document."""
    return QR_SCHEME + quote(text, safe="")


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME):
                import segno

                svg = io.BytesIO()
                segno.make(unquote(url.removeprefix(QR_SCHEME)), error="m").save(svg, kind="svg", scale=3, border=1)
                return URLFetcherResponse(url, svg.getvalue(), {"Content-Type": "image/svg+xml"})
            return super().fetch(url, headers)

    return DocumentFetcher()


def write_pdf(html: str) -> bytes:
    """Render an official document's HTML with WeasyPrint; its fonts are embedded (subset)."""
    from weasyprint import HTML  # imported here: only the PDF views pay for loading WeasyPrint

    return HTML(string=html, base_url=str(FONT_DIR), url_fetcher=_url_fetcher()).write_pdf()


# Bump when the layout code changes in a way the HTML does not show (it rarely does: the templates
# are the HTML). The renderer's version is part of the key, so an upgrade renders afresh.
STORED_PDF_FORMAT = 1


def document_key(html: str) -> str:
    """The SHA-256 naming the stored PDF of this HTML (with the layout format and the renderer's
    version, so an upgrade renders afresh)."""
    # The fonts' file:// addresses depend on where the code is installed, not on the document.
    portable = html.replace(FONT_DIR.as_uri(), "")
    return hashlib.sha256(
        f"{STORED_PDF_FORMAT}:{version('weasyprint')}:".encode() + portable.encode("utf-8")
    ).hexdigest()


def document_path(key: str) -> str:
    return f"documents/{key[:2]}/{key}.pdf"


def made_pdf(key: str) -> bytes | None:
    """The stored PDF of this key, or None while it has not been made."""
    try:
        return read_file(document_path(key))
    except FileNotFoundError:
        return None


def stored_pdf(html: str) -> bytes:
    """The PDF of this HTML, rendered once and kept in default storage (MEDIA_ROOT or the bucket)
    under the SHA-256 of what was rendered: every app server then hands out the same bytes of an
    issued decision or certificate without rendering it again, and a changed record gives changed
    HTML, so a new file, never a stale one. Whoever calls this has checked the reader's scope; the
    file is reachable only through that view. Pages do not call this (a render takes about a
    second): they queue the HTML for the background worker (`assessments.document_jobs`)."""
    key = document_key(html)
    data = made_pdf(key)
    if data is not None:
        return data
    data = write_pdf(html)
    path = document_path(key)
    if not default_storage.exists(path):  # two renders of one document: the first file stays
        default_storage.save(path, ContentFile(data))
    return data
