"""What a commune records about learning outside school: its community learning centre's classes,
the Lifelong Learning Week's activities, and its declaration of literacy and universal-education
figures for a year, with the document they come from.

Every record sits on its commune of the current map (`commune`), so the scoping layer filters it
with one prefix match on the commune's path. Counts are whole numbers, checked in `services` (the
one place the rules live: pages, the API and the Excel import all call it); the database keeps the
checks that cannot be broken whoever writes (non-negative, in order, literate within the age band).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.validators import VisibleText
from hoctap.territory.models import Unit


class CommuneRecord(models.Model):
    """What a commune records about its own learning: it sits on the commune (the scoping layer
    filters it by the commune's path) and keeps who wrote it."""

    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã, phường"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    scope_path_lookup = "commune__path"

    class Meta:
        abstract = True


class CentreClass(CommuneRecord):
    """A class, course or talk held by the commune's learning centre (TTHTCĐ). It counts in the
    year it started."""

    topic = models.CharField(_("chủ đề"), max_length=30)  # a code of data/topics.yaml
    name = models.CharField(_("tên lớp, chuyên đề"), max_length=200, validators=[VisibleText(_("tên lớp, chuyên đề"))])
    started_on = models.DateField(_("ngày bắt đầu"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    sessions = models.PositiveIntegerField(_("số buổi"), default=1)
    participants = models.PositiveIntegerField(_("số người tham gia"))
    held_by = models.CharField(
        _("đơn vị, người tổ chức"), max_length=200, validators=[VisibleText(_("đơn vị, người tổ chức"))]
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lớp học ở trung tâm học tập cộng đồng")
        verbose_name_plural = _("lớp học ở trung tâm học tập cộng đồng")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["commune", "started_on"], name="learning_class_commune_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="learning_class_dates"
            ),
            models.CheckConstraint(condition=Q(sessions__gte=1), name="learning_class_sessions"),
        ]

    def __str__(self):
        return self.name

    @property
    def topic_label(self) -> str:
        from .topics import label

        return label(self.topic)


class WeekActivity(CommuneRecord):
    """An activity of the commune's Lifelong Learning Week (Tuần lễ hưởng ứng học tập suốt đời,
    held every year, usually in early October). It counts in the year of its date."""

    date = models.DateField(_("ngày"))
    activity = models.CharField(_("hoạt động"), max_length=200, validators=[VisibleText(_("hoạt động"))])
    participants = models.PositiveIntegerField(_("số người tham gia"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hoạt động Tuần lễ học tập suốt đời")
        verbose_name_plural = _("hoạt động Tuần lễ học tập suốt đời")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["commune", "date"], name="learning_week_commune_day")]

    def __str__(self):
        return self.activity


class StandardLevel(models.IntegerChoices):
    """A standard's level recognised for the commune (NĐ 20/2014/NĐ-CP); 0 = not recognised."""

    NONE = 0, _("Chưa đạt chuẩn")
    ONE = 1, _("Mức độ 1")
    TWO = 2, _("Mức độ 2")
    THREE = 3, _("Mức độ 3")


class LiteracyDeclaration(CommuneRecord):
    """The commune's literacy and universal-education figures for a year, as its People's Committee
    reported them (Nghị định 20/2014/NĐ-CP on phổ cập giáo dục, xóa mù chữ): the people of the two
    age bands the literacy standards count and those recognised literate in them, the levels of the
    standards the commune holds, and the document the figures come from. One per commune and year;
    a correction rewrites it (the audit log keeps what it said before)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    population_15_35 = models.PositiveIntegerField(_("số người 15–35 tuổi"))
    literate_15_35 = models.PositiveIntegerField(_("số người 15–35 tuổi đạt chuẩn biết chữ (mức độ 1 trở lên)"))
    population_15_60 = models.PositiveIntegerField(_("số người 15–60 tuổi"))
    literate2_15_60 = models.PositiveIntegerField(_("số người 15–60 tuổi đạt chuẩn biết chữ mức độ 2"))
    literacy_level = models.PositiveSmallIntegerField(
        _("chuẩn xóa mù chữ"), choices=StandardLevel.choices[:3], default=0
    )
    primary_level = models.PositiveSmallIntegerField(
        _("chuẩn phổ cập giáo dục tiểu học"), choices=StandardLevel.choices, default=0
    )
    lower_secondary_level = models.PositiveSmallIntegerField(
        _("chuẩn phổ cập giáo dục trung học cơ sở"), choices=StandardLevel.choices, default=0
    )
    preschool = models.BooleanField(_("đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi"), default=False)
    declared_by = models.CharField(
        _("người kê khai (họ tên, chức vụ)"), max_length=200, validators=[VisibleText(_("người kê khai"))]
    )
    document = models.CharField(_("văn bản nguồn"), max_length=300, validators=[VisibleText(_("văn bản nguồn"))])
    document_number = models.CharField(
        _("số văn bản"), max_length=60, blank=True, validators=[VisibleText(_("số văn bản"))]
    )
    document_date = models.DateField(_("ngày văn bản"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kê khai phổ cập giáo dục, xóa mù chữ")
        verbose_name_plural = _("kê khai phổ cập giáo dục, xóa mù chữ")
        ordering = ["-year", "commune__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="learning_declaration_once_a_year"),
            models.CheckConstraint(
                condition=Q(literate_15_35__lte=F("population_15_35")), name="learning_literate_within_15_35"
            ),
            models.CheckConstraint(
                condition=Q(literate2_15_60__lte=F("population_15_60")), name="learning_literate_within_15_60"
            ),
            models.CheckConstraint(
                condition=Q(population_15_35__lte=F("population_15_60")), name="learning_band_within_band"
            ),
            models.CheckConstraint(
                condition=Q(literacy_level__lte=2, primary_level__lte=3, lower_secondary_level__lte=3),
                name="learning_levels",
            ),
        ]

    def __str__(self):
        return f"{self.commune} {self.year}"

    @property
    def source_line(self) -> str:
        """ "Báo cáo số 25/BC-UBND ngày 15/11/2026 — Nguyễn Văn A, Phó Chủ tịch UBND xã"."""
        number = f" {_('số')} {self.document_number}" if self.document_number else ""
        return f"{self.document}{number} {_('ngày')} {self.document_date:%d/%m/%Y} — {self.declared_by}"
