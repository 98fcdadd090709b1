"""``okrdesk plugins``: every plugin, where it came from, and what it provides."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from okrdesk.app.session import at_their_lines, consented, open_plugins
from okrdesk.errors import BadInput, Said
from okrdesk.messages import display_width, padded
from okrdesk.model import MetricSpec
from okrdesk.plugins.manager import (
    BUILTIN,
    DECLARING_FAILED,
    ENTRY_POINT,
    LOCAL,
    REGISTERED,
    PluginHost,
    PluginRecord,
)
from okrdesk.plugins.source_tables import tables_of_no_plugin
from okrdesk.targets.reader import closest, no_such
from okrdesk.targets.settings import open_workspace
from okrdesk.units import Dimension, UnitOfMeasure, per_one, unit_word


class Loaded(NamedTuple):
    """A workspace's plugins as ``okrdesk plugins`` lists them."""

    host: PluginHost
    lang: str
    """The language to list them in: the command's ``--lang``, else the workspace's."""
    warnings: list[Said]
    """What the listing warns of beside them (``_warnings``)."""
    root: Path
    """The workspace's folder: where a broken definition in its okrdesk.toml is told."""
    refused: Mapping[str, list[Said]]
    """Plugin → what its ``okrdesk_check_settings`` refuses in its table of okrdesk.toml,
    at the lines ``validate`` tells it at: the plugin's errors."""


def load_plugins(option: str | os.PathLike[str] | None, lang: str | None = None) -> Loaded:
    """The workspace's plugins, loaded, with their report formats declared, and the
    settings of each that okrdesk.toml has a table for checked, as ``validate`` checks
    them."""
    from okrdesk.app.validate import settings_findings

    workspace = consented(open_workspace(option))
    host = open_plugins(workspace)
    host.formats  # noqa: B018 - declaring the formats records their errors too
    refused: dict[str, list[Said]] = {}
    warned: list[Said] = []
    # The SQL source's check binds every query with DuckDB, which a listing (declaring
    # alone, as a report does) never loads: its definitions and tables are told as it
    # declares them, and the rest is validate's.
    for name, (found, _) in settings_findings(workspace, host, None, leave_out={"sql"}).items():
        refused[name] = [Said(p.text("en"), p.text("zh")) for p in found.problems]
        warned += [Said(p.text("en"), p.text("zh")) for p in found.warnings]
    warnings = [*_warnings(host, workspace.root), *warned]
    return Loaded(host, workspace.language(lang), warnings, workspace.root, refused)


def ordered(host: PluginHost) -> list[PluginRecord]:
    return sorted(host.records.values(), key=lambda r: (r.origin, r.name))


def chosen(host: PluginHost, name: str | None, lang: str = "en") -> list[PluginRecord]:
    """Every plugin, or only the one called ``name`` (refused in ``lang`` when none is)."""
    if name is None:
        return ordered(host)
    if name not in host.records:
        if (owner := host.owners.get(name)) is not None:  # a metric's name, for its plugin's
            raise BadInput(
                f'没有插件 "{name}"：这是插件 {owner} 的指标；`okrdesk plugins {owner}` 列出它'
                if lang == "zh"
                else f'no plugin "{name}": it is a metric of plugin {owner}; '
                f"`okrdesk plugins {owner}` lists it"
            )
        if closest(name, host.records) is not None:  # misspelt: the name it is close to
            hint = (
                "`okrdesk plugins` 列出全部插件" if lang == "zh" else "`okrdesk plugins` lists them"
            )
        else:
            hint = _not_listed(lang)
        raise BadInput(no_such("plugin", name, host.records, hint, lang))
    # Every copy of that name: the one that runs, then those ignored, which say why.
    return [host.records[name], *(r for key, r in host.records.items()
                                  if r.name == name and key != name)]  # fmt: skip


def _not_listed(lang: str) -> str:
    """What to do about a plugin ``okrdesk plugins NAME`` finds no plugin of: a package
    just installed goes, with a plain ``pip``, into whichever Python that pip serves,
    often not okrdesk's (its ``.venv``), and then okrdesk never sees it."""
    python = sys.executable or "python"
    if lang == "zh":
        return ("`okrdesk plugins` 列出全部插件；刚安装的包若不在其中，多半装进了另一个 Python："
                f"请在包的文件夹中用运行 okrdesk 的 Python 安装（{python} -m pip install -e .），"
                "工作区自己的 plugins/NAME.py 则在 `okrdesk trust` 之后才会运行")  # fmt: skip
    return ("`okrdesk plugins` lists them; a package you installed that is not among them went "
            "into another Python than okrdesk's: install it, in its folder, with the Python "
            f"okrdesk runs in ({python} -m pip install -e .); a workspace's own plugins/NAME.py "
            "runs once you `okrdesk trust` the workspace")  # fmt: skip


_SAID = {
    "en": {"none": "No plugins loaded.", "plugin": "{name}  ({origin}: {location})",
           "format": "report format ", "error": "error: ", "warning": "warning: ",
           "by": "  (by {names})", "and": ", ",
           BUILTIN: BUILTIN, ENTRY_POINT: ENTRY_POINT, LOCAL: LOCAL,
           REGISTERED: "registered in this process"},
    "zh": {"none": "没有加载任何插件。", "plugin": "{name}  （{origin}：{location}）",
           "format": "报告格式 ", "error": "错误：", "warning": "警告：",
           "by": "（可按 {names} 拆分）", "and": "、",
           BUILTIN: "内置", ENTRY_POINT: "已安装的包", LOCAL: "工作区文件",
           REGISTERED: "本进程中注册"},
}  # fmt: skip
"""The listing's own words in each language (metric kinds, names and labels are as
plugins and okrdesk.toml spell them; a unit as the reports write it, ``declared_unit``)."""


def declared_unit(unit: UnitOfMeasure, lang: str) -> str:
    """A metric's unit on its own, with its scale: in Chinese as declared (万元); in English
    as the report writes one of it (CNY 10k, CNY 100m, 10k accts, as a cost per result
    names it), where ``unit_word``, the word the figures carry whatever their scale,
    says CNY for 元 and 万元 alike."""
    if lang != "zh" and unit.factor != 1 and unit.dimension in (Dimension.MONEY, Dimension.COUNT):
        return per_one(unit)
    return unit_word(unit, lang)


def listing(loaded: Loaded, name: str | None = None) -> list[str]:
    """Each plugin, its metrics and formats and its errors, in ``lang``: okrdesk's words
    (the errors it wrote among them) in ``lang``, a plugin's own as it gave them."""
    host, lang = loaded.host, loaded.lang
    words = _SAID[lang]
    lines = [] if host.records else [words["none"]]
    unit_width = max((display_width(declared_unit(s.unit, lang)) for s in host.metrics.values()),
                     default=0)  # fmt: skip
    for r in chosen(host, name, lang):
        named = f"{r.name} {r.version}" if r.version else r.name
        origin = words.get(r.origin, r.origin)
        lines.append(words["plugin"].format(name=named, origin=origin, location=r.location))
        for metric in r.metrics:
            spec = host.metrics[metric]
            lines.append(
                # Its name in terminal columns: a metric named in Chinese takes two a character.
                f"    {padded(metric, 28)} {spec.kind.value:<6} "
                f"{padded(declared_unit(spec.unit, lang), max(unit_width, 4))} "
                f"{_labels(spec) or metric}"
                # What a key result's breakdown and where may name: its dimensions.
                + (words["by"].format(names=words["and"].join(_dimensions(spec, lang)))
                   if spec.dimensions else "")
            )  # fmt: skip
        for name in r.formats:
            fmt = host.formats[name]
            described = fmt.description_zh if lang == "zh" and fmt.description_zh else (
                fmt.description
            )  # fmt: skip
            lines.append(f"    {words['format']}{name:<14} {described}")
        lines += [f"    {words['error']}{error.text(lang)}" for error in _errors(r, loaded)]
    return lines + [f"{words['warning']}{w.text(lang)}" for w in loaded.warnings]


def _labels(spec: MetricSpec) -> str:
    """``label_zh / label_en``; one alone where the other is empty (a plugin for one
    language) or the same (an SQL metric without labels has its name for both)."""
    return " / ".join(dict.fromkeys(filter(None, (spec.label_zh, spec.label_en))))


def broken(loaded: Loaded) -> bool:
    """Whether any plugin is broken or skipped, a table of the SQL source's cannot be
    read, or a plugin's settings are refused (as ``validate`` refuses them): ``okrdesk
    plugins`` then exits 1."""
    return (
        bool(loaded.host.broken)
        or any(loaded.refused.values())
        or any(_tables_unread(r, loaded) for r in loaded.host.records.values())
    )


def _errors(record: PluginRecord, loaded: Loaded) -> list[Said]:
    """The plugin's errors, a broken definition in okrdesk.toml (the SQL source's) at its
    line as ``validate`` tells it, not as the exception its declaration raised; then the
    SQL source's tables whose options cannot be read, and what its settings check refuses
    (each once: the SQL source's check names its broken definitions too)."""
    refused = loaded.refused.get(record.name, [])
    if loaded.host.records.get(record.name) is not record:  # a copy that is ignored
        refused = []
    found = [
        said
        for error in record.errors
        # What its check refuses, at their lines, its declaration's failure says less well.
        if not (refused and error.startswith(DECLARING_FAILED))
        for said in at_their_lines(
            record, Said(error, record.errors_zh.get(error, "")), loaded.root
        )
    ] + _tables_unread(record, loaded)
    return list(dict.fromkeys([*found, *refused]))


def _tables_unread(record: PluginRecord, loaded: Loaded) -> list[Said]:
    """For the built-in SQL source, each table of okrdesk.toml whose options cannot be
    read, at its line as ``validate`` tells it: its metrics are listed as declared, but
    a collect cannot read them."""
    settings = loaded.host.sources.get(record.name)
    if record.origin != BUILTIN or record.name != "sql" or not isinstance(settings, Mapping):
        return []
    from okrdesk.plugins.settings_checks import checked, located
    from okrdesk.plugins.sql_metrics import table_option_problems

    answered = checked(table_option_problems(settings, loaded.root))
    found = sorted(located(loaded.root, record.name, answered), key=lambda p: p[0].line)
    return [Said(problem.text("en"), problem.text("zh")) for problem, _ in found]


def _dimensions(spec: MetricSpec, lang: str) -> list[str]:
    """Each dimension of ``spec`` in the words its ``DimensionLabels`` give in ``lang``,
    with the name a key result's ``breakdown`` and ``where`` take after it where the
    words are not that name (``product type [product]``); else by its name."""
    named = []
    for dimension in spec.dimensions:
        labels = spec.dimension_labels.get(dimension)
        word = (labels.zh if lang == "zh" else labels.en) if labels is not None else ""
        word = word.strip()
        named.append(f"{word} [{dimension}]" if word and word != dimension else dimension)
    return named


def _warnings(host: PluginHost, root: Path) -> list[Said]:
    """What the listing warns of: a name in ``OKRDESK_LOAD_PLUGINS``, or a table of
    okrdesk.toml (at its line, as validate and collect tell it), that names no plugin
    there is (each a plugin's name misspelt, maybe), a package's entry point in a group
    that is not okrdesk's, and a plugin that declares nothing (a hook's name misspelt,
    maybe)."""
    tables = [Said(table.text("en"), table.text("zh")) for table in tables_of_no_plugin(host, root)]
    idle = [Said(f"plugin {name}: {said.en}", f"插件 {name}：{said.zh}")
            for name, said in host.declaring_nothing()]  # fmt: skip
    return [*host.allow_list_warnings(), *host.misplaced_entry_points(), *tables, *idle]


def as_json(loaded: Loaded, name: str | None = None) -> dict[str, Any]:
    """The listing for other programs: its keys and its ``errors``, ``description`` and
    ``warnings`` in English as ever, each beside its Chinese (``errors_zh``,
    ``description_zh``, ``warnings_zh``), okrdesk's words in Chinese and a plugin's own
    as it gave them where it gave no Chinese, for a program to show its reader either."""
    host, lang = loaded.host, loaded.lang
    # Each plugin's errors read once: a broken definition's are found in okrdesk.toml.
    shown = [(r, _errors(r, loaded)) for r in chosen(host, name, lang)]
    return {
        "plugins": [
            {
                "name": r.name,
                "version": r.version,
                "origin": r.origin,
                "location": r.location,
                "metrics": [_metric_json(host.metrics[m]) for m in r.metrics],
                "formats": [
                    {
                        "name": f,
                        "description": host.formats[f].description,
                        "description_zh": host.formats[f].description_zh
                        or host.formats[f].description,
                    }
                    for f in r.formats
                ],
                "errors": [error.en for error in errors],
                "errors_zh": [error.text("zh") for error in errors],
            }
            for r, errors in shown
        ],
        "warnings": [warning.en for warning in loaded.warnings],
        "warnings_zh": [warning.text("zh") for warning in loaded.warnings],
    }


def _metric_json(spec: MetricSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "kind": spec.kind.value,
        "unit": spec.unit.symbol,
        "label_en": spec.label_en,
        "label_zh": spec.label_zh,
        "description": spec.description,
        "dimensions": list(spec.dimensions),
    }
