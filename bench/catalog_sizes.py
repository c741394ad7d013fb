"""The catalog sizes the scale benchmark measures, and the distractors each one adds.

A size is a multiple of the indexed tracks' hours: 1 is the indexed tracks alone, N adds
(N − 1) times their hours of distractor songs (``bench.distractors``). A size may be asked for
in hours instead ("150h"): the smallest whole multiple that reaches them, so that the
default's top size holds at least 150 h whatever the folder. Each size's catalog is the last
one's plus more distractors, since ``distractor_tracks`` with more hours begins with the list
it gives for fewer.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bench.split import Track

#: The default sizes: the folder alone, ten times it, and at least 150 h.
DEFAULT_SIZES = "1,10,150h"


@dataclass(frozen=True)
class SizeRequest:
    """A size as asked for: a multiple, or hours when ``in_hours``."""

    value: float
    in_hours: bool = False


@dataclass(frozen=True)
class CatalogSize:
    #: Catalog hours over the indexed tracks' hours.
    multiple: float
    indexed_hours: float

    @property
    def hours(self) -> float:
        """The hours the catalog holds at least (its last distractor may reach past them)."""
        return self.multiple * self.indexed_hours

    @property
    def distractor_hours(self) -> float:
        return (self.multiple - 1) * self.indexed_hours

    @property
    def label(self) -> str:
        return f"{self.multiple:g}×"


def parse_sizes(text: str) -> list[SizeRequest]:
    """An argparse type: comma-separated multiples (at least 1) or hours ("150h")."""
    requests = []
    for part in (part.strip().lower() for part in text.split(",") if part.strip()):
        in_hours = part.endswith("h")
        try:
            value = float(part.removesuffix("h"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a multiple or hours: {part}") from None
        if value <= 0 or (value < 1 and not in_hours):
            raise argparse.ArgumentTypeError(f"a size is a multiple of at least 1: {part}")
        requests.append(SizeRequest(value, in_hours))
    if not requests:
        raise argparse.ArgumentTypeError("no sizes given")
    return requests


def plan_sizes(requests: Sequence[SizeRequest], indexed_hours: float) -> list[CatalogSize]:
    """The sizes asked for, smallest first, each once."""
    if indexed_hours <= 0:
        raise ValueError("the indexed tracks hold no audio")
    multiples = sorted({_multiple(request, indexed_hours) for request in requests})
    return [CatalogSize(multiple, indexed_hours) for multiple in multiples]


def _multiple(request: SizeRequest, indexed_hours: float) -> float:
    if not request.in_hours:
        return request.value
    # The margin keeps a whole multiple whole under float error (3 × 2.9 h asked as "8.7h").
    return float(max(1, math.ceil(request.value / indexed_hours - 1e-9)))


def increments(
    sizes: Sequence[CatalogSize], distractors_for: Callable[[float], Sequence[Track]]
) -> Iterator[tuple[CatalogSize, list[Track]]]:
    """Each size with the distractors it adds to the size before (the first size: all of its
    own). ``distractors_for(hours)`` gives a catalog's distractors; it is called once per size,
    as that size comes, so a larger size's distractors are rendered only when it is reached."""
    previous: list[Track] = []
    for size in sizes:
        current = list(distractors_for(size.distractor_hours))
        if current[: len(previous)] != previous:
            raise ValueError("a larger catalog's distractors must begin with a smaller one's")
        yield size, current[len(previous) :]
        previous = current
