"""Signals of the registry beyond Django's model signals."""

from django.dispatch import Signal

# Sent inside an import's transaction once its rows are written. Imports write with bulk_create
# and queryset updates, which send no model signals, so whatever is kept current from the model
# signals (statistics counters) recounts these communes instead. Argument: communes=set[int].
registry_bulk_written = Signal()
