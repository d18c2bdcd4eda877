"""The generic import engine's own parts (hoctap.core.imports), with the registry's templates as users."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hoctap.core.imports import FirstRows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=3), st.integers(0, 5)), max_size=3000))
def test_first_rows_answers_like_a_dict(keys):
    """Whatever the keys and however often the table grows, it names the same first rows as a dict."""
    table, reference = FirstRows(capacity=4), {}
    for number, key in enumerate(keys, start=2):
        assert table.first(key, number) == reference.setdefault(key, number)
