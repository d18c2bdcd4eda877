"""The ODK form of a (campaign, criteria set): an XLSForm built from the set, converted by pyxform.

The set is the one source of the questions: every indicator becomes a question carrying the set's
own bounds (points between 0 and the maximum; pass/fail as Đạt / Chưa đạt; the floor stated in the
hint, since a score under it is a valid answer that fails the indicator), followed by a photo
question for its evidence. The subject is picked from `subjects.csv` (the officer's own open
assessments, a media file refreshed on every form update), and the form ends with a note, an
optional GPS point and the choice between saving a draft and submitting.

The XForm depends only on the set and the campaign, so it is built once per process and shared.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils import translation
from pyxform.xls2xform import convert  # noqa: F401  (tests call xform.convert)

from hoctap.criteria.schema import CriteriaSet
from hoctap.criteria.titles import Title

# Bumped when the generated form changes shape, so devices fetch it again.
GENERATOR_VERSION = 1
SUBJECTS_FILE = "subjects.csv"
PHOTO_MAX_PIXELS = 1600  # ODK Collect scales photos down on the phone: smaller uploads, same proof
DRAFT, SUBMIT = "draft", "submit"
FORM_ID_PATTERN = re.compile(r"^hoctap_(\d+)_(\d+)$")


def form_id(campaign_id: int, set_id: int) -> str:
    return f"hoctap_{campaign_id}_{set_id}"


def parse_form_id(value: str) -> tuple[int, int] | None:
    match = FORM_ID_PATTERN.match(value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def field_names(definition: CriteriaSet) -> dict[str, str]:
    """Indicator code → XML name of its question (codes may hold '.' or '-'); unique by construction."""
    names, used = {}, set()
    for index, indicator in enumerate(definition.indicators, start=1):
        name = "i_" + re.sub(r"[^A-Za-z0-9_]", "_", indicator.code)
        if name in used:
            name = f"{name}_{index}"
        used.add(name)
        names[indicator.code] = name
    return names


def photo_name(field: str) -> str:
    return "p" + field[1:]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _vi_number(value: Decimal) -> str:
    return _number(value).replace(".", ",")


@dataclass(frozen=True)
class GeneratedForm:
    form_id: str
    title: str
    version: str
    xml: bytes

    @property
    def md5(self) -> str:
        return hashlib.md5(self.xml, usedforsecurity=False).hexdigest()


def xlsform(definition: CriteriaSet, *, form_id: str, title: str, version: str) -> dict:
    """The XLSForm (as pyxform's workbook dict) of a criteria set."""
    survey = [
        {
            "type": f"select_one_from_file {SUBJECTS_FILE}",
            "name": "subject",
            "required": "yes",
            "appearance": "autocomplete",
            "label": "Hồ sơ (đối tượng) đánh giá",
            "hint": "Gõ vài chữ của tên để tìm. Danh sách là các hồ sơ đang mở trong địa bàn của bạn; "
            "cập nhật biểu mẫu để có danh sách mới nhất.",
            "required_message": "Hãy chọn hồ sơ.",
        },
        # The version the device saw: a newer edit made on the web since then refuses the submission.
        {
            "type": "calculate",
            "name": "base_version",
            "calculation": f"instance('{SUBJECTS_FILE[:-4]}')/root/item[name=${{subject}}]/version",
        },
    ]
    names = field_names(definition)
    for criterion in definition.criteria:
        survey.append(
            {
                "type": "begin_group",
                "name": f"g_{names[criterion.indicators[0].code][2:]}",
                "label": f"{criterion.code}. {criterion.name_vi}",
            }
        )
        for indicator in criterion.indicators:
            name = names[indicator.code]
            label = f"{indicator.code}. {indicator.text_vi}"
            if indicator.kind == "pass_fail":
                question = {
                    "type": "select_one dat",
                    "name": name,
                    "label": label,
                    "hint": "Chọn Đạt hoặc Chưa đạt." + (" Chỉ số bắt buộc." if indicator.mandatory else ""),
                }
            else:
                hints, bounds = [], [". >= 0"]
                if indicator.max_points is not None:
                    bounds.append(f". <= {_number(indicator.max_points)}")
                    hints.append(f"Từ 0 đến {_vi_number(indicator.max_points)} điểm.")
                if indicator.floor is not None:
                    hints.append(f"Dưới {_vi_number(indicator.floor)} điểm (điểm sàn) là chỉ số không đạt.")
                if indicator.mandatory:
                    hints.append("Chỉ số bắt buộc.")
                question = {
                    "type": "decimal",
                    "name": name,
                    "label": label,
                    "hint": " ".join(hints),
                    "constraint": " and ".join(bounds),
                    "constraint_message": (
                        f"Điểm phải từ 0 đến {_vi_number(indicator.max_points)}."
                        if indicator.max_points is not None
                        else "Điểm không được âm."
                    ),
                }
            survey.append(question)
            photo_hint = "; ".join(indicator.evidence_hints) or "Chụp giấy tờ hoặc hiện trạng chứng minh chỉ số này."
            survey.append(
                {
                    "type": "image",
                    "name": photo_name(name),
                    "label": f"Ảnh minh chứng cho {indicator.code}",
                    "hint": photo_hint,
                    "parameters": f"max-pixels={PHOTO_MAX_PIXELS}",
                }
            )
        survey.append({"type": "end_group", "name": ""})
    survey += [
        {
            "type": "text",
            "name": "note",
            "label": "Ghi chú",
            "appearance": "multiline",
            "hint": "Điều cần báo cho người thẩm định (không bắt buộc).",
        },
        {
            "type": "geopoint",
            "name": "location",
            "label": "Vị trí (không bắt buộc)",
            "hint": "Bấm để ghi vị trí nơi đánh giá, nếu có tín hiệu GPS.",
        },
        {
            "type": "select_one gui",
            "name": "action",
            "required": "yes",
            "label": "Gửi lên để làm gì?",
            "required_message": "Hãy chọn lưu nháp hoặc nộp.",
        },
    ]
    choices = [
        {"list_name": "dat", "name": "1", "label": "Đạt"},
        {"list_name": "dat", "name": "0", "label": "Chưa đạt"},
        {"list_name": "gui", "name": DRAFT, "label": "Lưu nháp (còn sửa tiếp)"},
        {"list_name": "gui", "name": SUBMIT, "label": "Nộp hồ sơ tự đánh giá để xét"},
    ]
    settings = [
        {
            "form_title": title,
            "form_id": form_id,
            "version": version,
            "instance_name": f"instance('{SUBJECTS_FILE[:-4]}')/root/item[name=${{subject}}]/label",
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


@lru_cache(maxsize=256)
def _generate(
    source_yaml: str, set_label: str, set_version: int, campaign_id: int, set_id: int, title: str, year: int
) -> GeneratedForm:
    from hoctap.criteria import loader

    definition = loader.load_text(source_yaml, set_label)
    identifier = form_id(campaign_id, set_id)
    with translation.override("vi"):
        name = f"{Title(title).label} {year} · {definition.name_vi} (phiên bản {set_version})"
    version = f"{set_version}.{GENERATOR_VERSION}"
    result = convert(xlsform(definition, form_id=identifier, title=name, version=version), form_name="data")
    return GeneratedForm(identifier, name, version, result.xform.encode("utf-8"))


def generate(campaign, criteria_set) -> GeneratedForm:
    return _generate(
        criteria_set.source_yaml,
        f"{criteria_set.code} v{criteria_set.version}",
        criteria_set.version,
        campaign.pk,
        criteria_set.pk,
        campaign.title,
        campaign.year,
    )
