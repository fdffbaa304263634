"""The ISA-18.2 lifecycle: every transition, and the ones refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kozani_hub.alerts import lifecycle as lc
from kozani_hub.alerts.lifecycle import AlertState, LifecycleError, needs_attention, state_of
from kozani_hub.alerts.record import AlertRecord, from_payload, to_payload

T0 = datetime(2026, 1, 15, 1, 12, tzinfo=UTC)
MIN = timedelta(minutes=1)


def active() -> AlertRecord:
    return lc.activate(AlertRecord("r01"), T0, "hub", "binary_sensor.r01_sos is on")


def test_a_new_alert_is_normal_and_needs_nobody() -> None:
    record = AlertRecord("r01")
    assert state_of(record) is AlertState.NORMAL
    assert not needs_attention(record)
    assert record.pristine


def test_activation_is_unacknowledged_and_remembers_when_and_why() -> None:
    record = active()
    assert state_of(record) is AlertState.ACTIVE
    assert needs_attention(record)
    assert record.since == T0
    assert record.last is not None and record.last.note == "binary_sensor.r01_sos is on"


def test_acknowledged_then_returned_is_normal() -> None:
    record = lc.acknowledge(active(), T0 + MIN, "nikos", "on my way")
    assert state_of(record) is AlertState.ACKNOWLEDGED
    assert not needs_attention(record)
    assert (record.acknowledged_by, record.acknowledged_at) == ("nikos", T0 + MIN)
    record = lc.deactivate(record, T0 + 2 * MIN, "hub", "off", latched=False)
    assert state_of(record) is AlertState.NORMAL


def test_returned_unacknowledged_still_needs_someone_until_acknowledged() -> None:
    record = lc.deactivate(active(), T0 + MIN, "hub", "off", latched=False)
    assert state_of(record) is AlertState.RETURNED
    assert needs_attention(record)
    record = lc.acknowledge(record, T0 + 2 * MIN, "eleni", "")
    assert state_of(record) is AlertState.NORMAL


def test_coming_back_before_anyone_acknowledged_is_the_same_activation() -> None:
    returned = lc.deactivate(active(), T0 + MIN, "hub", "off", latched=False)
    again = lc.activate(returned, T0 + 2 * MIN, "hub", "on")
    assert state_of(again) is AlertState.ACTIVE
    assert again.since == T0
    assert again.activations == (T0, T0 + 2 * MIN)


def test_coming_back_after_it_was_acknowledged_is_a_new_activation() -> None:
    record = lc.acknowledge(active(), T0 + MIN, "nikos", "")
    record = lc.deactivate(record, T0 + 2 * MIN, "hub", "off", latched=False)
    record = lc.activate(record, T0 + 3 * MIN, "hub", "on")
    assert record.since == T0 + 3 * MIN
    assert record.acknowledged_by is None
    assert needs_attention(record)


def test_a_latched_alert_waits_for_reset_which_the_active_condition_refuses() -> None:
    with pytest.raises(LifecycleError, match="condition still holds"):
        lc.reset(active(), T0, "sofia", "")
    record = lc.deactivate(active(), T0 + MIN, "hub", "warm again", latched=True)
    assert state_of(record) is AlertState.LATCHED
    assert needs_attention(record)
    record = lc.acknowledge(record, T0 + 2 * MIN, "sofia", "")
    assert state_of(record) is AlertState.LATCHED
    assert not needs_attention(record)
    record = lc.reset(record, T0 + 3 * MIN, "sofia", "burner replaced")
    assert state_of(record) is AlertState.NORMAL
    with pytest.raises(LifecycleError, match="nothing to reset"):
        lc.reset(record, T0 + 4 * MIN, "sofia", "")


def test_acknowledging_twice_or_a_normal_alert_says_why_not() -> None:
    record = lc.acknowledge(active(), T0, "nikos", "")
    with pytest.raises(LifecycleError, match="already acknowledged by nikos"):
        lc.acknowledge(record, T0, "eleni", "")
    with pytest.raises(LifecycleError, match="nothing to acknowledge"):
        lc.acknowledge(AlertRecord("r01"), T0, "eleni", "")


def test_shelving_hides_and_the_end_shows_an_active_alert_again_unacknowledged() -> None:
    record = lc.acknowledge(active(), T0, "kostas", "")
    shelved = lc.shelve(record, T0, "kostas", "valve", until=T0 + 60 * MIN, one_shot=False)
    assert state_of(shelved) is AlertState.SHELVED
    assert not needs_attention(lc.shelve(active(), T0, "k", "r", until=T0 + MIN, one_shot=False))
    shown = lc.unshelve(shelved, T0 + 60 * MIN, "hub", "ended", action="shelve_ended")
    assert state_of(shown) is AlertState.ACTIVE
    assert needs_attention(shown)
    assert shown.last is not None and shown.last.action == "shelve_ended"


def test_a_shelving_that_ends_after_the_alert_returned_leaves_it_normal() -> None:
    shelved = lc.shelve(active(), T0, "kostas", "valve", until=T0 + 60 * MIN, one_shot=True)
    returned = lc.deactivate(shelved, T0 + MIN, "hub", "off", latched=False)
    assert state_of(returned) is AlertState.SHELVED
    assert state_of(lc.unshelve(returned, T0 + MIN, "hub", "")) is AlertState.NORMAL
    with pytest.raises(LifecycleError, match="not shelved"):
        lc.unshelve(AlertRecord("r01"), T0, "hub", "")


def test_out_of_service_hides_everything_and_refuses_shelving() -> None:
    record = lc.suppress(active(), T0, "kostas", "maintenance")
    assert state_of(record) is AlertState.SUPPRESSED
    assert not needs_attention(record)
    with pytest.raises(LifecycleError, match="suppressed"):
        lc.shelve(record, T0, "kostas", "r", until=T0 + MIN, one_shot=False)
    back = lc.unsuppress(record, T0 + MIN, "kostas", "")
    assert state_of(back) is AlertState.ACTIVE
    with pytest.raises(LifecycleError, match="not suppressed"):
        lc.unsuppress(back, T0, "kostas", "")


def test_realarm_only_for_an_acknowledged_alert_still_active() -> None:
    record = lc.acknowledge(active(), T0, "kostas", "", realarm=30 * MIN)
    assert record.realarm_due == T0 + 30 * MIN
    again = lc.realarm(record, T0 + 30 * MIN)
    assert state_of(again) is AlertState.ACTIVE
    assert again.realarms == 1
    normal = lc.deactivate(record, T0 + MIN, "hub", "", latched=False)
    assert normal.realarm_due is None
    assert lc.realarm(normal, T0 + 30 * MIN) is normal


def test_a_record_survives_its_saved_form() -> None:
    record = lc.shelve(active(), T0, "kostas", "valve", until=T0 + MIN, one_shot=True)
    assert from_payload(to_payload(record)) == record
    assert from_payload({**to_payload(record), "from_a_later_release": 1}) == record
