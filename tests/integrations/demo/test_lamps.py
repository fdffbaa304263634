"""Street lamp power and transition steps."""

from __future__ import annotations

from integrations.demo.lamps import lamp_power, transition_steps


def test_a_lamp_at_full_brightness_draws_its_rated_power() -> None:
    assert lamp_power(90.0, True, 255) == 90.0


def test_a_dimmed_lamp_draws_less_but_its_driver_still_draws_a_tenth() -> None:
    half = lamp_power(90.0, True, 128)
    assert 45.0 < half < 90.0
    assert lamp_power(90.0, True, 1) == 9.3


def test_a_lamp_that_is_off_draws_nothing() -> None:
    assert lamp_power(90.0, False, 255) == 0.0
    assert lamp_power(90.0, True, 0) == 0.0


def test_a_transition_steps_evenly_and_ends_on_the_target() -> None:
    steps = transition_steps(255, 128, 30.0)
    assert len(steps) == 10
    assert steps[0] == (3.0, 242)
    assert steps[-1] == (30.0, 128)
    values = [b for _, b in steps]
    assert values == sorted(values, reverse=True)


def test_a_short_transition_takes_one_step_per_second() -> None:
    assert transition_steps(0, 200, 2.5) == [(1.25, 100), (2.5, 200)]


def test_no_transition_is_one_step_now() -> None:
    assert transition_steps(0, 255, 0.0) == [(0.0, 255)]
    assert transition_steps(100, 100, 10.0) == [(0.0, 100)]
