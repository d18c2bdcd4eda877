"""Template helpers for criteria sets: bilingual fields and numbers as the sheet prints them."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from hoctap.core.text import in_reader_language, reader_reads_english
from hoctap.criteria.diff import display
from hoctap.criteria.schema import AREA_CLASS_NAMES
from hoctap.criteria.titles import Title

register = template.Library()


@register.filter
def tr(obj, stem: str):
    """`{{ indicator|tr:"text" }}`: text_en when the page is in English, text_vi otherwise.
    Works on objects and on dicts (items of a diff)."""
    name = f"{stem}_{'en' if reader_reads_english() else 'vi'}"
    if isinstance(obj, dict):
        return obj.get(name, "")
    return getattr(obj, name, "")


@register.filter
def points(value):
    """84.50 → 84,5 in Vietnamese, 84.5 in English; None → —."""
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return text if reader_reads_english() else text.replace(".", ",")


@register.filter
def area_name(code: str) -> str:
    vi, en = AREA_CLASS_NAMES.get(code, (code, code))
    return in_reader_language(vi, en)


@register.filter
def designation_name(code: str) -> str:
    """A unit's designation (zone_3) as people read it (xã khu vực III)."""
    from hoctap.territory.models import Designation

    return str(Designation(code).label) if code in Designation.values else code


ADMIN_LEVEL_NAMES = {"commune": _("cấp xã"), "district": _("cấp huyện"), "province": _("cấp tỉnh")}


@register.filter
def level_name(code: str) -> str:
    return ADMIN_LEVEL_NAMES.get(code, code)


@register.filter
def shown(value) -> str:
    """Any value of a diff as short text."""
    return display(value)


@register.filter
def group_name(code: str, definition) -> str:
    """`{{ entry.group|group_name:definition }}`: a subject group's name instead of its code."""
    for group in definition.applicability.subject_groups:
        if group.code == code:
            return tr(group, "name")
    return code


@register.filter
def title_name(code: str) -> str:
    return dict(Title.choices).get(code, code)


SECTION_LABELS = {
    "set": _("Thông tin chung"),
    "gaps": _("Những gì còn thiếu"),
    "groups": _("Nhóm đối tượng"),
    "criteria": _("Tiêu chí"),
    "indicators": _("Chỉ số"),
    "pass_marks": _("Điểm đạt"),
    "area_rules": _("Loại vùng và điểm đạt"),
    "bands": _("Mức xếp loại"),
    "levels": _("Mức độ"),
    "dependencies": _("Điều kiện kèm theo"),
    "recognition": _("Công nhận"),
}
FIELD_LABELS = {
    "title": _("danh hiệu"),
    "code": _("mã"),
    "name_vi": _("tên"),
    "name_en": _("tên tiếng Anh"),
    "text_vi": _("nội dung"),
    "text_en": _("nội dung tiếng Anh"),
    "issuing_document": _("văn bản ban hành"),
    "issued_on": _("ngày ban hành"),
    "related_documents": _("văn bản liên quan"),
    "effective_from": _("hiệu lực từ"),
    "effective_to": _("hiệu lực đến"),
    "status": _("tình trạng"),
    "sources": _("nguồn"),
    "source_urls": _("địa chỉ nguồn"),
    "admin_levels": _("cấp"),
    "area_classes": _("loại địa bàn"),
    "method": _("cách xếp loại"),
    "max_total": _("tổng điểm tối đa"),
    "kind": _("loại chỉ số"),
    "max_points": _("điểm tối đa"),
    "floor": _("điểm sàn"),
    "mandatory": _("bắt buộc"),
    "placeholder": _("giữ chỗ"),
    "evidence_hints": _("gợi ý minh chứng"),
    "evidence_code_pattern": _("mẫu mã minh chứng"),
    "group_texts": _("diễn đạt theo nhóm"),
    "tag": _("mức tin cậy"),
    "criterion": _("thuộc tiêu chí"),
    "min": _("điểm tối thiểu"),
    "required_indicators": _("chỉ số phải đạt"),
    "fact": _("dữ kiện"),
    "op": _("phép so sánh"),
    "value": _("giá trị"),
    "when": _("chỉ khi"),
    "applies_to_levels": _("áp dụng cho mức"),
    "validity_years": _("thời hạn công nhận (năm)"),
    "upgrade_after_months": _("nâng mức sau (tháng)"),
    "area_class": _("loại địa bàn"),
    "designation": _("loại vùng"),
}


@register.filter
def section_label(name: str) -> str:
    return SECTION_LABELS.get(name, name)


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)
