"""A progress bar for collect, on the terminal's stderr only."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from okrdesk.errors import printable


class BarProgress:
    """Shows one step per plugin call; disappears when collect is done."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("collecting", total=None)
        self._current: str | None = None

    def __enter__(self) -> BarProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish_step()
        self._progress.stop()

    def start(self, steps: int) -> None:
        self._progress.update(self._task, total=steps)

    def step(self, plugin: str, metrics: int) -> None:
        self._finish_step()
        self._current = plugin
        self._progress.update(
            self._task, description=f"collecting {metrics} metrics from {escape(printable(plugin))}"
        )

    def _finish_step(self) -> None:
        if self._current is not None:
            self._progress.advance(self._task)
            self._current = None
