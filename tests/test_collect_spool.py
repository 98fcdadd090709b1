"""A plugin's checked figures wait on disk until it has ended, then are stored grouped."""

from __future__ import annotations

import contextlib
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrdesk.model import Observation
from okrdesk.plugins import spool as spool_module
from okrdesk.plugins.spool import EmittedTwice, Spool, SpooledRow
from okrdesk.store.wholes import rows_with_wholes, with_wholes


@pytest.fixture(params=[50_000, 3000, 0], ids=["held", "moved", "file"])
def scratch(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A temporary folder, and the spool held in memory, moved to its file part way,
    or in its file from the start."""
    monkeypatch.setattr(spool_module, "_IN_MEMORY", request.param)
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _figures(count: int) -> list[Observation]:
    return [Observation("m", f"cm{i:05}", "2026-W02", value=float(i), source=f"row {i}")
            for i in range(count)]  # fmt: skip


def _row(o: Observation) -> SpooledRow:
    return (o.metric, o.subject, o.period, o.slice, o.value, o.numerator, o.denominator,
            o.source, int(o.no_rows))  # fmt: skip


def test_a_figure_emitted_twice_batches_apart_is_found_and_the_first_kept(scratch: Path) -> None:
    twice: list[SpooledRow] = []
    spool = Spool(twice.append)
    figures = _figures(5000)
    for o in figures:
        spool.add(_row(o))
    again = Observation("m", "cm00003", "2026-W02", value=-1.0, source="again")
    spool.add(_row(again))
    spool.add(_row(Observation("m", "cm00003", "2026-W02", value=2.0,
                               dimensions={"tier": "hnw"})))  # fmt: skip
    spool.settle()
    spool.settle()  # told once
    kept = list(spool.observations())
    assert twice == [_row(again)]
    assert kept[:5000] == figures
    assert kept[3] == figures[3]
    assert kept[5000].dimensions == {"tier": "hnw"}
    spool.close()
    assert list(scratch.iterdir()) == []
    for o in figures:  # a plugin left behind, emitting after its time ran out
        spool.add(_row(o))
    assert list(scratch.iterdir()) == []


def test_only_the_metrics_asked_for_come_out_grouped_by_subject_and_slice(scratch: Path) -> None:
    """Grouped, each period's rows come in one order whatever order they were emitted
    in, so a period that comes back the same gives the store the same fingerprint."""
    spool = Spool(lambda o: None)
    emitted = [
        Observation("b", "cm2", "W1", value=1.0),
        Observation("a", "cm1", "W1", value=2.0, dimensions={"tier": "z"}),
        Observation("b", "cm1", "W1", value=3.0),
        Observation("a", "cm1", "W1", value=4.0, dimensions={"tier": "a"}),
        Observation("c", "cm1", "W1", value=5.0),
        Observation("a", "cm1", "W1", value=6.0),
    ]
    for o in emitted:
        spool.add(_row(o))
    assert [o.value for o in spool.observations(["a", "b"], grouped=True)] == [6, 4, 2, 3, 1]
    assert [r[4] for r in spool.rows(["a", "b"], grouped=True)] == [6, 4, 2, 3, 1]
    assert [o.value for o in spool.observations()] == [1, 2, 3, 4, 5, 6]
    spool.close()


def test_a_metric_stored_when_finished_is_dropped_and_the_rest_stays(scratch: Path) -> None:
    spool = Spool(lambda o: None)
    for o in _figures(4000):
        spool.add(_row(o))
        spool.add(_row(Observation("n", o.subject, o.period, value=1.0)))
    spool.drop("m")
    assert list(spool.rows(["m"])) == []
    assert [r[1] for r in spool.rows()] == [f"cm{i:05}" for i in range(4000)]
    assert {r[0] for r in spool.rows()} == {"n"}
    spool.close()


def test_wholes_added_up_group_by_group_are_those_added_up_at_once() -> None:
    chance = random.Random(16)
    emitted: list[Observation] = []
    for subject in ("cm01", "cm02", "cm03"):
        for period in ("W1", "W2"):
            if chance.random() < 0.5:
                emitted.append(Observation("r", subject, period, numerator=1, denominator=3,
                                           source="whole"))  # fmt: skip
            for tier in ("hnw", "mass") if chance.random() < 0.7 else ():
                emitted.append(Observation("r", subject, period, numerator=chance.random(),
                                           denominator=2, dimensions={"tier": tier}))  # fmt: skip
    grouped = sorted(emitted, key=lambda o: (o.metric, o.subject, o.period))
    at_once = sorted(with_wholes(emitted), key=repr)
    assert sorted(with_wholes(grouped, grouped=True), key=repr) == at_once
    assert any(o.source.startswith("sum of") for o in at_once)
    as_rows = [_row(o) for o in with_wholes(grouped, grouped=True)]
    assert list(rows_with_wholes(_row(o) for o in grouped)) == as_rows


@pytest.mark.parametrize("in_memory", [0, 40])
def test_many_metrics_and_periods_interleaved_come_back_in_the_store_order(
    in_memory: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiny chunks and a tiny bound on what waits unwritten, so that buckets are written
    in many chunks, part by part: every row comes back once, grouped in the store's order
    and each group in the order emitted; every repeat is told, in the order emitted."""
    monkeypatch.setattr(spool_module, "_IN_MEMORY", in_memory)
    monkeypatch.setattr(spool_module, "_CHUNK", 3)
    monkeypatch.setattr(spool_module, "_UNWRITTEN", 10)
    chance = random.Random(7)
    emitted = [
        (chance.choice("abc"), f"cm{chance.randrange(6)}", f"W{chance.randrange(4)}",
         chance.choice(["", "tier=x", "tier=y"]), float(n), None, None, f"row {n}", 0)
        for n in range(400)
    ]  # fmt: skip
    twice: list[SpooledRow] = []
    spool = Spool(twice.append)
    for n, row in enumerate(emitted):
        spool.add(row)
        if n % 25 == 0:
            spool.flush()  # held ones are told as they come
    spool.flush()
    told = len(twice)
    spool.settle(["b"])
    told_for_b = twice[told:]
    spool.settle()
    first: dict[tuple[str, str, str, str], SpooledRow] = {}
    repeats = []
    for row in emitted:
        if row[:4] in first:
            repeats.append(row)
        else:
            first[row[:4]] = row
    assert told_for_b and {row[0] for row in told_for_b} == {"b"}
    assert sorted(twice, key=emitted.index) == repeats
    kept = list(first.values())
    assert list(spool.rows()) == kept
    assert list(spool.rows(["c", "a"], grouped=True)) == sorted(
        (row for row in kept if row[0] != "b"), key=lambda row: (row[0], row[2], row[1], row[3])
    )
    spool.drop("a")
    assert list(spool.rows(grouped=True)) == sorted(
        (row for row in kept if row[0] != "a"), key=lambda row: (row[0], row[2], row[1], row[3])
    )
    spool.close()


def test_a_repeat_is_told_once_however_often_the_spool_is_settled(scratch: Path) -> None:
    twice: list[SpooledRow] = []
    spool = Spool(twice.append)
    row: SpooledRow = ("m", "cm1", "W1", "", 1.0, None, None, "a", 0)
    spool.add(row)
    spool.add((*row[:7], "b", 0))
    spool.settle(["m"])
    spool.add(("m", "cm2", "W1", "", 1.0, None, None, "c", 0))
    spool.add((*row[:7], "d", 0))
    spool.settle()
    assert [r[7] for r in twice] == ["b", "d"]
    assert [r[7] for r in spool.rows(grouped=True)] == ["a", "c"]
    spool.close()


def test_rows_settled_as_they_are_read_are_settle_then_rows_or_nothing(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``settled_rows`` gives what ``settle`` then ``rows(grouped=True)`` give, each bucket
    read once; with a figure emitted twice it tells every repeat ``settle`` tells, in the
    same order, and raises before a row of the bucket that holds one."""
    monkeypatch.setattr(spool_module, "_CHUNK", 7)
    emitted = [("m", f"cm{k % 40:02d}", f"W{k // 40}", "", float(k), None, None, f"row {k}", 0)
               for k in range(200)]  # fmt: skip
    repeats = [(*emitted[45][:4], -1.0, None, None, "again", 0),
               (*emitted[170][:4], -2.0, None, None, "again", 0)]  # fmt: skip
    for given in ([], repeats):
        told: dict[str, list[SpooledRow]] = {"settle": [], "settled_rows": []}
        read: dict[str, list[SpooledRow]] = {}
        for way in told:
            spool = Spool(told[way].append)
            for row in [*emitted, *given]:
                spool.add(row)
            spool.add(("other", "cm01", "W0", "", 1.0, None, None, "x", 0))
            if way == "settle":
                spool.settle(["m"])
                read[way] = [] if told[way] else list(spool.rows(["m"], grouped=True))
            else:
                spool.flush()  # figures held in memory are told of as they are taken in
                found: list[SpooledRow] = []
                if not told[way]:
                    with contextlib.suppress(EmittedTwice):
                        for row in spool.settled_rows(["m"]):
                            found.append(row)
                if told[way] and found:
                    # Read from the file: nothing of the bucket with the first repeat
                    # (W1) came out, and whatever took W0's keeps none of it.
                    assert {row[2] for row in found} == {"W0"}
                    found = []
                read[way] = found
            spool.close()
        assert told["settled_rows"] == told["settle"] == given
        assert read["settled_rows"] == read["settle"]
        assert len(read["settle"]) == (200 if not given else 0)


def test_text_of_a_subclass_of_str_is_kept_as_its_text(scratch: Path) -> None:
    """A plugin's subjects may be an enum's members (a ``StrEnum``): equal to the text the
    plan names, and kept as that text whether held or in the file."""
    import enum

    class Branch(enum.StrEnum):
        CM1 = "cm1"

    spool = Spool(lambda row: None)
    for n in range(3000):
        spool.add(("m", Branch.CM1, "W1", f"tier={n}", 1.0, None, None, "", 0))
    spool.settle()
    found = list(spool.rows())
    assert len(found) == 3000 and all(row[1] == "cm1" for row in found)
    spool.close()
