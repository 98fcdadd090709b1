"""A progress bar for collect, on the terminal's stderr only."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from okrdesk.errors import printable
from okrdesk.messages import counted


class BarProgress:
    """One step per plugin call, counted when the call is done; the text names the
    plugins running now (several at once with --jobs). Disappears when collect is done."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("collecting", total=None)
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._failed = 0

    def __enter__(self) -> BarProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, steps: int) -> None:
        self._progress.update(self._task, total=steps)

    def running(self, plugin: str, metrics: int) -> None:
        with self._lock:
            self._running[plugin] = metrics
            self._show()

    def finished(self, plugin: str, metrics: int, failed: bool) -> None:
        with self._lock:
            self._running.pop(plugin, None)
            self._failed += failed
            self._progress.advance(self._task)
            self._show()

    @property
    def text(self) -> str:
        """What the bar says now, and how many plugin calls are done."""
        task = self._progress.tasks[0]
        return f"{task.description} {int(task.completed)}/{task.total}"

    def _show(self) -> None:
        now = ", ".join(
            f"{escape(printable(plugin))} ({counted(metrics, 'metric')})"
            for plugin, metrics in self._running.items()
        )
        failed = f"; {self._failed} failed" if self._failed else ""
        self._progress.update(
            self._task, description=(f"collecting from {now}" if now else "collected") + failed
        )
