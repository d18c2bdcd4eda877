"""Signals of the map, for the apps to its right (data flows one way: territory knows nobody).

`villages_changed(change, closed, receiving)`: sent inside the transaction that records a village
merge or split (`village_changes.record`), after the closed villages got their `valid_to`. The
registry moves what lived in the closed villages into `receiving`; through its own signals the
assessments follow their subjects and the counters follow both.
"""

from django.dispatch import Signal

villages_changed = Signal()
