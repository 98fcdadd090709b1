"""One collection: read the files the wanted metrics need, once each, then emit.

Only files a wanted metric needs are opened (clients.csv always), so a plan that
tracks no NPS does not need surveys.csv, and one that only tracks NPS never
touches the large assets.csv. A file that is missing or holds a bad row fails
only the metrics that read it, each reported with the file and line through
``emit.error``; the others land. So does an assets.csv come out with its header
alone while the book lists clients: its levels would all be stored as 0.
clients.csv is read by every metric, so a bad row there fails every metric, each
with the same row.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
import threading
from collections.abc import Callable, Collection, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import attrs
from okrdesk.errors import Said
from okrdesk.plugins import CollectRequest, Emit

from okrdesk_brokerage import engine
from okrdesk_brokerage.assemble import ASSEMBLERS, READS_LATER, SLICES, Reading, no_rows
from okrdesk_brokerage.assets import Assets, asset_parts, read_assets
from okrdesk_brokerage.book import read_book, total_book
from okrdesk_brokerage.catalogue import Catalogue, read_catalogue
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.errors import ExportError
from okrdesk_brokerage.feedback import (
    Surveys,
    read_complaints,
    read_surveys,
    total_complaints,
    total_surveys,
)
from okrdesk_brokerage.figures import Figures
from okrdesk_brokerage.funding import Funding, read_funding, total_funding
from okrdesk_brokerage.layout import (
    ASSETS,
    CLIENTS,
    COMPLAINTS,
    FUNDING,
    GENDERS,
    NEEDS,
    PRODUCT_TYPES,
    PRODUCTS,
    SURVEYS,
    TRADES,
    ExportFile,
    files_read_by,
)
from okrdesk_brokerage.products import Products, read_products, total_products
from okrdesk_brokerage.reading import Export
from okrdesk_brokerage.settings import Settings, read_settings
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import Trading, read_trades, total_trades
from okrdesk_brokerage.windows import Windows

T = TypeVar("T")
Steps = Generator[tuple["Figures", dict[str, ExportError], set[str]], None, None]
"""The figures so far, the files that failed and the files done, after each file."""


def gather(
    settings: Settings, windows: Windows, cms: Sequence[str], wanted: Collection[str], spill: Path
) -> Steps:
    """Read each file the wanted metrics need, in one pass each, and after the client
    book and after each file give the figures so far, the files that failed (each with
    its error) and the files done (read or failed): the metrics whose files are all done
    can be emitted, and the parts of the figures no metric still needs let go. DuckDB
    spills into the folder ``spill`` what does not fit in its memory limit (and reads
    there the UTF-8 copy of a file in another encoding, one at a time: each is dropped
    once read), and works on more than one
    thread where the files are large (``engine.threads_for``)."""
    needs = files_read_by(wanted)
    # DuckDB reads a UTF-8 copy of a file in another encoding, made in ``spill`` too.
    folder = attrs.evolve(settings.export, copies=spill / "utf-8")
    files = [settings.data / name for name in (CLIENTS.name, *needs)]
    connected = engine.connect(spill, engine.threads_for(files), files)
    con: Connection | None = connected
    short: set[str] = set()
    try:
        engine.load_windows(connected, windows)
        book = engine.unless_short_of_memory(
            CLIENTS, lambda: total_book(connected, folder, cms, windows), short
        )
        if book is None:
            # The streaming reader names the bad row (and raises), or reads what DuckDB
            # could not trust to be one row a line.
            book = read_book(folder, cms, windows)
            loaded = engine.unless_short_of_memory(
                CLIENTS, lambda: engine.load_clients(connected, folder, book), short
            )
            if not loaded:
                connected.close()
                con = None
    except BaseException:
        connected.close()
        raise
    try:
        yield from _files(
            con, folder, settings, windows, Figures(book, windows, read_row_by_row=short),
            wanted, needs,
        )  # fmt: skip
    finally:
        if con is not None:
            con.close()


def _files(
    con: Connection | None,
    folder: Export,
    settings: Settings,
    windows: Windows,
    figures: Figures,
    wanted: Collection[str],
    needs: set[str],
) -> Steps:
    """The files after the client book, one at a time (see ``gather``), in ``folder``."""
    book = figures.book
    failed: dict[str, ExportError] = {}
    done: set[str] = set()
    yield figures, failed, done

    def setwise(spec: ExportFile, total: Callable[[Connection], T | None]) -> T | None:
        """``total`` of ``spec``'s file in DuckDB; None when the streaming reader must
        read it: no DuckDB, a row or file it cannot trust, too little memory."""
        if con is None:
            return None
        return engine.unless_short_of_memory(spec, lambda: total(con), figures.read_row_by_row)

    def attempt(file: str, read: Callable[[], T]) -> T | None:
        if file not in needs:
            return None
        try:
            return read()
        except ExportError as error:
            failed[file] = error
            return None
        finally:
            done.add(file)

    counting = "effective_accounts" in wanted
    valued = "new_effective_market_value" in wanted
    effective = counting or valued
    holdings = "products_per_client" in wanted
    tiers = "aum" in wanted
    attrition = "asset_attrition" in wanted
    cohorts = not {"open_to_fund_rate", "empty_account_rate"}.isdisjoint(wanted)

    # Totals no wanted metric reads are not worked out set-wise: at firm scale each is
    # hundreds of thousands of cells.
    commission = not {"commission_revenue", "product_commission_share"}.isdisjoint(wanted)

    def trading() -> Trading:
        found = setwise(TRADES, lambda con: total_trades(
            con, folder, book, windows, months=effective, commission=commission
        ))  # fmt: skip
        return found or read_trades(folder, book, windows, months=effective)

    figures.trading = attempt(TRADES.name, trading)
    yield figures, failed, done

    def funding() -> Funding:
        found = setwise(FUNDING, lambda con: total_funding(
            con, folder, windows, net="net_new_aum" in wanted, outflows=attrition,
            firsts=cohorts,
        ))  # fmt: skip
        return found or read_funding(folder, book, windows)

    figures.funding = attempt(FUNDING.name, funding)
    yield figures, failed, done

    catalogue: Catalogue | None = attempt(PRODUCT_TYPES.name, lambda: read_catalogue(folder))

    def products() -> Products:
        found = setwise(PRODUCTS, lambda con: total_products(
            con, folder, windows, holdings=holdings, catalogue=catalogue,
            commission="product_commission_share" in wanted,
            firsts="open_to_purchase_rate" in wanted,
        ))  # fmt: skip
        return found or read_products(folder, book, windows, holdings=holdings, catalogue=catalogue)

    figures.products = attempt(PRODUCTS.name, products)
    yield figures, failed, done

    def surveys() -> Surveys:
        found = setwise(SURVEYS, lambda con: total_surveys(con, folder, windows))
        return found or read_surveys(folder, book, windows)

    figures.surveys = attempt(SURVEYS.name, surveys)
    yield figures, failed, done

    def complaints() -> Tallies:
        found = setwise(COMPLAINTS, lambda con: total_complaints(con, folder, windows))
        return read_complaints(folder, book, windows) if found is None else found

    figures.complaints = attempt(COMPLAINTS.name, complaints)
    yield figures, failed, done
    traded = figures.trading if effective else None

    def streamed_assets() -> Assets:
        # Once effective accounts were emitted their first trades are gone from DuckDB,
        # and the streaming reader need not count them again.
        counted = f"{ASSETS.name} effective" in done
        trades = None if traded is None or counted else traded.first_trades
        return read_assets(folder, book, windows, settings, trades, tiers=tiers,
                           new_value=valued)  # fmt: skip

    def assets() -> tuple[Assets, Iterator[str]]:
        kept = None if traded is None else traded.table or traded.first_trades
        found = setwise(ASSETS, lambda con: asset_parts(
            con, folder, book, windows, settings, kept, tiers=tiers,
            aum=tiers or attrition, hnw="new_hnw_clients" in wanted, attrition=attrition,
            effective=counting, new_value=valued,
        ))  # fmt: skip
        return found if found is not None else (streamed_assets(), iter(()))

    if ASSETS.name in needs and len(book) and folder.header_alone(ASSETS):
        # Its figures are levels, and a level of none is 0: every CM's AUM would be stored
        # as 0 over what is stored, where the clients the book lists hold assets.
        failed[ASSETS.name] = ExportError(
            ASSETS.name,
            f"holds its header alone, while {CLIENTS.name} lists clients: an export that "
            "came out empty? The metrics read from it keep the figures stored; export it "
            "again",
            zh=f"只有表头，而 {CLIENTS.name} 列有客户：导出时出错了吗？从它读出的指标保留已存"
            "的数字；请重新导出",
        )
        done.add(ASSETS.name)
    elif ASSETS.name in needs:
        # Part by part, so that AUM is emitted (and its tiers let go) before effective
        # accounts are totalled, and so on.
        parts: Iterator[str] = iter(())
        try:
            figures.assets, parts = assets()
        except ExportError as error:
            failed[ASSETS.name] = error
        short = figures.read_row_by_row
        streamed = ASSETS.name in short
        for part in engine.parts_unless_short_of_memory(ASSETS, parts, short):
            done.add(f"{ASSETS.name} {part}")
            yield figures, failed, done
        if not streamed and ASSETS.name in short:
            # A part ran out of memory after earlier ones were emitted: what is left
            # comes from reading the file row by row (the parts emitted are not again).
            try:
                figures.assets = streamed_assets()
            except ExportError as error:
                failed[ASSETS.name] = error
        done.add(ASSETS.name)
    yield figures, failed, done


PARTS = {
    "trading": TRADES.name,
    "funding": FUNDING.name,
    "products": PRODUCTS.name,
    "surveys": SURVEYS.name,
    "complaints": COMPLAINTS.name,
    "assets": ASSETS.name,
}
"""Each part of ``Figures`` and the file it is totalled from."""


AFTER_PART = {
    "aum": "aum",
    "effective_accounts": "effective",
    "new_effective_market_value": "effective",
    "new_hnw_clients": "hnw",
    "asset_attrition": "attrition",
}
"""The part of assets.csv's totals (``assets.PARTS``) after which a metric can be emitted."""


def ready(metric: str, done: Collection[str]) -> bool:
    """Whether every file ``metric`` needs is done, or every other file and the part of
    assets.csv's totals it needs."""
    needs = NEEDS[metric]
    others = all(file in done for file in needs if file != ASSETS.name)
    if not others:
        return False
    part = AFTER_PART.get(metric)
    return ASSETS.name not in needs or ASSETS.name in done or f"{ASSETS.name} {part}" in done


def release(figures: Figures, pending: Collection[str]) -> None:
    """Let go of the parts of ``figures`` that no metric still to be emitted needs, and of
    the totals within a part kept for another metric (trades' commission, kept while
    effective accounts wait for assets.csv; funding's net flows, kept while asset
    attrition waits)."""
    still = files_read_by(pending)
    for part, file in PARTS.items():
        if file not in still:
            setattr(figures, part, None)
    waiting = set(pending)
    trading, funding = figures.trading, figures.funding
    if trading is not None and waiting.isdisjoint(
        ("commission_revenue", "product_commission_share")
    ):
        trading.commission = Tallies(TRADES.name)
    if funding is not None:
        if "net_new_aum" not in waiting:
            funding.net = Tallies(FUNDING.name)
        if "asset_attrition" not in waiting:
            funding.outflows = Tallies(FUNDING.name)
        if waiting.isdisjoint(("open_to_fund_rate", "empty_account_rate")):
            funding.first_inflows = {}
    if figures.assets is not None:
        _release_assets(figures.assets, waiting)


def _release_assets(assets: Assets, waiting: set[str]) -> None:
    if "aum" not in waiting:
        assets.aum_by_tier = [Tallies(ASSETS.name) for _ in assets.tiers]
        if "asset_attrition" not in waiting:
            assets.aum = Tallies(ASSETS.name)
    if "effective_accounts" not in waiting:
        assets.effective_by_assets = Tallies(ASSETS.name)
        assets.effective_by_trades = Tallies(TRADES.name)
    if "new_effective_market_value" not in waiting:
        assets.new_effective_value = Tallies(ASSETS.name)
        assets.new_effective_by_trades = Tallies(TRADES.name)
    if "new_hnw_clients" not in waiting:
        assets.new_hnw = Tallies(ASSETS.name)
        assets.new_hnw_by_gender = {gender: Tallies(ASSETS.name) for gender in GENDERS}


SHORT_OF_MEMORY_WARNING = Said(
    "{file}: DuckDB's {limit} of memory was not enough to total it set-wise, so it was "
    "read row by row (the same figures, more slowly and in more memory)",
    "{file}：DuckDB 的 {limit} 内存不够整批汇总它，因此改为逐行读取"
    "（数字相同，只是更慢、更占内存）",
)
"""The warning of a file read row by row, in English and in Chinese (``str.format`` each
with ``file`` and ``limit``)."""


def read_row_by_row(metric: str, figures: Figures) -> list[str]:
    """The files ``metric`` reads that DuckDB had too little memory for, in this collect."""
    return [file for file in (CLIENTS.name, *NEEDS[metric]) if file in figures.read_row_by_row]


def first_failure(metric: str, failed: Mapping[str, ExportError]) -> ExportError | None:
    """The error of the first file ``metric`` needs that could not be read, if any."""
    return next((failed[file] for file in NEEDS[metric] if file in failed), None)


def collect(request: CollectRequest, emit: Emit) -> None:
    """Emit every wanted metric for every requested CM and period that has data, each as
    soon as the files it needs are totalled, so that neither this process nor DuckDB
    holds a metric's figures once they are sent."""
    wanted = list(dict.fromkeys(s.name for s in request.metrics if s.name in ASSEMBLERS))
    if not wanted:
        return
    settings = read_settings(request.settings, request.workspace)
    windows = Windows(request.periods, request.through)
    cms = list(dict.fromkeys(person.id for person in request.people))
    try:
        with _cycles_collected_after():
            _collect(wanted, settings, windows, cms, emit)
    except ExportError as error:
        if error.file != CLIENTS.name:
            raise
        # Every metric reads the client book, first: none was emitted. Each fails with the
        # file's row, as a metric fails on any other file, not as the plugin's crash.
        for metric in wanted:
            emit.error(metric, error.said.en, zh=error.said.zh)
            emit.finished(metric)


@contextlib.contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs, as it was after.

    A firm's totals are hundreds of thousands of small objects (cells, the rows
    fetched, the observations emitted), none in a cycle: the collector walked them
    again and again, finding nothing to free (0.25 s of the plugin process's 3.7 s of
    CPU at 60 branches). What the block leaves in a cycle is freed by the first
    collection after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect(
    wanted: list[str], settings: Settings, windows: Windows, cms: list[str], emit: Emit
) -> None:
    """``collect``'s work, once the request is read."""
    pending = wanted
    with (
        tempfile.TemporaryDirectory(prefix="okrdesk-brokerage-") as spill,
        contextlib.closing(gather(settings, windows, cms, wanted, Path(spill))) as steps,
        # Emitting is Python, one core's work; DuckDB lets go of Python while it reads and
        # totals the next file, so the two go on side by side: metrics are emitted in
        # order, one at a time, on a thread of their own, the only one to use ``emit``.
        ThreadPoolExecutor(1, thread_name_prefix="okrdesk-brokerage-emit") as emitter,
    ):
        emitting: list[tuple[Future[None], list[str]]] = []
        stopped = threading.Event()

        def emit_all(metrics: list[str], figures: Figures, failed: dict[str, ExportError]) -> None:
            if stopped.is_set():
                return  # a metric before failed: the collect fails, with its error
            try:
                _emit_all(metrics, figures, failed, cms, emit)
            except BaseException:
                stopped.set()
                raise

        drained = False
        try:
            for figures, failed, done in steps:
                ready_now = [metric for metric in pending if ready(metric, done)]
                if ready_now:
                    if not READS_LATER.isdisjoint(ready_now):
                        figures.book.settle_later()
                    pending = [metric for metric in pending if metric not in ready_now]
                    # The job reads figures of its own: this thread may put another part in
                    # their place (a file read row by row once DuckDB ran out of memory, or
                    # None once no metric still to be emitted needs it) as it emits.
                    own = attrs.evolve(figures, read_row_by_row=set(figures.read_row_by_row))
                    job = emitter.submit(emit_all, ready_now, own, dict(failed))
                    emitting.append((job, ready_now))
                if not drained and DRAINED_AFTER in done:
                    drained = True
                    for job, _ in emitting:
                        job.result()
                finished = [entry for entry in emitting if entry[0].done()]
                for job, _ in finished:
                    job.result()  # what it raised, raised here
                emitting = [entry for entry in emitting if entry not in finished]
                # What a metric still being emitted reads is kept until it is emitted.
                release(figures, [*pending, *(m for _, metrics in emitting for m in metrics)])
        except BaseException:
            stopped.set()  # nothing more is emitted: the collect fails with this error
            raise
        for job, _ in emitting:
            job.result()


DRAINED_AFTER = f"{ASSETS.name} attrition"
"""The step after which the metrics being emitted are waited for and their figures let
go before the next step: effective accounts, the largest work of a collect, come next,
and AUM and funding's outflows are not held through it."""


def _emit_all(
    metrics: Sequence[str],
    figures: Figures,
    failed: Mapping[str, ExportError],
    cms: Sequence[str],
    emit: Emit,
) -> None:
    """Emit each of ``metrics``, whose files are all done, or the error of a file it
    needed, and say it is finished."""
    for metric in metrics:
        error = first_failure(metric, failed)
        if error is None:
            _emit(metric, figures, cms, emit)
            for file in read_row_by_row(metric, figures):
                en, zh = (text.format(file=file, limit=engine.MEMORY_LIMIT)
                          for text in SHORT_OF_MEMORY_WARNING)  # fmt: skip
                emit.warning(metric, en, zh=zh)
        else:
            emit.error(metric, error.said.en, zh=error.said.zh)
        # okrdesk stores it now, while the next metric is computed.
        emit.finished(metric)


EMIT_BATCH = 20_000
"""Observations handed over per ``emit.many`` call: a firm's metric goes in parts, so
that neither process holds all its figures as columns at once."""


class _Columns:
    """One metric's observations gathered as rows (subject, period, reading, cut) and
    handed over as the columns ``emit.many`` takes, by ``send``: whenever ``full``, and
    at the end."""

    def __init__(self, metric: str, emit: Emit) -> None:
        self.metric, self.emit = metric, emit
        self.rows: list[tuple[str, str, Reading, Mapping[str, str] | None]] = []

    @property
    def full(self) -> bool:
        return len(self.rows) >= EMIT_BATCH

    def send(self) -> None:
        rows = self.rows
        if not rows:
            return
        readings = [row[2] for row in rows]
        cuts = [row[3] for row in rows]
        sliced = any(cut is not None for cut in cuts)
        zeros = [no_rows(reading) for reading in readings]
        self.emit.many(
            self.metric, [row[0] for row in rows], [row[1] for row in rows],
            values=[reading[0] for reading in readings],
            numerators=[reading[1] for reading in readings],
            denominators=[reading[2] for reading in readings],
            sources=[reading[3] for reading in readings],
            dimensions=cuts if sliced else None,
            no_rows=zeros if any(zeros) else None,
        )  # fmt: skip
        # Emptied in place: ``_emit`` holds its ``append``.
        rows.clear()


def _emit(metric: str, figures: Figures, cms: Sequence[str], emit: Emit) -> None:
    """One metric's observations, whole and in slices, for every CM and window, handed
    over as columns (``emit.many``): the wholes apart from the slices, a batch at a time
    (checked after each CM)."""
    assemble = ASSEMBLERS[metric]
    sliced = SLICES.get(metric)
    wholes, parts = _Columns(metric, emit), _Columns(metric, emit)
    add_whole, add_part = wholes.rows.append, parts.rows.append
    periods = [window.period for window in figures.windows.windows]
    for cm, person in enumerate(cms):
        for index, period in enumerate(periods):
            reading = assemble(figures, cm, index)
            if reading is None:
                continue
            add_whole((person, period, reading, None))
            if sliced is None:
                continue
            for dimensions, part in sliced(figures, cm, index):
                add_part((person, period, part, dimensions))
        if wholes.full:
            wholes.send()
        if parts.full:
            parts.send()
    wholes.send()
    parts.send()
