"""Signals other apps listen to. Data flows one way: assessments never import stats or reports;
they announce changes, inside the same database transaction, and the listeners keep their figures."""

from django.dispatch import Signal

# Sent inside the transaction of every state change, after the row is saved:
#   assessment, from_state (None when created), to_state, action, actor
assessment_transitioned = Signal()
