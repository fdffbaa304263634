"""The running sum of meters, against sums worked out by hand."""

from __future__ import annotations

from kozani_hub.recorder.statistics.sums import Reading, SumState, accumulate


def total(values: list[float], previous: SumState | None = None) -> SumState | None:
    return accumulate(previous, [Reading(v) for v in values], total_increasing=True)


def test_a_new_meter_counts_from_its_first_reading() -> None:
    assert total([1200.0, 1201.5, 1204.0]) == SumState(1204.0, 4.0)


def test_a_meter_reset_to_zero_keeps_what_was_counted() -> None:
    # 100 -> 105 is 5; reset; 0 -> 5 is 5: 10 in all.
    assert total([100, 102, 105, 0, 3, 5]) == SumState(5, 10)


def test_a_counter_roll_over_is_a_new_cycle_as_in_home_assistant() -> None:
    # A five-digit counter: 99990 -> 99996 is 6; it wraps and reads 3, then 12. Like Home
    # Assistant's energy dashboard, the new cycle is counted from zero (12), so the 4 units
    # between 99996 and the wrap are not counted: 6 + 12 = 18.
    assert total([99990, 99996, 3, 12]) == SumState(12, 18)


def test_a_small_dip_is_not_a_reset() -> None:
    # 50 -> 49.5 is a dip (a re-read value), not a new cycle: it comes back when it rises.
    assert total([50, 49.5, 52]) == SumState(52, 2)


def test_the_sum_continues_from_the_previous_period() -> None:
    first = total([10, 14])
    assert first == SumState(14, 4)
    assert total([14, 20, 1, 2], first) == SumState(2, 12)  # 4 + 6 + reset + 2


def test_negative_readings_of_an_increasing_meter_are_ignored() -> None:
    assert total([10, -1, 12]) == SumState(12, 2)


def test_a_net_meter_counts_down_too() -> None:
    result = accumulate(None, [Reading(v) for v in (5, 8, 6, 9)], total_increasing=False)
    assert result == SumState(9, 4)


def test_a_net_meter_starts_a_new_cycle_when_last_reset_changes() -> None:
    readings = [Reading(5, 0.0), Reading(8, 0.0), Reading(2, 100.0), Reading(4, 100.0)]
    # 5 -> 8 is 3; a new cycle from zero reads 4: 7.
    assert accumulate(None, readings, total_increasing=False) == SumState(4, 7, 100.0)


def test_nothing_read_leaves_the_sum_as_it_was() -> None:
    previous = SumState(14, 4)
    assert total([], previous) == previous
    assert total([]) is None
