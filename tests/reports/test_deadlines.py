"""Deadlines are the end of the due day in Vietnam, whatever the server's or the user's time zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hoctap.reports import deadlines, services
from hoctap.reports.loader import load_schedules
from hoctap.reports.models import Report, ReportSchedule, ReportState, ReportType

UTC = datetime.UTC
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.date(2025, 11, 15)


def vn(*args):
    return datetime.datetime(*args, tzinfo=VN)


def test_2359_in_hanoi_is_on_time_and_0001_is_late():
    assert deadlines.is_on_time(vn(2025, 11, 15, 23, 59), DUE)
    assert not deadlines.is_on_time(vn(2025, 11, 16, 0, 1), DUE)


def test_utc_moments_are_judged_by_the_vietnamese_day():
    # 16:59 UTC on 15/11 is 23:59 in Hà Nội: on time.
    assert deadlines.is_on_time(datetime.datetime(2025, 11, 15, 16, 59, tzinfo=UTC), DUE)
    # 17:01 UTC is still 15/11 in UTC, but already 00:01 on 16/11 in Hà Nội: late.
    assert not deadlines.is_on_time(datetime.datetime(2025, 11, 15, 17, 1, tzinfo=UTC), DUE)
    # A user in New York: 11:30 on 15/11 there is 23:30 in Hà Nội (on time), 12:30 is 00:30 on 16/11.
    new_york = ZoneInfo("America/New_York")
    assert deadlines.is_on_time(datetime.datetime(2025, 11, 15, 11, 30, tzinfo=new_york), DUE)
    assert not deadlines.is_on_time(datetime.datetime(2025, 11, 15, 12, 30, tzinfo=new_york), DUE)


def test_days_left_counts_vietnamese_days():
    assert deadlines.days_left(DUE, vn(2025, 11, 15, 23, 59)) == 0
    assert deadlines.days_left(DUE, vn(2025, 11, 16, 0, 1)) == -1
    assert deadlines.days_left(DUE, datetime.datetime(2025, 11, 15, 16, 59, tzinfo=UTC)) == 0
    assert deadlines.days_left(DUE, datetime.datetime(2025, 11, 15, 17, 1, tzinfo=UTC)) == -1
    assert deadlines.days_left(DUE, vn(2025, 11, 1, 8, 0)) == 14
    assert deadlines.days_left(None, vn(2025, 11, 1)) is None


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        deadlines.is_on_time(datetime.datetime(2025, 11, 15, 12, 0), DUE)
    with pytest.raises(ValueError):
        deadlines.days_left(DUE, datetime.datetime(2025, 11, 15, 12, 0))


@given(
    st.datetimes(
        min_value=datetime.datetime(2020, 1, 1),
        max_value=datetime.datetime(2035, 1, 1),
        timezones=st.sampled_from([UTC, VN, ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")]),
    ),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 1, 1)),
)
def test_on_time_means_the_vietnamese_date_is_not_after_the_due_day(moment, due):
    assert deadlines.is_on_time(moment, due) == (moment.astimezone(VN).date() <= due)
    assert deadlines.days_left(due, moment) == (due - moment.astimezone(VN).date()).days


@pytest.fixture
def schedules(small_map):
    load_schedules()
    return ReportType.objects.get(code="annual")


def test_most_specific_schedule_wins(schedules, small_map):
    annual = schedules
    commune, province = small_map["commune_a"], small_map["province"]
    assert services.due_date_for(annual, commune, 2025) == datetime.date(2025, 12, 1)  # Hưng Yên, every year
    assert services.due_date_for(annual, province, 2025) == datetime.date(2025, 12, 15)  # national default
    ReportSchedule.objects.create(
        report_type=annual, province=province, year=2025, level="commune", due_month=11, due_day=20
    )
    assert services.due_date_for(annual, commune, 2025) == datetime.date(2025, 11, 20)
    assert services.due_date_for(annual, commune, 2026) == datetime.date(2026, 12, 1)
    # The mid-year report is asked only where a province's plan asks for it (Cao Bằng).
    assert services.due_date_for(ReportType.objects.get(code="mid_year"), commune, 2025) is None


def test_loading_schedules_twice_changes_nothing(schedules):
    before = list(ReportSchedule.objects.values_list("pk", "due_day", "due_month"))
    load_schedules()
    assert list(ReportSchedule.objects.values_list("pk", "due_day", "due_month")) == before


@pytest.mark.parametrize("server_zone", ["Asia/Ho_Chi_Minh", "UTC", "America/New_York"])
def test_board_status_at_the_day_boundary(schedules, small_map, officer_a, province_officer, server_zone):
    """Hưng Yên communes are due on 01/12. A report sent at 23:59 on 01/12 in Hà Nội is on time;
    one sent at 00:01 on 02/12 is late, whatever zone the server or the browser uses."""
    from hoctap.accounts.scoping import Scope

    with override_settings(TIME_ZONE=server_zone), timezone.override(server_zone):
        annual = schedules
        on_time = Report.objects.create(
            report_type=annual,
            year=2025,
            unit=small_map["commune_a"],
            state=ReportState.SUBMITTED,
            first_submitted_at=datetime.datetime(2025, 12, 1, 16, 59, tzinfo=UTC),
        )
        late = Report.objects.create(
            report_type=annual,
            year=2025,
            unit=small_map["commune_b"],
            state=ReportState.SUBMITTED,
            first_submitted_at=datetime.datetime(2025, 12, 1, 17, 1, tzinfo=UTC),
        )
        rows = {
            row.unit.pk: row
            for row in services.status_board(
                Scope(province_officer), annual, 2025, small_map["province"], now=vn(2025, 12, 1, 23, 59)
            )
        }
        assert rows[on_time.unit_id].status == services.BoardStatus.ON_TIME
        assert rows[late.unit_id].status == services.BoardStatus.LATE
        assert rows[small_map["province"].pk].is_own
        assert rows[small_map["province"].pk].status == services.BoardStatus.NOT_STARTED
        assert rows[small_map["province"].pk].days_left == 14
        assert rows[on_time.unit_id].due == datetime.date(2025, 12, 1)


def test_board_statuses_and_days_left(schedules, small_map, province_officer):
    from hoctap.accounts.scoping import Scope

    annual = schedules

    def board(now):
        rows = services.status_board(Scope(province_officer), annual, 2025, small_map["province"], now=now)
        return {row.unit.pk: row for row in rows}

    rows = board(vn(2025, 11, 28, 10, 0))
    assert rows[small_map["commune_a"].pk].status == services.BoardStatus.NOT_STARTED
    assert rows[small_map["commune_a"].pk].days_left == 3
    draft = Report.objects.create(report_type=annual, year=2025, unit=small_map["commune_a"])
    returned = Report.objects.create(
        report_type=annual,
        year=2025,
        unit=small_map["commune_b"],
        state=ReportState.RETURNED,
        first_submitted_at=vn(2025, 11, 20, 9, 0),
    )
    rows = board(vn(2025, 12, 3, 0, 1))
    assert rows[draft.unit_id].status == services.BoardStatus.DRAFT
    assert rows[draft.unit_id].overdue_days == 2
    assert rows[returned.unit_id].status == services.BoardStatus.RETURNED
    Report.objects.filter(pk=returned.pk).update(state=ReportState.ACCEPTED)
    rows = board(vn(2025, 12, 3, 0, 1))
    assert rows[returned.unit_id].status == services.BoardStatus.ACCEPTED
    assert rows[returned.unit_id].is_settled and rows[returned.unit_id].overdue_days == 0
    summary = services.board_summary(list(rows.values()))
    assert summary[services.BoardStatus.ACCEPTED] == 1 and summary[services.BoardStatus.DRAFT] == 1


def test_a_commune_officer_sees_only_their_own_row(schedules, small_map, officer_a):
    from hoctap.accounts.scoping import Scope

    rows = services.status_board(Scope(officer_a), schedules, 2025, small_map["commune_a"], now=vn(2025, 11, 1))
    assert [row.unit for row in rows] == [small_map["commune_a"]]
