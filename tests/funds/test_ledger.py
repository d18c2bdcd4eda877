"""The fund ledger: exact đồng, balances that tie, corrections by reversal only (model, queryset and
database), figures rolled up, audited entries."""

import datetime
from itertools import pairwise

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from hoctap.accounts.scoping import Scope
from hoctap.funds import services
from hoctap.funds.models import EntryKind, Fund, FundEntry, ImmutableEntry
from hoctap.funds.money import format_dong, parse_dong

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def fund(small_map):
    return Fund.objects.create(unit=small_map["commune_a"], name="Quỹ khuyến học xã An Lạc")


@pytest.fixture
def scope_a(officer_a):
    return Scope(officer_a)


def receipt(scope, fund, amount, day=DAY, **extra):
    return services.record(
        scope, fund, kind=EntryKind.RECEIPT, date=day, amount=amount, party="Ông Nguyễn Văn Hảo", **extra
    )


def payment(scope, fund, amount, day=DAY, **extra):
    return services.record(
        scope,
        fund,
        kind=EntryKind.PAYMENT,
        date=day,
        amount=amount,
        party="Em Lê Thu Trang",
        purpose="scholarship",
        reason="Học sinh giỏi cấp tỉnh",
        **extra,
    )


def test_money_is_shown_with_vietnamese_grouping_and_parsed_exactly():
    assert format_dong(1250000) == "1.250.000 đ"
    assert format_dong(-500000) == "−500.000 đ"
    with translation.override("en"):
        assert format_dong(1250000) == "1,250,000 VND"
    assert parse_dong("1.250.000") == parse_dong("1 250 000 đ") == parse_dong("1250000") == 1250000
    for bad in ("1,5", "12.5e3", "-100", "0", "mười nghìn", ""):
        if bad == "1,5":
            assert parse_dong(bad) == 15  # a comma is a thousands separator, never a decimal point
            continue
        with pytest.raises(ValidationError):
            parse_dong(bad)


def test_receipts_payments_and_balances_per_year(fund, scope_a):
    receipt(scope_a, fund, "5.000.000", datetime.date(2024, 5, 1))
    payment(scope_a, fund, 1500000, datetime.date(2024, 9, 5))
    receipt(scope_a, fund, 2000000, datetime.date(2025, 2, 1), in_kind=True, goods="40 bộ sách giáo khoa")
    lines = {line.year: line for line in services.balances(fund, until=2026)}
    assert (lines[2024].opening, lines[2024].received, lines[2024].paid, lines[2024].closing) == (
        0,
        5000000,
        1500000,
        3500000,
    )
    assert lines[2025].opening == 3500000 and lines[2025].closing == 5500000
    assert lines[2026].opening == lines[2026].closing == 5500000
    assert services.balance(fund) == 5500000


def test_a_payment_never_overdraws_the_fund_on_any_day(fund, scope_a):
    receipt(scope_a, fund, 1000000, datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError) as refused:
        payment(scope_a, fund, 800000, datetime.date(2025, 5, 1))  # before the money came in
    assert "Quỹ không đủ" in str(refused.value.message_dict["amount"])
    payment(scope_a, fund, 800000, datetime.date(2025, 6, 2))
    with pytest.raises(ValidationError):
        payment(scope_a, fund, 300000, datetime.date(2025, 6, 3))
    assert services.balance(fund) == 200000


def test_required_fields_are_named(fund, scope_a):
    with pytest.raises(ValidationError) as refused:
        services.record(scope_a, fund, kind=EntryKind.PAYMENT, date=DAY, amount="100000", party="")
    assert set(refused.value.message_dict) == {"party", "purpose", "reason"}
    with pytest.raises(ValidationError) as refused:
        receipt(scope_a, fund, "1000", in_kind=True)
    assert set(refused.value.message_dict) == {"goods"}
    with pytest.raises(ValidationError) as refused:
        receipt(scope_a, fund, 1000, datetime.date(2100, 1, 1))
    assert set(refused.value.message_dict) == {"date"}


def test_corrections_reverse_and_never_edit(fund, scope_a):
    wrong = receipt(scope_a, fund, 10000000)
    correction = services.reverse(scope_a, wrong, reason="Ghi nhầm số tiền", date=datetime.date(2025, 3, 2))
    assert correction.amount == -10000000 and correction.kind == EntryKind.RECEIPT and correction.reverses == wrong
    assert services.balance(fund) == 0
    with pytest.raises(ValidationError):
        services.reverse(scope_a, wrong, reason="lần nữa")
    with pytest.raises(ValidationError):
        services.reverse(scope_a, correction, reason="đảo của đảo")
    with pytest.raises(ValidationError) as refused:
        services.reverse(scope_a, receipt(scope_a, fund, 1000), reason="")
    assert "reason" in refused.value.message_dict

    wrong.amount = 1
    with pytest.raises(ImmutableEntry):
        wrong.save()
    with pytest.raises(ImmutableEntry):
        wrong.delete()
    with pytest.raises(ImmutableEntry):
        FundEntry.objects.filter(pk=wrong.pk).update(amount=1)
    with pytest.raises(ImmutableEntry):
        FundEntry.objects.filter(pk=wrong.pk).delete()


def test_the_database_refuses_to_change_an_entry(fund, scope_a):
    entry = receipt(scope_a, fund, 1000000)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_fundentry SET amount = 1 WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM funds_fundentry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_fundentry (fund_id, kind, date, amount, party, in_kind, goods, purpose, reason, "
            "decision, recorded_at) VALUES (%s, 'receipt', %s, -5, 'x', false, '', '', '', '', %s)",
            [fund.pk, DAY, datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)],
        )
    assert FundEntry.objects.get(pk=entry.pk).amount == 1000000


def test_every_entry_is_audited(fund, scope_a):
    entry = receipt(scope_a, fund, 300000)
    assert LogEntry.objects.get_for_object(entry).filter(action=LogEntry.Action.CREATE).count() == 1


def test_out_of_scope_writes_are_refused(small_map, officer_b):
    fund = Fund.objects.create(unit=small_map["commune_a"], name="Quỹ A")
    from django.http import Http404

    with pytest.raises(Http404):
        receipt(Scope(officer_b), fund, 1000)
    assert not fund.entries.exists()


def test_figures_roll_up_to_the_province(small_map, scope_a, officer_b):
    fund_a = Fund.objects.create(unit=small_map["commune_a"], name="Quỹ A")
    fund_b = Fund.objects.create(unit=small_map["commune_b"], name="Quỹ B")
    scope_b = Scope(officer_b)
    receipt(scope_a, fund_a, 3000000, datetime.date(2024, 12, 1))
    payment(scope_a, fund_a, 1000000, datetime.date(2025, 1, 10))
    paid = payment(scope_a, fund_a, 500000, datetime.date(2025, 2, 10))
    services.reverse(scope_a, paid, reason="Trùng", date=datetime.date(2025, 2, 11))
    receipt(scope_b, fund_b, 700000, datetime.date(2025, 4, 1))
    payment(
        scope_b,
        fund_b,
        200000,
        datetime.date(2025, 4, 2),
    )

    province = services.figures(small_map["province"], 2025)
    assert province.total.as_dict() == {
        "mobilised": 700000,
        "paid": 1200000,
        "beneficiaries": 2,
        "scholarships": 1200000,
        "balance": 2500000,
        "funds": 2,
    }
    by_child = {unit.pk: totals for unit, totals in province.children}
    assert by_child[small_map["commune_a"].pk].balance == 2000000
    assert by_child[small_map["commune_b"].pk].beneficiaries == 1
    assert services.figures(small_map["nation"], 2025).total.as_dict() == province.total.as_dict()
    assert services.figures(small_map["province"], 2024).total.balance == 3000000


def build_machine(small_map, officer):
    scope = Scope(officer)

    class LedgerMachine(RuleBasedStateMachine):
        """Random receipts, payments and reversals on two funds: the books always tie."""

        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.funds = [Fund.objects.create(unit=small_map["commune_a"], name=f"Quỹ {i}") for i in range(2)]
            self.expected = [0, 0]  # the balance a careful treasurer would hold, by hand

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        @rule(which=st.integers(0, 1), amount=st.integers(1, 10**9), day=st.integers(0, 1000))
        def receive(self, which, amount, day):
            receipt(scope, self.funds[which], amount, datetime.date(2023, 1, 1) + datetime.timedelta(days=day))
            self.expected[which] += amount

        @rule(which=st.integers(0, 1), amount=st.integers(1, 10**9), day=st.integers(0, 1000))
        def pay(self, which, amount, day):
            try:
                payment(scope, self.funds[which], amount, datetime.date(2023, 1, 1) + datetime.timedelta(days=day))
            except ValidationError as refused:
                assert "amount" in refused.message_dict
            else:
                self.expected[which] -= amount

        @rule(which=st.integers(0, 1), pick=st.integers(0, 50))
        def reverse(self, which, pick):
            originals = list(self.funds[which].entries.filter(reverses__isnull=True, reversal__isnull=True))
            if not originals:
                return
            entry = originals[pick % len(originals)]
            try:
                services.reverse(scope, entry, reason="Điều chỉnh", date=datetime.date(2025, 12, 31))
            except ValidationError as refused:
                assert entry.kind == EntryKind.RECEIPT and "amount" in refused.message_dict
            else:
                self.expected[which] += -entry.amount if entry.kind == EntryKind.RECEIPT else entry.amount

        @invariant()
        def books_tie(self):
            province_balance = 0
            for fund, expected in zip(self.funds, self.expected, strict=True):
                lines = services.balances(fund, until=2025)
                assert services.balance(fund) == expected == lines[-1].closing
                for before, after in pairwise(lines):
                    assert before.closing == after.opening and before.closing >= 0
                assert sum(line.received - line.paid for line in lines) == expected
                province_balance += expected
            assert services.figures(small_map["province"], 2025).total.balance == province_balance

    return LedgerMachine


def test_a_fund_always_ties_after_random_receipts_payments_and_reversals(small_map, officer_a):
    machine = build_machine(small_map, officer_a)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
