from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Role
from hoctap.core.jobs import QueuedJob
from hoctap.core.versions import StaleRecord
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.registry.models import PersonRecord, Sex
from hoctap.territory.models import Unit

from .states import FROZEN_STATES, State


class Campaign(models.Model):
    """One year of one title in one province (or the national default when province is empty)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("danh hiệu"), max_length=24, choices=Title.choices)
    province = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("tỉnh"),
        help_text=_("Để trống: mặc định toàn quốc, các tỉnh kế thừa."),
    )
    registration_opens = models.DateField(_("mở đăng ký"))
    registration_closes = models.DateField(_("hạn đăng ký"))
    self_assessment_deadline = models.DateField(_("hạn tự đánh giá"))
    review_deadline = models.DateField(_("hạn thẩm định"))
    recognition_deadline = models.DateField(_("hạn công nhận"))
    criteria_sets = models.ManyToManyField(
        CriteriaSetVersion, related_name="campaigns", verbose_name=_("bộ tiêu chí áp dụng")
    )
    recognising_role = models.CharField(
        _("cấp có thẩm quyền công nhận"), max_length=24, choices=Role.choices, default=Role.COMMUNE_APPROVER
    )
    validity_years = models.PositiveSmallIntegerField(_("thời hạn công nhận (năm)"), default=1)
    upgrade_after_months = models.PositiveSmallIntegerField(_("nâng mức sau (tháng)"), null=True, blank=True)
    allow_bulk_accept = models.BooleanField(_("cho phép chấp nhận điểm tự chấm hàng loạt"), default=True)
    # Per administrative level of the subject ("province", "district"): who recognises, for how many
    # years, and after how many months a level may be raised — for the units of TT 24/2023, which a
    # commune chairman does not recognise. A level not listed follows the three fields above.
    # `campaigns.level_rule` reads it; `campaigns.default_level_rules` fills it from the pinned sets.
    level_rules = models.JSONField(_("thẩm quyền và thời hạn theo cấp quản lý"), default=dict, blank=True)

    scope_path_lookup = "province__path"
    scope_shared = Q(province__isnull=True)
    scope_inherited_unit = "province"

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "title", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "title", "province"], name="campaign_unique_year_title_province"),
            models.UniqueConstraint(
                fields=["year", "title"], condition=Q(province__isnull=True), name="campaign_unique_national_default"
            ),
        ]

    def __str__(self):
        where = self.province.short_name if self.province_id else _("toàn quốc")
        return f"{self.get_title_display()} {self.year} · {where}"

    WINDOWS = (
        "registration_opens",
        "registration_closes",
        "self_assessment_deadline",
        "review_deadline",
        "recognition_deadline",
    )

    def fit_windows(self, given: set[str]) -> None:
        """Milestones nobody typed follow the ones typed: an inherited or default date that would fall
        before a given earlier milestone moves up to it, one after a given later milestone moves back
        to it. So leaving optional dates blank never makes a date-order error on a field nobody
        touched; only milestones the user gave can be out of order (and `clean` names those)."""
        order = self.WINDOWS
        for index, name in enumerate(order):
            if name in given or getattr(self, name) is None:
                continue
            floor = [getattr(self, e) for e in order[:index] if e in given and getattr(self, e)]
            ceiling = [getattr(self, e) for e in order[index + 1 :] if e in given and getattr(self, e)]
            value = getattr(self, name)
            if floor and value < max(floor):
                value = max(floor)
            if ceiling and value > min(ceiling):
                value = min(ceiling)
            setattr(self, name, value)
        # Untouched dates between two moved ones keep the order among themselves.
        previous = None
        for name in order:
            value = getattr(self, name)
            if name not in given and previous is not None and value is not None and value < previous:
                setattr(self, name, previous)
            previous = getattr(self, name) or previous

    def clean(self):
        self._clean_level_rules()
        if self.title == Title.COMMUNE_COMMUNITY and self.recognising_role == Role.COMMUNE_APPROVER:
            # A commune never recognises its own learning community (TT 25/2023: the level above).
            raise ValidationError(
                {
                    "recognising_role": _(
                        "Cộng đồng học tập cấp xã do cấp trên công nhận: lãnh đạo xã không thể công nhận chính xã mình. "
                        "Hãy chọn lãnh đạo tỉnh."
                    )
                }
            )
        order = self.WINDOWS
        for earlier, later in pairwise(order):
            if getattr(self, earlier) and getattr(self, later) and getattr(self, earlier) > getattr(self, later):
                raise ValidationError(
                    {
                        later: _(
                            "Các mốc phải theo thứ tự: mở đăng ký, hạn đăng ký, hạn tự đánh giá, hạn thẩm định, hạn công nhận."
                        )
                    }
                )

    def _clean_level_rules(self):
        """`level_rules` as `campaigns.level_rule` reads it: a level above the commune, the province
        approver (a commune does not recognise what the province manages), 1-10 years, an upgrade
        period of 1-120 months or none."""
        rules = self.level_rules or {}
        problem = _("Thẩm quyền theo cấp quản lý không hợp lệ: cấp «%(level)s», %(field)s.")
        if not isinstance(rules, dict):
            raise ValidationError({"level_rules": _("Thẩm quyền theo cấp quản lý phải là một bảng theo cấp.")})
        for level, rule in rules.items():
            if level not in ("district", "province") or not isinstance(rule, dict):
                raise ValidationError({"level_rules": problem % {"level": level, "field": _("cấp")}})
            # a unit the province (or a former district) manages is never the commune chairman's
            if rule.get("recognising_role") != Role.PROVINCE_APPROVER:
                raise ValidationError(
                    {"level_rules": problem % {"level": level, "field": _("cấp có thẩm quyền công nhận")}}
                )
            years = rule.get("validity_years")
            if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 10:
                raise ValidationError(
                    {"level_rules": problem % {"level": level, "field": _("thời hạn công nhận (năm)")}}
                )
            months = rule.get("upgrade_after_months")
            if months is not None and (
                not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120
            ):
                raise ValidationError({"level_rules": problem % {"level": level, "field": _("nâng mức sau (tháng)")}})


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    CLAN_BRANCH = "clan_branch", _("Dòng họ (chi, nhánh)")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    COMMUNE = "commune", _("Xã, phường")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị")
    PERSON = "person", _("Công dân")


# Which subject each title is awarded to.
SUBJECT_OF_TITLE = {
    Title.FAMILY: SubjectKind.HOUSEHOLD,
    Title.CLAN: SubjectKind.CLAN_BRANCH,
    Title.COMMUNITY: SubjectKind.VILLAGE,
    Title.COMMUNE_COMMUNITY: SubjectKind.COMMUNE,
    Title.UNIT: SubjectKind.ORGANISATION,
    Title.CITIZEN: SubjectKind.PERSON,
}


class StaleAssessment(StaleRecord):
    """Someone else saved the assessment since it was loaded."""

    message = _(
        "Hồ sơ đã được người khác cập nhật (phiên bản %(current)s, bạn đang sửa phiên bản %(loaded)s). "
        "Hãy tải lại trang để xem thay đổi rồi làm lại."
    )


class ImmutableAssessment(ValidationError):
    """A recognised (or finally refused) assessment is a record of a decision and never changes."""

    def __init__(self):
        super().__init__(
            _(
                "Hồ sơ đã có kết quả công nhận nên không thể sửa. Muốn điều chỉnh, hãy thu hồi "
                "(ghi lý do và số quyết định) rồi lập hồ sơ mới."
            ),
            code="immutable",
        )


# The only changes a frozen row accepts: its certificate being issued and its revocation.
FROZEN_MOVES = {
    (State.RECOGNISED, State.CERTIFIED),
    (State.RECOGNISED, State.REVOKED),
    (State.CERTIFIED, State.REVOKED),
}
FIELDS_CHANGED_BY_FROZEN_MOVES = {"state", "version", "revoked_at", "revocation_reason", "revocation_reference"}


class Assessment(models.Model):
    """One subject's path through one campaign, whatever the title.

    The subject is one of several nullable foreign keys (exactly one is set, by `subject_kind`);
    `unit` is where the subject lives on the current map and anchors the scope; `recorded_unit`
    is the unit as recorded at the time (an old-map commune for years before 2025), so figures
    stay comparable on both maps.
    """

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="assessments", verbose_name=_("đợt"))
    title = models.CharField(_("danh hiệu"), max_length=24, choices=Title.choices)
    subject_kind = models.CharField(_("loại đối tượng"), max_length=16, choices=SubjectKind.choices)
    household = models.ForeignKey(
        "registry.Household", models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    clan_branch = models.ForeignKey(
        "registry.ClanBranch", models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    person = models.ForeignKey("registry.Person", models.PROTECT, null=True, blank=True, related_name="assessments")
    community = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="community_assessments",
        help_text=_("Thôn (cộng đồng học tập cấp thôn) hoặc xã (cấp xã)."),
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assessments", verbose_name=_("địa bàn"))
    recorded_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_assessments",
        verbose_name=_("địa bàn khi ghi nhận"),
    )
    criteria_set = models.ForeignKey(
        CriteriaSetVersion, models.PROTECT, related_name="assessments", verbose_name=_("bộ tiêu chí")
    )
    area_class = models.CharField(_("loại địa bàn"), max_length=16, default="normal")
    # The unit's disadvantaged-area designation when the assessment was opened (territory
    # `areas.designation_for`), kept with the area class it gave so the result stays reproducible.
    area_designation = models.CharField(_("loại vùng"), max_length=20, blank=True)
    subject_group = models.CharField(_("nhóm đối tượng"), max_length=40, blank=True)
    # How many years after its own a recognition holds (`criteria.validity`), fixed when the
    # assessment is opened from its campaign's rule for the subject's level (`campaigns.level_rule`):
    # one unit campaign holds commune-managed units (1 year) and TT 24 units (3 years).
    validity_years = models.PositiveSmallIntegerField(_("thời hạn công nhận (năm)"), default=1)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.REGISTERED)

    self_answers = models.JSONField(_("điểm tự chấm"), default=dict, blank=True)
    self_notes = models.JSONField(_("ghi chú tự đánh giá"), default=dict, blank=True)
    self_result = models.JSONField(default=dict, blank=True, editable=False)
    review_answers = models.JSONField(_("điểm thẩm định"), default=dict, blank=True)
    review_comments = models.JSONField(_("nhận xét thẩm định"), default=dict, blank=True)
    review_result = models.JSONField(default=dict, blank=True, editable=False)
    classification = models.CharField(_("xếp loại"), max_length=40, blank=True)
    return_reason = models.TextField(_("lý do trả lại / không công nhận"), blank=True)

    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    recognised_at = models.DateTimeField(_("ngày công nhận"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Whoever submitted the self-assessment may not review or recognise it.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nộp")
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decision = models.ForeignKey(
        "Decision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("quyết định công nhận"),
    )
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revocation_reference = models.CharField(_("quyết định thu hồi"), max_length=120, blank=True)
    replaces = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay cho hồ sơ đã thu hồi"),
    )
    # Optimistic concurrency: every save checks and bumps it, so a stale edit is refused.
    version = models.PositiveIntegerField(default=1)

    scope_path_lookup = "unit__path"
    scope_owner_lookup = "person__account"

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        indexes = [models.Index(fields=["campaign", "state"]), models.Index(fields=["unit", "title", "state"])]
        # One live assessment per subject and campaign; a revoked one may be replaced by a new one.
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", field],
                condition=Q(**{f"{field}__isnull": False}) & ~Q(state=State.REVOKED),
                name=f"one_live_assessment_per_{field}",
            )
            for field in ("household", "clan_branch", "organisation", "person", "community")
        ]

    def __str__(self):
        return f"{self.get_title_display()} {self.campaign.year}: {self.subject}"

    @property
    def subject(self):
        return self.household or self.clan_branch or self.organisation or self.person or self.community

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def pass_mark_line(self) -> str:
        """ "Ngưỡng đạt: 70 điểm — xã khu vực III" for the class the assessment was opened in."""
        from .areas import pass_mark_line
        from .sets import definition_of

        return pass_mark_line(definition_of(self.criteria_set), self.area_class, self.area_designation)

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    def save(self, *args, **kwargs):
        """Check the version this copy was loaded at and that a frozen row only moves as allowed.

        The stored row is read under a row lock, so two writers never both pass the check.
        """
        if self._state.adding:
            return super().save(*args, **kwargs)
        names = [field.attname for field in self._meta.concrete_fields]
        with transaction.atomic(using=kwargs.get("using")):
            stored = type(self)._default_manager.select_for_update().filter(pk=self.pk).values(*names).first()
            if stored is None:
                return super().save(*args, **kwargs)
            if stored["version"] != self.version:
                raise StaleAssessment(stored["version"], self.version)
            if stored["state"] in FROZEN_STATES:
                changed = {name for name in names if stored[name] != getattr(self, name)}
                if (stored["state"], self.state) not in FROZEN_MOVES or changed - FIELDS_CHANGED_BY_FROZEN_MOVES:
                    raise ImmutableAssessment()
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            try:
                return super().save(*args, **kwargs)
            except Exception:
                self.version -= 1
                raise

    def delete(self, *args, **kwargs):
        if type(self)._default_manager.filter(pk=self.pk, state__in=FROZEN_STATES).exists():
            raise ImmutableAssessment()
        return super().delete(*args, **kwargs)

    def get_additional_data(self):
        """Read by django-auditlog: the transition being saved, next to the field changes."""
        return getattr(self, "_audit_transition", None)


class AboutAssessment(models.Model):
    """A row about one assessment (its `assessment` field): whoever may read the assessment reads it,
    its unit's officers and the citizen it is about (the scoping layer)."""

    scope_path_lookup = "assessment__unit__path"
    scope_owner_lookup = "assessment__person__account"

    class Meta:
        abstract = True


class StateChange(AboutAssessment):
    """One step of an assessment's path, shown as its timeline (the audit log keeps the field diffs)."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="state_changes")
    from_state = models.CharField(_("từ"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("sang"), max_length=16, choices=State.choices)
    action = models.CharField(_("thao tác"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(_("lý do"), blank=True)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        ordering = ["at", "pk"]


def evidence_path(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class EvidenceFile(models.Model):
    """The bytes of an uploaded file, stored once by their SHA-256 whoever attaches them."""

    sha256 = models.CharField(max_length=64, unique=True)
    # Office types are long: application/vnd.openxmlformats-officedocument.wordprocessingml.document
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Reachable only through an Evidence row of an assessment in scope.
    scope_path_lookup = "attachments__assessment__unit__path"
    scope_owner_lookup = "attachments__assessment__person__account"
    scope_multivalued = True

    class Meta:
        verbose_name = _("tệp minh chứng")

    def __str__(self):
        return self.sha256[:12]

    @property
    def path(self) -> str:
        return evidence_path(self.sha256)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Evidence(AboutAssessment):
    """A file attached to an assessment as evidence for some of its indicators."""

    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="evidence", verbose_name=_("hồ sơ"))
    file = models.ForeignKey(EvidenceFile, models.PROTECT, related_name="attachments")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    effective_date = models.DateField(_("ngày của minh chứng"))
    indicator_codes = models.JSONField(_("chỉ số liên quan"), default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Decision(models.Model):
    """A recognition decision (quyết định công nhận), numbered per issuer and year: "12/QĐ-UBND"."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="decisions", verbose_name=_("đợt"))
    issuer = models.ForeignKey(Unit, models.PROTECT, related_name="decisions", verbose_name=_("cơ quan ban hành"))
    year = models.PositiveSmallIntegerField(_("năm ban hành"))
    sequence = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="QĐ-UBND")
    issued_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, default="Chủ tịch")
    legal_bases = models.TextField(_("căn cứ"), help_text=_("Mỗi căn cứ một dòng."))
    recipients = models.TextField(_("nơi nhận"), help_text=_("Mỗi nơi nhận một dòng."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "issuer__path"

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["-issued_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "symbol", "sequence"], name="decision_number_per_issuer_year"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        # Nghị định 30/2020/NĐ-CP, Phụ lục I: a number under 10 is written with a leading 0 ("02/QĐ-UBND").
        return f"{self.sequence:02d}/{self.symbol}"

    def legal_basis_lines(self) -> list[str]:
        return _lines(self.legal_bases)

    def recipient_lines(self) -> list[str]:
        return _lines(self.recipients)


def _lines(text: str) -> list[str]:
    """One item a line (a legal basis, a recipient), blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class Certificate(AboutAssessment):
    """A signed certificate (giấy công nhận). `payload` is exactly what it shows; `signature` is
    Ed25519 over the payload's canonical JSON, and the public code carries the certificate id and
    the first bytes of the signature."""

    assessment = models.OneToOneField(Assessment, models.PROTECT, related_name="certificate")
    decision = models.ForeignKey(Decision, models.PROTECT, related_name="certificates")
    payload = models.JSONField()
    signature = models.CharField(max_length=100, help_text=_("Chữ ký Ed25519, base64."))
    key_id = models.CharField(max_length=16)
    # Empty only inside the transaction that issues it: the code needs the signature, which needs the id.
    code = models.CharField(_("mã tra cứu"), max_length=40, unique=True, null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"))
    issued_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy công nhận")
        verbose_name_plural = _("giấy công nhận")

    def __str__(self):
        return self.code or str(_("giấy công nhận đang cấp"))


class CitizenSignup(PersonRecord):
    """A citizen's own sign-up, until the commune links the account to a registry person.

    An ID number typed online is a claim, not a fact: it stays on the sign-up (several claims of
    one number may wait side by side) and reaches the registry only when the commune officer, who
    has seen the citizen's card, confirms it (assessments/citizens.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xã xác nhận")
        LINKED = "linked", _("Đã liên kết với sổ nhân khẩu")
        CREATED = "created", _("Đã ghi vào sổ nhân khẩu (chờ xã xếp vào hộ)")
        REJECTED = "rejected", _("Xã không xác nhận")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="citizen_signup")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã, phường"))
    # Not unique: a number claimed by someone who does not own it must never block its owner's claim.
    id_number = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True, db_index=True)
    subject_group = models.CharField(_("nhóm đối tượng"), max_length=40, blank=True)
    person = models.ForeignKey("registry.Person", models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who resolved the sign-up (linked, created or rejected it), when, and why a rejection.
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    linked_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("lý do không xác nhận"), max_length=300, blank=True)

    scope_path_lookup = "commune__path"
    scope_owner_lookup = "user"

    class Meta(PersonRecord.Meta):
        verbose_name = _("đăng ký tài khoản công dân")
        verbose_name_plural = _("đăng ký tài khoản công dân")


class LearnerFigures(models.Model):
    """A school's or continuing-education centre's learners in one year and how many of them hold
    the "Công dân học tập" title (TT 24/2023 criterion 3 item 1: at least 95 % of learners for a
    province-managed educational institution). Entered by the unit's officer with a file as evidence,
    or imported; shown to the reviewer; `subjects.OrganisationSubject.facts` reads it as the fact
    `learners_citizen_share`. Learners are not in the registry, so the unit declares the count."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Đơn vị nhập")
        IMPORTED = "imported", _("Nhập từ tệp")

    organisation = models.ForeignKey(
        "registry.Organisation", models.PROTECT, related_name="learner_figures", verbose_name=_("cơ quan, đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    learners = models.PositiveIntegerField(_("số người học"))
    citizens = models.PositiveIntegerField(_("số người học đạt danh hiệu Công dân học tập"))
    evidence = models.ForeignKey(
        EvidenceFile,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="learner_figures",
        verbose_name=_("minh chứng"),
    )
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    scope_path_lookup = "organisation__unit__path"

    class Meta:
        verbose_name = _("số liệu người học")
        verbose_name_plural = _("số liệu người học")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="learner_figures_unique_year"),
            models.CheckConstraint(
                condition=Q(citizens__lte=models.F("learners")), name="learner_figures_part_of_whole"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.year}"


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("quyết định")
    CERTIFICATES = "certificates", _("giấy công nhận của quyết định")
    CERTIFICATE = "certificate", _("một giấy công nhận")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    RUNNING = "running", _("đang tạo")
    DONE = "done", _("đã tạo")
    FAILED = "failed", _("lỗi")


class DocumentJob(QueuedJob):
    """One official PDF (a decision, or certificates) rendered by the background worker.

    `key` is the SHA-256 that names the stored file (`core.documents.document_key` of the HTML): the
    request that needed the PDF rendered the HTML from what its reader may see, found no such file,
    and queued this row with that HTML; the worker renders it once and keeps the file. A later
    request for the same document computes the same key and reads the file, after its own scope
    check. `html` is emptied once the file exists."""

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    decision = models.ForeignKey(Decision, models.CASCADE, related_name="document_jobs")
    html = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    # When a reader last downloaded the file: certificates not read for long are purged (and made
    # again when asked for); decisions are kept.
    last_served_at = models.DateTimeField(null=True, blank=True)

    scope_path_lookup = "decision__issuer__path"

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["kind", "status", "last_served_at"], name="document_job_purge")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.decision_id}"

    @property
    def is_pending(self) -> bool:
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING)
