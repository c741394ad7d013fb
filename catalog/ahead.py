"""Work handed to a pool of processes a few items ahead of the one consumer of its results."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_ahead(
    executor: Executor,
    function: Callable[[Item], Result],
    items: Iterable[Item],
    *,
    ahead: int,
) -> Iterator[Result]:
    """``function(item)`` for each of ``items``, in their order, computed by ``executor``.

    At most ``ahead`` items are submitted and not yet yielded: ``items`` is drawn on as results
    are taken, and a result is no longer referenced here once yielded. So the memory held by
    waiting results stays bounded by ``ahead`` however many items there are and however slowly
    they are consumed (``Executor.map`` submits every item at once).
    """
    if ahead < 1:
        raise ValueError("ahead must be at least 1")
    pending = iter(items)
    submitted: deque[Future[Result]] = deque(
        executor.submit(function, item) for item in islice(pending, ahead)
    )
    while submitted:
        future = submitted.popleft()
        for item in islice(pending, 1):
            submitted.append(executor.submit(function, item))
        yield future.result()
