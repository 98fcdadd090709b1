"""Helpers shared by the tests: run the plugin's hooks directly on the hand-written tiny export.

The tiny export (tests/fixtures/tiny) has two CMs with clients (cm1, cm2), a
third person with none (cm3) and a client of a CM nobody asked about (X1). It
is collected for January, February and March 2026 through 20 March, so the
windows are [01-01, 01-31], [02-01, 02-28] and [03-01, 03-20], and the
checkpoints 2025-12-31, 01-31, 02-28 and 03-20. Line numbers in the comments of
the tests are the files' line numbers (header = line 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from okrdesk.model import MetricSpec, Observation, Person
from okrdesk.periods import Grain, Period, periods_between
from okrdesk.plugins import CollectRequest

from okrdesk_brokerage import engine, plugin
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.windows import Windows

FIXTURES = Path(__file__).parent / "fixtures"
THROUGH = dt.date(2026, 3, 20)
MONTHS = tuple(periods_between(dt.date(2026, 1, 1), THROUGH, Grain.MONTH))
PEOPLE = (
    Person("cm1", "Li Na", "team1"),
    Person("cm2", "Wang Wei", "team1"),
    Person("cm3", "Zhao Lei", "team1"),
)
SETTINGS = {"data": "tiny", "hnw_threshold": 1_000_000}


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character: a message said in Chinese does."""
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def declared() -> dict[str, MetricSpec]:
    specs: list[MetricSpec] = []
    plugin.okrdesk_metrics(register=specs.append)
    return {spec.name: spec for spec in specs}


class Collector:
    """Stands in for the host's emit: keeps observations and refuses duplicates."""

    def __init__(self) -> None:
        self.observations: dict[tuple[str, str, str], Observation] = {}
        self.errors: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.errors_zh: list[tuple[str, str]] = []
        """Each error's message in Chinese, as ``errors`` holds its English."""
        self.warnings_zh: list[tuple[str, str]] = []
        self.slices: dict[tuple[str, str, str, str], Observation] = {}
        self.finished_metrics: list[str] = []

    def __call__(
        self,
        metric: str,
        subject: str,
        period: str,
        *,
        value: float | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        source: str = "",
        dimensions: dict[str, str] | None = None,
        no_rows: bool = False,
    ) -> None:
        assert metric not in self.finished_metrics, f"emitted after finished: {metric}"
        if dimensions:
            sliced = Observation(metric, subject, period, value, source=source,
                                 dimensions=dimensions)  # fmt: skip
            assert (metric, subject, period, sliced.slice) not in self.slices, "emitted twice"
            self.slices[(metric, subject, period, sliced.slice)] = sliced
            return
        key = (metric, subject, period)
        assert key not in self.observations, f"emitted twice: {key}"
        self.observations[key] = Observation(
            metric, subject, period, value, numerator, denominator, source, no_rows=no_rows
        )

    def many(
        self,
        metric: str,
        subjects: Sequence[str],
        periods: Sequence[str],
        *,
        values: Sequence[float | None] | None = None,
        numerators: Sequence[float | None] | None = None,
        denominators: Sequence[float | None] | None = None,
        sources: Sequence[str] | None = None,
        dimensions: Sequence[dict[str, str] | None] | None = None,
        no_rows: Sequence[bool] | None = None,
    ) -> None:
        """As the host does: each observation as if emitted alone."""
        for k, (subject, period) in enumerate(zip(subjects, periods, strict=True)):
            self(
                metric, subject, period,
                value=values[k] if values is not None else None,
                numerator=numerators[k] if numerators is not None else None,
                denominator=denominators[k] if denominators is not None else None,
                source=sources[k] if sources is not None else "",
                dimensions=dimensions[k] if dimensions is not None else None,
                no_rows=no_rows[k] if no_rows is not None else False,
            )  # fmt: skip

    def error(self, metric: str, message: str, *, zh: str = "") -> None:
        assert metric not in self.finished_metrics, f"error after finished: {metric}"
        assert has_chinese(zh), f"an error without its Chinese: {message}"
        self.errors.append((metric, message))
        self.errors_zh.append((metric, zh))

    def warning(self, metric: str, message: str, *, zh: str = "") -> None:
        assert metric not in self.finished_metrics, f"warning after finished: {metric}"
        assert has_chinese(zh), f"a warning without its Chinese: {message}"
        self.warnings.append((metric, message))
        self.warnings_zh.append((metric, zh))

    def finished(self, metric: str) -> None:
        assert metric not in self.finished_metrics, f"finished twice: {metric}"
        self.finished_metrics.append(metric)

    def get(self, metric: str, subject: str, period: str) -> Observation | None:
        return self.observations.get((metric, subject, period))

    def of(self, metric: str) -> dict[tuple[str, str], Observation]:
        return {(s, p): o for (m, s, p), o in self.observations.items() if m == metric}

    def values(self, metric: str) -> dict[tuple[str, str], float | None]:
        return {key: o.value for key, o in self.of(metric).items()}

    def ratios(self, metric: str) -> dict[tuple[str, str], tuple[float | None, float | None]]:
        return {key: (o.numerator, o.denominator) for key, o in self.of(metric).items()}

    def sources(self, metric: str) -> dict[tuple[str, str], str]:
        return {key: o.source for key, o in self.of(metric).items()}


def collect(
    metrics: Iterable[str] | None = None,
    *,
    workspace: Path = FIXTURES,
    settings: Mapping[str, Any] = SETTINGS,
    periods: Sequence[Period] = MONTHS,
    through: dt.date = THROUGH,
    people: Sequence[Person] = PEOPLE,
) -> Collector:
    specs = declared()
    wanted = tuple(specs[name] for name in (metrics or specs))
    request = CollectRequest(
        metrics=wanted,
        people=tuple(people),
        units=(),
        periods=tuple(periods),
        through=through,
        settings=dict(settings),
        workspace=workspace,
    )
    collector = Collector()
    plugin.okrdesk_collect(request=request, emit=collector)
    specs_by_name = declared()
    for observation in collector.observations.values():
        assert observation.problems(specs_by_name[observation.metric]) == []
    return collector


def total_assets(*args: Any, **kwargs: Any) -> Any:
    """``assets.asset_parts`` with every part totalled: the whole ``Assets``, or None
    when the file needs the streaming reader."""
    from okrdesk_brokerage.assets import asset_parts

    found = asset_parts(*args, **kwargs)
    if found is None:
        return None
    assets, parts = found
    for _ in parts:
        pass
    return assets


def setwise_connection(folder: Path, book: Book, windows: Windows) -> Connection | None:
    """A DuckDB connection holding the client book and the windows, as a collect makes
    one; None when the book cannot be loaded set-wise (every file is then left to the
    streaming reader)."""
    con = engine.connect()
    if not engine.load_clients(con, folder, book):
        con.close()
        return None
    engine.load_windows(con, windows)
    return con
