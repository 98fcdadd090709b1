"""Read a workspace's target files into a Plan, reporting every problem at once.

Files are read as bytes and parsed with ``tomllib``: nothing in them is ever
executed. A file that cannot be read (not UTF-8, too large, not TOML) is one
problem with its position; the other files are still checked.
"""

from __future__ import annotations

import errno
import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk import model
from okrdesk.errors import Problem, Said, ValidationFailed, display_path, printable
from okrdesk.files import NotAFile, read_without_waiting
from okrdesk.records import shared_methods
from okrdesk.targets import toml_cache
from okrdesk.targets.locate import KeyLocator
from okrdesk.targets.reader import Findings, SourceFile, where_for

if TYPE_CHECKING:
    from okrdesk.targets.draft import Draft
    from okrdesk.targets.past_syntax import ReadPast
    from okrdesk.targets.plan_year import PlanYear
    from okrdesk.targets.syntax import Hazard

MAX_FILE_BYTES = 2 * 1024 * 1024


def read_workspace_file(path: Path, most: int = MAX_FILE_BYTES) -> tuple[int, bytes]:
    """The size of the workspace file at ``path`` and its bytes (none when it is over
    ``most``), read without waiting (``files.read_without_waiting``: a named pipe raises
    ``NotAFile``)."""
    return read_without_waiting(path, most)


_KIND_ZH = {
    "a named pipe (FIFO), not a file": "命名管道（FIFO），不是文件",
    "a socket, not a file": "套接字，不是文件",
    "a folder, not a file": "文件夹，不是文件",
    "a device, not a file": "设备，不是文件",
}
# Patterns for tomllib's messages, compiled only when a file has a syntax error.
_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"
_AT_END = r"\s*\(at end of document\)$"


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class LoadResult:
    plan: model.Plan | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    files: tuple[str, ...]
    objective_files: Mapping[str, Path] = attrs.field(factory=dict)
    """Which file each objective is written in."""


def parse_toml_file(
    path: Path,
    root: Path,
    findings: Findings,
    *,
    kept: bool = False,
    plan_year: Callable[[], PlanYear | None] | None = None,
    metrics: Mapping[str, model.MetricSpec] | None = None,
    read_past: list[ReadPast] | None = None,
) -> SourceFile | None:
    """Parse one TOML file; every way it can be unreadable becomes one problem.

    ``kept``: what the same text gave before is read from the user's cache, and what
    it gives now is kept there (targets/toml_cache.py; for okrdesk.toml, which every
    command reads). ``plan_year``: the year of the plan the other target files write,
    for a syntax error's advice on a day written without its year; ``metrics``: the
    plugins' metrics, for its advice on a figure written below zero. ``read_past``: where
    given, a file whose mistakes of syntax are each its line's alone is added to it, read
    without those lines (``past_syntax``)."""
    shown = _shown(path, root)
    if _leads_round(path):
        to = printable(os.readlink(path))
        findings.problems.append(
            Problem(shown, 0, "", f"links to {to}, which leads round a loop of links and never "
                    "to a file; point the link at the file or remove it",
                    f"链接到 {to}，但这些链接绕成了一个圈，找不到文件；"
                    "请让链接指向该文件，或删除此链接")
        )  # fmt: skip
        return None
    if path.is_symlink() and not path.exists():
        gone = printable(os.readlink(path))
        findings.problems.append(
            Problem(shown, 0, "", f"links to {gone}, which does not exist; restore that file "
                    "or remove the link",
                    f"链接到 {gone}，但该文件不存在；请恢复该文件或删除此链接")
        )  # fmt: skip
        return None
    if not path.resolve().is_relative_to(root.resolve()):
        # Never read: its first line would be quoted as a syntax error's context.
        findings.problems.append(
            Problem(shown, 0, "", "links to a file outside the workspace; a target file "
                    "must be the workspace's own, and was not read",
                    "链接到工作区之外的文件；目标文件必须是工作区自己的文件，此文件未读取")
        )  # fmt: skip
        return None
    try:
        size, raw = read_workspace_file(path)
    except NotAFile as error:
        kind = error.strerror or ""
        findings.problems.append(
            Problem(shown, 0, "", f"is {kind}: okrdesk reads only files here, and waits for "
                    "nothing to be written to it; put the file itself in its place",
                    f"是{_KIND_ZH.get(kind, kind)}：这里只读取文件，不会等待写入；"
                    "请换成文件本身")
        )  # fmt: skip
        return None
    except OSError as error:  # gone or unreadable since the folder was listed
        reason = error.strerror or str(error)
        findings.problems.append(
            Problem(shown, 0, "", f"cannot be read: {reason}", f"无法读取：{reason}")
        )
        return None
    if size > MAX_FILE_BYTES:
        findings.problems.append(
            Problem(shown, 0, "", f"the file is {size / 1024 / 1024:.1f} MB; target files are "
                    f"limited to {MAX_FILE_BYTES // 1024 // 1024} MB. Is it really a target file?",
                    f"文件大小为 {size / 1024 / 1024:.1f} MB；目标文件不能超过 "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MB。它真的是目标文件吗？")
        )  # fmt: skip
        return None
    workbook = _workbook(raw)
    if workbook is not None:
        findings.problems.append(Problem(shown, 0, "", *workbook))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.warnings.append(
            Problem(shown, 1, "", "the file starts with a byte-order mark (BOM); it was ignored",
                    "文件以字节顺序标记（BOM）开头；已忽略")
        )  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        seems, seems_zh = _encoding_of(raw)
        findings.problems.append(
            Problem(shown, line, "", f"not UTF-8 text (byte 0x{raw[error.start]:02x}){seems}; "
                    "save the file as UTF-8",
                    f"不是 UTF-8 文本（字节 0x{raw[error.start]:02x}）{seems_zh}；"
                    "请把文件另存为 UTF-8")
        )  # fmt: skip
        return None
    if not text.strip():
        findings.warnings.append(Problem(shown, 0, "", "the file is empty", "文件是空的"))
    # Only a text without hazards is kept: one read from the cache has none.
    data = toml_cache.kept(path, text) if kept else None
    hazards: list[Hazard] = []
    if data is None:
        import tomllib  # here: a kept file is read without it, and its import is costly

        from okrdesk.targets.syntax import merge_conflicts, neutralise

        if conflicts := merge_conflicts(text):
            for conflict in conflicts:
                findings.problems.append(
                    Problem(shown, conflict.line, "", conflict.message, conflict.zh)
                )
            return None
        read, hazards = neutralise(text)
        try:
            data = tomllib.loads(read, parse_float=Decimal)
        except tomllib.TOMLDecodeError as error:
            problems, rest = _syntax_problems(shown, read, error, plan_year, metrics)
            findings.problems.extend(problems)
            if rest is not None and read_past is not None:
                from okrdesk.targets.past_syntax import ReadPast

                text, data, removed = rest
                source = SourceFile(path, shown, KeyLocator(text), data)
                read_past.append(ReadPast(source, text, removed))
            return None
        except (ValueError, RecursionError) as error:  # tomllib's limits, past our checks
            findings.problems.append(
                Problem(shown, 0, "", f"cannot be read: {error}", f"无法读取：{error}")
            )
            return None
        if kept and not hazards:
            toml_cache.keep(path, text, data)
        text = read
    source = SourceFile(path, shown, KeyLocator(text), data)
    for hazard in hazards:
        found = source.locator.path_at_line(hazard.line)
        if found is None:
            findings.problems.append(Problem(shown, hazard.line, "", hazard.message, hazard.zh))
        else:
            findings.problems.append(where_for(source, found).problem(hazard.message, hazard.zh))
    return source


def _syntax_problems(
    shown: str,
    text: str,
    error: Exception,
    plan_year: Callable[[], PlanYear | None] | None = None,
    metrics: Mapping[str, model.MetricSpec] | None = None,
) -> tuple[list[Problem], tuple[str, dict[str, Any], tuple[int, ...]] | None]:
    """Every mistake of syntax in the file, up to a limit, where tomllib stops at the
    first: each one that is its line's alone is left out and the rest read again, so
    that one run tells them all. With them, where the rest reads once they are left
    out, what it reads as, its text and the lines left out (``past_syntax`` checks its
    keys); else None."""
    import tomllib

    from okrdesk.targets.syntax import MOST_SYNTAX_PROBLEMS, past_line_mistake

    problems = [_syntax_problem(shown, text, str(error), plan_year, metrics)]
    removed: list[int] = []
    while True:
        at = re.search(_POSITION, str(error))
        if at is None or int(at.group(1)) != problems[-1].line:
            break  # told at another line than tomllib's, or at the end: not its own
        rest = past_line_mistake(text, problems[-1].line)
        if rest is None:
            break
        text = rest
        removed.append(problems[-1].line)
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as later:
            error = later
            found = _syntax_problem(shown, text, str(error), plan_year, metrics)
            if len(problems) == MOST_SYNTAX_PROBLEMS:
                most = MOST_SYNTAX_PROBLEMS
                problems.append(Problem(shown, found.line, "",
                    f"TOML syntax: more mistakes of syntax follow from this line; the first "
                    f"{most} are listed above: fix them and validate again",
                    f"TOML 语法错误：从这一行起还有语法错误；上面只列出了前 {most} 处："
                    "改好后请再次检查"))  # fmt: skip
                break
            problems.append(found)
            continue
        except (ValueError, RecursionError):
            break
        return problems, (text, data, tuple(removed))
    return problems, None


def syntax_problem(shown: str, text: str, error: Exception) -> Problem:
    """The mistake of syntax tomllib found in ``text``, a TOML file of okrdesk's other than
    a target file (a split's weights), told as a target file's is: at its line, in English
    and in Chinese."""
    return _syntax_problem(shown, text, str(error), None)


def _syntax_problem(
    shown: str,
    text: str,
    message: str,
    plan_year: Callable[[], PlanYear | None] | None,
    metrics: Mapping[str, model.MetricSpec] | None = None,
) -> Problem:
    match = re.search(_POSITION, message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        detail, where = message[: match.start()], f" (column {column})"
        where_zh = f"（第 {column} 列）"
    else:
        line, detail, where = text.count("\n") + 1, re.sub(_AT_END, "", message), " at the end"
        where_zh = "（在文件末尾）"
    from okrdesk.targets.syntax import opening_line

    settings = shown.endswith("okrdesk.toml")
    better = opening_line(
        text, line, message, settings=settings, plan_year=plan_year, metrics=metrics
    )
    if better is not None:
        at, said = better
        return Problem(shown, at, "", f"TOML syntax: {said.en}", f"TOML 语法错误：{said.zh}")
    from okrdesk.targets.syntax import tomllib_key

    key = tomllib_key(detail)
    if key is not None:  # tomllib names a key as a Python tuple: ('budget', 'lines')
        detail = re.sub(r"\(['\"].*['\"],?\)", f"[{key}]", detail)
    return Problem(
        shown,
        line,
        "",
        f"TOML syntax: {_sentence(detail)}{where}",
        f"TOML 语法错误：{_in_chinese(detail)}{where_zh}",
    )


def _sentence(text: str) -> str:
    """tomllib's message as part of ours: first letter lower-cased, the rest as written."""
    return text[:1].lower() + text[1:]


# tomllib's messages (CPython 3.11, Lib/tomllib/_parser.py) in Chinese: the fixed ones,
# then those naming a key or a character, which is kept as tomllib shows it.
_TOMLLIB_ZH = {
    "Invalid statement": "无效的语句",
    "Expected newline or end of document after a statement": "一条语句之后应是换行或文件末尾",
    "Cannot overwrite a value": "不能覆盖已有的值",
    "Expected ']' at the end of a table declaration": "表头末尾应为 ']'",
    "Expected ']]' at the end of an array declaration": "表数组的表头末尾应为 ']]'",
    "Expected '=' after a key in a key/value pair": "键后面应为 '='",
    "Invalid initial character for a key part": "键的第一个字符无效",
    "Unclosed array": "数组没有闭合",
    "Unclosed inline table": "内联表没有闭合",
    "Unescaped '\\' in a string": "文本里的 '\\' 没有转义",
    "Invalid hex value": "无效的十六进制值",
    "Escaped character is not a Unicode scalar value": "转义的字符不是有效的 Unicode 字符",
    "Unterminated string": "文本没有结束（缺少结尾的引号）",
    "Invalid date or datetime": "无效的日期或日期时间",
    "Invalid value": "无效的值",
}
_TOMLLIB_ZH_NAMING = (
    (r"Expected ('[^']*'|\"[^\"]*\")", "应有 {}"),
    (r"Found invalid character (.+)", "发现无效的字符 {}"),
    (r"Illegal character (.+)", "非法字符 {}"),
    (r"Cannot declare (.+) twice", "{} 不能声明两次"),
    (r"Cannot mutate immutable namespace (.+)", "{} 已写定（内联表或数组），不能再改动"),
    (r"Cannot redefine namespace (.+)", "不能重新定义 {}"),
    (r"Duplicate inline table key (.+)", "内联表里的键 {} 重复"),
)


def _in_chinese(detail: str) -> str:
    """tomllib's message in Chinese; one it is not known to give stays in English."""
    if detail in _TOMLLIB_ZH:
        return _TOMLLIB_ZH[detail]
    for pattern, zh in _TOMLLIB_ZH_NAMING:
        named = re.fullmatch(pattern, detail, re.DOTALL)
        if named:
            return zh.format(named.group(1))
    return _sentence(detail)


def target_files(targets: Path) -> list[Path]:
    """The folder's ``*.toml`` entries that are not folders (links to files too, links to
    nothing and named pipes, which reading reports: a team's file missing from a checkout
    must not pass unseen), in order of name."""
    with os.scandir(targets) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".toml") and _a_file(e))
    return [targets / name for name in names]


_ID_IN_TEXT = r"""\bid[ \t　]*[=＝：][ \t　]*(?:["'“]([^"'”\n]*)["'”]|([^\s"'“”#,}\]]+))"""
"""An id written in a file's text, quoted or not: ``id = cm05``, without its quotes, is
often the very mistake that stops the file reading. (Compiled only for a file that does
not read.)"""
_ROLE_IN_TEXT = _ID_IN_TEXT.replace(r"\bid", r"\brole", 1)
"""A person's role written in a file's text, as an id is."""


def _written_in_text(path: Path) -> tuple[set[str], set[str]] | None:
    """The ids and the roles a file that did not read as TOML writes (``id = "cm01"``,
    ``role = "cm"``), found in its text, so that the other files' references and
    scoring roles are checked around them; None when it is not text (a workbook, too
    large, gone)."""
    try:
        raw = read_workspace_file(path)[1]
    except OSError:
        return None
    if not raw.strip() or _workbook(raw) is not None:
        return None
    encodings = (
        ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    )
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (
            {q or bare for q, bare in re.findall(_ID_IN_TEXT, text)},
            {q or bare for q, bare in re.findall(_ROLE_IN_TEXT, text)},
        )
    return None


def misnamed_files(targets: Path) -> list[tuple[str, str]]:
    """Files that look meant for the plan but are not read, each with the name it would be
    read under: ``team.toml.txt`` as Windows Notepad saves it, or ``TEAM.TOML``."""
    found = []
    with os.scandir(targets) as entries:
        names = sorted(e.name for e in entries if not e.name.endswith(".toml"))
    for name in names:
        folded = name.lower()
        if folded.endswith((".toml", ".toml.txt")):
            found.append((name, name[: folded.rindex(".toml")] + ".toml"))
    return found


def _not_read(targets: Path, root: Path) -> list[Problem]:
    """A warning for each of ``misnamed_files``: the plan would silently lack what it says."""
    found = []
    for name, meant in misnamed_files(targets):
        shown, meant = f"{display_path(targets, root)}/{printable(name)}", printable(meant)
        found.append(Problem(shown, 0, "", "is not read: only files ending in .toml are; if it "
                             f"belongs to the plan, rename it {meant}",
                             "未读取：只读取以 .toml 结尾的文件；如果它属于计划，"
                             f"请改名为 {meant}"))  # fmt: skip
    return found


def folders_named_toml(targets: Path) -> list[tuple[str, list[str]]]:
    """Folders in ``targets`` named like a target file (``team-b.toml/``), each with the
    ``.toml`` files directly in it, in order of name: almost surely a mistake (a file
    unpacked into a folder of its own name), and the plan would lack what they hold."""
    found = []
    with os.scandir(targets) as entries:
        folders = sorted(e.name for e in entries if e.name.endswith(".toml") and _a_folder(e))
    for name in folders:
        try:
            with os.scandir(targets / name) as inside:
                held = sorted(e.name for e in inside if e.name.endswith(".toml") and _a_file(e))
        except OSError:  # unreadable: it is still a folder where a file was meant
            held = []
        found.append((name, held))
    return found


def _folders_named_toml(targets: Path, root: Path) -> list[Problem]:
    """A problem for each of ``folders_named_toml``: what it holds is not in the plan."""
    found = []
    for name, held in folders_named_toml(targets):
        shown = f"{display_path(targets, root)}/{printable(name)}"
        if held:
            listed = printable(", ".join(held))
            are, them = ("is", "it") if len(held) == 1 else ("are", "them")
            said = Said(f"is a folder, not a file: only the .toml files directly inside "
                        f"targets/ are read, so the {listed} in it {are} not; move {them} up "
                        "into targets/ and remove the folder",
                        f"是文件夹，不是文件：只读取 targets/ 下直接存放的 .toml 文件，其中的 "
                        f"{printable('、'.join(held))} 不会被读取；请移到 targets/ 下，"
                        "并删除这个文件夹")  # fmt: skip
        else:
            said = Said("is a folder, not a file, and holds no .toml file: a folder named "
                        "like a target file is not read; rename it without .toml or remove it",
                        "是文件夹，不是文件，且其中没有 .toml 文件：以 .toml 命名的文件夹不会"
                        "被读取；请去掉名字中的 .toml，或删除它")  # fmt: skip
        found.append(Problem(shown, 0, "", *said))
    return found


def _a_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _shown(path: Path, root: Path) -> str:
    """``display_path``, but a link to nothing is named by itself: it has no target."""
    if path.is_symlink() and not path.exists():
        folder = display_path(path.parent, root)
        return path.name if folder == "." else f"{folder}/{path.name}"
    return display_path(path, root)


def _a_file(entry: os.DirEntry[str]) -> bool:
    try:
        return not entry.is_dir()  # a link to nothing is no folder either
    except OSError:  # a link in a loop of links: reading it reports it
        return entry.is_symlink()


def _leads_round(path: Path) -> bool:
    try:
        path.stat()
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def load_plan(
    root: Path,
    metrics: Mapping[str, model.MetricSpec] | None = None,
    targets: Path | None = None,
    clashes: Mapping[str, Sequence[str]] | None = None,
    unloaded: Sequence[str] = (),
    undeclared: Mapping[str, str] | None = None,
) -> LoadResult:
    """Read every ``targets/*.toml`` of the workspace at ``root``.

    ``metrics`` is the catalog of metrics the loaded plugins provide; with
    None, metric names are not checked. ``clashes``: the metrics several plugins
    declare (so none provides), with those plugins, for a key result naming one;
    ``unloaded``: the plugins that did not load, any of which may declare a metric
    no loaded plugin provides; ``undeclared``: metric → the plugin that said it could
    not declare it (a broken SQL definition).
    """
    # Imported here: a plan kept in the user's cache (plan_cache) is read without them,
    # and okrdesk.toml (settings) needs only parse_toml_file.
    from okrdesk.targets.checks import check_all
    from okrdesk.targets.draft import Draft
    from okrdesk.targets.schema import read_file

    targets = targets or root / "targets"
    findings = Findings()
    files = target_files(targets) if targets.is_dir() else []
    shown = display_path(targets, root)
    if not files:
        findings.problems.append(
            Problem(
                shown,
                0,
                "",
                "no target files (*.toml) found; `okrdesk init` makes a workspace",
                "没有找到目标文件（*.toml）；`okrdesk init` 可以建立工作区",
            )
        )
    if targets.is_dir():
        findings.warnings.extend(_not_read(targets, root))
        findings.problems.extend(_folders_named_toml(targets, root))
    draft = Draft(metrics=metrics)

    @functools.cache
    def plan_year() -> PlanYear | None:
        from okrdesk.targets.plan_year import plan_year_of  # for a day without its year only

        return plan_year_of({_shown(path, root): path for path in files})

    for path in files:
        read_past: list[ReadPast] = []
        source = parse_toml_file(
            path, root, findings, plan_year=plan_year, metrics=metrics, read_past=read_past
        )
        if read_past:
            from okrdesk.targets.past_syntax import problems_past_syntax

            def check(source: SourceFile, found: Findings) -> None:
                read_file(source, Draft(metrics=metrics), found)

            for partly in read_past:
                findings.problems.extend(problems_past_syntax(partly, check))
        if source is None:
            draft.incomplete.add("files")
            written = _written_in_text(path)
            if written is None:  # nothing known of what it defines
                draft.incomplete.add("text")
            else:
                draft.maybe_ids.update(written[0])
                # A person written without a role has the default one.
                draft.maybe_roles.update(
                    {*written[1], str(attrs.fields(model.Person).role.default)}
                )
        else:
            read_file(source, draft, findings)
    if files and not draft.plans and "files" not in draft.incomplete and "plan" not in draft.unread:
        findings.problems.append(
            Problem(shown, 0, "plan", "missing; one target file needs a [plan] table",
                    "缺少；须有一个目标文件写 [plan] 表")
        )  # fmt: skip
    check_all(draft, findings, metrics, clashes, unloaded, undeclared)
    plan = _assemble(draft) if not findings.problems else None
    return LoadResult(
        plan=plan,
        problems=tuple(sorted(set(findings.problems))),
        warnings=tuple(sorted(set(findings.warnings))),
        files=tuple(_shown(p, root) for p in files),
        objective_files={o.value.id: o.where.file.path for o in draft.objectives},
    )


def load_plan_or_fail(
    root: Path, metrics: Mapping[str, model.MetricSpec] | None = None
) -> model.Plan:
    result = load_plan(root, metrics)
    if result.plan is None:
        raise ValidationFailed(result.problems)
    return result.plan


def _assemble(draft: Draft) -> model.Plan:
    header = draft.plans[0].value
    settings: dict[str, Any] = {}
    for entry in draft.budget_settings:
        settings.update(entry.value)
    budget = model.Budget(
        lines=tuple(line.value for line in draft.budget_lines),
        total=settings.get("total"),
        expected_revenue=settings.get("expected_revenue"),
        threshold=settings.get("breaker_threshold", Decimal("0.10")),
        revenue_metric=next((t.value["revenue_metric"] for t in draft.budget_texts), None),
        expense_ratio_max=settings.get("expense_ratio_max"),
        signers=tuple(name for entry in draft.budget_signers for name in entry.value),
    )
    return model.Plan(
        id=header.id,
        name=header.name,
        year=header.year,
        start=header.start,
        end=header.end,
        top=header.unit,
        grain=header.grain,
        attainment_cap=header.attainment_cap,
        units=tuple(u.value for u in draft.units),
        people=tuple(p.value for p in draft.people),
        phases=tuple(sorted((p.value for p in draft.phases), key=lambda p: p.start)),
        objectives=tuple(o.value for o in draft.objectives),
        budget=budget,
        scoring=tuple(s.value for s in draft.scoring),
        baselines=draft.baselines,
        people_left=tuple(ident for _, ident in draft.people_left),
    )


def _workbook(raw: bytes) -> tuple[str, str] | None:
    """A spreadsheet saved under a .toml name (an .xlsx is a zip file, an .xls an OLE2
    one): what it is, in English and Chinese, rather than "not UTF-8 (byte 0x87)"."""
    if raw.startswith(b"PK\x03\x04"):
        kind = "a zip file, such as an Excel workbook (.xlsx)"
        kind_zh = " zip 文件（例如 Excel 工作簿 .xlsx）"
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "an Excel workbook (.xls) or another Office file"
        kind_zh = " Excel 工作簿（.xls）或其他 Office 文件"
    else:
        return None
    return (f"is {kind}, not text: a target file is TOML text; write the figures in a text "
            "editor, as the other target files do",
            f"是{kind_zh}，不是文本：目标文件是 TOML 文本；请用文本编辑器，"
            "按其他目标文件的写法填写")  # fmt: skip


def _encoding_of(raw: bytes) -> tuple[str, str]:
    """What a target file that is not UTF-8 seems to be saved as, as Windows editors and
    Excel save Chinese: UTF-16, or GBK (GB18030); empty when it is neither."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ": it seems to be UTF-16", "，像是 UTF-16"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return "", ""
    if any("\u4e00" <= char <= "\u9fff" for char in text):
        return ": it seems to be GBK (GB18030)", "，像是 GBK（GB18030）编码"
    return "", ""
