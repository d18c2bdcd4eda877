from auditlog.models import LogEntry
from django.db.models.signals import pre_delete
from django.dispatch import receiver


class CreationEntryIsPermanent(Exception):
    pass


@receiver(pre_delete, sender=LogEntry)
def keep_creation_entries(sender, instance, **kwargs):
    """The entry that records a record's creation is never purged (a retention job may drop others)."""
    if instance.action == LogEntry.Action.CREATE:
        raise CreationEntryIsPermanent(f"Audit entry {instance.pk} records a creation and is kept.")
