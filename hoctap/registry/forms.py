"""Forms of the registry. Every choice of unit, household or organisation is limited to the scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability
from hoctap.core.imports import all_templates
from hoctap.core.limits import FIRST_BIRTH_YEAR
from hoctap.territory.models import Level, Unit

from . import sensitive
from .choices import SOURCES
from .ethnicity import resolve_ethnicity
from .lists import ClanFilters, HouseholdFilters, OrganisationFilters, PersonFilters, filters_from
from .models import (
    ID_NUMBER_PATTERN,
    PERSON_FIELDS,
    ClanBranch,
    DeclaredTotals,
    DigitalSkill,
    Household,
    OccupationGroup,
    Organisation,
    OrganisationKind,
    Person,
    TotalKind,
)
from .services import check_declared_totals, household_members_problem, id_number_not_usable, id_number_refusal
from .widgets import SearchSelect

CHOOSE = _("— Chọn —")
NONE = _("— Không —")
ALL = _("— Tất cả —")


def search_select(kind: str, search_label) -> SearchSelect:
    """A select that lists only the chosen record; the search box asks `views.suggest` for the rest."""
    return SearchSelect(suggest_url=reverse_lazy(f"registry:suggest_{kind}"), search_label=search_label)


def searched_choice(field, scope, kind: str) -> None:
    """Point a foreign-key field at the scoped records of `kind` (choices.SOURCES), as the search does."""
    source = SOURCES[kind]
    field.queryset = source.queryset(scope)
    field.label_from_instance = source.label
    field.empty_label = NONE


def blank_first(field, label):
    """Django's own blank choice is not translated into Vietnamese: name it ourselves."""
    field.choices = [("", label), *[choice for choice in field.choices if choice[0] != ""]]


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, unit):
        if unit.level == Level.VILLAGE and unit.parent_id:
            return f"{unit.name} · {unit.parent.name}"
        return unit.name


def scoped_units(scope, capability, levels):
    units = Unit.objects.current().filter(level__in=levels).select_related("parent")
    return scope.filter(units, capability).order_by("parent__sort_key", "sort_key", "code")


# -- subjects ----------------------------------------------------------------------------------


class HouseholdForm(forms.ModelForm):
    village = UnitChoiceField(queryset=Unit.objects.none(), label=_("Thôn, tổ dân phố"))

    class Meta:
        model = Household
        fields = ["village", "code", "address", "clan_branch"]
        widgets = {"clan_branch": search_select("clan_branches", _("Tìm theo tên"))}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        # a village merged or split away takes no households (territory.village_changes)
        self.fields["village"].queryset = scoped_units(scope, Capability.EDIT_REGISTRY, [Level.VILLAGE]).open()
        self.fields["code"].required = False
        searched_choice(self.fields["clan_branch"], scope, "clan_branches")
        self.fields["clan_branch"].required = False
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"


class BirthAndEthnicityMixin:
    """Birth date or birth year (one is enough); ethnicity may stay "not recorded" (never Kinh by default)
    and may be sent as its GSO code or by name ("Tày", "H'Mông": the API and old bookmarks do)."""

    def full_clean(self):
        key = self.add_prefix("ethnicity")
        value = self.data.get(key) if self.is_bound else None
        if value and (code := resolve_ethnicity(value)) and code != value:
            self.data = self.data.copy()
            self.data[key] = code
        super().full_clean()

    def hide_sensitive(self, scope):
        """Ethnicity is for roles holding VIEW_SENSITIVE over the person's place only (the detail page's
        and the API's rule): the others neither see the recorded value nor set it. A person not saved yet
        has no value to show; the write rule (registry.sensitive) checks the place they are saved in."""
        place = self.instance.unit if self.instance.unit_id else None
        if scope is None or not scope.can(Capability.VIEW_SENSITIVE, place):
            self.fields.pop("ethnicity", None)
        elif "ethnicity" in self.fields:
            self.fields["ethnicity"].help_text = _(
                "Chỉ ghi khi đã có phiếu đồng ý riêng của người này về việc ghi dân tộc (trang «Căn cứ xử lý dữ liệu»)."
            )

    def clean(self):
        data = super().clean()
        # The one rule of every ethnicity write (registry.sensitive); the instance still holds the old value.
        shown = "ethnicity" in self.fields
        sent = data.get("ethnicity", "") if shown else (self.data.get(self.add_prefix("ethnicity")) or "")
        if self.is_bound and self.scope is not None:
            person = self.instance
            problem = sensitive.refusal(
                self.scope,
                person.unit if person.unit_id else None,
                person_id=person.pk,
                old=person.ethnicity if person.pk else "",
                new=sent,
            )
            if problem:
                self.add_error("ethnicity" if shown else None, problem)
        if data.get("birth_date") and not data.get("birth_year"):
            data["birth_year"] = data["birth_date"].year
        if not data.get("birth_date") and not data.get("birth_year") and "birth_year" not in self.errors:
            self.add_error("birth_year", _("Cần ngày sinh hoặc năm sinh."))
        return data


class IdNumberKeptMixin:
    """The full ID number is shown only by the audited "show" action on the person's page, so an
    edit form leaves the field empty (the masked number as a hint), and an empty field keeps the
    number on record. A number on record can be removed (entered by mistake, or the person asks):
    a tick box beside it; the change is audited like any other."""

    def hide_id_number(self):
        if self.instance.pk and self.instance.id_number:
            field = self.fields["id_number"]
            field.widget.attrs["placeholder"] = self.instance.id_number_masked
            field.help_text = _("Để trống để giữ số đang có.")
            self.initial["id_number"] = ""
            self.fields["remove_id_number"] = forms.BooleanField(label=_("Xoá số CCCD đang lưu"), required=False)
            names = [name for name in self.fields if name != "remove_id_number"]
            names.insert(names.index("id_number") + 1, "remove_id_number")
            self.order_fields(names)

    def clean_id_number(self):
        return self.cleaned_data.get("id_number") or (self.instance.id_number if self.instance.pk else None)

    def validate_unique(self):
        """The ID number's uniqueness is answered by `services.id_number_refusal`, which never says
        whether or where a number is registered outside the user's territory."""
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions() | {"id_number"})
        except ValidationError as error:
            self._update_errors(error)
        number = self.cleaned_data.get("id_number")
        if (
            number
            and "id_number" not in self.errors
            and number != (self.instance.id_number if self.instance.pk else None)
        ):
            refusal = (
                id_number_refusal(self.scope, number, exclude_pk=self.instance.pk)
                if self.scope
                else (id_number_not_usable() if Person.objects.filter(id_number=number).exists() else None)
            )
            if refusal:
                self.add_error("id_number", refusal)

    def clean(self):
        data = super().clean()
        if data.get("remove_id_number"):
            if self.data.get(self.add_prefix("id_number"), "").strip():
                self.add_error("remove_id_number", _("Để trống ô số CCCD khi xoá số đang lưu."))
            else:
                data["id_number"] = None
        return data


class PersonFieldsMixin(IdNumberKeptMixin, BirthAndEthnicityMixin):
    """A person's own fields, asked alike by the member form and the person form."""

    def set_up_person_fields(self, scope):
        self.scope = scope
        self.fields["birth_year"].required = False
        self.fields["ethnicity"].required = False
        self.fields["birth_year"].widget.attrs.update(min=FIRST_BIRTH_YEAR, max=timezone.localdate().year)
        blank_first(self.fields["sex"], CHOOSE)
        self.hide_id_number()
        self.hide_sensitive(scope)


PERSON_WIDGETS = {
    "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
    "id_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12}),
    "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
}


class MemberForm(PersonFieldsMixin, forms.ModelForm):
    """One member in the household form."""

    is_head = forms.BooleanField(label=_("Chủ hộ"), required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = PERSON_WIDGETS

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_person_fields(scope)


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk and form.instance.pk == self.instance.head_id:
            form.initial["is_head"] = True
        return form

    def entered_forms(self):
        return [form for form in self.forms if form.has_changed() or form.instance.pk]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        entered = self.entered_forms()
        heads = sum(1 for form in entered if form.cleaned_data.get("is_head"))
        problem = household_members_problem(self.instance, entered, heads)
        if problem:
            raise ValidationError(problem)

    def chosen_head(self):
        """The ticked member; the first one entered when nobody is ticked and the household has no head."""
        entered = self.entered_forms()
        for form in entered:
            if form.cleaned_data.get("is_head"):
                return form.instance
        if not self.instance.head_id and entered:
            return entered[0].instance
        return None


def member_formset(extra: int):
    return inlineformset_factory(
        Household,
        Person,
        form=MemberForm,
        formset=BaseMemberFormSet,
        fk_name="household",
        extra=extra,
        can_delete=False,
    )


class PersonForm(PersonFieldsMixin, forms.ModelForm):
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Nơi cư trú (thôn hoặc xã)"),
        required=False,
        empty_label=NONE,
        help_text=_("Chỉ cần khi người này không thuộc hộ nào trong sổ."),
    )

    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "household", "employer", "unit"]
        widgets = {
            **PERSON_WIDGETS,
            "household": search_select("households", _("Tìm theo mã hộ hoặc tên chủ hộ")),
            "employer": search_select("organisations", _("Tìm theo tên")),
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_person_fields(scope)
        self.fields["unit"].queryset = scoped_units(scope, Capability.EDIT_REGISTRY, [Level.COMMUNE, Level.VILLAGE])
        searched_choice(self.fields["household"], scope, "households")
        searched_choice(self.fields["employer"], scope, "organisations")

    def clean(self):
        data = super().clean()
        # The record lives with its household, else with its employer, else where chosen.
        if data.get("household"):
            data["unit"] = data["household"].village
        elif not data.get("unit") and data.get("employer"):
            data["unit"] = data["employer"].unit
        if not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("Chọn hộ gia đình, cơ quan công tác hoặc nơi cư trú."))
        return data


class ClanBranchForm(forms.ModelForm):
    commune = UnitChoiceField(queryset=Unit.objects.none(), label=_("Xã, phường"))

    class Meta:
        model = ClanBranch
        fields = ["name", "branch", "commune", "representative"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = scoped_units(scope, Capability.EDIT_REGISTRY, [Level.COMMUNE])

    def validate_unique(self):
        # The unique key is over the folded columns, filled in save(): check them here.
        super().validate_unique()
        self.instance.refresh_derived()
        clash = ClanBranch.objects.filter(
            commune_id=self.instance.commune_id,
            name_folded=self.instance.name_folded,
            branch_folded=self.instance.branch_folded,
        ).exclude(pk=self.instance.pk)
        if self.instance.commune_id and clash.exists():
            self.add_error("name", _("Xã đã có chi dòng họ này."))


class OrganisationForm(forms.ModelForm):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Nơi đặt trụ sở"))

    class Meta:
        model = Organisation
        fields = ["name", "kind", "managing_level", "unit", "address"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped_units(scope, Capability.EDIT_REGISTRY, [Level.COMMUNE, Level.VILLAGE])
        blank_first(self.fields["kind"], CHOOSE)

    def validate_unique(self):
        super().validate_unique()
        self.instance.refresh_derived()
        unit = self.cleaned_data.get("unit")
        if unit is None:
            return
        commune_id = unit.pk if unit.level == Level.COMMUNE else unit.parent_id
        clash = Organisation.objects.filter(commune_id=commune_id, name_folded=self.instance.name_folded)
        if clash.exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("Xã đã có cơ quan, đơn vị cùng tên."))


class DeclaredTotalsForm(forms.ModelForm):
    class Meta:
        model = DeclaredTotals
        fields = [field for kind in TotalKind for field in (kind.value, f"{kind.value}_complete")]

    def clean(self):
        data = super().clean()
        if not self.errors:
            for field, value in data.items():
                setattr(self.instance, field, value)
            try:
                check_declared_totals(self.instance)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data

    def pairs(self):
        """(declared figure field, registry-complete field) per kind, for the template."""
        return [(self[kind.value], self[f"{kind.value}_complete"]) for kind in TotalKind]


# -- lists -------------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    """Searches by name, code or ID number. The page always sends it by POST: an ID number typed
    into a GET form would end up in the address bar and in the server's access logs."""

    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    filters_class = ClanFilters

    def __init__(self, *args, scope, from_url: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_url = from_url
        if "village" in self.fields:
            self.fields["village"].queryset = scoped_units(scope, Capability.VIEW, [Level.VILLAGE])

    def clean_q(self):
        query = self.cleaned_data["q"]
        if self.from_url and ID_NUMBER_PATTERN.match(query.strip()):
            # Refused rather than run, so that nobody learns to put ID numbers in addresses.
            raise ValidationError(_("Tìm theo số CCCD bằng ô tìm kiếm trên trang, không ghi vào địa chỉ trang."))
        return query

    def filters(self):
        """What the list is filtered by (registry.lists); nothing while the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            return filters_from(self.filters_class, self.cleaned_data)
        return self.filters_class()


class HouseholdFilterForm(ListFilterForm):
    filters_class = HouseholdFilters
    q = forms.CharField(label=_("Tìm (tên chủ hộ, mã hộ hoặc số CCCD)"), required=False, max_length=100)
    village = UnitChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Thôn, tổ dân phố"), empty_label=ALL
    )


class PersonFilterForm(ListFilterForm):
    filters_class = PersonFilters
    q = forms.CharField(label=_("Tìm (họ tên hoặc số CCCD)"), required=False, max_length=100)
    village = UnitChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Thôn, tổ dân phố"), empty_label=ALL
    )
    occupation_group = forms.ChoiceField(
        label=_("Nhóm nghề nghiệp"), required=False, choices=[("", ALL)] + OccupationGroup.choices
    )
    digital_skill = forms.ChoiceField(label=_("Kỹ năng số"), required=False, choices=[("", ALL)] + DigitalSkill.choices)
    working_age = forms.BooleanField(label=_("Chỉ người trong độ tuổi lao động"), required=False)
    # Only from an address (?household=…), like the API's `household`; nothing to type on the page.
    household = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class OrganisationFilterForm(ListFilterForm):
    filters_class = OrganisationFilters
    kind = forms.ChoiceField(label=_("Loại hình"), required=False, choices=[("", ALL)] + OrganisationKind.choices)


# -- imports -----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    template = forms.ChoiceField(label=_("Mẫu"))
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, t.title) for t in all_templates() if t.permitted(scope)]
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
