"""Demo learning records, relative to today (core.demo): in each demo commune, centre classes across
last year and this year up to today, the Lifelong Learning Week's activities in early October (this
year's only once its days have passed), and literacy declarations — every demo commune for last year,
only the first for this year, so the province's page shows honest coverage ("1/104 xã đã báo cáo").
Idempotent: a commune that has classes already is left alone."""

import datetime

from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.core.demo import communes_without, demo_years

from . import services
from .models import CentreClass, LiteracyDeclaration

CLASSES = [  # (topic, name, month, day, sessions, participants, held by)
    ("law", "Tuyên truyền Luật Đất đai 2024", 2, 20, 1, 85, "Công chức Địa chính xã"),
    ("agriculture", "Kỹ thuật trồng lúa chất lượng cao vụ xuân", 3, 5, 3, 62, "Trạm Khuyến nông"),
    ("health", "Phòng chống sốt xuất huyết", 4, 18, 1, 110, "Trạm Y tế xã"),
    ("digital", "Sử dụng VNeID và dịch vụ công trực tuyến", 5, 9, 2, 48, "Đoàn Thanh niên xã"),
    ("language", "Tiếng Anh giao tiếp cho thiếu nhi", 6, 15, 8, 30, "Trường THCS của xã"),
    ("life_skills", "Kỹ năng phòng chống đuối nước", 7, 3, 1, 75, "Hội Liên hiệp Phụ nữ xã"),
    ("agriculture", "Nuôi gà thả vườn an toàn sinh học", 8, 22, 2, 40, "Hội Nông dân xã"),
    ("digital", "Thanh toán không dùng tiền mặt cho người cao tuổi", 9, 12, 2, 36, "Hội Khuyến học xã"),
    ("law", "Phòng chống lừa đảo qua mạng", 11, 6, 1, 95, "Công an xã"),
]
WEEK = [  # (day of October, activity, participants)
    (1, "Lễ khai mạc Tuần lễ hưởng ứng học tập suốt đời", 220),
    (3, "Ngày hội đọc sách tại nhà văn hóa", 150),
    (5, "Tập huấn kỹ năng số cho hội viên", 60),
]


def _declaration(year, index):
    people = 1800 + 350 * index
    band = 4200 + 700 * index
    return {
        "year": year,
        "population_15_35": people,
        "literate_15_35": people - 9 - 4 * index,
        "population_15_60": band,
        "literate2_15_60": band - 160 - 40 * index,
        "literacy_level": 2,
        "primary_level": 3 if index < 2 else 2,
        "lower_secondary_level": 2,
        "preschool": index != 2,
        "declared_by": "Nguyễn Văn Hùng, Phó Chủ tịch UBND xã",
        "document": "Báo cáo kết quả phổ cập giáo dục, xóa mù chữ",
        "document_number": f"{25 + index}/BC-UBND",
        "document_date": min(datetime.date(year, 11, 25), timezone.localdate()),
    }


def load(context, log):
    _first, last, this = demo_years()
    today = timezone.localdate()
    scope = Scope(context["users"]["central_admin"])
    recorder = context["users"]["commune_officer"]
    fresh = communes_without(context, CentreClass)
    for index, commune in fresh:
        for year in (last, this):
            for n, (topic, name, month, day, sessions, people, held_by) in enumerate(CLASSES):
                if (n + index) % 4 == 3:
                    continue  # not every commune holds every class
                started = datetime.date(year, month, day)
                if started > today:
                    continue
                ended = started + datetime.timedelta(days=7 * (sessions - 1)) if sessions > 1 else None
                services.record_class(
                    scope,
                    commune,
                    user=recorder,
                    topic=topic,
                    name=name,
                    started_on=started,
                    ended_on=ended if ended is None or ended <= today else None,
                    sessions=sessions,
                    participants=people - 5 * index,
                    held_by=held_by,
                )
            for day, activity, people in WEEK[: 3 - (index == 2)]:
                date = datetime.date(year, 10, day)
                if date <= today:
                    services.record_week_activity(
                        scope, commune, user=recorder, date=date, activity=activity, participants=people - 10 * index
                    )
        services.declare(scope, commune, user=recorder, **_declaration(last, index))
        if index == 0 and today >= datetime.date(this, 11, 1):
            services.declare(scope, commune, user=recorder, **_declaration(this, index))
    province = context["province"]
    totals = services.figures(province, last).total
    log(
        f"Học tập cộng đồng năm {last}: {len(fresh)} xã mới; {totals.classes} lớp, {totals.participants} lượt người, "
        f"Tuần lễ {totals.week_activities} hoạt động; {totals.literate_share().coverage} "
        f"({LiteracyDeclaration.objects.filter(year=last).count()} bản kê khai)"
    )
