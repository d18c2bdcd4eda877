"""Demo association: in each demo commune a branch per village, one in a school and one in a clan;
members who joined over the demo years (some left, one moved), dues paid last year and this year,
the commune's chair and vice-chair, branch heads, and their training. Dates are relative to today
(core.demo). Idempotent: a commune that has branches already is left alone."""

import datetime

from hoctap.accounts.scoping import Scope
from hoctap.core.demo import communes_without, demo_years, not_after_today
from hoctap.registry.models import ClanBranch, Organisation

from . import services
from .models import Branch, BranchKind

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Thị Thanh", "Quang", "Ngọc"]
GIVEN = [
    "An",
    "Bình",
    "Cúc",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Phúc",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thắng",
    "Uyên",
    "Vinh",
    "Xuân",
    "Yến",
]
DUES = 50_000  # the demo's yearly dues; the charter leaves the amount to each association


def _name(n: int) -> str:
    return f"{FAMILY[n % len(FAMILY)]} {MIDDLE[(n // 3) % len(MIDDLE)]} {GIVEN[(n * 7) % len(GIVEN)]}"


def load(context, log):
    first, last, this = demo_years()
    scope = Scope(context["users"]["central_admin"])
    recorder = context["users"]["commune_officer"]
    fresh = communes_without(context, Branch)
    for index, commune in fresh:
        branches = [
            services.save_branch(
                scope,
                Branch(
                    unit=village,
                    kind=BranchKind.VILLAGE,
                    name=f"Chi hội khuyến học {village.name}",
                    founded_on=datetime.date(2010 + i, 3, 1),
                ),
            )
            for i, village in enumerate(context["villages"][commune.pk][:3])
        ]
        school = Organisation.objects.filter(commune=commune, kind="school").first()
        clan = ClanBranch.objects.filter(commune=commune).first()
        # The commune's own branches: in its primary school and in a clan (named after them when the
        # registry demo made them).
        for kind, link, name in (
            (
                BranchKind.SCHOOL,
                {"organisation": school},
                f"Chi hội {school.name}" if school else f"Chi hội khuyến học Trường Tiểu học {commune.short_name}",
            ),
            (
                BranchKind.CLAN,
                {"clan": clan},
                f"Chi hội khuyến học {clan.name}"
                if clan
                else f"Chi hội khuyến học dòng họ Nguyễn {commune.short_name}",
            ),
        ):
            branches.append(services.save_branch(scope, Branch(unit=commune, kind=kind, name=name, **link)))
        members = []
        for b, branch in enumerate(branches):
            for k in range(8 + 2 * (b < 3) - index):
                n = 100 * index + 10 * b + k
                year = (first - 6 + k) if k < 6 else (last if k < 8 else this)
                joined = not_after_today(datetime.date(year, 1 + k % 11, 5 + b))
                members.append(
                    services.join(
                        scope,
                        branch,
                        joined_on=joined,
                        full_name=_name(n),
                        sex="female" if k % 2 else "male",
                        birth_year=1950 + (n * 3) % 50,
                        card_number=f"KH-{commune.code}-{n:04d}",
                        user=recorder,
                    ).member
                )
        leave_on = not_after_today(datetime.date(last, 10, 2))
        for member in [m for m in members[::9] if m.memberships.get().joined_on < leave_on]:
            services.leave(scope, member, left_on=leave_on, reason="moved_away", user=recorder)
        mover = members[1]
        services.move(scope, mover, branches[3], on=not_after_today(datetime.date(this, 2, 1)), user=recorder)
        for m, member in enumerate(members):
            if m % 9 == 0:
                continue
            for year in (last, this):
                if year == this and m % 3 == 0:
                    continue
                joined = member.memberships.order_by("joined_on").first().joined_on
                if joined.year > year:
                    continue  # not yet a member that year
                services.record_dues(
                    scope,
                    member,
                    year=year,
                    amount=DUES,
                    paid_on=not_after_today(max(joined, datetime.date(year, 3, 1 + m % 25))),
                    user=recorder,
                )
        chair, vice = members[2], members[3]
        started = datetime.date(first - 3, 6, 1)
        services.add_office(scope, chair, position="chair", started_on=started, manages_clc=True)
        services.add_office(scope, vice, position="vice_chair", started_on=started, in_clc=True)
        services.add_office(scope, members[4], position="officer", started_on=started, in_clc=index == 0)
        for b, branch in enumerate(branches):
            head = next(
                m
                for m in members
                if m.memberships.filter(branch=branch, left_on__isnull=True).exists()
                and m not in (chair, vice, members[4])
            )
            services.add_office(scope, head, position="branch_head", branch=branch, started_on=started, in_clc=b < 2)
        # Who was briefed on what, and trained in IT: (people, topic, day, course, organiser).
        trainings = (
            (members[:30], "programme", (4, 12), "Hội nghị quán triệt Chương trình 387 và 677", "Hội Khuyến học tỉnh"),
            (members[:30:2], "citizen", (6, 20), "Tập huấn tiêu chí Công dân học tập", "Hội Khuyến học xã"),
            ((chair, vice), "it", (8, 15), "Bồi dưỡng ứng dụng CNTT cho cán bộ khuyến học", "Hội Khuyến học tỉnh"),
        )
        for people, topic, (month, day), course, organiser in trainings:
            for member in people:
                when = datetime.date(last, month, day)
                services.add_training(scope, member, topic=topic, date=when, course=course, organiser=organiser)
    totals = services.figures(context["province"], last).total
    log(
        f"Hội viên, chi hội năm {last}: {len(fresh)} xã mới; {totals.branches} chi hội, {totals.members} hội viên, "
        f"hội phí {totals.dues:,} đ"
    )
