"""``map_ahead``: results in order from a real process pool, never more than ``ahead`` items
submitted and not yet taken."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest

from catalog.ahead import map_ahead


def _square(value: int) -> int:
    return value * value


class _Counted:
    """Integers 0..count-1, remembering how many have been drawn."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.drawn = 0

    def __iter__(self) -> Iterator[int]:
        for value in range(self.count):
            self.drawn += 1
            yield value


@pytest.mark.parametrize("ahead", [1, 3])
def test_results_come_in_order_with_at_most_ahead_items_in_flight(ahead: int) -> None:
    items = _Counted(40)
    results: list[int] = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for result in map_ahead(pool, _square, items, ahead=ahead):
            # The item whose result this is, and at most ``ahead`` after it, have been drawn.
            assert items.drawn <= len(results) + 1 + ahead
            results.append(result)
    assert results == [value * value for value in range(40)]
    assert items.drawn == 40


def test_fewer_items_than_ahead_are_all_answered() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert list(map_ahead(pool, _square, [2, 3], ahead=8)) == [4, 9]


def test_an_error_in_the_work_reaches_the_consumer_at_its_item() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = map_ahead(pool, _reciprocal, [1, 2, 0, 4], ahead=2)
        assert next(results) == 1.0
        assert next(results) == 0.5
        with pytest.raises(ZeroDivisionError):
            next(results)


def test_ahead_must_be_positive() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(ValueError):
        next(map_ahead(pool, _square, [1], ahead=0))


def _reciprocal(value: int) -> float:
    return 1 / value
