"""When a recognition holds: the one rule, read by the certificate, the statistics and the facts
other titles depend on. Pure Python, no Django: the callers turn it into dates, year ranges, ORM
filters and SQL parameters.

The rule. A recognition of year Y whose set (or campaign) gives a validity of V years holds in Y
and in the V years that follow it: Y .. Y+V; its last valid day is 31/12/(Y+V).

Where it comes from. The only texts that say how long a recognition lasts are TT 24/2023 and
TT 25/2023: "Kết quả công nhận được bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được
công nhận" — the result is kept for the 3 years (36 months) that follow the year of recognition
([V] criteria.md S23, S25, S28; criteria-sources.md §1, §2). The year of recognition is read as the
year assessed (the campaign's year, the year the certificate names). No source states a validity
for the learning citizen ([NF], criteria-sources.md §3) nor for the QĐ 448 and provisional family,
clan, village and commune-unit sets: their 1 year is the project's own number (tag I in each set's
`recognition`), read the same way. So a citizen recognised in the 2025 season holds through
31/12/2026, which is what the 2025 certificate prints, and the families assessed in 2026 count them.

Holding a title for a year is not the same as being exempt from assessment that year: a title of one
year is assessed again every year (the yearly cycle); only a multi-year recognition (TT 24/25) is
not assessed again while it holds, except to move up a level (`assessments.workflow`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The last year held is Y + V + LAST_YEAR_SHIFT. The ORM filter (`assessments.subjects.holders`)
# and the statistics' SQL (`stats.recompute`) take it as a parameter, so they cannot drift from
# `held_years`.
LAST_YEAR_SHIFT = 0

# The texts behind the rule's reading of "validity" (criteria.md source ids).
RULE_SOURCES = ("S23", "S25", "S28")


def last_year(year: int, validity_years: int) -> int:
    """The last year a recognition of `year` holds."""
    return year + validity_years + LAST_YEAR_SHIFT


def held_years(year: int, validity_years: int) -> range:
    """Every year a recognition of `year` holds in, in order."""
    return range(year, last_year(year, validity_years) + 1)


def holds(year: int, validity_years: int, when: int) -> bool:
    """Whether a recognition of `year` holds during `when`."""
    return year <= when <= last_year(year, validity_years)


def carried_years(year: int, validity_years: int) -> range:
    """The years after its own that a recognition still holds in (the statistics' "carried")."""
    return range(year + 1, last_year(year, validity_years) + 1)


def last_valid_day(year: int, validity_years: int) -> datetime.date:
    """What a certificate and a decision print as "có giá trị đến hết ngày"."""
    return datetime.date(last_year(year, validity_years), 12, 31)


def held_sql(year_column: str, validity_column: str) -> str:
    """The SQL condition "a recognition of (year_column, validity_column) holds in the year given as
    a parameter"; its parameters come from `held_sql_params`."""
    return f"({year_column} <= %s AND {year_column} + {validity_column} + %s >= %s)"


def held_sql_params(when: int) -> list[int]:
    return [when, LAST_YEAR_SHIFT, when]


@dataclass(frozen=True)
class Rule:
    """The validity rule of one criteria set, with where its parts come from."""

    validity_years: int
    tag: str  # the set's own provenance tag for its number of years ([V], [I], ...)
    sources: tuple[str, ...]  # the set's sources for that number
    rule_sources: tuple[str, ...] = RULE_SOURCES

    def held_years(self, year: int) -> range:
        return held_years(year, self.validity_years)

    def last_valid_day(self, year: int) -> datetime.date:
        return last_valid_day(year, self.validity_years)

    @property
    def provisional(self) -> bool:
        """The number of years is not verified in an official text."""
        return self.tag != "V"


def rule_of(recognition) -> Rule:
    """The rule of a set, from its `recognition` block (`schema.Recognition` or a mapping)."""
    if isinstance(recognition, dict):
        return Rule(
            int(recognition["validity_years"]), str(recognition.get("tag", "")), tuple(recognition.get("sources", ()))
        )
    return Rule(recognition.validity_years, str(recognition.tag), tuple(recognition.sources))
