"""A progress bar for collect, on the terminal's stderr only."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from okrdesk.errors import printable
from okrdesk.messages import counted

_SAID = {
    "en": {"collecting": "collecting", "from": "collecting from {now}", "done": "collected",
           "failed": "; {n} failed", "plugin": "{plugin} ({metrics})", "sep": ", "},
    "zh": {"collecting": "采集中", "from": "正在采集：{now}", "done": "采集完毕",
           "failed": "；{n} 个失败", "plugin": "{plugin}（{metrics} 个指标）", "sep": "、"},
}  # fmt: skip
"""What the bar says, in collect's language."""


class BarProgress:
    """One step per plugin call, counted when the call is done; the text names the
    plugins running now (several at once with --jobs), in ``lang``. Disappears when
    collect is done."""

    def __init__(self, console: Console | None = None, lang: str = "en") -> None:
        self._said = _SAID[lang]
        self._lang = lang
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task(self._said["collecting"], total=None)
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
        said = self._said
        now = said["sep"].join(
            said["plugin"].format(
                plugin=escape(printable(plugin)),
                metrics=counted(metrics, "metric") if self._lang == "en" else metrics,
            )
            for plugin, metrics in self._running.items()
        )
        failed = said["failed"].format(n=self._failed) if self._failed else ""
        shown = said["from"].format(now=now) if now else said["done"]
        self._progress.update(self._task, description=shown + failed)
