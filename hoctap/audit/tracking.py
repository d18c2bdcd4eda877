"""What is audited. Apps call `track()` for every model holding personal data, scores or decisions."""

from auditlog.registry import auditlog


def track(model, *, mask_fields=(), exclude_fields=(), m2m_fields=()):
    """Record every create, update and delete of `model`.

    Masked fields (ID numbers) are stored in the log with all but the last characters hidden:
    the log proves that a value changed without becoming a second copy of it.
    """
    if not auditlog.contains(model):
        auditlog.register(
            model,
            mask_fields=list(mask_fields),
            exclude_fields=list(exclude_fields),
            m2m_fields=set(m2m_fields),
        )


def track_core_models():
    from hoctap.accounts.models import PasswordResetCode, RoleAssignment, User
    from hoctap.territory.models import AreaDesignation, Unit, VillageChange

    track(User, exclude_fields=("password", "last_login"))
    track(RoleAssignment)
    track(PasswordResetCode, exclude_fields=("digest",))  # who gave whom a code, when it was used
    track(Unit, exclude_fields=("path", "name_folded", "sort_key"))
    track(AreaDesignation)  # who classed which unit, when, on what basis
    # who recorded which villages merged or split, on what basis (the villages' lists too)
    track(VillageChange, m2m_fields=("from_villages", "to_villages"))
