"""The association's member lists from Excel, through the shared engine (hoctap.core.imports) and the
registry's upload pages and jobs: the whole file is checked first (every error named by row and
column), then every row is written in one transaction, or nothing.

A row is one member of one branch: who they are, when they joined (and left), and optionally the
dues they paid for a year. A member is recognised by their card number in the commune, else by name
and birth year in the branch, so uploading the same list again changes nothing. The writes go
through the same services as the pages (join, leave, record_dues); the checks here are the ones
those services make, applied to every row before anything is written.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import Column, ImportTemplate, Kind, Outcome, register_template
from hoctap.core.text import fold
from hoctap.funds.money import MAX_AMOUNT, format_dong
from hoctap.registry.imports import COMMUNE_COLUMN, _check_names, _resolve_units
from hoctap.registry.models import Sex
from hoctap.territory.models import Level

from . import services
from .models import Branch, Dues, LeaveReason, Member, Membership


class MembersTemplate(ImportTemplate):
    code = "association_members"
    title = gettext_lazy("Danh sách hội viên khuyến học")
    sheet_title = "Hội viên"
    capability = Capability.EDIT_REGISTRY
    entities = {
        "member": gettext_lazy("Hội viên"),
        "membership": gettext_lazy("Vào, ra chi hội"),
        "dues": gettext_lazy("Hội phí"),
    }
    guide = (
        gettext_lazy(
            "Mỗi dòng là một hội viên của một chi hội. Chi hội phải có sẵn trên hệ thống (trang «Hội viên, chi hội»)."
        ),
        gettext_lazy(
            "Hội viên được nhận ra theo số thẻ hội viên trong xã; không có số thẻ thì theo họ tên và năm sinh trong chi hội."
        ),
        gettext_lazy("Ngày vào hội đã ghi không bị sửa; ghi «Ngày ra» và «Lý do ra» khi hội viên ra khỏi chi hội."),
        gettext_lazy("Hội phí: ghi năm và số tiền (đồng, chỉ chữ số) nếu hội viên đã nộp; mỗi năm một lần."),
        gettext_lazy("Chuyển hội viên sang chi hội khác làm trên trang của hội viên, không qua tệp."),
    )
    columns = (
        COMMUNE_COLUMN,
        Column("branch", gettext_lazy("Chi hội"), required=True, max_length=200, example="Chi hội thôn Đông", width=24),
        Column(
            "full_name", gettext_lazy("Họ và tên"), required=True, max_length=200, example="Nguyễn Văn An", width=24
        ),
        Column("sex", gettext_lazy("Giới tính"), Kind.CHOICE, choices=tuple(Sex.choices), width=10),
        Column("birth_year", gettext_lazy("Năm sinh"), Kind.YEAR, example="1958", width=10),
        Column("card_number", gettext_lazy("Số thẻ hội viên"), max_length=30, example="KH-0123", width=14),
        Column("joined_on", gettext_lazy("Ngày vào hội"), Kind.DATE, required=True, example="15/03/2019", width=14),
        Column("left_on", gettext_lazy("Ngày ra"), Kind.DATE, width=14),
        Column(
            "leave_reason",
            gettext_lazy("Lý do ra"),
            Kind.CHOICE,
            choices=tuple((v, label) for v, label in LeaveReason.choices if v != LeaveReason.MOVED),
            width=20,
        ),
        Column("dues_year", gettext_lazy("Năm hội phí"), Kind.INTEGER, example="2026", width=10),
        Column("dues_amount", gettext_lazy("Hội phí đã nộp (đồng)"), Kind.INTEGER, example="50000", width=14),
        Column(
            "dues_paid_on",
            gettext_lazy("Ngày nộp hội phí"),
            Kind.DATE,
            width=14,
            help=gettext_lazy("Để trống: ngày 31/12 của năm hội phí, hoặc hôm nay nếu năm chưa hết."),
        ),
    )

    def unique_keys(self, row):
        if not row["commune_code"] or not row["full_name"]:
            return
        if row["card_number"]:
            yield "card_number", (row["commune_code"], fold(row["card_number"])), _("số thẻ hội viên")
        else:
            key = (row["commune_code"], fold(row["branch"] or ""), fold(row["full_name"]), row["birth_year"])
            yield "full_name", key, _("hội viên (cùng chi hội, họ tên và năm sinh)")

    # -- check ----------------------------------------------------------------------------------

    def check(self, rows, run):
        _resolve_units(rows, run, "commune_code", {Level.COMMUNE}, self.capability)
        for row in rows:
            _check_names(row, self, "full_name", "card_number")
        commune_ids = {row.data["unit"].pk for row in rows if "unit" in row.data}
        branches = {
            (b.commune_id, b.name_folded): b
            for b in Branch.objects.filter(commune_id__in=commune_ids).select_related("unit")
        }
        cards = {row["card_number"] for row in rows if row["card_number"]}
        names = {fold(row["full_name"]) for row in rows if row["full_name"]}
        candidates = {}
        for member in Member.objects.filter(card_number__in=cards).select_related("unit") if cards else []:
            candidates.setdefault(("card", member.card_number), []).append(member)
        by_branch = {}
        for membership in Membership.objects.filter(
            branch__in=branches.values(), member__name_folded__in=names
        ).select_related("member"):
            member = membership.member
            by_branch.setdefault((membership.branch_id, member.name_folded, member.birth_year), {})[member.pk] = member
        member_ids = {m.pk for ms in candidates.values() for m in ms} | {
            pk for found in by_branch.values() for pk in found
        }
        history = {}
        for membership in Membership.objects.filter(member_id__in=member_ids).select_related("branch"):
            history.setdefault(membership.member_id, []).append(membership)
        dues = {(d.member_id, d.year): d for d in Dues.objects.filter(member_id__in=member_ids)}
        for row in rows:
            if "unit" not in row.data or row.has_errors:
                continue
            commune = row.data["unit"]
            branch = branches.get((commune.pk, fold(row["branch"])))
            if branch is None:
                known = sorted(b.name for (c, _f), b in branches.items() if c == commune.pk)[:8]
                row.error(
                    "branch",
                    _(
                        "Xã chưa có chi hội mang tên này. Lập chi hội trên trang «Hội viên, chi hội» "
                        "hoặc sửa tên cho đúng%(known)s."
                    )
                    % {"known": (_(" (đang có: %(names)s)") % {"names": "; ".join(known)}) if known else ""},
                )
                continue
            if not run.scope.can(self.capability, branch.unit):
                row.error("branch", _("Chi hội này nằm ngoài địa bàn bạn được giao."))
                continue
            row.data["branch_id"] = branch.pk
            self._check_row(row, run, commune, branch, candidates, by_branch, history, dues)

    def _check_row(self, row, run, commune, branch, candidates, by_branch, history, dues):
        try:
            services._clean_member_fields(row["full_name"], row["birth_year"], row["card_number"])
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                row.error(key, problems[0])
        joined, left = row["joined_on"], row["left_on"]
        for key, day in (("joined_on", joined), ("left_on", left), ("dues_paid_on", row["dues_paid_on"])):
            if day is not None:
                try:
                    services._check_day(day, key)
                except ValidationError as error:
                    row.error(key, error.messages[0])
        if left is not None and joined is not None and left < joined:
            row.error("left_on", _("Ngày ra không được trước ngày vào hội."))
        if left is not None and not row["leave_reason"]:
            row.error("leave_reason", _("Có ngày ra thì chọn lý do ra."))
        if row["leave_reason"] and left is None:
            row.error("left_on", _("Có lý do ra thì ghi ngày ra."))
        member = None
        if row["card_number"]:
            found = [
                m for m in candidates.get(("card", row["card_number"]), []) if m.unit.path.startswith(commune.path)
            ]
            if found:
                member = found[0]
                if member.name_folded != fold(row["full_name"]):
                    row.error(
                        "card_number",
                        _("Số thẻ này đã cấp cho hội viên %(name)s; kiểm tra lại số thẻ.") % {"name": member.full_name},
                    )
                    return
        if member is None:
            found = by_branch.get((branch.pk, fold(row["full_name"]), row["birth_year"]), {})
            if len(found) > 1:
                row.error(
                    "full_name",
                    _("Chi hội có %(n)d hội viên cùng họ tên và năm sinh này; ghi số thẻ hội viên để phân biệt.")
                    % {"n": len(found)},
                )
                return
            member = next(iter(found.values()), None)
        if row.has_errors:
            return
        self._check_history(row, run, member, branch, history.get(member.pk, []) if member else [])
        if not row.has_errors:
            self._check_dues(row, run, member, dues)

    def _check_history(self, row, run, member, branch, memberships):
        joined, left = row["joined_on"], row["left_on"]
        row.data["member_id"] = member.pk if member else None
        row.data["action"] = None
        memberships = sorted(memberships, key=lambda m: (m.joined_on, m.pk))
        if member is None:
            run.count("member", Outcome.CREATE)
            self._act(row, run, "join", memberships)
            return
        run.count("member", Outcome.UNCHANGED)
        same = next((m for m in memberships if m.branch_id == branch.pk and m.joined_on == joined), None)
        last = memberships[-1] if memberships else None
        if same is None and last is not None and last.left_on is None:
            if last.branch_id != branch.pk:
                row.error(
                    "branch",
                    _("Hội viên đang sinh hoạt ở %(branch)s; chuyển chi hội trên trang của hội viên.")
                    % {"branch": last.branch.name},
                )
                return
            run.note(
                row.number,
                _("Dòng %(row)d: sổ ghi %(name)s vào chi hội ngày %(day)s; ngày đã ghi được giữ.")
                % {"row": row.number, "name": member.full_name, "day": last.joined_on.strftime("%d/%m/%Y")},
            )
            same = last
        if same is None:
            if last is not None and joined < last.left_on:
                row.error(
                    "joined_on",
                    _("Ngày vào lại không được trước ngày ra khỏi chi hội trước (%(day)s).")
                    % {"day": last.left_on.strftime("%d/%m/%Y")},
                )
                return
            self._act(row, run, "join", memberships)
        elif same.left_on is None and left is not None:
            if left < same.joined_on:
                row.error(
                    "left_on",
                    _("Ngày ra không được trước ngày vào hội (%(day)s).")
                    % {"day": same.joined_on.strftime("%d/%m/%Y")},
                )
                return
            self._act(row, run, "leave", memberships)
        elif same.left_on is not None and left is not None and left != same.left_on:
            row.error(
                "left_on",
                _("Sổ đã ghi hội viên ra ngày %(day)s; ngày ra đã ghi không sửa được.")
                % {"day": same.left_on.strftime("%d/%m/%Y")},
            )
        else:
            self._act(row, run, None, memberships)

    @staticmethod
    def _act(row, run, action, memberships):
        """Remember what the row will do and the member's periods after it (for the dues check)."""
        joined, left = row["joined_on"], row["left_on"]
        row.data["action"] = action
        periods = [(m.joined_on, left if action == "leave" and m.left_on is None else m.left_on) for m in memberships]
        if action == "join":
            periods.append((joined, left))
        row.data["periods"] = periods
        run.count("membership", {"join": Outcome.CREATE, "leave": Outcome.CHANGE, None: Outcome.UNCHANGED}[action])

    def _check_dues(self, row, run, member, dues):
        year, amount = row["dues_year"], row["dues_amount"]
        if year is None and amount is None:
            return
        if year is None:
            row.error("dues_year", _("Có số tiền hội phí thì ghi năm hội phí."))
            return
        if amount is None:
            row.error("dues_amount", _("Có năm hội phí thì ghi số tiền đã nộp (đồng)."))
            return
        this_year = timezone.localdate().year
        if not services.FIRST_JOIN.year <= year <= this_year + 1:
            row.error(
                "dues_year",
                _("Năm hội phí phải từ %(first)d đến %(last)d.")
                % {"first": services.FIRST_JOIN.year, "last": this_year + 1},
            )
            return
        if not 0 < amount < MAX_AMOUNT:
            row.error("dues_amount", _("Số tiền phải lớn hơn 0 đồng."))
            return
        periods = row.data.get("periods", [])
        if not any(joined.year <= year and (left is None or left.year >= year) for joined, left in periods):
            row.error(
                "dues_year",
                _("Năm %(year)d hội viên chưa sinh hoạt ở chi hội nào; kiểm tra năm hội phí hoặc ngày vào hội.")
                % {"year": year},
            )
            return
        earlier = dues.get((member.pk, year)) if member else None
        if earlier is not None and earlier.amount != amount:
            row.error(
                "dues_amount",
                _("Sổ đã ghi hội phí năm %(year)d là %(amount)s; hội phí đã ghi không sửa qua tệp.")
                % {"year": year, "amount": format_dong(earlier.amount)},
            )
        elif earlier is not None:
            run.count("dues", Outcome.UNCHANGED)
        else:
            row.data["dues"] = True
            run.count("dues", Outcome.CREATE)

    # -- write ----------------------------------------------------------------------------------

    def apply(self, rows, run):
        branches = {
            b.pk: b
            for b in Branch.objects.filter(
                pk__in={row.data["branch_id"] for row in rows if "branch_id" in row.data}
            ).select_related("unit", "commune")
        }
        for row in rows:
            try:
                self._apply_row(row, run, branches)
            except ValidationError as error:
                # The database changed between the check and the write: the engine rolls the
                # whole file back and says so.
                run.write_error(row.number, "; ".join(error.messages))

    def _apply_row(self, row, run, branches):
        branch = branches[row.data["branch_id"]]
        member = Member.objects.get(pk=row.data["member_id"]) if row.data.get("member_id") else None
        action = row.data.get("action")
        if action == "join":
            membership = services.join(
                run.scope,
                branch,
                joined_on=row["joined_on"],
                member=member,
                user=run.actor,
                full_name=row["full_name"],
                sex=row["sex"] or "",
                birth_year=row["birth_year"],
                card_number=row["card_number"] or "",
            )
            member = membership.member
        if row["left_on"] is not None and action in ("join", "leave"):
            services.leave(run.scope, member, left_on=row["left_on"], reason=row["leave_reason"], user=run.actor)
        if row.data.get("dues"):
            year = row["dues_year"]
            paid_on = row["dues_paid_on"] or min(datetime.date(year, 12, 31), timezone.localdate())
            services.record_dues(
                run.scope, member, year=year, amount=row["dues_amount"], paid_on=paid_on, user=run.actor
            )


MEMBERS = register_template(MembersTemplate())
