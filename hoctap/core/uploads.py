"""Uploaded spreadsheets: checked by content, not by name, before anything reads them.

An .xlsx file is a zip archive holding `[Content_Types].xml` and `xl/workbook.xml`. The check
reads only the archive's directory, so a renamed CSV, an old .xls, a password-protected workbook
(which Excel stores as an OLE2 file, like .xls), a macro workbook or a zip bomb is refused with a
clear message before openpyxl sees it.
"""

import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Sheet XML compresses about 10-20 times; a ratio far beyond that is a zip bomb, not a spreadsheet.
MAX_EXPANSION = 100


class UploadRejected(ValidationError):
    """The file cannot be read as what the user was asked for; the message says why, in Vietnamese."""


def check_xlsx(uploaded) -> None:
    """Refuse anything that is not a plain .xlsx workbook within settings.UPLOAD_MAX_BYTES."""
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise UploadRejected(
            _("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    if uploaded.size == 0:
        raise UploadRejected(_("Tệp rỗng."))
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(OLE2_MAGIC):
        raise UploadRejected(
            _(
                "Đây là tệp Excel cũ (.xls) hoặc tệp có đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu nếu có, "
                "rồi lưu lại dạng Excel Workbook (.xlsx)."
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise UploadRejected(
            _(
                "Tệp không phải bảng tính Excel .xlsx (có thể là CSV, PDF hoặc tệp đổi tên). "
                "Hãy tải mẫu, nhập dữ liệu và lưu dạng .xlsx."
            )
        )
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except zipfile.BadZipFile:
        raise UploadRejected(_("Tệp .xlsx bị hỏng, không mở được. Hãy lưu lại tệp từ Excel rồi tải lên.")) from None
    finally:
        uploaded.seek(0)
    if "xl/workbook.xml" not in names or b"spreadsheetml" not in content_types:
        raise UploadRejected(_("Tệp nén này không phải bảng tính Excel .xlsx."))
    if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
        raise UploadRejected(_("Tệp có macro (.xlsm) không được nhận. Hãy lưu lại dạng Excel Workbook (.xlsx)."))
    if sum(member.file_size for member in members) > MAX_EXPANSION * max(uploaded.size, 1024 * 1024):
        raise UploadRejected(_("Tệp giải nén ra quá lớn so với kích thước tệp; không đọc được."))


def store_upload(uploaded, folder: str) -> str:
    """Save a checked upload under MEDIA_ROOT/<folder>/ with a random name; return the storage name.

    The user's file name is never part of the path (it may hold personal data or path tricks).
    """
    name = f"{folder.strip('/')}/{get_random_string(24)}.xlsx"
    uploaded.seek(0)
    return default_storage.save(name, uploaded)


class XlsxImportForm(forms.Form):
    """A one-page Excel import (targets, area designations): the workbook, checked as every upload is
    (check_xlsx), and whether only to check it."""

    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra, chưa ghi"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_xlsx(upload)
        return upload
