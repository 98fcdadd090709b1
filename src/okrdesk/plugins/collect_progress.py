"""What collect tells a progress bar: which plugins are running and which are done,
as their parts (processes) start and end, in whatever thread runs them."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class Part(Protocol):
    """One plugin call (runner._Part): a plugin, or a share of its metrics."""

    @property
    def plugin(self) -> str: ...

    @property
    def specs(self) -> Sequence[object]: ...

    @property
    def failure(self) -> object | None: ...

    def run(self, timeout: float) -> None: ...


class PartsProgress(Protocol):
    """Told as plugins run: a plugin split into several parts is running from its
    first part's start and done when its last part is."""

    def running(self, plugin: str, metrics: int) -> None: ...

    def finished(self, plugin: str, metrics: int, failed: bool) -> None: ...


class Tracker:
    """Turns parts starting and ending (in any thread) into ``PartsProgress`` calls."""

    def __init__(self, parts: Sequence[Part], progress: PartsProgress) -> None:
        self._progress, self._lock = progress, threading.Lock()
        self._left: dict[str, int] = {}
        self._metrics: dict[str, int] = {}
        self._failed: set[str] = set()
        for part in parts:
            self._left[part.plugin] = self._left.get(part.plugin, 0) + 1
            self._metrics[part.plugin] = self._metrics.get(part.plugin, 0) + len(part.specs)
        self._started: set[str] = set()

    def run(self, part: Part, timeout: float) -> None:
        with self._lock:
            first = part.plugin not in self._started
            self._started.add(part.plugin)
        if first:
            self._progress.running(part.plugin, self._metrics[part.plugin])
        try:
            if part.failure is None:
                part.run(timeout)
        finally:
            with self._lock:
                self._left[part.plugin] -= 1
                last = self._left[part.plugin] == 0
                if part.failure is not None:
                    self._failed.add(part.plugin)
            if last:
                metrics, failed = self._metrics[part.plugin], part.plugin in self._failed
                self._progress.finished(part.plugin, metrics, failed)
