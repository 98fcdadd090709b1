"""Where a workspace is and what its okrdesk.toml says.

A workspace is a folder with ``targets/*.toml`` and, optionally, an
``okrdesk.toml`` with settings: the database file (or a PostgreSQL server's
URL), each plugin's own table under ``[sources.<plugin>]``, ``[checkin] by``,
who check-ins are from when ``okrdesk checkin`` is not told, and where
``okrdesk send`` delivers the report (``[send]``, ``[[send.channels]]``;
docs/delivery.md).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from okrdesk.errors import BadInput, Problem, Said, ValidationFailed, printable
from okrdesk.files import READ_AS_A_PATTERN
from okrdesk.plugins.time_limit import DEFAULT_TIMEOUT
from okrdesk.records import shared_methods
from okrdesk.targets.load import parse_toml_file
from okrdesk.targets.reader import Findings, SourceFile, Table, Where

if TYPE_CHECKING:
    from okrdesk.targets.past_syntax import ReadPast

SETTINGS_FILE = "okrdesk.toml"
ENV_VAR = "OKRDESK_WORKSPACE"
DEFAULT_DATABASE = "okrdesk.db"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

_TOP_KEYS = ("workspace", "sources", "checkin", "send")
_WORKSPACE_KEYS = ("name", "database", "plugin_timeout", "lang")
LANGUAGES = ("zh", "en")
"""The languages reports and messages are written in."""
_CHECKIN_KEYS = ("by",)
_SEND_KEYS = ("reports", "reports_url", "channels")
CHANNEL_KINDS = ("wecom", "feishu", "dingtalk", "email")
_WEBHOOK_KEYS = ("kind", "name", "url_env", "secret_env", "unit")
_EMAIL_KEYS = (
    "kind", "name", "host", "port", "security", "sender", "to", "user", "password_env", "unit",
)  # fmt: skip
SMTP_SECURITY = ("starttls", "ssl", "none")
DEFAULT_REPORTS = "reports"
# Keys that would put a secret into the file; the *_env keys name where it is instead.
_SECRET_KEYS = ("url", "webhook", "secret", "password", "token", "key", "access_token")
_ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # compiled by re when first used


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Channel:
    """One place ``okrdesk send`` delivers to: a chat group's bot or a mailbox.

    Secrets are never held here, only the names of the environment variables
    that hold them."""

    kind: str
    name: str
    url_env: str | None = None
    """The variable holding a bot's webhook URL (with its key or access token)."""
    secret_env: str | None = None
    """The variable holding a bot's signing secret, when its security setting has one."""
    host: str = ""
    port: int = 587
    security: str = "starttls"
    sender: str = ""
    to: tuple[str, ...] = ()
    user: str | None = None
    password_env: str | None = None
    unit: str | None = None
    """The unit (or person) whose report this channel always gets: a head office's one
    group a branch; None, the unit ``send`` is asked for."""


@attrs.frozen(slots=False)
@shared_methods
class SendSettings:
    reports: str = DEFAULT_REPORTS
    """The folder, inside the workspace, where ``send`` writes the full HTML report."""
    channels: tuple[Channel, ...] = ()
    reports_url: str | None = None
    """Where the firm's intranet serves that folder: a chat message links the report
    there rather than naming a path on the machine that sent it."""


@attrs.frozen(slots=False)
@shared_methods
class Workspace:
    root: Path
    name: str = ""
    database: Path = attrs.field(
        default=attrs.Factory(lambda self: self.root / DEFAULT_DATABASE, takes_self=True)
    )
    sources: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    """Each plugin's settings table, by plugin name."""
    database_url: str | None = None
    """A ``postgresql://`` URL (no password) when the store is on a server, not in a file."""
    plugin_timeout: float | None = None
    """Seconds one plugin call may take before it is left behind (default 300)."""
    checkin_by: str = ""
    """``[checkin] by``: who a check-in is from when ``--by`` is not given."""
    send: SendSettings = SendSettings()
    lang: str | None = None
    """``[workspace] lang``: the language of reports and messages when ``--lang`` is not
    given."""
    unread: bool = False
    """okrdesk.toml is there but could not be read (a mistake of syntax, a link to
    nothing): these are the defaults, not what it says, and the plugins it sets up (the
    SQL source's metrics) are not what it means."""

    def language(self, given: str | None) -> str:
        """``--lang`` when given, else the workspace's ``lang``, else Chinese."""
        return given or self.lang or LANGUAGES[0]

    @property
    def store_location(self) -> Path | str:
        """Where the store is: the server's URL, else the SQLite file."""
        return self.database_url if self.database_url is not None else self.database

    @property
    def reach(self) -> tuple[ReachLine, ...]:
        """What in okrdesk.toml reaches outside the workspace's folder, a line each, with
        where it leads once links are followed (so a link pointed elsewhere later asks
        again): a store elsewhere (a file outside it, a server), folders outside it the
        SQL source may read, a warehouse it may query and the queries it runs there, a
        mail server and who the mail goes to, where chat messages link the report, a
        plugin's folder outside it, a ``plugin_timeout`` longer than the default (a
        shorter one is always kept). A workspace someone sent may do none of that until
        you trust it (``okrdesk trust``): it would choose where your numbers are written,
        which of your files are read, where your passwords go, and where your group's
        readers are sent."""
        root = _resolved(self.root)
        found: list[ReachLine] = []
        if (server := self.database_url) is not None:
            found.append(ReachLine(f"[workspace] database: the server {server}",
                                   f"[workspace] database：服务器 {server}"))  # fmt: skip
        elif not (target := _resolved(self.database)).is_relative_to(root):
            found.append(ReachLine(f"[workspace] database: {target}",
                                   f"[workspace] database：{target}"))  # fmt: skip
        sql = self.sources.get("sql", {})
        folders = sql.get("allow_outside_workspace", [])
        for folder in folders if isinstance(folders, list) else [folders]:
            leads = _outside(str(folder), root, always=True)
            key = "[sources.sql] allow_outside_workspace"
            line = f"{key}: {folder} -> {leads}"
            # A folder of the workspace: named as such, trusted as an older okrdesk
            # listed it ("srv -> None").
            inside = None if leads is not None else _resolved(root / Path(str(folder)).expanduser())
            shown = leads if inside is None else inside
            found.append(ReachLine(f"{key}: {folder} -> {shown}", f"{key}：{folder} -> {shown}",
                                   as_trusted=line))  # fmt: skip
        for key in ("connection", "connection_env"):
            if key in sql:
                found.append(ReachLine(f"[sources.sql] {key}: {sql[key]}",
                                       f"[sources.sql] {key}：{sql[key]}"))  # fmt: skip
        if (queries := _warehouse_queries(sql)) is not None:
            found.append(queries)
        for plugin, settings in self.sources.items():
            if plugin != "sql":  # the SQL source confines its own files (above)
                for key, value in _texts(settings):
                    lines = _leads_out(value, root)
                    found += [ReachLine(f"[sources.{plugin}] {key}: {line}",
                                        f"[sources.{plugin}] {key}：{line}")
                              for line in lines]  # fmt: skip
        if self.plugin_timeout is not None and self.plugin_timeout > DEFAULT_TIMEOUT:
            # Installed plugins are your consent to run them, not to run them for hours
            # on your machine because a file someone sent says they may.
            found.append(ReachLine(
                f"[workspace] plugin_timeout: {self.plugin_timeout:g} s, longer than the "
                f"{DEFAULT_TIMEOUT:g} s default each plugin has",
                f"[workspace] plugin_timeout：{self.plugin_timeout:g} 秒，长于每个插件默认的 "
                f"{DEFAULT_TIMEOUT:g} 秒",
            ))  # fmt: skip
        if self.send.reports_url is not None:
            # Every chat message links the full report there: a sent workspace would
            # send the group's readers to a site of its choosing.
            url = self.send.reports_url
            found.append(ReachLine(
                f"[send] reports_url: chat messages link the report at {url}",
                f"[send] reports_url：群消息里的报告链接指向 {url}",
            ))  # fmt: skip
        for c in self.send.channels:
            if c.kind == "email":
                login = ("", "")
                if c.user:
                    login = (f", logging in as {c.user} with ${c.password_env}",
                             f"，以 {c.user} 登录，密码取自 ${c.password_env}")  # fmt: skip
                found.append(ReachLine(
                    f"[send] {c.name}: mail through {c.host}:{c.port} ({c.security}) from "
                    f"{c.sender} to {', '.join(c.to)}{login[0]}",
                    f"[send] {c.name}：经 {c.host}:{c.port}（{c.security}）发邮件，发件人 "
                    f"{c.sender}，收件人 {'、'.join(c.to)}{login[1]}",
                ))  # fmt: skip
        return tuple(found)

    @property
    def targets(self) -> Path:
        return self.root / "targets"

    @property
    def plugins(self) -> Path:
        return self.root / "plugins"

    @property
    def templates(self) -> Path:
        return self.root / "templates"


class ReachLine(str):
    """A line of ``Workspace.reach``: as English shows it (the text itself), as Chinese
    shows it (``zh``), and as ``okrdesk trust`` fingerprints it (``as_trusted``): the
    English an older okrdesk showed and fingerprinted, so that neither a line shown in
    the user's language nor one mended to say what it consents to asks a workspace
    trusted with it again."""

    zh: str
    as_trusted: str

    def __new__(cls, shown: str, zh: str, as_trusted: str | None = None) -> ReachLine:
        line = super().__new__(cls, shown)
        line.zh = zh
        line.as_trusted = shown if as_trusted is None else as_trusted
        return line

    def said(self, lang: str) -> str:
        """The line as ``lang`` shows it."""
        return self.zh if lang == "zh" else str(self)


def _warehouse_queries(sql: Mapping[str, Any]) -> ReachLine | None:
    """A line naming the SQL ``[sources.sql]`` runs on its warehouse, by a digest of it,
    where it has a connection; else None. The queries run there with your login: which
    of your warehouse's tables they read, and what its functions do, is the file's
    choice as much as the warehouse is, so a query changed since ``okrdesk trust`` (a
    ``git pull``) asks again, as a changed connection does."""
    if "connection" not in sql and "connection_env" not in sql:
        return None
    import hashlib

    texts: list[str] = []
    metrics = sql.get("metrics", [])
    for metric in metrics if isinstance(metrics, list) else []:
        if isinstance(metric, Mapping):
            funnel = metric.get("funnel")
            stages = funnel if isinstance(funnel, Mapping) else {}
            texts.append(str(metric.get("query")))
            texts += [str(stages.get(key)) for key in ("entered", "converted")]
    views = sql.get("views", {})
    texts += (
        [f"{name}\0{query}" for name, query in views.items()] if isinstance(views, Mapping) else []
    )
    digest = hashlib.sha256("\0".join(texts).encode("utf-8", "surrogateescape")).hexdigest()
    return ReachLine(
        f"[sources.sql] connection: the queries of its metrics, run there with your login, "
        f"as they are written now (sha256 {digest[:16]})",
        f"[sources.sql] connection：其指标的查询，以你的登录身份在那里运行，"
        f"即现在写下的这些（sha256 {digest[:16]}）",
    )


def _texts(settings: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Every text in a plugin's settings, with its dotted key, in tables and arrays."""
    found: list[tuple[str, str]] = []
    for key, value in settings.items():
        named = f"{prefix}{key}"
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                found.append((named, item))
            elif isinstance(item, dict):
                found += _texts(item, f"{named}.")
    return found


def _outside(text: str, root: Path, *, always: bool = False) -> str | None:
    """Where a setting leads when it names a path outside the workspace (``root``,
    resolved), else None: written so (``../``, ``/``, ``~``) or a name in the workspace
    that exists and links out (``crm`` -> your exports), read both as written and with
    ``~`` expanded, since a plugin may do either; a text that cannot be followed to its
    end (a loop, an unknown user) counts as outside. ``always``: a path, whatever it
    looks like."""
    written_so = always or text.startswith(("/", "~", "..", "\\")) or "/.." in text
    candidates = [root / text]
    with contextlib.suppress(RuntimeError):  # ~someone not a user here: read as written
        candidates.append(root / Path(text).expanduser())
    for path in candidates:
        try:
            if not (written_so or path.is_symlink() or path.exists()):
                continue
            leads = path.resolve()
        except (OSError, ValueError, RuntimeError):
            return text
        if not leads.is_relative_to(root):
            return str(leads)
    return None


def _leads_out(value: str, root: Path) -> list[str]:
    """Where a plugin's setting ``value`` leads out of the workspace (``root``, resolved),
    a line each (``name -> where``): itself, or a name under it that links out. A value
    that holds a character of a pattern (``data/c*``) is looked at as DuckDB, which
    plugins read files with, would read it: every name in the folder before its first
    pattern that links out counts, whether or not the pattern matches it. A plugin
    handing DuckDB ``data/c*/clients.csv`` read your ``clients.csv`` through
    ``data/c!``, a link beside the folder ``data/c*`` the setting names."""
    if (leads := _outside(value, root)) is not None:
        return [f"{value} -> {leads}"]
    lines = [f"{name} -> {leads}" for name, leads in links_out_of(root / value, root)]
    if READ_AS_A_PATTERN.search(value):
        parts = Path(value).parts
        plain = next(n for n, part in enumerate(parts) if READ_AS_A_PATTERN.search(part))
        folder = root.joinpath(*parts[:plain])
        lines += [f"{name} -> {leads}" for name, leads in links_out_of(folder, root)]
    return list(dict.fromkeys(lines))


LINKS_NAMED = 5
"""How many links out of one folder ``links_out_of`` names; one is enough to ask."""


def links_out_of(folder: Path, root: Path) -> list[tuple[str, str]]:
    """The names under ``folder``, a folder of the workspace (``root``, resolved) that a
    plugin's setting names, that lead outside it through a link, with where each leads:
    a file of your exports linked into a sent workspace's ``data/crm`` would be read as
    the workspace's own. Links that stay inside are followed and looked through too; at
    most ``LINKS_NAMED`` are named. Nothing when ``folder`` is no folder."""
    found: list[tuple[str, str]] = []
    try:
        if not folder.is_dir():
            return found
        waiting, seen = [folder], {folder.resolve()}
    except OSError:
        return found
    while waiting and len(found) < LINKS_NAMED:
        try:
            with os.scandir(waiting.pop()) as entries:
                listed = list(entries)
        except OSError:
            continue  # a folder you cannot read is no folder a plugin reads either
        for entry in listed:
            try:
                if not entry.is_symlink():  # from the folder's listing: no stat, no link
                    if entry.is_dir(follow_symlinks=False):
                        waiting.append(Path(entry.path))
                    continue
                leads = Path(entry.path).resolve()
                is_folder = leads.is_dir()
            except (OSError, RuntimeError):  # a loop of links: it leads nowhere of ours
                continue
            if not leads.is_relative_to(root):
                found.append((Path(entry.path).relative_to(root).as_posix(), str(leads)))
            elif is_folder and leads not in seen:  # a link within: looked through once
                seen.add(leads)
                waiting.append(Path(entry.path))
    return sorted(found)[:LINKS_NAMED]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is inside ``root`` once every symlink on the way is followed."""
    return path.resolve().is_relative_to(root.resolve())


def _workspace_file(path: Path, root: Path) -> Said | None:
    """What ``path`` is among the files okrdesk reads in the workspace ``root`` (its
    settings, a target file, a plugin, a template), once links are followed; None when
    it is none of them. A ``targets/*.toml`` not there yet counts: the plan would read
    the store made there."""
    real = path.resolve()
    folder = {name: (root / name).resolve() for name in ("targets", "plugins", "templates")}
    if real == (root / SETTINGS_FILE).resolve():
        return Said(f"the workspace's settings ({SETTINGS_FILE})",
                    f"工作区的设置（{SETTINGS_FILE}）")  # fmt: skip
    if real.suffix == ".toml" and real.is_relative_to(folder["targets"]):
        return Said("a target file (targets/*.toml)", "目标文件（targets/*.toml）")
    if real.suffix == ".py" and real.parent == folder["plugins"]:
        return Said("a plugin of the workspace (plugins/*.py)", "工作区的插件（plugins/*.py）")
    if real.is_relative_to(folder["templates"]):
        return Said("in the workspace's templates/", "工作区 templates/ 中的文件")
    return None


def locate(option: str | os.PathLike[str] | None) -> Path:
    """The workspace folder: ``--workspace``, else $OKRDESK_WORKSPACE, else the current folder."""
    chosen = option or os.environ.get(ENV_VAR) or "."
    root = Path(chosen).expanduser()
    if not root.is_dir():
        raise BadInput(Said(f"workspace {root}: no such folder", f"工作区 {root}：没有这个文件夹"))
    return root


_LANG_LINE = r"""^[ \t]*lang[ \t]*=[ \t]*["']?(zh|en)["']?[ \t]*(?:#.*)?\r?$"""
"""Compiled where first used (re keeps it): only an okrdesk.toml that does not read needs it."""


def _lang_in_text(path: Path) -> str | None:
    """The ``lang`` an okrdesk.toml that does not read writes in its ``[workspace]``
    table, found in its text; None where it writes none, or cannot be read."""
    from okrdesk.targets.load import read_workspace_file

    try:
        text = read_workspace_file(path)[1].decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    table = ""
    for line in text.split("\n"):
        if line.lstrip().startswith("["):
            table = line.strip().split("#", 1)[0].strip()
        elif table == "[workspace]" and (found := re.match(_LANG_LINE, line)):
            return found[1]
    return None


def read_settings(root: Path, findings: Findings) -> Workspace:
    """Read ``okrdesk.toml`` if there is one; problems go into ``findings``."""
    workspace = _settings_read(root, findings)
    if workspace.database_url is None and workspace.database == root / DEFAULT_DATABASE:
        _no_default_store_over_a_workspace_file(root, findings)
    return workspace


def _no_default_store_over_a_workspace_file(root: Path, findings: Findings) -> None:
    """A problem where the store okrdesk makes by default, ``okrdesk.db``, is a link to a
    file of the workspace (``targets/zz.toml``, not there yet): a workspace sent so had
    ``collect`` make the store there, a binary target file the plan no longer read. The
    setting ``database`` naming one is refused at its line (``_settings_in``)."""
    default = root / DEFAULT_DATABASE
    if not default.is_symlink():
        return
    with contextlib.suppress(OSError, RuntimeError):  # a loop of links: SQLite says so
        if (own := _workspace_file(default, root)) is not None:
            leads = printable(os.readlink(default))
            findings.problems.append(Problem(
                DEFAULT_DATABASE, 0, "",
                f"links to {leads}, {own.en}: the store would be written over it, or read "
                "as one; make okrdesk.db a file of its own, or name another in okrdesk.toml's "
                "[workspace] database",
                f"链接到 {leads}，即{own.zh}：数据库会写在它上面，或被当作这类文件读取；请让 "
                "okrdesk.db 成为单独的文件，或在 okrdesk.toml 的 [workspace] database 中另指定",
            ))  # fmt: skip


def _settings_read(root: Path, findings: Findings) -> Workspace:
    path = root / SETTINGS_FILE
    if not (path.exists() or path.is_symlink()):
        return Workspace(root)
    # A link to nothing, or to a folder, is told: the defaults would silently stand in.
    read_past: list[ReadPast] = []
    source = parse_toml_file(path, root, findings, kept=True, read_past=read_past)
    if source is None:
        if read_past:  # its keys past its mistakes of syntax, for what they say only
            from okrdesk.targets.past_syntax import problems_past_syntax

            def check(source: SourceFile, found: Findings) -> None:
                _settings_in(source, root, found)

            findings.problems.extend(problems_past_syntax(read_past[0], check))
        # Its mistakes are told in the language it asks for, where its text says one.
        return Workspace(root, lang=_lang_in_text(path), unread=True)
    return _settings_in(source, root, findings)


def _settings_in(source: SourceFile, root: Path, findings: Findings) -> Workspace:
    """The settings ``source`` (a read okrdesk.toml) writes; problems go into ``findings``."""
    top = Table(Where(source), source.data, findings, _TOP_KEYS)
    name, database, timeout = "", root / DEFAULT_DATABASE, None
    url: str | None = None
    lang: str | None = None
    if (found := top.table("workspace")) is not None:
        table = Table(*found, findings, _WORKSPACE_KEYS)
        name = table.text("name") or ""
        lang = table.choice("lang", LANGUAGES)
        if (db := table.text("database")) is not None:
            if db.startswith(POSTGRES_SCHEMES):
                url = _server_url(table, found[0].key("database"), db)
            elif (own := _workspace_file(root / db, root)) is not None:
                table.fail(
                    found[0].key("database"),
                    f"{printable(db)} is {own.en}: the store would be written over it, or "
                    "read as one; give the store a file of its own "
                    f"({DEFAULT_DATABASE} by default)",
                    f"{printable(db)} 是{own.zh}：数据库会写在它上面，或被当作这类文件读取；"
                    f"请给数据库单独的文件（默认为 {DEFAULT_DATABASE}）",
                )
            else:
                database = root / db
        if (seconds := table.number("plugin_timeout")) is not None:
            if seconds <= 0:
                table.fail(
                    found[0].key("plugin_timeout"),
                    f"must be above 0 seconds, got {seconds}",
                    f"应大于 0 秒，现为 {seconds}",
                )
            else:
                timeout = float(seconds)
    checkin_by = ""
    if (found := top.table("checkin")) is not None:
        table = Table(*found, findings, _CHECKIN_KEYS)
        checkin_by = (table.text("by") or "").strip()
    sources: dict[str, Mapping[str, Any]] = {}
    if (found := top.table("sources")) is not None:
        where, data = found
        for plugin, settings in data.items():
            if isinstance(settings, dict):
                sources[plugin] = settings
            else:
                findings.problems.append(
                    where.key(plugin).problem(
                        f"expected a table [sources.{plugin}]", f"应为表 [sources.{plugin}]"
                    )
                )
    send = SendSettings()
    if (found := top.table("send")) is not None:
        send = _send_settings(*found, findings)
    return Workspace(
        root,
        name=name,
        database=database,
        sources=sources,
        plugin_timeout=timeout,
        database_url=url,
        checkin_by=checkin_by,
        send=send,
        lang=lang,
    )


_KIND_NAMES = {
    "wechat": "wecom", "weixin": "wecom", "qywx": "wecom", "企业微信": "wecom", "企微": "wecom",
    "lark": "feishu", "飞书": "feishu", "dingding": "dingtalk", "ding": "dingtalk",
    "钉钉": "dingtalk", "mail": "email", "smtp": "email", "邮件": "email",
}  # fmt: skip
"""What people call a channel kind, and its kind: difflib finds no "wecom" in "wechat"."""


def _send_settings(where: Where, data: dict[str, Any], findings: Findings) -> SendSettings:
    table = Table(where, data, findings, _SEND_KEYS)
    reports = table.text("reports") or DEFAULT_REPORTS
    reports_url = table.text("reports_url")
    if reports_url is not None and not reports_url.startswith(("https://", "http://")):
        findings.problems.append(where.key("reports_url").problem(
            f"expected the address the reports folder is served at, such as "
            f"https://intranet.example.com/okrdesk/reports/, not {reports_url!r}",
            f"应为 reports 文件夹的网址，例如 https://intranet.example.com/okrdesk/reports/，"
            f"而不是 {reports_url!r}",
        ))  # fmt: skip
        reports_url = None
    channels: list[Channel] = []
    named: dict[str, Where] = {}
    for item_where, item in table.tables("channels"):
        name = item.get("name")
        if isinstance(name, str) and name in named:
            first = f"{named[name].file.display}:{named[name].line}"
            findings.problems.append(
                item_where.key("name").problem(
                    f'"{name}" names two channels; the other is at {first}',
                    f'两个渠道都叫 "{name}"；另一个在 {first}',
                )
            )
        elif isinstance(name, str):
            named[name] = item_where
        channel = _channel(item_where, item, findings)
        if channel is not None and named.get(channel.name) is item_where:
            channels.append(channel)
    return SendSettings(reports=reports, channels=tuple(channels), reports_url=reports_url)


def _channel(where: Where, data: dict[str, Any], findings: Findings) -> Channel | None:
    for key in [k for k in data if k in _SECRET_KEYS]:
        email = data.get("kind") == "email"
        hint = "password_env" if email else "url_env or secret_env"
        hint_zh = "password_env" if email else "url_env 或 secret_env"
        findings.problems.append(
            where.key(key).problem(
                "secrets never go in a file: put it in an environment variable and give "
                f"that variable's name with {hint}",
                f"密钥绝不能写进文件：请放进环境变量，再用 {hint_zh} 写明变量名",
            )
        )
    data = {k: v for k, v in data.items() if k not in _SECRET_KEYS}
    kind = data.get("kind")
    meant = _KIND_NAMES.get(str(kind).casefold())
    # Its keys are those of the kind meant: "mail" with host and sender is an email's.
    email = (meant or kind) == "email"
    known = _EMAIL_KEYS if email else _WEBHOOK_KEYS
    required = ("kind", "name", "host", "sender", "to") if email else (
        "kind", "name", "url_env",
    )  # fmt: skip
    table = Table(where, data, findings, known, required)
    if meant is not None:
        kinds = ", ".join(CHANNEL_KINDS)
        table.fail(where.key("kind"),
                   f'"{kind}" is not allowed (did you mean "{meant}"?); expected one of: {kinds}',
                   f'不能是 "{kind}"（是不是“{meant}”？）；可选：{kinds}')  # fmt: skip
        kind = None
    else:
        kind = table.choice("kind", CHANNEL_KINDS)
    name = table.text("name")
    unit = table.text("unit")
    envs = {key: _env_name(table, key) for key in ("url_env", "secret_env", "password_env")}
    if kind is None or name is None or not table.ok:
        return None
    if kind == "wecom" and envs["secret_env"] is not None:
        table.fail(where.key("secret_env"), "a WeCom group robot has no signing secret; "
                   "its key is part of the webhook URL (url_env)",
                   "企业微信群机器人没有签名密钥；"
                   "它的 key 就在 webhook URL（url_env）里")  # fmt: skip
        return None
    if kind != "email":
        return Channel(kind, name, url_env=envs["url_env"], secret_env=envs["secret_env"],
                       unit=unit)  # fmt: skip
    found_before = len(findings.problems)
    port = table.integer("port")
    if port is not None and not 0 < port < 65536:
        table.fail(where.key("port"), f"expected a port from 1 to 65535, got {port}",
                   f"应为 1 到 65535 之间的端口，现为 {port}")  # fmt: skip
    security = table.choice("security", SMTP_SECURITY) or "starttls"
    host = table.text("host") or ""
    user = table.text("user")
    if security == "none" and user is not None and not is_loopback(host):
        table.fail(
            where.key("security"),
            f"a login to {printable(host)} over a connection that is not encrypted would "
            'send the password in the clear; use "starttls" or "ssl"',
            f'通过未加密的连接登录 {printable(host)} 会以明文发送密码；请用 "starttls" 或 "ssl"',
        )
    to = tuple(table.strings("to") or ())
    if not to and len(findings.problems) == found_before:
        table.fail(where.key("to"), "give at least one address", "至少写一个地址")
    addresses = [(where.key("to").item(i, None), address) for i, address in enumerate(to)]
    sender = table.text("sender")
    for at, address in [(where.key("sender"), sender), *addresses]:
        if address is not None and (wrong := address_problem(address)) is not None:
            table.fail(at, *wrong)
    if user is not None and "password_env" not in data:
        table.fail(where.key("user"), "a login needs its password: give password_env, the NAME "
                   "of the environment variable holding it",
                   "登录需要密码：请用 password_env 写明存放密码的环境变量名")  # fmt: skip
    elif "user" not in data and envs["password_env"] is not None:
        table.fail(where.key("password_env"), "a password is used only to log in: give user, "
                   "the name to log in as, or leave password_env out",
                   "密码只用于登录：请用 user 写明登录账号，或去掉 password_env")  # fmt: skip
    if len(findings.problems) > found_before:
        return None
    return Channel(
        kind, name, host=host, sender=sender or "",
        port=port or (465 if security == "ssl" else 587), security=security, to=to,
        user=user, password_env=envs["password_env"], unit=unit,
    )  # fmt: skip


_MAILBOX = r"[^\s@<>()\[\],;:\"，；、]+@[^\s@<>()\[\],;:\"，；、]+"
_ADDRESS = rf"\s*(?:{_MAILBOX}|[^<>,;\x00-\x1f\x7f]*<{_MAILBOX}>)\s*"


def address_problem(text: str) -> Said | None:
    """What is wrong with a mail address as written in okrdesk.toml, or None: an
    address, or a name and an address (``张三 <boss@branch.example.com>``). Two in one
    string, separated as Outlook or a Chinese keyboard does (``;``, ``，``), went to the
    first only or to no one; a line break in one stopped send with a traceback."""
    shown = printable(text)
    if text.count("@") > 1:
        return Said(
            f'"{shown}" holds more than one address; give each its own string: '
            'to = ["boss@branch.example.com", "cfo@branch.example.com"]',
            f'"{shown}" 含有不止一个地址；请每个地址单独写一个字符串：'
            'to = ["boss@branch.example.com", "cfo@branch.example.com"]',
        )
    if re.fullmatch(_ADDRESS, text):
        return None
    return Said(
        f'expected a mail address such as boss@branch.example.com, not "{shown}"',
        f'应为邮箱地址，例如 boss@branch.example.com，而不是 "{shown}"',
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine, where a password or key sent in the clear stays."""
    return host.strip("[]").lower() in ("localhost", "127.0.0.1", "::1")


def _env_name(table: Table, key: str) -> str | None:
    value = table.text(key)
    if value is not None and not re.fullmatch(_ENV_NAME, value):
        table.fail(
            table.where.key(key),
            "expected the NAME of an environment variable (such as WECOM_WEBHOOK), "
            "not the secret itself: secrets never go in a file",
            "应为环境变量的名字（例如 WECOM_WEBHOOK），而不是密钥本身：密钥绝不能写进文件",
        )
        return None
    return value


def _server_url(table: Table, where: Where, url: str) -> str | None:
    """A PostgreSQL URL, refused when it holds a password: the file is in git."""
    parts = urlsplit(url)
    if parts.password or "password=" in parts.query:
        table.fail(
            where,
            "must not hold a password (this file is shared); set PGPASSWORD or use "
            "~/.pgpass, and write the URL without it",
            "不能含密码（此文件是共享的）；请设置 PGPASSWORD 或使用 ~/.pgpass，URL 里不写密码",
        )
        return None
    if parts.username:
        table.findings.warnings.append(where.problem(
            f"names the role {parts.username}, so everyone who runs this workspace connects "
            "as it, whatever their PGUSER; write the URL without it and let each machine say "
            "its role with PGUSER (docs/deployment.md)",
            f"指定了角色 {parts.username}，于是运行此工作区的每个人都以它连接，不论各自的 "
            "PGUSER；请去掉 URL 中的用户名，由各台机器用 PGUSER 说明自己的角色"
            "（见 docs/deployment.md）",
        ))  # fmt: skip
    return url


def open_workspace(option: str | os.PathLike[str] | None) -> Workspace:
    """Locate the workspace and read its settings, failing on any problem in them."""
    root = locate(option)
    findings = Findings()
    workspace = read_settings(root, findings)
    if findings.problems:
        raise ValidationFailed(findings.problems)
    return workspace
