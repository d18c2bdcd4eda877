"""Campaigns: one year of one title, nationally by default, overridden by a province where it wants.

A province inherits the national campaign until it creates its own (own deadlines, own pinned
criteria sets, own recognising authority); `campaign_for` answers which one applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Role
from hoctap.core.limits import is_year
from hoctap.criteria import validity
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit

from .models import Campaign
from .sets import definition_of

# Who signs recognition unless a campaign says otherwise. Families, clans, village communities,
# commune-managed units and citizens: the commune People's Committee chairman (criteria.md 2.2).
# The commune learning community was recognised by the district education office under TT 25/2023;
# that office disappeared with the districts on 01/07/2025, so the default goes to the province.
DEFAULT_RECOGNISING_ROLE = {
    Title.FAMILY: Role.COMMUNE_APPROVER,
    Title.CLAN: Role.COMMUNE_APPROVER,
    Title.COMMUNITY: Role.COMMUNE_APPROVER,
    Title.UNIT: Role.COMMUNE_APPROVER,
    Title.CITIZEN: Role.COMMUNE_APPROVER,
    Title.COMMUNE_COMMUNITY: Role.PROVINCE_APPROVER,
}

# Subjects managed above the commune (TT 24/2023 units "cấp huyện, tỉnh": province agencies, upper-
# secondary schools, continuing-education centres) are never recognised by a commune chairman. TT 24
# names the district chairman and the province; the districts ended on 01/07/2025 and who took their
# part is not found (criteria-sources.md, cross-cutting), so both default to the province, and the
# province changes it in its own campaign.
ABOVE_COMMUNE_LEVELS = ("district", "province")
DEFAULT_LEVEL_ROLE = {"district": Role.PROVINCE_APPROVER, "province": Role.PROVINCE_APPROVER}
LEVEL_RULE_FIELDS = ("recognising_role", "validity_years", "upgrade_after_months")
LEVEL_LABELS = {"district": gettext_lazy("Đơn vị cấp huyện (cũ)"), "province": gettext_lazy("Đơn vị cấp tỉnh quản lý")}


@dataclass(frozen=True)
class LevelRule:
    """Who recognises subjects of one administrative level in a campaign, for how long, and after
    how many months a level may be raised."""

    recognising_role: str
    validity_years: int
    upgrade_after_months: int | None


def recognising_role_for(recognising_role: str, level_rules: dict | None, admin_level: str | None) -> str:
    """Who recognises subjects of `admin_level`, from a campaign's two fields (also read from rows
    of `values()` by the home page's queue)."""
    return ((level_rules or {}).get(admin_level or "") or {}).get("recognising_role") or recognising_role


def level_rule(campaign: Campaign, admin_level: str | None) -> LevelRule:
    """The campaign's rule for subjects of `admin_level` (`SubjectAdapter.admin_level`): its own
    entry in `level_rules` if it has one, else the campaign's three fields."""
    own = (campaign.level_rules or {}).get(admin_level or "") or {}
    return LevelRule(
        recognising_role=recognising_role_for(campaign.recognising_role, campaign.level_rules, admin_level),
        validity_years=int(own.get("validity_years") or campaign.validity_years),
        upgrade_after_months=own.get("upgrade_after_months", campaign.upgrade_after_months),
    )


def level_rows(campaign: Campaign) -> list[dict]:
    """The campaign page's lines: the default rule, then each level's own."""
    rows = [{"label": gettext_lazy("Mặc định"), "rule": level_rule(campaign, None)}]
    for level in ABOVE_COMMUNE_LEVELS:
        if level in (campaign.level_rules or {}):
            rows.append({"label": LEVEL_LABELS[level], "rule": level_rule(campaign, level)})
    for row in rows:
        row["role_label"] = Role(row["rule"].recognising_role).label
    return rows


def recognising_roles(campaign: Campaign) -> list[str]:
    """Every role that recognises something in the campaign (the default first)."""
    roles = [campaign.recognising_role]
    for rule in (campaign.level_rules or {}).values():
        if rule.get("recognising_role") and rule["recognising_role"] not in roles:
            roles.append(rule["recognising_role"])
    return roles


def default_level_rules(sets) -> dict:
    """A rule for every level above the commune that a pinned set applies to, with that set's
    `recognition` (TT 24/2023: 3 years, level 2 after 12 months)."""
    rules = {}
    for version in sets:
        definition = definition_of(version)
        for level in definition.applicability.admin_levels:
            if level in ABOVE_COMMUNE_LEVELS and level not in rules:
                rules[level] = {
                    "recognising_role": DEFAULT_LEVEL_ROLE[level],
                    "validity_years": definition.recognition.validity_years,
                    "upgrade_after_months": definition.recognition.upgrade_after_months,
                }
    return rules


def _main_recognition(sets):
    """The recognition of the set for the campaign's own fields: one that covers the commune (or
    every level), since the levels above have their own rules."""
    for version in sets:
        levels = set(definition_of(version).applicability.admin_levels)
        if not levels or not levels <= set(ABOVE_COMMUNE_LEVELS):
            return definition_of(version).recognition
    return definition_of(sets[0]).recognition


def default_windows(title: str, year: int) -> dict[str, datetime.date]:
    """Registration at the start of the year, assessment in November-December (the provincial plans);
    the commune learning community's file by 28/02 and recognition by 31/03 of the next year (TT 25/2023)."""
    if title == Title.COMMUNE_COMMUNITY:
        return {
            "registration_opens": datetime.date(year, 1, 1),
            "registration_closes": datetime.date(year, 3, 31),
            "self_assessment_deadline": datetime.date(year + 1, 1, 31),
            "review_deadline": datetime.date(year + 1, 2, 28),
            "recognition_deadline": datetime.date(year + 1, 3, 31),
        }
    return {
        "registration_opens": datetime.date(year, 1, 1),
        "registration_closes": datetime.date(year, 3, 31),
        "self_assessment_deadline": datetime.date(year, 11, 30),
        "review_deadline": datetime.date(year, 12, 15),
        "recognition_deadline": datetime.date(year, 12, 31),
    }


def campaign_for(title: str, year: int, province: Unit | int | None, *, create: bool = True) -> Campaign | None:
    """The campaign that applies to `province`: its own if it made one, else the national default.

    Every year works without anyone preparing it: when neither exists and `year` is one the system
    records, the national default is created here, on first need (`ensure_national_campaign`).
    None only when no criteria set of the title is published yet (or `create` is False)."""
    province_id = province.pk if isinstance(province, Unit) else province
    candidates = Campaign.objects.filter(title=title, year=year).filter(
        Q(province_id=province_id) | Q(province__isnull=True)
    )
    by_province = {campaign.province_id: campaign for campaign in candidates}
    found = by_province.get(province_id) or by_province.get(None)
    if found is None and create:
        found = ensure_national_campaign(title, year)
    return found


def ensure_national_campaign(title: str, year: int) -> Campaign | None:
    """The national default campaign of `title` for `year`, created with the default windows and the
    sets in force when it does not exist yet. Race-safe: two requests creating it at once meet the
    unique constraint (`campaign_unique_national_default`); the loser reads the winner's row.
    None when `year` is outside the recorded years or no set of the title is published."""
    if not is_year(year) or title not in Title.values:
        return None
    existing = Campaign.objects.filter(title=title, year=year, province__isnull=True).first()
    if existing is not None:
        return existing
    if not default_criteria_sets(title, year, None):
        return None
    try:
        with transaction.atomic():
            return create_campaign(title, year)
    except IntegrityError:
        return Campaign.objects.get(title=title, year=year, province__isnull=True)
    except ValidationError as error:
        # Two requests at once: full_clean's uniqueness check saw the other one's committed row.
        if Campaign.objects.filter(title=title, year=year, province__isnull=True).exists():
            return Campaign.objects.get(title=title, year=year, province__isnull=True)
        raise error


def ensure_national_campaigns(year: int) -> list[Campaign]:
    """Every title's national default for `year` (the yearly task `manage.py open_year` runs this)."""
    return [campaign for title in Title.values if (campaign := ensure_national_campaign(title, year))]


def default_criteria_sets(title: str, year: int, province: Unit | None) -> list[CriteriaSetVersion]:
    """The sets in force at the end of `year`; for an administrative level no set in force covers
    (the 2016-2020 family, clan and village sets are still cited until a replacement is adopted; the
    provisional 2021-2030 sets end with the programme), the most recent set that covers it."""
    in_force = list(CriteriaSetVersion.objects.applicable(title, province, datetime.date(year, 12, 31)))

    def levels(version):
        return set(definition_of(version).applicability.admin_levels) or {"*"}

    covered = set().union(*(levels(version) for version in in_force))
    if "*" in covered:
        return in_force
    recent = (
        CriteriaSetVersion.objects.for_title(title)
        .filter(Q(province__isnull=True) | Q(province=province))
        .order_by("-effective_from", "-version")
    )
    year_end = datetime.date(year, 12, 31)
    for version in recent:
        if version in in_force or (covered and version.effective_from > year_end):
            continue
        if not (levels(version) & covered) and (not covered or "*" not in levels(version)):
            in_force.append(version)
            covered |= levels(version)
        if "*" in covered:
            break
    return in_force


@transaction.atomic
def create_campaign(
    title: str,
    year: int,
    *,
    province: Unit | None = None,
    criteria_sets=None,
    level_overrides: dict | None = None,
    **fields,
) -> Campaign:
    """A national default (province=None) or a province's own campaign.

    A province's campaign starts as a copy of the national one for the same year and title, so it
    inherits everything it does not change. Validity and the upgrade period follow the pinned
    sets' `recognition` unless given; so do the rules of the levels above the commune
    (`default_level_rules`), which `level_overrides` ({level: {field: value}}) changes.
    """
    national = campaign_for(title, year, None) if province is not None else None
    if province is None and Campaign.objects.filter(title=title, year=year, province__isnull=True).exists():
        raise ValidationError(
            _("Đã có đợt mặc định toàn quốc %(title)s năm %(year)s; tỉnh điều chỉnh bằng đợt riêng của tỉnh.")
            % {"title": Title(title).label, "year": year},
            code="exists",
        )
    if national is not None:
        inherited = {
            name: getattr(national, name)
            for name in (
                *default_windows(title, year),
                "recognising_role",
                "validity_years",
                "upgrade_after_months",
                "allow_bulk_accept",
                "level_rules",
            )
        }
        sets = list(national.criteria_sets.all())
    else:
        inherited = {**default_windows(title, year), "recognising_role": DEFAULT_RECOGNISING_ROLE[title]}
        sets = default_criteria_sets(title, year, province)
    if criteria_sets is not None:
        sets = list(criteria_sets)
    if not sets:
        raise ValidationError(
            {
                "criteria_sets": _("Chưa có bộ tiêu chí nào cho danh hiệu %(title)s: hãy công bố bộ tiêu chí trước.")
                % {"title": Title(title).label}
            }
        )
    wrong = [str(s) for s in sets if s.title != title]
    if wrong:
        raise ValidationError(
            {"criteria_sets": _("Bộ tiêu chí không thuộc danh hiệu này: %(sets)s") % {"sets": ", ".join(wrong)}}
        )
    if national is None or criteria_sets is not None:
        recognition = _main_recognition(sets)
        inherited.update(
            validity_years=recognition.validity_years,
            upgrade_after_months=recognition.upgrade_after_months,
            level_rules=default_level_rules(sets),
        )
    rules = {
        level: dict(rule)
        for level, rule in (fields.pop("level_rules", None) or inherited.get("level_rules") or {}).items()
    }
    for level, changes in (level_overrides or {}).items():
        base = rules.get(level) or {
            "recognising_role": DEFAULT_LEVEL_ROLE.get(level, Role.PROVINCE_APPROVER),
            "validity_years": inherited.get("validity_years", 1),
            "upgrade_after_months": inherited.get("upgrade_after_months"),
        }
        rules[level] = {**base, **changes}
    inherited["level_rules"] = rules
    campaign = Campaign(title=title, year=year, province=province, **{**inherited, **fields})
    campaign.fit_windows(given={name for name, value in fields.items() if value is not None})
    campaign.full_clean(exclude=["criteria_sets"])
    campaign.save()
    campaign.criteria_sets.set(sets)
    return campaign


def pick_criteria_set(
    campaign: Campaign, *, group: str = "", admin_level: str | None = None, area_class: str = "normal"
) -> CriteriaSetVersion:
    """The pinned set that fits the subject: its group, its administrative level, its area class.

    A province's own set wins over a national one; among equals, the most recent.
    """

    def fits(version: CriteriaSetVersion) -> bool:
        applicability = definition_of(version).applicability
        groups = {g.code for g in applicability.subject_groups}
        if group and groups and group not in groups:
            return False
        if admin_level and applicability.admin_levels and admin_level not in applicability.admin_levels:
            return False
        return area_class in applicability.area_classes

    fitting = [version for version in campaign.criteria_sets.all() if fits(version)]
    if not fitting:
        raise ValidationError(
            _("Đợt %(campaign)s chưa gắn bộ tiêu chí phù hợp (nhóm %(group)s, cấp %(level)s, địa bàn %(area)s).")
            % {"campaign": campaign, "group": group or "—", "level": admin_level or "—", "area": area_class},
            code="no_criteria_set",
        )
    fitting.sort(key=lambda v: (v.province_id is not None, v.effective_from, v.version), reverse=True)
    return fitting[0]


def valid_until(campaign: Campaign, validity_years: int | None = None) -> datetime.date:
    """The last day a recognition of this campaign holds (`criteria.validity`, the one rule), for an
    assessment's own `validity_years` when given (a unit campaign holds 1- and 3-year subjects)."""
    return validity.last_valid_day(campaign.year, campaign.validity_years if validity_years is None else validity_years)
