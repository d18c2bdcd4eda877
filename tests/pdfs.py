"""Reading rendered PDFs the way a person or a printer would: the text as laid out on the page,
the fonts the file embeds, and a picture of a page. Uses poppler-utils (pdftotext, pdffonts,
pdftoppm), which CI installs (scripts/run-tests.sh, .ci/run)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: apt-get install poppler-utils"
    return path


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "document.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([_poppler(tool), *args, str(source), "-"], capture_output=True, check=True)
        return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    """The text in reading order, one string, whitespace collapsed (lines joined by spaces)."""
    return re.sub(r"\s+", " ", _run("pdftotext", pdf, "-enc", "UTF-8")).strip()


def pdf_lines(pdf: bytes) -> list[str]:
    """The text line by line as laid out (columns side by side stay on one line)."""
    return [line.rstrip() for line in _run("pdftotext", pdf, "-layout", "-enc", "UTF-8").splitlines()]


@dataclass(frozen=True)
class Font:
    name: str  # without the subset prefix: "Liberation-Serif-Bold"
    embedded: bool


def pdf_fonts(pdf: bytes) -> list[Font]:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "document.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([_poppler("pdffonts"), str(source)], capture_output=True, check=True)
    fonts = []
    for line in done.stdout.decode().splitlines()[2:]:
        columns = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        name, embedded = columns[0], columns[-5]
        fonts.append(Font(name.split("+")[-1], embedded == "yes"))
    return fonts


def pdf_pages(pdf: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _info(pdf)).group(1))


def pdf_page_size(pdf: bytes) -> tuple[float, float]:
    """The first page's size in points (width, height)."""
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", _info(pdf)).groups()
    return float(width), float(height)


def _info(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "document.pdf"
        source.write_bytes(pdf)
        return subprocess.run([_poppler("pdfinfo"), str(source)], capture_output=True, check=True).stdout.decode()


def save_png(pdf: bytes, target: Path, resolution: int = 80) -> list[Path]:
    """Every page as PNG next to `target` (target-1.png, …), to look at what was printed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run([_poppler("pdftoppm"), "-r", str(resolution), "-png", str(source), str(target)], check=True)
    return sorted(target.parent.glob(f"{target.name}-*.png"))
