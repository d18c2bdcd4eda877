"""The one scoping layer: it turns a user into the records they may see and change.

Every view, export and API route asks a `Scope` for its querysets and objects. A model takes
part by naming, as class attributes, where its territory is:

    scope_path_lookup = "village__path"        # the unit path the record lives under
    scope_owner_lookup = "person__account"     # optional: what a citizen may see of their own
    scope_multivalued = True                   # optional: the lookup crosses a to-many relation
    scope_shared = Q(province__isnull=True)    # optional: records every signed-in user may read
    scope_inherited_unit = "province"          # optional: a unit FK; records set by a level above
                                               # (a province's criteria, campaigns) are readable below
    scope_read_capability = "manage_accounts"  # optional: reading needs more than `view` (accounts:
                                               # their pages, histories, anything that lists them)
    scope_addressee_lookup = "addressees"      # optional: a to-many relation with `role` and `unit`;
                                               # a record addressed to a role at a unit is readable by
                                               # whoever holds that role there with `receive_reports`

A model without `scope_path_lookup` cannot be scoped and raises ImproperlyConfigured, so a new
model cannot slip through unscoped. A record outside the scope answers 404, never 403: its
existence is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from hoctap.territory.models import Era, Level, Unit, path_ids

from .models import RoleAssignment, User
from .roles import BELOW, CAPABILITIES, GRANTS, SAME, Capability, Role


class OutOfScope(PermissionDenied):
    """A write would leave the record outside the writer's territory."""


class Scope:
    def __init__(self, user):
        self.user = user
        if user is not None and user.is_authenticated and user.is_active:
            self.assignments = list(RoleAssignment.objects.active().filter(user=user).select_related("unit"))
        else:
            self.assignments = []
        self._accountable_ids = None

    @property
    def signed_in(self):
        """The user to name as the one who wrote a record (a foreign key), or None where nobody signed
        in does it (a job, a command, a submission read from a phone's queue)."""
        user = self.user
        return user if user is not None and user.is_authenticated else None

    # -- who may do what, where -------------------------------------------------------------
    def _assignments_with(self, capability: str, *, include_citizen: bool = False):
        for assignment in self.assignments:
            if assignment.role == Role.CITIZEN and not include_citizen:
                continue
            if capability in CAPABILITIES[assignment.role]:
                yield assignment

    def paths(self, capability: str = Capability.VIEW) -> list[str]:
        return sorted({a.unit.path for a in self._assignments_with(capability)})

    def is_national(self, capability: str = Capability.VIEW) -> bool:
        return any(a.unit.level == Level.NATION for a in self._assignments_with(capability))

    def can(self, capability: str, unit: Unit | None = None) -> bool:
        """May the user do `capability` somewhere (unit=None) or at/under `unit`?"""
        for assignment in self._assignments_with(capability):
            if unit is None or unit.path.startswith(assignment.unit.path):
                return True
        return False

    def require(self, capability: str, unit: Unit | None = None) -> None:
        if not self.can(capability, unit):
            raise Http404

    def holds_role(self, role: str, unit: Unit | None = None) -> bool:
        """Does the user hold `role` itself (not merely its capabilities) somewhere (unit=None) or
        at/above `unit`? Some acts belong to one named role: a campaign's recognising authority."""
        return any(a.role == role and (unit is None or unit.path.startswith(a.unit.path)) for a in self.assignments)

    def units_with_role(self, role: str) -> list[Unit]:
        return [a.unit for a in self.assignments if a.role == role]

    @property
    def roles(self) -> set[str]:
        return {a.role for a in self.assignments}

    @property
    def is_citizen_only(self) -> bool:
        return bool(self.assignments) and self.roles == {Role.CITIZEN}

    def home_units(self) -> list[Unit]:
        """The units the user works on, broadest first, for navigation."""
        units = {a.unit.pk: a.unit for a in self.assignments}
        return sorted(units.values(), key=lambda u: (u.path.count("/"), u.sort_key))

    def grantable_roles(self) -> set[str]:
        """The roles the user may hand out somewhere (`may_grant` says where)."""
        granted: set[str] = set()
        for assignment in self._assignments_with(Capability.MANAGE_ACCOUNTS):
            granted |= set(GRANTS.get(assignment.role, {}))
        return granted

    def may_grant(self, role: str, unit: Unit) -> bool:
        """May the user give `role` over `unit`? `roles.GRANTS` says which roles each manager hands
        out at their own unit and which only below it (approvers come from the level above)."""
        for assignment in self._assignments_with(Capability.MANAGE_ACCOUNTS):
            where = GRANTS.get(assignment.role, {}).get(role, frozenset())
            if unit.pk == assignment.unit_id and SAME in where:
                return True
            if unit.pk != assignment.unit_id and unit.path.startswith(assignment.unit.path) and BELOW in where:
                return True
        return False

    def accountable_ids(self) -> frozenset[int]:
        """The user and everyone who stands behind the account: who created it and who granted its
        roles, and in turn who created and granted theirs. Separation of duties looks at all of them,
        so an officer cannot act through an account they made (computed once per scope)."""
        if self._accountable_ids is None:
            self._accountable_ids = accountable_ids(self.user)
        return self._accountable_ids

    # -- querysets --------------------------------------------------------------------------
    def filter(self, queryset: models.QuerySet, capability: str = Capability.VIEW) -> models.QuerySet:
        model = queryset.model
        if model is Unit:
            return self._filter_units(queryset, capability)
        lookup = getattr(model, "scope_path_lookup", None)
        if lookup is None:
            raise ImproperlyConfigured(f"{model.__name__} has no scope_path_lookup: it cannot be scoped.")
        if capability == Capability.VIEW:
            capability = getattr(model, "scope_read_capability", capability)
        if self.is_national(capability):
            return queryset
        condition = Q(pk__in=[])
        shared = getattr(model, "scope_shared", None)
        if shared is not None and capability == Capability.VIEW and self.assignments:
            condition |= shared
        for path in self.paths(capability):
            condition |= Q(**{f"{lookup}__startswith": path})
        inherited = getattr(model, "scope_inherited_unit", None)
        if inherited and capability == Capability.VIEW:
            condition |= Q(**{f"{inherited}__in": self.ancestor_ids()})
        owner_lookup = getattr(model, "scope_owner_lookup", None)
        if owner_lookup and any(True for _ in self._citizen_assignments(capability)):
            condition |= Q(**{owner_lookup: self.user})
        addressee = getattr(model, "scope_addressee_lookup", None)
        if addressee and capability == Capability.VIEW:
            # Addressed to a body (the People's Committee of a commune): read-only, and only what
            # was sent to the role at the unit it holds it at.
            receiving = list(self._assignments_with(Capability.RECEIVE_REPORTS))
            if receiving:
                addressed = Q(pk__in=[])
                for assignment in receiving:
                    addressed |= Q(
                        **{f"{addressee}__role": assignment.role, f"{addressee}__unit_id": assignment.unit_id}
                    )
                condition |= Q(pk__in=model._default_manager.filter(addressed).values("pk"))
        if getattr(model, "scope_multivalued", False):
            return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
        return queryset.filter(condition)

    def _citizen_assignments(self, capability):
        return (a for a in self.assignments if a.role == Role.CITIZEN and capability in CAPABILITIES[a.role])

    def _filter_units(self, queryset, capability):
        """Units: those under an assigned unit, their ancestors (for navigation), and the
        old-map units they were formed from (lineage), with those units' ancestors."""
        if self.is_national(capability):
            return queryset
        paths = sorted({a.unit.path for a in self.assignments if capability in CAPABILITIES[a.role]})
        if not paths:
            return queryset.none()
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(path__startswith=path)
        predecessor_paths = list(
            Unit.objects.filter(era=Era.LEGACY)
            .filter(pk__in=Unit.objects.filter(under).values("predecessor_links__old_unit"))
            .values_list("path", flat=True)
        )
        ancestor_ids = {pk for path in paths + predecessor_paths for pk in path_ids(path)}
        condition = under | Q(pk__in=ancestor_ids)
        for path in predecessor_paths:
            condition |= Q(path__startswith=path)
        return queryset.filter(condition)

    def ancestor_ids(self) -> set[int]:
        """Ids of the units above (and at) every unit the user is assigned to."""
        return {pk for a in self.assignments for pk in path_ids(a.unit.path)}

    def get_or_404(self, queryset: models.QuerySet, capability: str = Capability.VIEW, **lookup):
        try:
            return self.filter(queryset, capability).get(**lookup)
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def contains(self, obj: models.Model, capability: str = Capability.VIEW) -> bool:
        return self.filter(type(obj)._default_manager.filter(pk=obj.pk), capability).exists()

    # -- writes -----------------------------------------------------------------------------
    def save(self, obj: models.Model, capability: str = Capability.EDIT_REGISTRY, **save_kwargs) -> models.Model:
        """Save `obj` and re-check, inside the same transaction, that it is still in scope.

        A form could point a record at another territory (a different village, a foreign key
        to another commune's household); the check runs on what the database now holds, so the
        write is rolled back whatever field moved it.
        """
        with transaction.atomic():
            obj.save(**save_kwargs)
            if not self.contains(obj, capability):
                raise OutOfScope(_("Bản ghi nằm ngoài địa bàn bạn được giao."))
        return obj

    def delete(self, obj: models.Model, capability: str = Capability.EDIT_REGISTRY) -> None:
        with transaction.atomic():
            if not self.contains(obj, capability):
                raise Http404
            obj.delete()

    def assert_unit(self, unit: Unit, capability: str) -> Unit:
        """For create forms: the unit chosen must lie in scope for `capability`."""
        if unit is None or not self.can(capability, unit):
            raise OutOfScope(_("Đơn vị đã chọn nằm ngoài địa bàn bạn được giao."))
        return unit


def accountable_ids(user) -> frozenset[int]:
    """`user`'s id and, transitively, the creators of the account and the granters of its roles
    (every assignment, past ones too: a role handed over once is a lasting tie)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    found: set[int] = {user.pk}
    frontier = {user.pk}
    while frontier:
        above = set(User.objects.filter(pk__in=frontier, created_by__isnull=False).values_list("created_by", flat=True))
        above |= set(
            RoleAssignment.objects.filter(user__in=frontier, granted_by__isnull=False).values_list(
                "granted_by", flat=True
            )
        )
        frontier = above - found
        found |= frontier
    return frozenset(found)


def scope_for(request) -> Scope:
    """The request's scope, computed once per request."""
    scope = getattr(request, "_hoctap_scope", None)
    if scope is None or scope.user is not request.user:
        scope = Scope(request.user)
        request._hoctap_scope = scope
    return scope


class Holders:
    """The inverse of `Scope.can`: who holds a capability over a unit, for messages sent to people
    rather than pages asked for by them (reminders). Built once from the active assignments whose
    role carries the capability, by the same rule as `Scope` (a unit is covered by an assignment at
    it or above it; the citizen role never carries an officer's capability), then asked per unit in
    memory, so a daily job over every commune costs one query.
    """

    def __init__(self, capability: str, *, levels=None, roles=None, on=None, under: list[str] | None = None):
        wanted = [
            role
            for role, capabilities in CAPABILITIES.items()
            if capability in capabilities and role != Role.CITIZEN and (roles is None or role in roles)
        ]
        queryset = (
            RoleAssignment.objects.active(on)
            .filter(role__in=wanted, user__is_active=True)
            .select_related("unit", "user")
        )
        if levels is not None:
            queryset = queryset.filter(unit__level__in=list(levels))
        if under is not None:
            condition = Q(pk__in=[])
            for path in under:
                condition |= Q(unit__path__startswith=path)
            queryset = queryset.filter(condition)
        self.by_path: dict[str, list[RoleAssignment]] = {}
        for assignment in queryset:
            self.by_path.setdefault(assignment.unit.path, []).append(assignment)

    @property
    def units(self) -> list[Unit]:
        """The units someone holds the capability at (one per path)."""
        return [assignments[0].unit for assignments in self.by_path.values()]

    def at(self, unit: Unit) -> set:
        """Users assigned at `unit` itself: a report is written by its own unit only."""
        return {a.user for a in self.by_path.get(unit.path, [])}

    def covering(self, unit: Unit) -> set:
        """Users assigned at `unit` or any unit above it (what `Scope.can(capability, unit)` says)."""
        users = set()
        ids = path_ids(unit.path)
        for depth in range(1, len(ids) + 1):
            users |= {a.user for a in self.by_path.get("/" + "/".join(map(str, ids[:depth])) + "/", [])}
        return users

    def within(self, unit: Unit) -> set:
        """Users assigned at `unit` or below it (who work inside a province's campaign)."""
        return {a.user for path, assignments in self.by_path.items() if path.startswith(unit.path) for a in assignments}
