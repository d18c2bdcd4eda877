"""Signals of the registry beyond Django's model signals."""

from django.dispatch import Signal

# Sent inside an import's transaction once its rows are written. Imports write with bulk_create
# and queryset updates, which send no model signals, so whatever is kept current from the model
# signals (statistics counters) recounts these communes instead. Argument: communes=set[int].
registry_bulk_written = Signal()

# Sent when a citizen's own data is gathered (their page and JSON download). Apps that hold more of
# the person's data (consents and requests: hoctap.privacy) answer with a dict of sections to add;
# the registry cannot import them (they sit to its right in the data flow). Argument: user.
personal_data_collected = Signal()

# Asked before ethnicity is written (registry.sensitive): hoctap.privacy, which keeps consents, answers
# with the set of the given person ids whose own consent to record their ethnicity is current.
# Argument: person_ids=set[int].
sensitive_consent_asked = Signal()
