"""The registry: who and what can hold a learning title.

Households with their members, clan branches, organisations with their staff, and each commune's
declared totals (the denominators of the yearly percentages). Every subject stores the unit it lives
under, so the scoping layer can filter it with one prefix match, and a diacritic-free search column
and a Vietnamese sort key computed in save() (bulk imports call `refresh_derived()` themselves).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.core.derived import DerivedColumns
from hoctap.core.jobs import BackgroundJob
from hoctap.core.limits import FIRST_BIRTH_YEAR
from hoctap.core.text import fold, normalise, sort_key
from hoctap.core.validators import VisibleText
from hoctap.territory.models import Era, Level, Unit, check_current_unit, commune_of

from .ethnicity import ethnicity_choices

# Working age for the learning-citizen denominators: 15 to 60 inclusive in the reference year.
# 15 is where the Labour Code 2019 (Bộ luật Lao động, art. 3) starts working age; 15-60 is the band
# of the literacy standard (Nghị định 20/2014/NĐ-CP) that the commune learning-community criteria
# (TT 25/2023) measure. Age is counted as reference year minus birth year, because many records
# carry only the birth year.
WORKING_AGE_MIN = 15
WORKING_AGE_MAX = 60

ID_NUMBER_LENGTH = 12
ID_NUMBER_PATTERN = re.compile(r"^\d{12}$")
# The first three digits of a CCCD are the province of birth registration, 001-096
# (Thông tư 07/2016/TT-BCA, annex): anything else is a typing error.
_ID_PROVINCE_CODES = range(1, 97)


def validate_id_number(value: str) -> None:
    """A citizen identity card number (CCCD): 12 digits beginning with a province code."""
    if not ID_NUMBER_PATTERN.match(value or ""):
        raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="id_number_format")
    if int(value[:3]) not in _ID_PROVINCE_CODES:
        raise ValidationError(_("Ba chữ số đầu của số CCCD phải là mã tỉnh từ 001 đến 096."), code="id_number_province")


def mask_id_number(value: str | None) -> str:
    """`********1234`: enough to tell two people apart, not enough to reuse the number."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class OccupationGroup(models.TextChoices):
    """The groups of the learning-citizen criteria (each has its own self-assessment form)."""

    FARMER = "farmer", _("Nông dân và lao động nông thôn")
    WORKER = "worker", _("Công nhân, thợ thủ công, lao động tự do")
    OFFICIAL = "official", _("Cán bộ, công chức, viên chức, người lao động trong cơ quan, tổ chức")
    OTHER = "other", _("Khác")


class DigitalSkill(models.TextChoices):
    NONE = "none", _("Chưa có")
    BASIC = "basic", _("Cơ bản")
    PROFICIENT = "proficient", _("Thành thạo")


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan")
    SCHOOL = "school", _("Trường học")
    KINDERGARTEN = "kindergarten", _("Trường mầm non")
    CONTINUING_EDUCATION = "continuing_education", _("Trung tâm giáo dục thường xuyên, GDNN-GDTX")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ARMED_FORCES = "armed_forces", _("Đơn vị lực lượng vũ trang")
    OTHER = "other", _("Khác")


# The kinds of organisation that have learners (TT 24/2023 criterion 3: schools and continuing-
# education centres): they declare their learners' figures (`assessments.learners`).
EDUCATIONAL_KINDS = frozenset(
    {OrganisationKind.SCHOOL, OrganisationKind.KINDERGARTEN, OrganisationKind.CONTINUING_EDUCATION}
)


class ManagingLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã quản lý")
    PROVINCE = "province", _("Cấp tỉnh quản lý")


def _check_commune_or_village(unit: Unit | None) -> None:
    check_current_unit(
        unit,
        {Level.COMMUNE, Level.VILLAGE},
        "unit",
        _("Chọn một xã, phường hoặc thôn, tổ dân phố trên bản đồ hiện hành."),
    )


class ClanBranch(DerivedColumns):
    """A clan branch (chi, ngành of a dòng họ) in one commune; national statistics count branches."""

    name = models.CharField(
        _("dòng họ"), max_length=150, help_text=_("Ví dụ: Họ Nguyễn Văn"), validators=[VisibleText(_("dòng họ"))]
    )
    branch = models.CharField(
        _("chi, ngành"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: Chi 2"),
        validators=[VisibleText(_("chi, ngành"))],
    )
    commune = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="clan_branches",
        verbose_name=_("xã, phường"),
        limit_choices_to={"level": Level.COMMUNE, "era": Era.CURRENT},
    )
    representative = models.CharField(
        _("trưởng chi, trưởng họ"), max_length=200, blank=True, validators=[VisibleText(_("trưởng chi, trưởng họ"))]
    )
    name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    branch_folded = models.CharField(max_length=100, editable=False)
    sort_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("chi dòng họ")
        verbose_name_plural = _("chi dòng họ")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name_folded", "branch_folded"], name="clan_branch_unique_per_commune"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.branch}" if self.branch else self.name

    def refresh_derived(self):
        self.name = normalise(self.name)
        self.branch = normalise(self.branch)
        self.representative = normalise(self.representative)
        self.name_folded = fold(self.name)
        self.branch_folded = fold(self.branch)
        self.sort_key = sort_key(f"{self.name} {self.branch}")

    def clean(self):
        check_current_unit(
            self.commune if self.commune_id else None,
            {Level.COMMUNE},
            "commune",
            _("Chọn một xã, phường trên bản đồ hiện hành."),
        )


class Organisation(DerivedColumns):
    """An agency, school, enterprise, cooperative or armed-forces unit that can become a learning unit."""

    name = models.CharField(_("tên"), max_length=255, validators=[VisibleText(_("tên cơ quan, đơn vị"))])
    kind = models.CharField(_("loại hình"), max_length=20, choices=OrganisationKind.choices)
    managing_level = models.CharField(
        _("cấp quản lý"), max_length=10, choices=ManagingLevel.choices, default=ManagingLevel.COMMUNE
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="organisations",
        verbose_name=_("nơi đặt trụ sở"),
        help_text=_("Xã, phường hoặc thôn, tổ dân phố."),
    )
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    sort_key = models.CharField(max_length=1200, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_folded"], name="organisation_unique_name_per_commune"),
        ]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name = normalise(self.name)
        self.address = normalise(self.address)
        self.name_folded = fold(self.name)
        self.sort_key = sort_key(self.name)

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.commune = commune_of(self.unit)
        super().save(*args, **kwargs)

    def clean(self):
        _check_commune_or_village(self.unit if self.unit_id else None)


class Household(DerivedColumns):
    """A household (hộ gia đình) of a village; its code is unique within the commune."""

    code = models.CharField(_("mã hộ"), max_length=30, help_text=_("Duy nhất trong xã; để trống để hệ thống tự cấp."))
    village = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="households",
        verbose_name=_("thôn, tổ dân phố"),
        limit_choices_to={"level": Level.VILLAGE, "era": Era.CURRENT},
    )
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    head = models.ForeignKey(
        "Person", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chủ hộ")
    )
    clan_branch = models.ForeignKey(
        ClanBranch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("chi dòng họ"),
    )
    code_folded = models.CharField(max_length=30, editable=False)
    # The head's name: households are found and ordered by it.
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "village__path"

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code_folded"], name="household_unique_code_per_commune"),
        ]
        indexes = [models.Index(fields=["commune", "sort_key"])]

    def __str__(self):
        return _("Hộ %(code)s") % {"code": self.code}

    def refresh_derived(self, head_name: str | None = None):
        """Text columns; bulk imports pass the head's name they already hold."""
        self.code = normalise(self.code)
        self.address = normalise(self.address)
        self.code_folded = fold(self.code)
        if head_name is None:
            head_name = self.head.full_name if self.head_id else ""
        self.name_folded = fold(head_name)
        self.sort_key = sort_key(head_name)

    def save(self, *args, **kwargs):
        if self.village_id:
            self.commune_id = self.village.parent_id
        super().save(*args, **kwargs)
        # Members live where their household lives (the scoping layer filters them by it); saved one
        # by one so that the audit log and whatever follows the registry's signals see the move.
        for member in self.members.exclude(unit_id=self.village_id):
            member.save()

    def clean(self):
        village = self.village if self.village_id else None
        check_current_unit(village, {Level.VILLAGE}, "village", _("Chọn một thôn, tổ dân phố trên bản đồ hiện hành."))
        if self.clan_branch_id and village and self.clan_branch.commune_id != village.parent_id:
            raise ValidationError({"clan_branch": _("Chi dòng họ phải thuộc cùng xã với hộ.")})
        if self.head_id and self.pk and self.head.household_id != self.pk:
            raise ValidationError({"head": _("Chủ hộ phải là thành viên của hộ.")})
        if village and self.code:
            clash = Household.objects.filter(commune_id=village.parent_id, code_folded=fold(normalise(self.code)))
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError({"code": _("Xã đã có hộ mang mã %(code)s.") % {"code": self.code}})


class PersonQuerySet(models.QuerySet):
    def working_age_adults(self, year: int | None = None):
        """People aged WORKING_AGE_MIN..WORKING_AGE_MAX (inclusive) during `year`."""
        year = year or timezone.localdate().year
        return self.filter(birth_year__gte=year - WORKING_AGE_MAX, birth_year__lte=year - WORKING_AGE_MIN)

    def search(self, query: str):
        """A name without diacritics or case, or an exact 12-digit ID number."""
        query = normalise(query)
        if not query:
            return self
        if ID_NUMBER_PATTERN.match(query):
            return self.filter(id_number=query)
        return self.filter(name_folded__contains=fold(query))

    def in_order(self):
        return self.order_by("sort_key", "birth_year", "pk")


class PersonRecord(models.Model):
    """A person written down by name and birth year: the registry's `Person`, and a citizen's own
    sign-up before the commune links it to one. Both are shown, found (commune, folded name, birth
    year) and masked alike; each model declares its own fields."""

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["commune", "name_folded", "birth_year"])]

    def __str__(self):
        return f"{self.full_name} ({self.birth_year})"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


# A person's own fields, without its links (household, employer, unit) and derived columns: what the
# person and member forms ask, and what an Excel list fills in and compares with the stored person.
PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "ethnicity",
    "id_number",
    "occupation_group",
    "digital_skill",
)


class Person(DerivedColumns, PersonRecord):
    """A person: a household member, an organisation's staff member, or both."""

    full_name = models.CharField(_("họ và tên"), max_length=200, validators=[VisibleText(_("họ và tên"))])
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), db_index=True)
    # The GSO code (registry/ethnicity.py); "" = not recorded, never assumed Kinh.
    ethnicity = models.CharField(_("dân tộc"), max_length=2, blank=True, default="", choices=ethnicity_choices)
    id_number = models.CharField(
        _("số CCCD"),
        max_length=ID_NUMBER_LENGTH,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_id_number],
        help_text=_("12 chữ số; không bắt buộc."),
    )
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("hộ gia đình")
    )
    occupation_group = models.CharField(
        _("nhóm nghề nghiệp"), max_length=10, choices=OccupationGroup.choices, default=OccupationGroup.OTHER
    )
    employer = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("cơ quan, đơn vị công tác"),
    )
    digital_skill = models.CharField(
        _("kỹ năng số"), max_length=10, choices=DigitalSkill.choices, default=DigitalSkill.NONE
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person_records",
        verbose_name=_("tài khoản công dân"),
    )
    # Where the record is managed: the household's village, else the chosen village or commune
    # (an organisation's staff member with no household in the registry).
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("thôn hoặc xã"))
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    scope_path_lookup = "unit__path"
    scope_owner_lookup = "account"

    class Meta(PersonRecord.Meta):
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")

    @property
    def is_working_age_adult(self) -> bool:
        """In working age during the current year (see WORKING_AGE_MIN/MAX)."""
        return self.is_working_age_in(timezone.localdate().year)

    def is_working_age_in(self, year: int) -> bool:
        return WORKING_AGE_MIN <= year - self.birth_year <= WORKING_AGE_MAX

    def refresh_derived(self):
        """Text columns and the birth year; bulk imports set unit and commune themselves."""
        self.full_name = normalise(self.full_name)
        self.ethnicity = (self.ethnicity or "").strip()
        self.id_number = (self.id_number or "").strip() or None
        self.name_folded = fold(self.full_name)
        self.sort_key = sort_key(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year

    def place(self):
        """The unit follows the household; a staff member without one sits at the employer's unit."""
        if self.household_id:
            self.unit_id = self.household.village_id
        elif not self.unit_id and self.employer_id:
            self.unit_id = self.employer.unit_id
        if self.unit_id:
            self.commune_id = commune_of(self.unit).pk

    def save(self, *args, **kwargs):
        self.place()
        super().save(*args, **kwargs)
        # Households are searched and ordered by their head's name.
        Household.objects.filter(head=self).exclude(name_folded=self.name_folded, sort_key=self.sort_key).update(
            name_folded=self.name_folded, sort_key=self.sort_key
        )

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if not self.birth_date and not self.birth_year:
            errors["birth_year"] = _("Cần ngày sinh hoặc năm sinh.")
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("Ngày sinh không được ở tương lai.")
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            errors["birth_year"] = _("Năm sinh khác với năm của ngày sinh.")
        if self.birth_year and not FIRST_BIRTH_YEAR <= self.birth_year <= today.year:
            errors["birth_year"] = _("Năm sinh phải từ 1900 đến %(year)s.") % {"year": today.year}
        if self.household is None and not self.unit_id and not self.employer_id:
            errors["unit"] = _("Chọn hộ gia đình, cơ quan công tác hoặc nơi cư trú (thôn hoặc xã).")
        if self.household is None and self.unit_id:
            try:
                _check_commune_or_village(self.unit)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


class TotalKind(models.TextChoices):
    """What a commune's declared totals count; each value is also the DeclaredTotals field name."""

    HOUSEHOLDS = "households", _("Số hộ gia đình")
    CLAN_BRANCHES = "clan_branches", _("Số chi dòng họ")
    VILLAGES = "villages", _("Số thôn, tổ dân phố")
    ORGANISATIONS = "organisations", _("Số cơ quan, đơn vị")
    WORKING_AGE_ADULTS = "working_age_adults", _("Số người trong độ tuổi lao động")
    ORGANISATION_STAFF = "organisation_staff", _("Số cán bộ, nhân viên của cơ quan, đơn vị")


class DeclaredTotals(models.Model):
    """What a commune declares it has in a year, for as long as the registry is not complete.

    A figure left empty, or a kind the commune marks "registry complete", is counted from the
    registry instead (see services.denominator).
    """

    commune = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="declared_totals",
        verbose_name=_("xã, phường"),
        limit_choices_to={"level": Level.COMMUNE, "era": Era.CURRENT},
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    households = models.PositiveIntegerField(TotalKind.HOUSEHOLDS.label, null=True, blank=True)
    clan_branches = models.PositiveIntegerField(TotalKind.CLAN_BRANCHES.label, null=True, blank=True)
    villages = models.PositiveIntegerField(TotalKind.VILLAGES.label, null=True, blank=True)
    organisations = models.PositiveIntegerField(TotalKind.ORGANISATIONS.label, null=True, blank=True)
    working_age_adults = models.PositiveIntegerField(TotalKind.WORKING_AGE_ADULTS.label, null=True, blank=True)
    organisation_staff = models.PositiveIntegerField(TotalKind.ORGANISATION_STAFF.label, null=True, blank=True)
    households_complete = models.BooleanField(_("sổ hộ gia đình đã đầy đủ"), default=False)
    clan_branches_complete = models.BooleanField(_("sổ chi dòng họ đã đầy đủ"), default=False)
    villages_complete = models.BooleanField(_("danh sách thôn đã đầy đủ"), default=False)
    organisations_complete = models.BooleanField(_("sổ cơ quan, đơn vị đã đầy đủ"), default=False)
    working_age_adults_complete = models.BooleanField(_("sổ nhân khẩu đã đầy đủ"), default=False)
    organisation_staff_complete = models.BooleanField(_("danh sách cán bộ, nhân viên đã đầy đủ"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("số liệu khai báo")
        verbose_name_plural = _("số liệu khai báo")
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="declared_totals_unique_year")]

    def __str__(self):
        return f"{self.commune} · {self.year}"

    def declared(self, kind: str) -> int | None:
        return getattr(self, kind)

    def is_complete(self, kind: str) -> bool:
        return getattr(self, f"{kind}_complete")


class ImportJob(BackgroundJob):
    """One uploaded Excel file on its way through checking and importing; progress is polled."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        INVALID = "invalid", _("Có lỗi, chưa ghi gì")
        CHECKED = "checked", _("Hợp lệ, chờ xác nhận nhập")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập được, chưa ghi gì")

    template = models.CharField(_("mẫu"), max_length=30)
    file = models.FileField(upload_to="imports/", max_length=255)  # stored by core.uploads.store_upload
    original_name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # The uploader's territory at upload time: the scoping layer filters jobs by it.
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    writing = models.BooleanField(default=False)  # checked; now writing in one transaction
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)  # hints that refuse nothing (namesakes)
    file_error = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The uploader's interface language: the check may run later in a background worker, and its
    # cell errors and the marked error file are written in it.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # `worker` is emptied again whenever a run ends: "" while the job is queued or finished.

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("lượt nhập Excel")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))
