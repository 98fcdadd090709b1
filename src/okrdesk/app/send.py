"""``okrdesk send``: the report's summary to each configured chat group and mailbox.

The full HTML report is written into the workspace's reports folder first;
email attaches it, chat messages say where it is. Every channel is tried:
one that fails is named, and the others still get the message. Reminders of
who owes a check-in (``send --due``) go through the same channels as a
``Message`` of their own.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from okrdesk.app.report import find_format, make_report, report_date, write_report
from okrdesk.app.session import Session
from okrdesk.delivery import channels
from okrdesk.delivery.message import Message
from okrdesk.delivery.summary import summary
from okrdesk.delivery.transport import Clock, DeliveryFailed, Stopped, SystemClock
from okrdesk.errors import BadInput, Said, ValidationFailed, printable
from okrdesk.messages import counted, label
from okrdesk.model import Checkin
from okrdesk.report.render import printable_copy
from okrdesk.targets.reader import no_such
from okrdesk.targets.settings import Channel


@attrs.frozen
class Outcome:
    channel: Channel
    sent: int = 0
    error: Said | None = None
    parts: int = 1
    """The messages a failed channel was to get, of which ``sent`` went before it failed."""
    advice: Said | None = None
    """What to do about the failure, said after how many parts went."""
    unsure: bool = False
    """A failed channel that may have the message all the same: its request went and no
    answer said whether the bot took it."""
    reached_some: bool = False
    """A failed channel some of whose recipients have the message (a mail server refused
    the others): its ``advice`` says what to do, never a send to it alone."""

    def text(self, lang: str = "en") -> str:
        """What became of the channel, in ``lang`` (a bot's or mail server's own reply
        as it gave it)."""
        words = _SAID[lang]
        if self.error is None:
            n = counted(self.sent, "message") if lang == "en" else self.sent
            return words["sent"].format(name=self.channel.name, kind=self.channel.kind, n=n)
        said = words["error"].format(name=self.channel.name, kind=self.channel.kind,
                                     error=self.error.text(lang))  # fmt: skip
        if self.sent:
            said += words["partly"].format(sent=self.sent, parts=self.parts)
        if self.advice is not None:
            said += ("；" if lang == "zh" else "; ") + self.advice.text(lang)
        return said


_SAID = {
    "en": {
        "sent": "sent to {name} ({kind}): {n}",  # 1 message, 2 messages
        "error": "error: {name} ({kind}): {error}",
        "partly": "; {sent} of {parts} parts were sent before it failed",
        "none_owed": "No check-ins owed on {day}: nothing sent.",
        "none_owed_in": "No check-ins owed on {day} in {units}: nothing sent to {names}.",
    },
    "zh": {
        "sent": "已发送至 {name}（{kind}）：{n} 条消息",
        "error": "发送失败：{name}（{kind}）：{error}",
        "partly": "；共 {parts} 条，失败前已发出 {sent} 条",
        "none_owed": "{day} 无待打卡：未发送。",
        "none_owed_in": "{day} {units}无待打卡：未发送至 {names}。",
    },
}
"""What ``okrdesk send`` says of each channel, and of a reminder with nobody to remind."""


def nothing_owed(day: object, lang: str) -> str:
    return _SAID[lang]["none_owed"].format(day=day)


def nothing_owed_in(
    session: Session, day: object, lang: str, quiet: list[tuple[str | None, tuple[Channel, ...]]]
) -> str:
    """What ``send --due`` says of the channels it sent nothing while others got their
    unit's reminder: which units owe nothing, and which channels were left alone."""
    plan = session.plan
    between = "、" if lang == "zh" else ", "
    units = between.join(plan.name_of(unit or plan.top) for unit, _ in quiet)
    names = between.join(c.name for _, channels in quiet for c in channels)
    return _SAID[lang]["none_owed_in"].format(day=day, units=units, names=names)


NO_CHANNELS = Said(
    "no channels to send to: add [[send.channels]] to okrdesk.toml (docs/delivery.md)",
    "没有可发送的渠道：请在 okrdesk.toml 中添加 [[send.channels]]（见 docs/delivery.md）",
)
NO_SUCH_CHANNEL = Said(
    "--channel {name}: no such channel; the channels are: {known}",
    "--channel {name}：没有这个渠道；已有的渠道：{known}",
)


def chosen_channels(session: Session, names: tuple[str, ...]) -> tuple[Channel, ...]:
    if session.problems:
        # A channel okrdesk.toml gets wrong is left out of the settings: name its
        # mistakes, not "no channels".
        raise ValidationFailed(session.problems)
    configured = session.workspace.send.channels
    if not configured:
        raise BadInput(NO_CHANNELS)
    known = {c.name for c in configured}
    unknown = [n for n in names if n not in known]
    if unknown:
        name, listed = printable(unknown[0]), sorted(known)
        raise BadInput(Said(
            NO_SUCH_CHANNEL.en.format(name=name, known=", ".join(listed)),
            NO_SUCH_CHANNEL.zh.format(name=name, known="、".join(listed)),
        ))  # fmt: skip
    chosen = tuple(c for c in configured if not names or c.name in names)
    plan = session.plan
    for c in chosen:
        if c.unit is not None and not plan.has_subject(c.unit):
            ids = plan.subject_ids
            raise BadInput(Said(*(
                f"okrdesk.toml: [[send.channels]] {printable(c.name)}: unit"
                f"{label(lang, 'colon')}{no_such('unit or person', c.unit, ids, lang=lang)}"
                for lang in ("en", "zh")
            )))  # fmt: skip
    return chosen


def by_unit(
    targets: tuple[Channel, ...], unit: str | None
) -> list[tuple[str | None, tuple[Channel, ...]]]:
    """The channels grouped by the unit whose report each gets, in the order first named:
    a channel's own ``unit``, else ``unit`` (``--unit``, None for the plan's)."""
    groups: dict[str | None, list[Channel]] = {}
    for channel in targets:
        groups.setdefault(channel.unit or unit, []).append(channel)
    return [(u, tuple(group)) for u, group in groups.items()]


def report_file(session: Session, unit: str, as_of: dt.date) -> Path:
    """Where the full HTML report is written: the reports folder, by unit and day. The
    folder must be inside the workspace, links followed; the file itself is replaced,
    never written through (a link planted there in a workspace someone sent points at
    a file of yours)."""
    root = session.workspace.root
    folder = root / session.workspace.send.reports
    if not folder.resolve().is_relative_to(root.resolve()):
        settings, shown = root / "okrdesk.toml", printable(str(folder))
        raise BadInput(Said(
            f"{settings}: [send] reports: {shown} is outside the workspace; the full report "
            "is written only into a folder of the workspace",
            f"{settings}：[send] reports：{shown} 在工作区之外；完整报告只写入工作区内的文件夹",
        ))  # fmt: skip
    for kept in ("plugins", "targets", "templates"):
        if folder.resolve().is_relative_to((root / kept).resolve()):
            settings, shown = root / "okrdesk.toml", printable(str(folder))
            raise BadInput(Said(
                f"{settings}: [send] reports: {shown} is inside {kept}/, whose files okrdesk "
                "reads as the workspace's code, plan or templates; give a folder of its own "
                "(the default is reports)",
                f"{settings}：[send] reports：{shown} 在 {kept}/ 之内，okrdesk 把那里的文件当作"
                "工作区的代码、计划或模板读取；请另给一个文件夹（默认为 reports）",
            ))  # fmt: skip
    if folder.exists() and not folder.is_dir():
        settings, shown = root / "okrdesk.toml", printable(str(folder))
        raise BadInput(Said(
            f"{settings}: [send] reports: {shown} is a file; give the folder the full report "
            "is written into (the default is reports)",
            f"{settings}：[send] reports：{shown} 是文件；"
            "请给写入完整报告的文件夹（默认为 reports）",
        ))  # fmt: skip
    path = folder.absolute() / f"report-{unit}-{as_of.isoformat()}.html"
    if path.parent != folder.absolute() or path.name.startswith("."):
        # A unit id with a slash or dots in it (x/../../../home/you/index) would name
        # a file elsewhere.
        raise BadInput(Said(
            f"unit {printable(unit)!r}: its id cannot name the report's file; give the unit "
            "an id of letters, digits, '-', '_' and '.'",
            f"单位 {printable(unit)!r}：其编号不能用作报告的文件名；请给该单位一个由字母、数字、"
            "“-”“_”和“.”组成的编号",
        ))  # fmt: skip
    return path


def prepare(
    session: Session, unit: str | None, as_of: dt.date | None, week: str | None, lang: str,
    write: bool,
) -> Message:  # fmt: skip
    """The message for this week's report; the HTML report written when ``write``."""
    built = make_report(session, unit, as_of, week, lang)
    path = report_file(session, built.unit.id, built.as_of)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_report(session, built, find_format(session, "html"), path, None)
    return summary(printable_copy(built), path, session.workspace.send.reports_url)


@attrs.frozen
class Due:
    """``send --due``'s reminder for one unit on ``day``: ``message`` None when nothing is
    owed; ``held`` the check-ins by the old unit id they are kept under, when it lists as
    owed what was checked in under the plan's unit id before it changed (then not sent)."""

    day: dt.date
    message: Message | None = None
    held: Mapping[str, Sequence[Checkin]] = attrs.field(factory=dict)
    plan_ids_before: Mapping[str, str] = attrs.field(factory=dict)
    """For an old id of ``held`` whose ledger entries carry the plan's id before it was
    changed with its unit, that id (``old_unit_ids.plan_ids_before``)."""


def prepare_due(
    session: Session, unit: str | None, as_of: dt.date | None, lang: str,
    week: str | None = None,
) -> Due:  # fmt: skip
    """The reminder of the check-ins owed on the date (``week``'s Sunday, as for the
    report) inside ``unit`` (the plan's unit by default); no message when nothing is
    owed, so nothing is sent. A key result it lists with check-ins kept under the plan's
    old unit id holds it back: a group would read as owed what was done."""
    from okrdesk.app.due import kept_under_old_ids, owed_on
    from okrdesk.delivery.reminders import reminders
    from okrdesk.engine.tree_targets import owner_of

    plan = session.plan
    if week is not None:
        as_of = report_date(session, as_of, week, None, lang)
    day, found = owed_on(session, as_of, unit)
    if not found:
        return Due(day)
    listed = {o.key_result for o in found}
    stranded, before = kept_under_old_ids(session)
    held = {old: checkins for old, checkins in stranded.items()
            if listed.intersection(c.key_result for c in checkins)}  # fmt: skip
    if held:
        return Due(day, held=held, plan_ids_before=before)
    # Owed for a member's share: a check-in without --unit would be for the owner's whole.
    shares = any(o.subject != owner_of(plan, plan.key_results_by_id[o.key_result]) for o in found)
    return Due(day, reminders(found, day, plan.name_of(unit or plan.top), lang, plan.name_of,
                              shares))  # fmt: skip


_HELD = {
    "en": "not sent to {names}: {n} of {krs} are kept under unit {old}, most likely the "
          "plan's unit id before it was changed, and the reminder would list them as owed; "
          "run `okrdesk move-unit {old}{from_plan}`, then `okrdesk send --due` again",
    "zh": "未发送至 {names}：{krs} 项关键结果的 {n} 条打卡记在单位 {old} 名下（很可能是计划的"
          "单位 id 改动之前的 id），提醒会把它们列为待打卡；请先运行 `okrdesk move-unit "
          "{old}{from_plan}`，再运行 `okrdesk send --due`",
}  # fmt: skip


def held_back(due: Due, channels: tuple[Channel, ...], lang: str) -> list[str]:
    """What ``send --due`` says of a reminder it held back (``Due.held``), one line an old
    unit id: which channels got nothing, why, and the command that sets it right."""
    from okrdesk.app.due import old_id_said
    from okrdesk.engine.old_unit_ids import from_plan_option

    names = ("、" if lang == "zh" else ", ").join(c.name for c in channels)
    return [old_id_said(old, held, _HELD[lang], lang, names=names,
                        from_plan=from_plan_option(old, due.plan_ids_before))
            for old, held in due.held.items()]  # fmt: skip


def deliver_all(
    targets: tuple[Channel, ...],
    message: Message,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Iterator[Outcome]:
    """Send ``message`` to every channel, each outcome as soon as it is known (a send
    stopped by Ctrl-C while a later channel waits has told which groups have it); a
    failure is recorded and the rest still tried."""
    env = os.environ if environ is None else environ
    timer = SystemClock() if clock is None else clock
    for channel in targets:
        try:
            yield Outcome(channel, channels.deliver(channel, message, env, timer))
        except DeliveryFailed as error:
            yield Outcome(channel, error.sent, error.said, error.parts, error.advice,
                          error.may_have_arrived, error.reached_some)  # fmt: skip
        except KeyboardInterrupt as stop:
            how = stop if isinstance(stop, Stopped) else Stopped(0, 1, underway=False)
            raise ChannelStopped(channel, how) from stop


class ChannelStopped(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) while ``channel`` was being sent; ``how`` says how far it got."""

    def __init__(self, channel: Channel, how: Stopped) -> None:
        super().__init__()
        self.channel = channel
        self.how = how


_STOPPED = {
    "en": {
        "underway": "stopped while sending to {name} ({kind}): its message was on its way, "
                    "and {name} may have it already: look there before sending it again",
        "underway_part": "stopped while sending to {name} ({kind}): {sent} of {parts} parts "
                         "had been sent and the next was on its way, and {name} may have it "
                         "already: look there before sending it again",
        "partly": "stopped while sending to {name} ({kind}): {sent} of {parts} parts had been "
                  "sent, the rest not",
        "had": "sent before it was stopped: {names}",
        "not_sent": "not sent: {names}; to send to these alone, add {options}",
        "stopped_not_sent": "stopped before sending to {names}; to send to these alone, add "
                            "{options}",
        "nothing": "stopped before anything was sent",
        "after_all": "stopped once every channel had been tried",
        "again": "failed: {names}; to send again to these alone, not to the channels that "
                 "took it, add {options}",
        "maybe": "failed, but may have it already: {names} (a part, or a request no answer "
                 "settled, went): look there before sending to them again, with {options}",
    },
    "zh": {
        "underway": "发送至 {name}（{kind}）时被中断：消息已在途中，{name} 可能已经收到："
                    "再次发送前请先去那里查看",
        "underway_part": "发送至 {name}（{kind}）时被中断：共 {parts} 条，已发出 {sent} 条，"
                         "下一条已在途中，{name} 可能已经收到：再次发送前请先去那里查看",
        "partly": "发送至 {name}（{kind}）时被中断：共 {parts} 条，已发出 {sent} 条，其余未发",
        "had": "中断前已发送：{names}",
        "not_sent": "未发送：{names}；只发给这些渠道，加 {options}",
        "stopped_not_sent": "在发送至 {names}之前被中断；只发给这些渠道，加 {options}",
        "nothing": "在发出任何消息之前被中断",
        "after_all": "所有渠道都已尝试发送之后被中断",
        "again": "发送失败的渠道：{names}；只重发给这些渠道、不再发给已收到的渠道，加 {options}",
        "maybe": "发送失败但可能已经收到：{names}（已发出部分消息，或请求已发出而没有应答说明"
                 "结果）：再次发送前请先去那里查看，只发给它们，加 {options}",
    },
}  # fmt: skip
"""What ``send`` says when stopped part-way, or at its end when some channels failed, so
that no group is sent the message twice."""


def _named(group: Sequence[Channel], lang: str) -> str:
    shown = "{}（{}）" if lang == "zh" else "{} ({})"
    return ("、" if lang == "zh" else ", ").join(shown.format(c.name, c.kind) for c in group)


def _alone(group: Sequence[Channel]) -> str:
    """The options that send to ``group`` alone."""
    import shlex

    return " ".join(f"--channel {shlex.quote(c.name)}" for c in group)


def failed_lines(told: Sequence[Outcome], lang: str) -> list[str]:
    """What ``send`` says at its end when some channels failed: the option that sends
    again to those that took none of it alone, where others took it, so that running it
    again does not post it a second time to the groups that have it; and those that may
    have it all the same (a part went, or a request no answer settled), to look at first."""
    # A channel some recipients have says itself what to do: a send to it alone would
    # reach them again.
    failed = [o for o in told if o.error is not None and not o.reached_some]
    unsure = [o.channel for o in failed if o.unsure or o.sent]
    sure = [o.channel for o in failed if not (o.unsure or o.sent)]
    words = _STOPPED[lang]
    lines = []
    if sure and len(sure) < len(told):
        lines.append(words["again"].format(names=_named(sure, lang), options=_alone(sure)))
    if unsure:
        lines.append(words["maybe"].format(names=_named(unsure, lang), options=_alone(unsure)))
    return lines


def stopped_lines(
    targets: Sequence[Channel],
    told: Sequence[Outcome],
    left: Sequence[Channel],
    stop: KeyboardInterrupt,
    lang: str,
) -> list[str]:
    """What ``send`` stopped by Ctrl-C says of its channels, in ``lang``: the one it was
    sending to when stopped, and whether that one may have the message; those that had
    it; those not sent to, with the option that sends to them alone. ``told`` is every
    channel's outcome said already; ``left`` the channels ``--due`` had nothing for.
    Never empty, and one of its lines says the send was stopped: it is all a stopped
    send says, with no "Aborted!" after it."""
    words = _STOPPED[lang]
    lines: list[str] = []
    at = stop.channel if isinstance(stop, ChannelStopped) else None
    had = [o.channel for o in told if o.error is None]
    stop_told = False  # a line says the send was stopped: it is all a stopped send says
    if isinstance(stop, ChannelStopped):
        how, fields = stop.how, {"name": stop.channel.name, "kind": stop.channel.kind}
        if how.underway:
            key = "underway_part" if how.parts > 1 else "underway"
            lines.append(words[key].format(sent=how.sent, parts=how.parts, **fields))
            stop_told = True
        elif how.sent == how.parts and how.failure is not None:
            # Taken for some recipients, refused for others: said as a send not stopped says it.
            failure = how.failure
            lines.append(Outcome(stop.channel, 0, failure.said, advice=failure.advice).text(lang))
        elif how.sent == how.parts:
            had.append(stop.channel)  # it took it all (a mail server's 250) before the stop
        elif how.sent:
            lines.append(words["partly"].format(sent=how.sent, parts=how.parts, **fields))
            stop_told = True
        else:
            at = None  # nothing of it went: it is one of those not sent
    if had:
        lines.append(words["had"].format(names=_named(had, lang)))
        stop_told = True
    done = {o.channel.name for o in told} | {c.name for c in left}
    if at is not None:
        done.add(at.name)
    rest = [c for c in targets if c.name not in done]
    if rest and (told or at is not None):
        key = "not_sent" if stop_told else "stopped_not_sent"
        lines.append(words[key].format(names=_named(rest, lang), options=_alone(rest)))
    elif rest:
        lines.append(words["nothing"])
    elif not stop_told:
        lines.append(words["after_all"])
    return lines


def dry_run(
    targets: tuple[Channel, ...],
    message: Message,
    lang: str,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    env = os.environ if environ is None else environ
    lines: list[str] = []
    for channel in targets:
        lines += [*channels.dry_run(channel, message, SystemClock(), lang, env), ""]
    return lines
