"""Columns computed from what was typed, never typed themselves.

A name is stored normalised (`core.text.normalise`) beside its diacritic-free search column
(`fold`) and its Vietnamese sort key (`sort_key`). A model derives them in `refresh_derived()`,
which every save calls; a bulk writer, which skips save(), calls it itself (`core.bulk`).
"""

from django.db import models


class DerivedColumns(models.Model):
    """A model whose derived columns `refresh_derived()` computes on every save."""

    class Meta:
        abstract = True

    def refresh_derived(self):
        raise NotImplementedError

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)
