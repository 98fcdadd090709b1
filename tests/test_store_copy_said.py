"""What `okrdesk store copy` says it checked: each table's rows and sums, written as its
reader compares them with the source's, in both languages."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store


def test_a_copy_s_sums_are_written_without_the_noise_of_adding_floats(tmp_path: Path) -> None:
    """Rows of 0.1 and 0.2 add up to 0.30000000000000004 in floating point: the check said
    so, digits no one can compare with anything; and 1234567 rows or 元 read best marked."""
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 14), Grain.WEEK))
    source = tmp_path / "okrdesk.db"
    with Store.open(source) as store:
        run = store.start_run("collect", dt.date(2026, 1, 14))
        rows = [
            Observation("aum", "cm01", weeks[0].id, 0.1, source="row 1"),
            Observation("aum", "cm02", weeks[0].id, 0.2, source="row 2"),
            Observation("aum", "cm01", weeks[1].id, 1_234_567.0, source="row 3"),
        ]
        store.replace_observations(run, {"aum": "p"}, weeks, rows, dt.date(2026, 1, 14))
        store.finish_run(run, "ok", {"p": "1.0"}, [])
    assert 0.1 + 0.2 + 1_234_567.0 == 1234567.3000000000466

    english = CliRunner().invoke(cli, ["store", "copy", str(source), str(tmp_path / "a.db"),
                                       "--lang", "en"])  # fmt: skip
    assert english.exit_code == 0, english.output
    assert (
        "  observations: 3 rows, sum of value 1,234,567.3, sum of numerator 0, sum of "
        "denominator 0, as in the source\n"
    ) in english.output
    chinese = CliRunner().invoke(cli, ["store", "copy", str(source), str(tmp_path / "b.db"),
                                       "--lang", "zh"])  # fmt: skip
    assert (
        "  observations：3 行，value 合计 1,234,567.3，numerator 合计 0，denominator 合计 0，"
        "与源一致\n"
    ) in chinese.output


def test_a_firm_s_sums_in_the_hundreds_of_millions_keep_their_cents_without_noise(
    tmp_path: Path,
) -> None:
    """A head office's store copy said `value 合计 656,839,057.139999` of figures in 元 and
    fen: fifteen digits are more than a float added up row by row keeps once the sum
    runs to nine digits before the point. The sum is written to the digits the adding
    leaves sure, as the rows add up by hand."""
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 13), Grain.WEEK))[:50]
    draw = random.Random(0)

    def draw_amount() -> float:
        return round(draw.uniform(-5e4, 2.5e5), 2)

    rows = [
        Observation("net_new_aum", f"cm{n:03d}", week.id, draw_amount(), source="row")
        for n in range(120)
        for week in weeks
    ]
    source = tmp_path / "okrdesk.db"
    with Store.open(source) as store:
        run = store.start_run("collect", weeks[-1].end)
        store.replace_observations(run, {"net_new_aum": "p"}, weeks, rows, weeks[-1].end)
        store.finish_run(run, "ok", {"p": "1.0"}, [])
    exact = sum(Decimal(repr(row.value)) for row in rows)
    assert f"{exact:,}".endswith(".79") and exact > 600_000_000
    for lang, said in (("en", f"sum of value {exact:,}, "), ("zh", f"value 合计 {exact:,}，")):
        done = CliRunner().invoke(
            cli, ["store", "copy", str(source), str(tmp_path / f"{lang}.db"), "--lang", lang]
        )
        assert done.exit_code == 0, done.output
        assert said in done.output, done.output


def test_a_copy_into_a_folder_that_is_not_there_names_the_folder(tmp_path: Path) -> None:
    """SQLite says only "unable to open database file" of a path whose folder is missing,
    which reads as a damaged file; the copy says which folder is not there."""
    source = tmp_path / "okrdesk.db"
    with Store.open(source):
        pass
    target = tmp_path / "no" / "such" / "copy.db"
    done = CliRunner().invoke(cli, ["store", "copy", str(source), str(target), "--lang", "en"])
    assert done.exit_code == 2
    assert done.output == (
        f"{target}: cannot open the database: there is no folder {target.parent}; nothing "
        "was written\n"
    )
    assert not target.parent.exists()
