"""The hub's warnings and errors during a scenario, kept to show beside a failure."""

from __future__ import annotations

import logging

MAX_RECORDS = 200


class LogCapture(logging.Handler):
    """Keeps the hub's log records of WARNING and above since the previous expect."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []
        self._logger = logging.getLogger("kozani_hub")

    def attach(self) -> None:
        self._logger.addHandler(self)

    def detach(self) -> None:
        self._logger.removeHandler(self)

    def clear(self) -> None:
        self.records.clear()

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) >= MAX_RECORDS:
            return
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        self.records.append(f"{record.levelname} {record.name}: {message}")
