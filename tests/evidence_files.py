"""Evidence files as phones and offices make them, built in memory for the tests: a HEIC photo, a
Word document and an Excel workbook (real OOXML packages), their macro-enabled and fake cousins."""

import io
import zipfile

from PIL import Image

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{extra}'
    '<Override PartName="/{part}" ContentType="{main}"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{part}"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    "<w:t>Biên bản họp gia đình học tập</w:t></w:r></w:p></w:body></w:document>"
)


def heic_bytes(size=(400, 300), colour=(30, 120, 200)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "HEIF", quality=60)
    return out.getvalue()


def _zip(entries: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in entries.items():
            package.writestr(name, body)
    return out.getvalue()


def docx_bytes(*, main=WORD_MAIN, macro_project=False) -> bytes:
    entries = {
        "[Content_Types].xml": CONTENT_TYPES.format(part="word/document.xml", main=main, extra=""),
        "_rels/.rels": RELS.format(part="word/document.xml"),
        "word/document.xml": DOCUMENT,
    }
    if macro_project:
        entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    return _zip(entries)


def docm_bytes() -> bytes:
    """A Word document with macros (.docm), as Word saves it: declared macro-enabled, with its VBA project."""
    return docx_bytes(main=WORD_MACRO_MAIN, macro_project=True)


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Danh sách"
    book.active.append(["Họ và tên", "Số buổi học"])
    book.active.append(["Nguyễn Văn An", 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fake_docx_bytes() -> bytes:
    """A zip that says nothing of being a document (a renamed archive)."""
    return _zip({"readme.txt": "không phải tài liệu"})
