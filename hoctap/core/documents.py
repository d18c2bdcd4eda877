"""Official documents — decisions, certificates, reports to the level above, honour lists — are
written in Vietnamese whatever language the reader's interface speaks: they are filed, signed and
verified as administrative documents, so an officer who browses in English still issues the same
paper as everyone else."""

import functools
from pathlib import Path

from django.utils import translation

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


def write_pdf(html: str) -> bytes:
    """Render an official document's HTML with WeasyPrint; its fonts are embedded (subset)."""
    from weasyprint import HTML  # imported here: only the PDF views pay for loading WeasyPrint

    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
