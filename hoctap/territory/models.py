import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.core.derived import DerivedColumns
from hoctap.core.text import fold, normalise, sort_key

REFORM_DATE = datetime.date(2025, 7, 1)
LAST_LEGACY_DAY = datetime.date(2025, 6, 30)


class Era(models.TextChoices):
    CURRENT = "current", _("Từ 01/07/2025 (2 cấp)")
    LEGACY = "legacy", _("Đến 30/06/2025 (3 cấp)")


class Level(models.TextChoices):
    NATION = "nation", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Quận, huyện, thị xã")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    VILLAGE = "village", _("Thôn, bản, ấp, tổ dân phố")


def path_ids(path: str) -> list[int]:
    """The ids along a unit path ("/1/5/88/" → [1, 5, 88]): the nation first, the unit itself last."""
    return [int(part) for part in path.strip("/").split("/") if part]


def child_under(path: str, ancestor_depth: int) -> int | None:
    """The id of the unit right below an ancestor `ancestor_depth` levels deep on `path` (the
    child a row belongs to when a figure is spread over an ancestor's children), or None."""
    ids = path_ids(path)
    return ids[ancestor_depth] if len(ids) > ancestor_depth else None


class UnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(era=Era.CURRENT)

    def legacy(self):
        return self.filter(era=Era.LEGACY)

    def open(self):
        """Units still in being: a village merged into another or split has a `valid_to`
        (territory.village_changes) and takes no new records."""
        return self.filter(valid_to__isnull=True)

    def search(self, query: str):
        """Case- and diacritic-insensitive name search; identical on SQLite and PostgreSQL."""
        folded = fold(query)
        return self.filter(name_folded__contains=folded) if folded else self

    def in_order(self):
        return self.order_by("sort_key", "code")


class Unit(DerivedColumns):
    """One administrative unit of one era: the nation, a province, a district (legacy only),
    a commune, or a village that commune officers create under a current commune.

    `path` is the chain of ids from the nation down ("/1/5/88/"), so "everything under this unit"
    is one indexed prefix match; the scoping layer relies on it.
    """

    era = models.CharField(_("thời kỳ"), max_length=8, choices=Era.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=20, help_text=_("Mã đơn vị hành chính (Tổng cục Thống kê)"))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=200)
    division_type = models.CharField(_("loại"), max_length=40)
    is_centrally_run = models.BooleanField(_("thành phố trực thuộc trung ương"), default=False)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=600, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    has_no_source = models.BooleanField(
        _("không có đơn vị cũ tương ứng"),
        default=False,
        help_text=_("Đặc khu hình thành từ đơn vị không có trong danh mục cũ."),
    )

    objects = UnitQuerySet.as_manager()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="unit_unique_code_per_era_level"),
        ]
        indexes = [
            models.Index(fields=["era", "level", "sort_key"]),
            # the units of a level per parent, counted from the index alone (e.g. communes per province)
            models.Index(fields=["era", "level", "parent"], name="territory_unit_per_parent"),
        ]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name = normalise(self.name)
        self.short_name = normalise(self.short_name or self.name)
        self.name_folded = fold(self.name)
        self.sort_key = sort_key(self.short_name)

    def save(self, *args, **kwargs):
        is_new = self.pk is None
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            # Paths hold ids, so they are known only after the first insert.
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)
            if not is_new:
                self._repath_descendants()

    def _repath_descendants(self):
        for child in self.children.all():
            child.save()

    @property
    def is_current(self):
        return self.era == Era.CURRENT

    def ancestors(self):
        ids = path_ids(self.path)[:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @property
    def depth(self) -> int:
        """How many units the path holds (the nation is 1)."""
        return len(path_ids(self.path))

    @property
    def province_id(self) -> int | None:
        """The id of the province the unit lies in (itself for a province), read from its path."""
        ids = path_ids(self.path)
        return ids[1] if len(ids) > 1 else None

    def province(self) -> "Unit | None":
        """The province the unit lies in (itself for a province; None for the nation): one query at most."""
        if self.level == Level.PROVINCE:
            return self
        province_id = self.province_id
        return Unit.objects.filter(pk=province_id, level=Level.PROVINCE).first() if province_id else None

    def predecessors(self):
        """Units of the old map that this unit was formed from."""
        return (
            Unit.objects.filter(successor_links__new_unit=self)
            .annotate(is_partial=models.F("successor_links__is_partial"))
            .in_order()
        )

    def successors(self):
        """Units of the current map that this unit became (several if it was split)."""
        return (
            Unit.objects.filter(predecessor_links__old_unit=self)
            .annotate(is_partial=models.F("predecessor_links__is_partial"))
            .in_order()
        )


def commune_of(unit: Unit) -> Unit:
    """The commune of a commune or village unit (a commune is its own)."""
    return unit if unit.level == Level.COMMUNE else unit.parent


def commune_id_of(unit: Unit) -> int:
    """The id of `commune_of(unit)`, without reading the commune."""
    return unit.pk if unit.level == Level.COMMUNE else unit.parent_id


def check_current_unit(unit: Unit | None, levels: set[str], field: str, message) -> None:
    """Refuse, as `field`'s error `message`, a unit of the old map or of another level (None passes)."""
    if unit is not None and (unit.era != Era.CURRENT or unit.level not in levels):
        raise ValidationError({field: message})


class UnitLineage(models.Model):
    """An old unit (legacy era) that became, wholly or partly, a new unit (current era)."""

    old_unit = models.ForeignKey(Unit, models.CASCADE, related_name="successor_links")
    new_unit = models.ForeignKey(Unit, models.CASCADE, related_name="predecessor_links")
    is_partial = models.BooleanField(
        _("một phần"), default=False, help_text=_("Chỉ một phần đơn vị cũ nhập vào đơn vị mới.")
    )
    effective_on = models.DateField(_("hiệu lực"), default=REFORM_DATE)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        constraints = [models.UniqueConstraint(fields=["old_unit", "new_unit"], name="lineage_unique_pair")]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit}"


class Designation(models.TextChoices):
    """Disadvantaged-area designations (codes in `area_codes.py`); names read inside a sentence."""

    ZONE_1 = "zone_1", _("xã khu vực I")
    ZONE_2 = "zone_2", _("xã khu vực II")
    ZONE_3 = "zone_3", _("xã khu vực III")
    VILLAGE_EXTREME = "village_extreme", _("thôn đặc biệt khó khăn")


class MadeByDocument(models.Model):
    """A record a legal document decided: each model declares `basis_number`, `basis_date` and
    `basis_issuer` (with its own examples), and every page cites the document the same way."""

    class Meta:
        abstract = True

    @property
    def basis(self) -> str:
        """The legal basis as a document cites it: "QĐ 861/QĐ-TTg ngày 04/06/2021 của Thủ tướng Chính phủ"."""
        return _("%(number)s ngày %(day)s của %(issuer)s") % {
            "number": self.basis_number,
            "day": self.basis_date.strftime("%d/%m/%Y"),
            "issuer": self.basis_issuer,
        }


class AreaDesignation(MadeByDocument):
    """What a legal list says of one unit of the current map in one year, with its legal basis.

    A commune carries a zone of QĐ 861/QĐ-TTg (or a later list), a village the extremely
    disadvantaged village list of QĐ 612/QĐ-UBDT (or a later one). A village without its own record
    reads its commune's (`areas.designation_for`). The province sets them; after the 2025 reform it
    decides how a commune formed from several classed communes is designated (the note says why).
    """

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="area_designations", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    designation = models.CharField(_("loại vùng"), max_length=20, choices=Designation.choices)
    basis_number = models.CharField(_("số văn bản"), max_length=60, help_text=_("Ví dụ: 861/QĐ-TTg"))
    basis_date = models.DateField(_("ngày ban hành"))
    basis_issuer = models.CharField(_("cơ quan ban hành"), max_length=200, help_text=_("Ví dụ: Thủ tướng Chính phủ"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "unit__path"
    # A village's officers read their commune's designation (theirs by inheritance).
    scope_inherited_unit = "unit"

    class Meta:
        verbose_name = _("loại vùng khó khăn")
        verbose_name_plural = _("loại vùng khó khăn")
        ordering = ["-year", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="area_designation_one_per_unit_year"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.get_designation_display()}"

    def clean(self):
        problem = designation_problem(self.unit, self.designation) if self.unit_id else None
        if problem:
            raise ValidationError({"designation": problem})


def designation_problem(unit: Unit, designation: str) -> str | None:
    """Why `designation` cannot be given to `unit`, or None: the one rule for form, import and API."""
    from .area_codes import COMMUNE_DESIGNATIONS, VILLAGE_DESIGNATIONS

    if unit.era != Era.CURRENT or unit.level not in (Level.COMMUNE, Level.VILLAGE):
        return _(
            "Chỉ xã, phường, đặc khu hoặc thôn, tổ dân phố trên bản đồ hiện hành mới được xếp loại vùng; "
            "hồ sơ trước 01/07/2025 đọc loại vùng của đơn vị hiện hành mà nó thuộc về."
        )
    allowed = COMMUNE_DESIGNATIONS if unit.level == Level.COMMUNE else VILLAGE_DESIGNATIONS
    if designation not in allowed:
        names = ", ".join(str(Designation(code).label) for code in allowed)
        return _("%(unit)s chỉ nhận loại vùng: %(names)s.") % {"unit": unit.name, "names": names}
    return None


class VillageChangeKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")


class VillageChange(MadeByDocument):
    """A commune's villages merged or split on a date, by a decision (the province's resolution or
    the commune's): several villages into one (`merge`), or one into several (`split`).

    What follows it (`territory.village_changes.record`): a village that is not among the results
    closes the day before (`valid_to`); the registry moves the households, people and organisations
    of a closed village into `receiving` (one by one, audited, so their assessments and the
    counters follow: `registry.village_moves`). The villages' own recognitions (learning
    community) stay on the village that earned them; the new village's pages list its
    predecessors' years (`predecessors_of`).
    """

    commune = models.ForeignKey(Unit, models.PROTECT, related_name="village_changes", verbose_name=_("xã"))
    kind = models.CharField(_("loại thay đổi"), max_length=8, choices=VillageChangeKind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    from_villages = models.ManyToManyField(Unit, related_name="changed_into", verbose_name=_("thôn trước thay đổi"))
    to_villages = models.ManyToManyField(Unit, related_name="changed_from", verbose_name=_("thôn sau thay đổi"))
    receiving = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="+",
        verbose_name=_("thôn nhận hộ của thôn giải thể"),
    )
    basis_number = models.CharField(_("số văn bản"), max_length=60, help_text=_("Ví dụ: 45/NQ-HĐND"))
    basis_date = models.DateField(_("ngày ban hành"))
    basis_issuer = models.CharField(
        _("cơ quan ban hành"), max_length=200, help_text=_("Ví dụ: Hội đồng nhân dân tỉnh Hưng Yên")
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # Who recorded it (a string reference: territory imports nothing of the accounts' models; the
    # audit entry names them too).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người ghi")
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("sáp nhập, chia tách thôn")
        verbose_name_plural = _("sáp nhập, chia tách thôn")
        ordering = ["-effective_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"
