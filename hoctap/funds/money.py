"""Money is a whole number of đồng (Python int, BigIntegerField): never a float.

`format_dong(1250000)` → "1.250.000 đ" in Vietnamese ("1,250,000 VND" in English): the grouping
follows the interface language like every other number. `parse_dong` accepts what an officer types
("1.250.000", "1 250 000", "1250000 đ") and refuses anything that is not a whole amount.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# A commune fund is counted in millions; a bound keeps a typo (an extra dozen zeros) out.
MAX_AMOUNT = 10**13


def format_dong(amount: int | None) -> str:
    if amount is None:
        return "–"
    sign = "−" if amount < 0 else ""
    return _("%(amount)s đ") % {"amount": sign + number_format(abs(int(amount)), force_grouping=True)}


_SEPARATORS = re.compile(r"[\s.,\u00a0]")
_CURRENCY = re.compile(r"(đồng|đ|vnd|₫)$", re.IGNORECASE)


def parse_dong(text) -> int:
    if isinstance(text, int):
        value = text
    else:
        cleaned = _CURRENCY.sub("", str(text or "").strip()).strip()
        cleaned = _SEPARATORS.sub("", cleaned)
        if not cleaned.isdigit():
            raise ValidationError(
                _("Nhập số tiền bằng đồng, chỉ gồm chữ số (có thể có dấu chấm ngăn cách), ví dụ 1.250.000."),
                code="invalid",
            )
        value = int(cleaned)
    if value <= 0:
        raise ValidationError(_("Số tiền phải lớn hơn 0 đồng."), code="min_value")
    if value >= MAX_AMOUNT:
        raise ValidationError(_("Số tiền quá lớn; kiểm tra lại số chữ số 0."), code="max_value")
    return value
