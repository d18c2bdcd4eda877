"""Ethnicity is sensitive personal data (Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP). ONE rule decides
every write of it — the person form, the household form, the API (both through the forms) and the Excel
import — so no path is looser than another:

* only a role holding `Capability.VIEW_SENSITIVE` over the person's place writes it; anyone else who
  sends a value (even the one on record: an answer that differed would tell them what is recorded) is
  refused, and told who may record it;
* a value is written (set or changed) only for a person whose own consent to record their ethnicity is
  current. That consent lives in hoctap.privacy (`LegalBasis`, covers=sensitive), to the right of the
  registry, so it is asked through the `sensitive_consent_asked` signal. A person not yet in the
  register has no consent yet: they are saved first, the consent form recorded, then the ethnicity;
* clearing it (the person withdrew consent on paper, or it was wrong) needs the capability only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability

from .signals import sensitive_consent_asked


@dataclass(frozen=True)
class EthnicityWrite:
    unit: object  # the person's village or commune (where the capability is asked); None: anywhere
    person_id: int | None  # None: a person this write creates
    old: str
    new: str


def not_allowed() -> str:
    return _(
        "Dân tộc là dữ liệu nhạy cảm: chỉ cán bộ xã được giao mới ghi được (vai trò «Cán bộ xã»). "
        "Để trống dân tộc và nhờ cán bộ xã ghi."
    )


def no_consent(*, new_person: bool, in_file: bool) -> str:
    if new_person and in_file:
        return _(
            "Người mới chưa có phiếu đồng ý riêng về việc ghi dân tộc: để trống cột Dân tộc, nhập tệp, ghi "
            "phiếu đồng ý (trang «Nhân khẩu chưa ghi căn cứ» hoặc «Căn cứ xử lý dữ liệu», phạm vi Dân tộc), "
            "rồi tải lại tệp có cột Dân tộc."
        )
    if new_person:
        return _(
            "Người mới chưa có phiếu đồng ý riêng về việc ghi dân tộc: lưu người này với dân tộc để trống, "
            "ghi phiếu đồng ý ở trang «Căn cứ xử lý dữ liệu» của họ (phạm vi Dân tộc), rồi ghi dân tộc."
        )
    return _(
        "Người này chưa có phiếu đồng ý riêng về việc ghi dân tộc (hoặc đã rút lại): ghi phiếu đồng ý ở "
        "trang «Căn cứ xử lý dữ liệu» của họ (phạm vi Dân tộc), rồi ghi dân tộc."
    )


def consented(person_ids) -> set[int]:
    """The given people whose consent to record their ethnicity is current (asked of hoctap.privacy)."""
    person_ids = set(person_ids) - {None}
    if not person_ids:
        return set()
    answered: set[int] = set()
    for _receiver, ids in sensitive_consent_asked.send(sender=None, person_ids=person_ids):
        answered |= set(ids or ())
    return answered & person_ids


def refusals(scope, writes: list[EthnicityWrite], *, in_file: bool = False) -> list[str | None]:
    """For each write, None when it may be made, else the refusal (what to do next). One consent query."""
    asking = [w.person_id for w in writes if w.new and w.new != (w.old or "") and w.person_id]
    given = consented(asking)
    answers = []
    for write in writes:
        new, old = write.new or "", write.old or ""
        if not new and not old:
            answers.append(None)
        elif not scope.can(Capability.VIEW_SENSITIVE, write.unit):
            answers.append(not_allowed() if new else None)  # an empty cell or field changes nothing
        elif new == old or not new:
            answers.append(None)
        elif write.person_id not in given:
            answers.append(no_consent(new_person=write.person_id is None, in_file=in_file))
        else:
            answers.append(None)
    return answers


def refusal(scope, unit, *, person_id: int | None, old: str, new: str, in_file: bool = False) -> str | None:
    return refusals(scope, [EthnicityWrite(unit, person_id, old, new)], in_file=in_file)[0]
