"""Recognition decisions: numbered per issuer and year, recognising every subject they list, then
certificates for each."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.core.crashpoints import crash_point
from hoctap.core.documents import in_official_language
from hoctap.core.text import normalise
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.territory.models import Unit

from .campaigns import recognising_roles
from .legal_bases import legal_basis_lines, unit_in_sentence
from .models import Assessment, Campaign, Certificate, Decision
from .states import Action, State
from .workflow import TransitionRefused, transition

DEFAULT_SYMBOL = "QĐ-UBND"
NUMBERING_ATTEMPTS = 5


def issuer_body(issuer: Unit) -> str:
    """ "Ủy ban nhân dân xã An Lạc": the People's Committee of the issuing unit."""
    return f"{_('Ủy ban nhân dân')} {unit_in_sentence(issuer)}"


def issuer_name(issuer: Unit) -> str:
    """ "ỦY BAN NHÂN DÂN XÃ AN LẠC", as headers write it."""
    return issuer_body(issuer).upper()


def issuers_for(scope: Scope, campaign: Campaign) -> list[Unit]:
    """The units where the user holds one of the campaign's recognising roles (the default one, or
    one of its level rules): they may issue there; each recognition re-checks the subject's own."""
    units = []
    for role in recognising_roles(campaign):
        units += [
            unit for unit in scope.units_with_role(role) if scope.can(Capability.RECOGNISE, unit) and unit not in units
        ]
    return units


@in_official_language  # the decision's own text, stored as typed
def default_legal_bases(
    campaign: Campaign, issuer: Unit, issued_on: datetime.date | None = None, criteria_sets=None
) -> str:
    """The "Căn cứ" lines for a decision of `issuer` signed on `issued_on` (today by default), citing
    the documents behind `criteria_sets` (the campaign's pinned sets by default)."""
    sets = list(campaign.criteria_sets.all() if criteria_sets is None else criteria_sets)
    return "\n".join(legal_basis_lines(campaign.title, campaign.year, issuer, issued_on or timezone.localdate(), sets))


@in_official_language
def default_recipients(issuer: Unit | None = None) -> str:
    """ "Như Điều 3; Hội Khuyến học of the level above (để báo cáo); Lưu: VT."."""
    lines = [_("Như Điều 3;")]
    parent = issuer.parent if issuer is not None else None
    if parent is not None and parent.parent_id is not None:
        lines.append(_("Hội Khuyến học %(unit)s (để báo cáo);") % {"unit": unit_in_sentence(parent)})
    elif parent is not None:
        lines.append(_("Trung ương Hội Khuyến học Việt Nam (để báo cáo);"))
    lines.append(_("Lưu: VT."))
    return "\n".join(lines)


def _next_sequence(issuer: Unit, year: int, symbol: str) -> int:
    highest = Decision.objects.filter(issuer=issuer, year=year, symbol=symbol).aggregate(m=Max("sequence"))["m"]
    return (highest or 0) + 1


def issue_decision(
    scope: Scope,
    campaign: Campaign,
    assessments,
    *,
    issuer: Unit,
    issued_on: datetime.date,
    signer_name: str,
    signer_title: str = "Chủ tịch",
    legal_bases: str = "",
    recipients: str = "",
    symbol: str = DEFAULT_SYMBOL,
) -> Decision:
    """Number a decision for `issuer` and recognise every listed (proposed) assessment under it.

    All or nothing: one refused recognition cancels the decision and its number.
    """
    assessments = list(assessments)
    if not assessments:
        raise ValidationError({"assessments": _("Chọn ít nhất một hồ sơ đã được đề nghị công nhận.")})
    if issuer not in issuers_for(scope, campaign):
        raise TransitionRefused(
            _("Bạn không giữ thẩm quyền công nhận của đợt này tại %(unit)s.") % {"unit": issuer.name},
            code="no_capability",
        )
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Cần ghi họ tên người ký.")})
    if len({assessment.validity_years for assessment in assessments}) > 1:
        # The decision prints one "valid until" (Điều 2).
        raise ValidationError(
            {
                "assessments": _(
                    "Các hồ sơ được chọn có thời hạn công nhận khác nhau (ví dụ đơn vị cấp xã 1 năm, đơn vị cấp tỉnh 3 năm): "
                    "hãy lập mỗi thời hạn một quyết định riêng."
                )
            }
        )
    for _attempt in range(NUMBERING_ATTEMPTS):
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    campaign=campaign,
                    issuer=issuer,
                    year=issued_on.year,
                    symbol=symbol,
                    sequence=_next_sequence(issuer, issued_on.year, symbol),
                    issued_on=issued_on,
                    signer_name=signer_name.strip(),
                    signer_title=signer_title.strip() or "Chủ tịch",
                    legal_bases=legal_bases
                    or default_legal_bases(
                        campaign,
                        issuer,
                        issued_on,
                        CriteriaSetVersion.objects.filter(pk__in={a.criteria_set_id for a in assessments}),
                    ),
                    recipients=recipients or default_recipients(issuer),
                    created_by=scope.user,
                )
                for assessment in assessments:
                    if assessment.state != State.PROPOSED:
                        raise TransitionRefused(
                            _("Hồ sơ %(id)s chưa ở trạng thái đề nghị công nhận.") % {"id": assessment.pk},
                            code="wrong_state",
                        )
                    transition(scope, assessment, Action.RECOGNISE, decision=decision)
                crash_point("decision.before_commit")  # tests/crash: killed here, nothing is decided
                return decision
        except IntegrityError:
            continue  # another decision took the number at the same moment: take the next one
    raise ValidationError(_("Không cấp được số quyết định, hãy thử lại."))


def issue_certificates(scope: Scope, decision: Decision) -> list[Certificate]:
    """A signed certificate for every subject the decision recognised that has none yet."""
    with transaction.atomic():
        for assessment in decision.assessments.filter(state=State.RECOGNISED).order_by("pk"):
            transition(scope, assessment, Action.ISSUE_CERTIFICATE)
    return list(Certificate.objects.filter(decision=decision).order_by("pk"))


def proposed_for(scope: Scope, campaign: Campaign, issuer: Unit):
    """Assessments of the campaign under `issuer` waiting for recognition."""
    return scope.filter(
        Assessment.objects.filter(
            campaign=campaign,
            state=State.PROPOSED,
            unit__path__startswith=issuer.path,
        )
    )


NUMBER_PATTERN = re.compile(r"^\s*0*(\d{1,6})\s*/\s*(\S(?:.*\S)?)\s*$")


def parse_number(text: str) -> tuple[int, str] | None:
    """ "12/QĐ-UBND" → (12, "QĐ-UBND"); None when it is not a number and a symbol."""
    match = NUMBER_PATTERN.match(normalise(text or ""))
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1)), re.sub(r"\s+", "", match.group(2))


def record_archived_decision(
    scope: Scope,
    campaign: Campaign,
    *,
    issuer: Unit,
    sequence: int,
    symbol: str,
    issued_on: datetime.date,
    signer_name: str = "",
) -> Decision:
    """A recognition decision of an earlier year, entered with the number and date it was signed
    under (the results import): found again by its number, never numbered anew. Only the
    campaign's recognising authority at `issuer` enters one."""
    if issuer not in issuers_for(scope, campaign):
        raise TransitionRefused(
            _("Bạn không giữ thẩm quyền công nhận của đợt này tại %(unit)s.") % {"unit": issuer.name},
            code="no_capability",
        )
    found = Decision.objects.filter(issuer=issuer, year=issued_on.year, symbol=symbol, sequence=sequence).first()
    if found is not None:
        if found.campaign_id != campaign.pk or found.issued_on != issued_on:
            raise TransitionRefused(
                _("Đã có quyết định %(number)s ngày %(day)s của %(unit)s cho việc khác; hãy kiểm tra số và ngày.")
                % {"number": found.number, "day": found.issued_on.strftime("%d/%m/%Y"), "unit": issuer.name},
                code="wrong_decision",
                field="decision",
            )
        return found
    return Decision.objects.create(
        campaign=campaign,
        issuer=issuer,
        year=issued_on.year,
        symbol=symbol,
        sequence=sequence,
        issued_on=issued_on,
        signer_name=signer_name.strip() or "—",
        signer_title="Chủ tịch",
        legal_bases=_("Ghi theo hồ sơ lưu trữ (nhập từ tệp Excel)."),
        recipients=default_recipients(issuer),
        created_by=scope.user,
    )
