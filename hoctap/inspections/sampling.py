"""Drawing the inspection sample. Pure and reproducible: the same population, size and seed always
give the same sample, on any machine, so a sample can be checked after the fact."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from decimal import Decimal


def sample_size(population: int, *, size: int | None = None, percent: Decimal | None = None) -> int:
    """How many to draw: a fixed number, or a share rounded up (a 10% sample of 5 is 1, not 0)."""
    if (size is None) == (percent is None):
        raise ValueError("give either a size or a percent")
    if size is not None:
        wanted = size
    else:
        wanted = math.ceil(Decimal(population) * Decimal(percent) / 100)
    return max(0, min(population, wanted))


def draw(ids: Iterable[int], k: int, seed: int) -> list[int]:
    """`k` ids chosen at random with `seed`, in the order drawn. The population is sorted first, so
    the order the database returned it in does not matter."""
    ordered = sorted(set(ids))
    return random.Random(seed).sample(ordered, min(k, len(ordered)))
