"""A plugin author's usual mistakes with emit are told in words that say what to write."""

from __future__ import annotations

import datetime as dt
import sqlite3
import textwrap
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from installed_package import installed_package, okrdesk
from okrdesk.cli import cli
from okrdesk.model import MetricSpec
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins import hookimpl
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import collect
from okrdesk.targets import load_plan
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace, trusted

OBJECTS_FOR_IDS = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW", "新增高净值客户", "flow", UNITS["户"]))
    register(MetricSpec("complaint_rate", "Complaints", "投诉率", MetricKind.RATIO, UNITS["‰"],
                        direction="at_most"))


@hookimpl
def okrdesk_collect(request, emit):
    emit("new_hnw_clients", request.people[0].id, request.periods[0], value=3)
    emit("new_hnw_clients", request.people[0], request.periods[1].id, value=3)
"""


def test_a_period_or_person_given_for_its_id_is_told_to_give_the_id(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(plugin=False)
    (root / "plugins").mkdir()
    (root / "plugins" / "leads.py").write_text(textwrap.dedent(OBJECTS_FOR_IDS), "utf-8")
    trusted(root)
    done = CliRunner().invoke(
        cli, ["collect", "--lang", "en", "--through", "2026-03-15",
              "-w", str(root)],
    )  # fmt: skip
    said = done.output
    assert "Unsendable" not in said, said
    assert "period must be the id of a period asked for (period.id), not a Period" in said
    assert "subject must be the id of a person or unit (person.id), not a Person" in said


SALON_KR = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙线索"
metric = "salon_leads"
target = 60
unit = "户"
"""

TAKES = ("emit takes metric, subject, period by position, and the keywords value, numerator, "
         "denominator, source, dimensions, no_rows")  # fmt: skip
TAKES_ZH = ("emit 按位置接受 metric、subject、period，"
            "以及关键字参数 value、numerator、denominator、source、dimensions、"
            "no_rows")  # fmt: skip

MISSPELT = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"]))


@hookimpl
def okrdesk_collect(request, emit):
    for person in request.people:
        emit{call}
"""


@pytest.mark.parametrize(
    ("call", "said", "zh"),
    [
        ('("salon_leads", person.id, request.periods[0].id, valeu=3)',
         'emit was given the keyword valeu, which it does not take (did you mean "value"?): '
         + TAKES,
         "emit 不接受关键字参数 valeu（是不是“value”？）：" + TAKES_ZH),
        ('("salon_leads", person.id, request.periods[0].id, 3)',
         "emit was given more arguments by position than it takes: " + TAKES,
         "emit 收到的位置参数多于它接受的：" + TAKES_ZH),
        # A keyword beside them changes Python's words ("but 5 positional arguments (and
        # 1 keyword-only argument) were given"), which were shown as they were.
        ('("salon_leads", person.id, request.periods[0].id, 3, source="salons.csv row 2")',
         "emit was given more arguments by position than it takes: " + TAKES,
         "emit 收到的位置参数多于它接受的：" + TAKES_ZH),
        ('.warn("salon_leads", "rows left out")',
         'emit has no warn (did you mean "warning"?): it has emit.many, emit.error, '
         "emit.warning, emit.finished, emit.covers",
         "emit 没有 warn（是不是“warning”？）：它有 emit.many、emit.error、emit.warning、"
         "emit.finished、emit.covers"),
    ],
)  # fmt: skip
def test_an_installed_plugin_calling_emit_wrongly_is_told_how_to_call_it(
    write_workspace: WriteWorkspace, tmp_path: Path, call: str, said: str, zh: str
) -> None:
    root = write_workspace({"salons.toml": SALON_KR})
    source = MISSPELT.format(call=call)
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "        emit" in text)
    with installed_package(tmp_path, "misspelt", source) as env:
        for lang, words in (("en", said), ("zh", zh)):
            done = okrdesk(env, "collect", "--lang", lang, "--through", "2026-01-18",
                           "-w", str(root))  # fmt: skip
            told = done.stdout + done.stderr
            assert done.returncode == 1, told
            assert "Traceback" not in told and "Relay" not in told, told
            assert "plugin misspelt" in told or "插件 misspelt" in told, told
            assert f"{words} (at okrdesk_misspelt/__init__.py:{line})" in told, told
        # The plugin's failure costs its own metric; the other plugin's figures land.
        with sqlite3.connect(root / "okrdesk.db") as connection:
            plugins = {p for (p,) in connection.execute("SELECT DISTINCT plugin FROM observations")}
        assert plugins == {"test_metrics"}


def test_a_metric_misspelt_in_emit_is_told_once_with_the_name_meant(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """It was told once per figure, each time in the same words ("emitted, but this
    plugin was not asked for it"), naming neither the metric meant nor those asked."""
    root = write_workspace({"salons.toml": SALON_KR})
    source = MISSPELT.format(call='("salon_lead", person.id, request.periods[0].id, value=3)')
    with installed_package(tmp_path, "misspelt", source) as env:
        english = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
        chinese = okrdesk(env, "collect", "--lang", "zh", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
    told = english.stdout + english.stderr
    assert english.returncode == 1, told
    assert (
        "error: plugin misspelt metric salon_lead: emitted, but this plugin was not asked for "
        'it (did you mean "salon_leads"?): it was asked for salon_leads (request.metrics); '
        "emit only those; and 1 more (2 problems; none of its figures stored)"
    ) in told, told
    assert "要的是 salon_leads（request.metrics）" in chinese.stderr, chinese.stderr
    with sqlite3.connect(root / "okrdesk.db") as connection:
        plugins = {p for (p,) in connection.execute("SELECT DISTINCT plugin FROM observations")}
    assert plugins == {"test_metrics"}


def test_a_metric_misspelt_after_its_figures_were_stored_is_not_told_as_an_empty_export(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A release that misspells the name in emit, for some people or for all, was told as
    "an export that came out empty?", advising `--accept-empty`, which would have dropped
    figures the plugin still gives; where it misspelt only some, the figures it gave under
    the right name replaced the stored ones, and the others' were deleted. The metric is
    refused for the run instead, and every stored figure kept as it was."""
    root = write_workspace({"salons.toml": SALON_KR})
    through = ("--through", "2026-01-18", "-w", str(root))
    right = '("salon_leads", person.id, request.periods[0].id, value=3)'
    first_only = ('("salon_leads" if person is request.people[0] else "salon_lead", person.id, '
                  "request.periods[0].id, value=4)")  # fmt: skip
    for n, call in enumerate((right, first_only, right.replace('"salon_leads"', '"salon_lead"'))):
        (tmp_path / str(n)).mkdir()
        with installed_package(tmp_path / str(n), "spelt", MISSPELT.format(call=call)) as env:
            english = okrdesk(env, "collect", "--lang", "en", *through)
            chinese = okrdesk(env, "collect", "--lang", "zh", *through)
        told = english.stdout + english.stderr
        if n == 0:
            assert english.returncode == 0, told
            continue
        assert english.returncode == 1, told
        assert (
            "error: plugin spelt metric salon_leads: figures meant for it came as salon_lead "
            "(above): a name misspelt in emit? This run stores none of its figures, and keeps "
            "those stored before"
        ) in told, told
        assert "accept-empty" not in told and "deleted" not in told, told
        assert "本应属于它的数字以 salon_lead 给出（见上）" in chinese.stderr, chinese.stderr
        with sqlite3.connect(root / "okrdesk.db") as connection:
            kept = connection.execute(
                "SELECT value FROM observations WHERE metric = 'salon_leads'"
            ).fetchall()
        assert kept == [(3.0,), (3.0,)], (n, kept)


SALON_KRS = (
    SALON_KR
    + """
[[objectives.key_results]]
id = "KR2"
title = "沙龙到访"
metric = "salon_visits"
target = 60
unit = "户"
"""
)

SALONS = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    for name in {declared!r}:
        register(MetricSpec(name, name, name, "flow", UNITS["户"]))


@hookimpl
def okrdesk_collect(request, emit):
    for person in request.people:
        for name in {emitted!r}:
            emit(name, person.id, request.periods[0].id, value=3)
"""


@pytest.mark.parametrize(
    ("emitted", "others", "misspelt", "empty"),
    [
        # salon_vleads is close to both; the runner's "did you mean" names salon_leads,
        # and salon_visits, which the plugin gave nothing of, came out empty.
        (["salon_vleads"], [], "salon_leads", "salon_visits"),
        # salon_lead is another plugin's metric: still this plugin's slip.
        (["salon_lead", "salon_visits"], ["salon_lead"], "salon_leads", None),
    ],
)
def test_a_misspelt_name_is_the_cause_of_the_metric_it_was_meant_for_only(
    write_workspace: WriteWorkspace,
    emitted: list[str],
    others: list[str],
    misspelt: str,
    empty: str | None,
) -> None:
    """The misspelt name was matched against every unanswered metric (a name close to
    two was told as the cause of both, and one came out empty), and a name another plugin
    declares was not looked at (told as an empty export, advising `--accept-empty`)."""
    root = write_workspace({"salons.toml": SALON_KRS})
    declared = ["salon_leads", "salon_visits"]

    def collected(emits: list[str], lang: str = "en") -> str:
        plugins = root / "plugins"
        (plugins / "salons.py").write_text(SALONS.format(declared=declared, emitted=emits))
        (plugins / "others.py").write_text(SALONS.format(declared=others, emitted=[]))
        trusted(root)
        done = CliRunner().invoke(
            cli, ["collect", "--lang", lang, "--through", "2026-01-18", "-w", str(root)]
        )
        return done.output

    collected(declared)
    told = collected(emitted)
    stray = emitted[0]
    if not others:  # a name no plugin declares: the run refuses the metric it was meant for
        said = (f"error: plugin salons metric {misspelt}: figures meant for it came as {stray} "
                "(above): a name misspelt in emit? This run stores none of its figures, and "
                "keeps those stored before")  # fmt: skip
        zh = f"本应属于它的数字以 {stray} 给出（见上）"
    else:  # another plugin's name: the metric lands with none, its stored figures kept
        said = (
            f"error: plugin salons metric {misspelt}: gave not one figure under this name, "
            "where 2 figures are stored for it in the periods collected (kept as stored); "
            f"it emitted figures as {stray} instead (above): a misspelt name in its emit?\n"
        )
        zh = f"它改以 {stray} 给出了数字（见上）"
    assert said in told, told
    assert f"--accept-empty {misspelt}" not in told, told
    if empty is not None:
        assert (
            f"error: plugin salons metric {empty}: gave not one figure, where 2 figures are "
            "stored for it in the periods collected (kept as stored: an export that came out "
            f"empty? If its source really has none now, `okrdesk collect --accept-empty {empty}`"
        ) in told, told
    assert zh in collected(emitted, "zh")
    with sqlite3.connect(root / "okrdesk.db") as connection:
        kept = connection.execute(
            "SELECT count(*) FROM observations WHERE metric LIKE 'salon%' GROUP BY metric"
        ).fetchall()
    assert kept == [(2,), (2,)]


OTHER_NUMBER = "value must be a number, not Fraction: give an int, a float or a Decimal (int(x) "
OTHER_NUMBER += "or float(x) of a numpy or pandas number)"


def test_a_number_of_another_type_is_told_to_be_converted(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """numpy's int64 (what pandas counts in) or a Fraction is a number, but not one emit
    takes: "value must be a number, not int64" read as nonsense to its author, who is
    now told what to give. (numpy is not installed here; Fraction is a number of the
    same standing, registered as numbers.Number as numpy's are.)"""
    root = write_workspace({"salons.toml": SALON_KR})
    call = '("salon_leads", person.id, request.periods[0].id, value=Fraction(3))'
    source = "from fractions import Fraction\n" + MISSPELT.format(call=call)
    with installed_package(tmp_path, "misspelt", source) as env:
        english = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
        chinese = okrdesk(env, "collect", "--lang", "zh", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
    told = english.stdout + english.stderr
    assert english.returncode == 1, told
    assert f"plugin misspelt metric salon_leads: cm01 2026-W01: {OTHER_NUMBER}" in told, told
    assert "请给 int、float 或 Decimal" in chinese.stderr, chinese.stderr


def test_in_okrdesks_own_thread_a_number_of_another_type_is_told_so_and_text_is_not(
    write_workspace: WriteWorkspace,
) -> None:
    from fractions import Fraction

    spec = MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"])

    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        register(spec)

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("salon_leads", "cm01", request.periods[0].id, value=Fraction(3))
        emit("salon_leads", "cm02", request.periods[0].id, value="3")

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    plugin = types.SimpleNamespace(okrdesk_metrics=hookimpl(okrdesk_metrics),
                                   okrdesk_collect=hookimpl(okrdesk_collect))  # fmt: skip
    host.register(plugin, "here")
    plan = load_plan(write_workspace(plugin=False), None).plan
    assert plan is not None
    weeks = periods_between(dt.date(2026, 1, 5), dt.date(2026, 1, 18), Grain.WEEK)
    result = collect(host, plan, ["salon_leads"], weeks, dt.date(2026, 1, 18), Path("."))
    (error,) = result.errors
    assert f"cm01 2026-W02: {OTHER_NUMBER}" in error.message, error.message
    assert "cm02 2026-W02: value must be a number, not str (2 problems" in error.message


def test_a_plugin_running_in_okrdesks_own_thread_is_told_the_same(
    write_workspace: WriteWorkspace,
) -> None:
    """A plugin object registered in this process runs in a thread here, with the other
    ``emit``: its misspelt keyword is told in the same words."""
    spec = MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"])

    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        register(spec)

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("salon_leads", "cm01", request.periods[0].id, dimension={"product": "fund"})

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    plugin = types.SimpleNamespace(okrdesk_metrics=hookimpl(okrdesk_metrics),
                                   okrdesk_collect=hookimpl(okrdesk_collect))  # fmt: skip
    host.register(plugin, "here")
    plan = load_plan(write_workspace(plugin=False), None).plan
    assert plan is not None
    weeks = periods_between(dt.date(2026, 1, 5), dt.date(2026, 1, 18), Grain.WEEK)
    result = collect(host, plan, ["salon_leads"], weeks, dt.date(2026, 1, 18), Path("."))
    (error,) = result.errors
    assert error.plugin == "here"
    assert error.message.startswith(
        "okrdesk_collect failed: emit was given the keyword dimension, which it does not take "
        '(did you mean "dimensions"?): emit takes metric'
    ), error.message
    assert "Checker" not in error.zh and error.zh.startswith("okrdesk_collect 出错：emit 不接受")


def test_a_metric_not_asked_for_names_at_most_twelve_of_those_asked(
    write_workspace: WriteWorkspace,
) -> None:
    names = [f"leads_{n:02}" for n in range(1, 15)]

    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        for name in names:
            register(MetricSpec(name, name, name, "flow", UNITS["户"]))

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("visits", "cm01", request.periods[0].id, value=1)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    plugin = types.SimpleNamespace(okrdesk_metrics=hookimpl(okrdesk_metrics),
                                   okrdesk_collect=hookimpl(okrdesk_collect))  # fmt: skip
    host.register(plugin, "many")
    plan = load_plan(write_workspace(plugin=False), None).plan
    assert plan is not None
    weeks = periods_between(dt.date(2026, 1, 5), dt.date(2026, 1, 18), Grain.WEEK)
    result = collect(host, plan, names, weeks, dt.date(2026, 1, 18), Path("."))
    (error,) = result.errors
    assert error.metric == "visits"
    assert error.message == (
        "emitted, but this plugin was not asked for it: it was asked for "
        + ", ".join(names[:12])
        + ", … (14 in all) (request.metrics); emit only those (1 problem; none of its "
        "figures stored)"
    ), error.message


def _problems_in_both_languages(  # type: ignore[no-untyped-def]
    spec: MetricSpec, collect, people=(("cm01", "王芳"),), through=dt.date(2026, 1, 11)
) -> dict[str, str]:
    """``check_plugin``'s problems with a plugin declaring ``spec`` and collecting with
    ``collect``, for ``people`` (id, name) of one team from 2026-W02 ``through`` a day, in
    English and in Chinese."""
    from okrdesk.model import Person
    from okrdesk.plugins.testing import check_plugin

    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        register(spec)

    plugin = types.SimpleNamespace(
        okrdesk_metrics=hookimpl(okrdesk_metrics), okrdesk_collect=hookimpl(collect)
    )
    return {
        lang: " ".join(
            check_plugin(
                plugin, people=[Person(id_, name, "team-a") for id_, name in people],
                start=dt.date(2026, 1, 5), through=through, lang=lang,
            ).problems
        )
        for lang in ("en", "zh")
    }  # fmt: skip


def test_a_period_after_or_before_those_asked_is_told_to_put_rows_by_their_dates() -> None:
    """A plugin that put a row dated after request.through into its own ISO week
    (2026-W03, with the weeks asked ending at 2026-W02) was told "period '2026-W03' was
    not asked for: give the id of one of request.periods (period.id, such as 2026-W02)",
    which read as if the id's form were wrong."""

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("new_accounts", "cm01", "2026-W03", value=1, source="accounts.csv row 9")
        emit("new_accounts", "cm01", "2026-W01", value=1, source="accounts.csv row 2")

    told = _problems_in_both_languages(
        MetricSpec("new_accounts", "New accounts", "新开户", "flow", UNITS["户"]), okrdesk_collect
    )
    assert (
        "cm01 2026-W03: period '2026-W03' was not asked for: it comes after 2026-W02, the last "
        "of request.periods; put each row into the period whose start and end hold its date, "
        "and count none dated after request.through (from accounts.csv row 9)"
    ) in told["en"], told["en"]
    assert (
        "cm01 2026-W01: period '2026-W01' was not asked for: it comes before 2026-W02, the "
        "first of request.periods; put each row into the period whose start and end hold its "
        "date, and leave out rows dated before request.periods[0].start (say so with "
        "emit.warning)"
    ) in told["en"], told["en"]
    assert "它在 request.periods 的最后一个周期 2026-W02 之后" in told["zh"], told["zh"]
    assert "早于 request.periods[0].start 的行不要计入（用 emit.warning 说明）" in told["zh"]


def test_a_rate_emitted_as_a_ratio_s_value_is_told_to_give_its_parts() -> None:
    """A margin plugin emitted its share of clients with margin debt as the rate itself
    (value=0.733) and was told only "a ratio metric takes numerator and denominator, not
    value": not which two numbers, nor why the rate will not do."""

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("margin_client_share", "cm01", "2026-W02", value=0.733)

    told = _problems_in_both_languages(
        MetricSpec("margin_client_share", "Margin clients", "两融客户占比", "ratio", UNITS["%"]),
        okrdesk_collect,
    )
    assert (
        "cm01 2026-W02: a ratio metric takes numerator and denominator, not value: emit the "
        "two numbers the rate is made of (numerator=12, denominator=120 for 10%), never the "
        "rate itself, so that a team's rate is its members' numerators over their denominators"
    ) in told["en"], told["en"]
    assert (
        "比率指标要给分子和分母，不是 value：请给构成比率的两个数"
        "（10% 即 numerator=12、denominator=120），不要给比率本身"
    ) in told["zh"], told["zh"]


def test_names_given_for_ids_are_told_once_with_the_other_names() -> None:
    """A margin plugin gave each figure under the customer manager's name as its export
    writes it (刘洋, not liuyang): each name was told apart, five paragraphs alike but for
    the name, each "(and 46 more like it: 2026-W02, 2026-W03, …)", a wall at 80 columns.
    The name is the mistake: told once, with the other names it was made with."""
    people = (
        ("cm01", "王芳"),
        ("cm02", "李雷"),
        ("cm03", "韩梅"),
        ("cm04", "张伟"),
        ("cm05", "赵敏"),
    )

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        for person in request.people:
            for period in request.periods:
                emit("new_accounts", person.name, period.id, value=1)

    told = _problems_in_both_languages(
        MetricSpec("new_accounts", "New accounts", "新开户", "flow", UNITS["户"]),
        okrdesk_collect, people, through=dt.date(2026, 1, 18),
    )  # fmt: skip
    assert told["en"] == (
        "plugin plugin-under-test metric new_accounts: 王芳 2026-W02: no person or unit '王芳' "
        "in the plan: it is the name of cm01 (王芳); emit the id (person.id) (and 9 more like "
        "it: 李雷, 韩梅, 张伟, …) (10 problems; none of its figures stored)"
    ), told["en"]
    assert "（另有 9 个同样的问题：李雷、韩梅、张伟等）（共 10 个问题，均未入库）" in told["zh"], (
        told["zh"]
    )


def test_a_number_or_a_period_object_given_for_an_id_is_headed_plainly() -> None:
    """An .xlsx export's staff numbers came to a plugin as ints, emitted as subjects: told
    "subject must be the id of a person or unit (person.id), not a int", with nothing of
    what to do; and a Period handed over for its id headed its refusal with its whole
    repr, dates and all, where a collect shows <Period>."""

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("new_accounts", 1001, "2026-W02", value=1)
        emit("new_accounts", 1002, "2026-W02", value=1)
        emit("new_accounts", "cm01", request.periods[0], value=1)
        emit("new_accounts", "cm01", 202602, value=1)

    told = _problems_in_both_languages(
        MetricSpec("new_accounts", "New accounts", "新开户", "flow", UNITS["户"]), okrdesk_collect
    )
    assert (
        "1001 2026-W02: subject must be the id of a person or unit (person.id), text, not a "
        "number: a number an export holds (a staff number) names no one of the plan; map it "
        "to the id it stands for (and 1 more like it: 1002); cm01 <Period>: period must be "
        "the id of a period asked for (period.id), not a Period; cm01 202602: period must be "
        "the id of a period asked for (period.id), text, not a number (4 problems;"
    ) in told["en"], told["en"]
    assert "应为文本，不能是数：导出文件中的编号（如工号）不是计划里的 id" in told["zh"], told["zh"]


def test_a_rate_in_percent_given_as_its_parts_is_told_to_give_the_counts() -> None:
    """A margin plugin gave its share of clients as numerator=73.3, denominator=100 and
    was told to declare the numerator no count (numerator_unit=None), which would have
    kept the mistake and made a team's rate an average of percentages. A numerator over
    a denominator of 100 (or 1,000) is now told as a rate given as its parts, and the
    counts asked for."""

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("margin_share", "cm01", "2026-W02", numerator=73.3, denominator=100)

    spec = MetricSpec(
        "margin_share", "Margin client share", "两融客户占比", "ratio", UNITS["%"],
        numerator_unit=UNITS["户"], denominator_unit=UNITS["户"],
    )  # fmt: skip
    told = _problems_in_both_languages(spec, okrdesk_collect)
    assert (
        "numerator 73.3 over denominator 100 is a rate of 73.3% given as its parts: "
        "margin_share's parts are counted in 户; emit the two counts the rate is made of"
    ) in told["en"], told["en"]
    assert "numerator_unit=None" not in told["en"]
    assert "是把比率 73.3% 拆成了分子分母" in told["zh"], told["zh"]
