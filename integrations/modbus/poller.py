"""Poll one device's entities every scan interval, with merged reads and failure counting.

A poller owns the entities of one device that share a scan interval. Each poll reads the
planned blocks one after the other through the link scheduler (so at most one of its requests
waits in the queue, and devices take turns). When the device does not answer, the rest of
that poll is skipped: a dead device costs the link one timeout per poll, not one per block.
After `unavailable_after` failed polls in a row an entity shows `unavailable`; the first good
answer brings it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from kozani_hub.core.clock import Clock

from .entities import ModbusEntity, Readings, device_context
from .errors import (
    ILLEGAL_DATA_ADDRESS,
    ModbusConnectError,
    ModbusConnectionLost,
    ModbusDeviceSkipped,
    ModbusError,
    ModbusExceptionResponse,
)
from .planner import Block, Span, plan, single
from .scheduler import LinkScheduler

_LOGGER = logging.getLogger(__name__)

#: Faults of the whole link: the link scheduler logs those, once per link, not per device.
_LINK_FAULTS = (ModbusConnectError, ModbusConnectionLost, ModbusDeviceSkipped)


class DeviceHealth:
    """What one device on one link last did, so each fault is logged once, not every poll."""

    def __init__(self, link: str, device_id: int) -> None:
        self.link = link
        self.device_id = device_id
        self._fault: tuple[str, int] | None = None

    def failed(self, error: ModbusError, unavailable_after: int) -> None:
        if isinstance(error, _LINK_FAULTS) or error.key == self._fault:
            return
        self._fault = error.key
        _LOGGER.warning(
            "Modbus link %s, device %d: %s (%s); its entities show unavailable after %d "
            "failed polls in a row",
            self.link, self.device_id, error, error.kind, unavailable_after,
        )

    def answered(self) -> None:
        if self._fault is not None:
            _LOGGER.info("Modbus link %s, device %d answers again", self.link, self.device_id)
            self._fault = None


@dataclass(slots=True)
class PollStats:
    polls: int = 0
    spans_read: int = 0
    blocks_read: int = 0
    failed_blocks: int = 0


@dataclass(frozen=True, slots=True)
class PollSettings:
    device_id: int
    scan_interval: float
    unavailable_after: int
    merge_gap: int
    max_read_registers: int


class DevicePoller:
    def __init__(
        self,
        settings: PollSettings,
        entities: Sequence[ModbusEntity],
        scheduler: LinkScheduler,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.entities = list(entities)
        self.scheduler = scheduler
        self.clock = clock
        self.health = DeviceHealth(scheduler.name, settings.device_id)
        self.stats = PollStats()
        self._failures = {e.entity_id: 0 for e in self.entities}
        spans = [span for e in self.entities for span in e.spans]
        self.blocks = plan(spans, settings.merge_gap, settings.max_read_registers)
        self._task: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return f"modbus {self.scheduler.name} device {self.settings.device_id}"

    def start(self) -> None:
        if self._task is None and self.blocks:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            started = self.clock.monotonic()
            try:
                await self.poll()
            except Exception:  # a bug in one poll must not end polling
                _LOGGER.exception("%s: poll failed unexpectedly", self.name)
            elapsed = self.clock.monotonic() - started
            await self.clock.sleep(max(0.0, self.settings.scan_interval - elapsed))

    async def poll(self) -> None:
        """Read every block once and update the entities."""
        self.stats.polls += 1
        readings: dict[Span, list[int]] = {}
        errors: dict[Span, ModbusError] = {}
        pending = list(self.blocks)
        while pending:
            block = pending.pop(0)
            error = await self._read(block, readings)
            if error is None:
                continue
            if _split_worthy(error, block):
                self._split(block)
                pending[:0] = single(block.spans)
                continue
            for span in block.spans:
                errors[span] = error
            if not isinstance(error, ModbusExceptionResponse):
                skipped = ModbusDeviceSkipped(f"skipped after: {error}")
                for rest in pending:
                    errors.update(dict.fromkeys(rest.spans, skipped))
                break
        self._publish(readings, errors)

    async def _read(self, block: Block, readings: dict[Span, list[int]]) -> ModbusError | None:
        device_id = self.settings.device_id
        try:
            values = await self.scheduler.read(block.table, device_id, block.address, block.count)
        except ModbusError as err:
            self.stats.failed_blocks += 1
            return err
        self.stats.blocks_read += 1
        self.stats.spans_read += len(block.spans)
        for span in block.spans:
            readings[span] = block.slice(values, span)
        return None

    def _split(self, block: Block) -> None:
        """Stop merging across a hole in the device's address map; read the parts apart."""
        _LOGGER.info(
            "%s: registers %d..%d are not all readable; reading its %d values one by one",
            self.name, block.address, block.end - 1, len(block.spans),
        )
        index = self.blocks.index(block)
        self.blocks[index : index + 1] = single(block.spans)

    def _publish(self, readings: Readings, errors: dict[Span, ModbusError]) -> None:
        first_error = next(iter(errors.values()), None)
        if first_error is None:
            self.health.answered()
        else:
            self.health.failed(first_error, self.settings.unavailable_after)
        for entity in self.entities:
            needed = entity.spans
            if all(span in readings for span in needed):
                self._failures[entity.entity_id] = 0
                self._update(entity, readings)
                continue
            self._failures[entity.entity_id] += 1
            limit = self.settings.unavailable_after
            if self._failures[entity.entity_id] >= limit and entity.available:
                entity.available = False
                entity.write_state(device_context())

    def _update(self, entity: ModbusEntity, readings: Readings) -> None:
        try:
            entity.on_data(readings)
        except Exception as err:  # a value the entity cannot show must not stop the others
            _LOGGER.warning("%s: cannot show the value read: %s", entity.entity_id, err)


def _split_worthy(error: ModbusError, block: Block) -> bool:
    return (
        isinstance(error, ModbusExceptionResponse)
        and error.code == ILLEGAL_DATA_ADDRESS
        and len(block.spans) > 1
    )
