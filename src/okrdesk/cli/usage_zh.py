"""click's refusals of a command line, in Chinese for a Chinese workspace.

click words a mistake in the command line itself (an option it does not know,
an argument missing, a value its type refuses) in English. In a workspace
whose language is Chinese every other refusal is Chinese, so these are too:
each kind of ``click.UsageError`` is worded again from what it carries (the
option's name, the parameter, the value quoted in click's own message). A
message from a type this module does not know keeps click's English detail
inside the Chinese frame rather than being guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import click

# What click's types say of a value, quoted by ``repr`` at the start of the message.
_VALUE = r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_NOT_A_NUMBER = re.compile(rf"^{_VALUE} is not a valid (?P<kind>integer|float)(?: range)?\.$")
_NOT_A_CHOICE = re.compile(rf"^{_VALUE} is not (?:one of )?(?P<choices>.+)\.$")
_OUT_OF_RANGE = re.compile(r"^(?P<value>\S+) is not in the range (?P<range>.+)\.$")
_NO_SUCH_PATH = re.compile(rf"^(?:File|Directory|Path) {_VALUE} does not exist\.$")
_IS_A_FILE = re.compile(rf"^Directory {_VALUE} is a file\.$")
_IS_A_FOLDER = re.compile(rf"^File {_VALUE} is a directory\.$")
_NEEDS_VALUES = re.compile(
    r"^Option '(?P<name>[^']+)' requires (?:an argument|(?P<n>\d+) arguments)\.$"
)
_TAKES_NO_VALUE = re.compile(r"^Option '(?P<name>[^']+)' does not take a value\.$")
_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")
_NUMBER_KINDS = {"integer": "整数", "float": "数"}


class NotADay(click.BadParameter):
    """A ``--as-of`` (or any day) that is not a day written as YYYY-MM-DD."""

    def __init__(
        self, value: str, ctx: click.Context | None, param: click.Parameter | None
    ) -> None:
        super().__init__(
            f"{value!r} is not a day; write it as YYYY-MM-DD, for example 2026-11-20", ctx, param
        )
        self.value = value


class Refused(click.BadParameter):
    """A value an option or argument refuses in okrdesk's own words, each language's
    (``options.Number``): ``--wait: '10m' is not a number of seconds; …``."""

    def __init__(
        self, en: str, zh: str, ctx: click.Context | None, param: click.Parameter | None
    ) -> None:
        super().__init__(en, ctx, param)
        self.zh = zh

    def format_message(self) -> str:
        return f"{self.named()}: {self.message}"

    def named(self) -> str:
        """The option as its longest name (``--jobs``, not ``-j``), or the argument's
        name (``ENTRY``)."""
        param = self.param
        if isinstance(param, click.Option):
            return max(param.opts, key=len)
        return param.human_readable_name if param is not None else "value"


def in_chinese(error: click.UsageError) -> str:
    """What ``error.show`` prints, in Chinese: the usage line, where to find help, and the
    mistake."""
    lines: list[str] = []
    ctx = error.ctx
    if ctx is not None:
        lines.append(ctx.get_usage().replace("Usage: ", "用法：", 1))
        if ctx.command.get_help_option(ctx) is not None:
            help_option = max(ctx.command.get_help_option_names(ctx), key=len)
            lines.append(f"运行 '{ctx.command_path} {help_option}' 查看说明。")
        lines.append("")
    lines.append(f"错误：{_mistake(error)}")
    return "\n".join(lines)


def _mistake(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 '{error.option_name}'{_close(error.possibilities)}"
    if isinstance(error, click.NoSuchCommand):
        return f"没有命令 '{error.command_name}'{_close(error.possibilities)}"
    if isinstance(error, click.MissingParameter):
        return _missing(error)
    if isinstance(error, Refused):
        return f"{error.named()}：{error.zh}"
    if isinstance(error, click.BadParameter):
        return f"{_parameter(error)} 的值无效：{_refused_value(error)}"
    found = _NEEDS_VALUES.match(error.message)
    if found:
        count = "一个值" if found["n"] is None else f"{found['n']} 个值"
        return f"选项 '{found['name']}' 后面须给出{count}"
    found = _TAKES_NO_VALUE.match(error.message)
    if found:
        return f"选项 '{found['name']}' 不带值"
    found = _EXTRA.match(error.message)
    if found:
        return f"多余的参数：{found['args']}"
    if error.message == "Missing command.":
        return "缺少命令"
    return error.format_message()


def _close(possibilities: Sequence[str] | None) -> str:
    if not possibilities:
        return ""
    return "（是不是 " + "、".join(f"'{p}'" for p in sorted(possibilities)) + "？）"


def _missing(error: click.MissingParameter) -> str:
    param = error.param
    kind = error.param_type or (param.param_type_name if param is not None else "parameter")
    noun = {"argument": "参数", "option": "选项"}.get(kind, "参数")
    if param is None:
        return f"缺少{noun}"
    said = f"缺少{noun} {param.get_error_hint(error.ctx)}"
    if isinstance(param.type, click.Choice):
        said += "；可选：" + "、".join(map(str, param.type.choices))
    return said


def _parameter(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(f"'{h}'" for h in hint)
    if error.param is not None:
        return error.param.get_error_hint(error.ctx)
    return "参数"


_VALUE_REFUSALS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_NOT_A_NUMBER, lambda m: f"{m['value']} 不是{_NUMBER_KINDS[m['kind']]}"),
    (_OUT_OF_RANGE, lambda m: f"{m['value']} 不在 {m['range']} 范围内"),
    (_NO_SUCH_PATH, lambda m: f"{m['value']} 不存在"),
    (_IS_A_FILE, lambda m: f"{m['value']} 是文件，不是文件夹"),
    (_IS_A_FOLDER, lambda m: f"{m['value']} 是文件夹，不是文件"),
)
"""click's words for a value its type refuses, each with its Chinese."""


def _refused_value(error: click.BadParameter) -> str:
    if isinstance(error, NotADay):
        return f"{error.value!r} 不是日期，请写作 YYYY-MM-DD，例如 2026-11-20"
    message = error.message
    for pattern, said in _VALUE_REFUSALS:
        found = pattern.match(message)
        if found:
            return said(found)
    param = error.param
    if param is not None and isinstance(param.type, click.Choice):
        found = _NOT_A_CHOICE.match(message)
        if found:
            choices = "、".join(map(str, param.type.choices))
            return f"{found['value']} 不是可选值；可选：{choices}"
    return message
