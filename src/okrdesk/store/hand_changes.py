"""What okrdesk says of a store changed by other software than itself: a figure edited
by hand and added up again, one put back as collected, a table, column, index or
constraint okrdesk never made, a column's type or NOT NULL changed, or row security
turned on (refused at opening), and a value that holds no number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from okrdesk.errors import BadInput, Said, printable
from okrdesk.records import shared_methods

if TYPE_CHECKING:
    pass


def added_up_again_said(location: str, pairs: Sequence[tuple[str, str]]) -> Said:
    en, zh = _periods_named(pairs)
    return Said(
        f"{location}: figures of {en} were changed outside okrdesk; their totals are added "
        "up again from the rows as they now are. The next `okrdesk collect` brings them "
        "back to what their source says: to keep a correction, make it in the source.",
        f"{location}：{zh}的数字在 okrdesk 之外被改动过，已按表中现有的行重新合计。"
        "下次运行 `okrdesk collect` 时，这些数字会恢复为数据源中的值；如需保留更正，"
        "请在数据源中修改。",
    )


def put_back_said(location: str, pairs: Sequence[tuple[str, str]]) -> Said:
    en, zh = _periods_named(pairs)
    return Said(
        f"{location}: figures of {en}, changed outside okrdesk, were put back by this "
        "collect to what their source says: to keep a correction, make it in the source.",
        f"{location}：{zh}中在 okrdesk 之外被改动过的数字，本次采集已恢复为数据源中的值；"
        "如需保留更正，请在数据源中修改。",
    )


def _periods_named(pairs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(metric, period) pairs as a few words, a metric's periods together: ``aum
    (2026-W01, 2026-W02)``, the rest counted past the first few."""
    by_metric: dict[str, list[str]] = {}
    for metric, period in pairs:
        # Written by other software: a line break in a name would forge a line of its own.
        by_metric.setdefault(printable(metric), []).append(printable(period))
    en, zh = [], []
    for metric, periods in sorted(by_metric.items()):
        shown, rest = periods[:3], len(periods) - 3
        en.append(f"{metric} ({', '.join(shown)}{f' and {rest} more' if rest > 0 else ''})")
        more = f" 等 {len(periods)} 个周期" if rest > 0 else ""
        zh.append(f"{metric}（{'、'.join(shown)}{more}）")
    return "; ".join(en), "；".join(zh)


def edits_unsummed(location: str, pairs: Sequence[tuple[str, str]], why: Said) -> Said:
    """Why a store whose observations other software changed cannot be read here: their
    totals must be added up again first, which ``why`` says cannot be done here."""
    en, zh = _periods_named(pairs)
    return Said(
        f"{location}: figures of {en} were changed outside okrdesk since it last added them "
        f"up, and they cannot be added up again here: {why.en}. Nothing was changed.",
        f"{location}：{zh}的数字在 okrdesk 之外被改动过，需要重新合计，但在此处无法进行："
        f"{why.zh}。未改动任何内容。",
    )


def edits_copied(location: str, pairs: Sequence[tuple[str, str]], why: Said) -> Said:
    """What a copy says of the hand edits its source left waiting, ``why`` it could not add
    them up itself: the copy's totals, added up from the rows, hold them."""
    en, zh = _periods_named(pairs)
    return Said(
        f"{location}: figures of {en} were changed outside okrdesk and could not be added "
        f"up there, {why.en}: the copy's totals are added up from the rows as they now are, "
        "those changes included.",
        f"{location}：{zh}的数字在 okrdesk 之外被改动过，{why.zh}，未能在源数据库中重新"
        "合计；副本的合计按表中现有的行算出，已包含这些改动。",
    )


def never_made(location: str, found: Sequence[tuple[str, str]]) -> BadInput:
    """The refusal of a store holding what okrdesk never makes, each ``found`` as its kind
    and name (``trigger fen``, ``default checkins.withdrawn = '2026-01-01'``), five named."""
    named = ", ".join(f"{kind} {printable(str(name))}" for kind, name in found[:5])
    extra = len(found) - 5
    more = (f" and {extra} more", f"，另有 {extra} 项") if extra > 0 else ("", "")
    return BadInput(Said(
        f"{location} holds what okrdesk never makes ({named}{more[0]}): SQL that would run "
        "inside okrdesk's own reads and writes, changing, deleting or refusing what it "
        "stores. Nothing was read or changed; use a store okrdesk wrote, or drop them if "
        "they are yours.",
        f"{location} 含有 okrdesk 从不创建的对象（{named}{more[1]}）：它们的 SQL 会在 "
        "okrdesk 读写数据时执行，可能改动或删除它存储的数据，或拒绝它的写入。未读取、"
        "未改动任何内容；请使用由 okrdesk 写入的数据库；如果这些对象是您建的，请删除它们。",
    ))  # fmt: skip


@attrs.frozen
@shared_methods
class ChangedByHand:
    """What the one look at okrdesk's tables finds changed by hand in what they are made
    of, the opening's (which refuses it) and ``Store.unlike_made``'s alike: each column
    ``retyped``, made ``not_null`` or ``nullable``, told with its way back, each column
    ``added`` (its table and name), each table under ``row_security`` with how to turn
    it off (on a server)."""

    retyped: Sequence[Said] = ()
    not_null: Sequence[Said] = ()
    nullable: Sequence[Said] = ()
    added: Sequence[tuple[str, str]] = ()
    row_security: Sequence[Said] = ()

    def told(self) -> list[Said]:
        """Each change, with its way back, in the order a refusal names them."""
        added = (_added(table, column) for table, column in self.added)
        return [*self.retyped, *self.not_null, *self.nullable, *added, *self.row_security]

    def why(self) -> Said:
        """What the changes found would do to okrdesk's reads and writes, in a few words
        that follow "Someone changed them by hand"."""
        why = [_READ_BACK_OTHERWISE] if self.retyped else []
        why += [_WRITES_REFUSED] if self.not_null else []
        why += [_NULLS_UNREAD] if self.nullable else []
        why += [_NOT_KEPT] if self.added else []
        why += [_ROWS_HIDDEN] if self.row_security else []
        return Said("".join(w.en for w in why), "".join(w.zh for w in why))


def not_as_made(location: str, changed: ChangedByHand) -> BadInput:
    """The refusal of a store whose tables were ``changed`` by hand, each change with its
    way back; on SQLite and on a server alike."""
    told, why = changed.told(), changed.why()
    return BadInput(Said(
        f"{location}: okrdesk's tables are not as okrdesk made them: "
        f"{'; '.join(t.en for t in told)}. Someone changed them by hand"
        f"{why.en}. Nothing was read or changed.",
        f"{location}：okrdesk 的数据表已不是 okrdesk 建的样子："
        f"{'；'.join(t.zh for t in told)}。"
        f"有人手工改动过它们{why.zh}。"
        "未读取、未改动任何内容。",
    ))  # fmt: skip


def retyped(table: str, column: str, found: str, made: str, back: Said) -> Said:
    """A column of one of okrdesk's tables ``found`` of another type than okrdesk ``made``
    it, with the way ``back``; in an SQLite file and on a server alike."""
    shown = printable(found) or "(none)"
    return Said(
        f"{table}.{column} is of type {shown}, not {made} ({back.en})",
        f"{table} 表的 {column} 列类型为 {shown}，而非 {made}（{back.zh}）",
    )


_READ_BACK_OTHERWISE = Said(
    ", and what okrdesk stored there would not read back as written",
    "，okrdesk 写入这些列的值读回时会与写入时不一致",
)


_WRITES_REFUSED = Said(
    ", and okrdesk's writes that leave such a column empty would be refused midway",
    "，okrdesk 的写入凡是让这类列为空的，都会因违反非空约束而中途失败",
)


_NULLS_UNREAD = Said(
    ", and rows written there by other software may hold NULLs where okrdesk's reads "
    "never expect one",
    "，其他软件写入的行可能在这些列中留下 NULL，而 okrdesk 读取时默认这些列不会为空",
)


_NOT_KEPT = Said(
    "; okrdesk never writes a column it does not make, nor can it copy one to another "
    "store (`okrdesk store copy`), so what such a column holds belongs in a table of your own",
    "；okrdesk 不会写入不是它建的列，`okrdesk store copy` 也不会把这类列复制到另一个"
    "数据库，列中的数据应放到您自己的表里",
)


_ROWS_HIDDEN = Said(
    ", and its policies would hide rows from okrdesk's reads without a word (a report "
    "missing check-ins, a budget missing spend) or refuse its writes as if the role "
    "lacked the rights",
    "，行级安全策略会让 okrdesk 在不报错的情况下查不到部分行（报告缺少打卡记录、预算缺少"
    "支出），或拒绝它的写入，而报错看起来像是角色缺少写权限",
)


def row_security(table: str, forced: bool) -> Said:
    """One of okrdesk's tables on a server with row security on (``forced`` on its owner
    too), with the statement that turns it off."""
    off = "DISABLE ROW LEVEL SECURITY" + (", NO FORCE ROW LEVEL SECURITY" if forced else "")
    back = f"`ALTER TABLE {table} {off}`"
    return Said(
        f"{table} has row security on ({back})",
        f"{table} 表启用了行级安全（{back}）",
    )


def not_null_added(table: str, column: str, back: Said) -> Said:
    """A column of okrdesk's that okrdesk makes without ``NOT NULL``, found with one, and
    the way ``back``."""
    return Said(
        f"{table}.{column} is NOT NULL, as okrdesk never makes it ({back.en})",
        f"{table} 表的 {column} 列被加上了 NOT NULL 约束，而 okrdesk 建的该列允许为空（{back.zh}）",
    )


def not_null_dropped(table: str, column: str, back: Said) -> Said:
    """A column of okrdesk's that okrdesk makes ``NOT NULL``, found without, and the way
    ``back``."""
    return Said(
        f"{table}.{column} may hold NULL, as okrdesk never makes it ({back.en})",
        f"{table} 表的 {column} 列被去掉了 NOT NULL 约束，而 okrdesk 建的该列不允许为空"
        f"（{back.zh}）",
    )


def _added(table: str, column: str) -> Said:
    """A column added to one of okrdesk's tables, named, with how to take it out."""
    shown = printable(column)
    quoted = column.replace('"', '""')
    drop = f'`ALTER TABLE {table} DROP COLUMN "{quoted}"`'
    return Said(
        f"{table}.{shown} is a column okrdesk never makes (keep what it holds elsewhere, "
        f"then {printable(drop)})",
        f"{table} 表的 {shown} 列不是 okrdesk 建的（请先把列中的数据另存，再运行 "
        f"{printable(drop)}）",
    )


def holds_no_number(found: tuple[str, str, str, str, str, object]) -> Said:
    """Where an observation holds a figure that is no number, in a few words."""
    metric, period, subject, cut, column, value = found
    at = f"metric {metric}, period {period}, subject {subject}"
    at_zh = f"指标 {metric}，周期 {period}，对象 {subject}"
    if cut:
        at, at_zh = f"{at}, slice {cut}", f"{at_zh}，切片 {cut}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        size = len(value)
        return Said(
            f"observations row ({at}): {column} holds binary data ({size} "
            f"{'byte' if size == 1 else 'bytes'}), which "
            "okrdesk never writes",
            f"observations 表的一行（{at_zh}）：{column} 的值是二进制数据（{size} 字节），"
            "okrdesk 从不写入这样的值",
        )
    shown = printable(repr(value))[:80]
    return Said(
        f"observations row ({at}): {column} holds {shown}, which okrdesk never writes",
        f"observations 表的一行（{at_zh}）：{column} 的值是 {shown}，okrdesk 从不写入这样的值",
    )
