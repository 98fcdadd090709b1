"""The one line a command stopped by Ctrl-C (SIGINT) or SIGTERM ends with, in the
reader's language: that it was interrupted, and, where the command wrote or changed
something, what was kept. A command that writes says what a stop would keep as it
starts (``if_stopped``), and again where that changes (a collect that has stored its
figures); every way of stopping (click's, one outside click, one as the command line
still loads) says it through ``said_when_stopped``.

Nothing is imported here: the line is said too of a Ctrl-C that came while Python
was still importing the command line."""

from __future__ import annotations

_STOPPED_BY = {
    "en": {2: "interrupted (Ctrl-C)", 15: "interrupted (SIGTERM)"},
    "zh": {2: "已中断（Ctrl-C）", 15: "已中断（SIGTERM）"},
}
"""By language, then by signal number (SIGINT is 2 and SIGTERM 15 on every system
okrdesk runs on)."""

_kept: list[tuple[str, str]] = []
"""What the running command keeps if it is stopped now, in English and Chinese."""


def if_stopped(english: str, chinese: str) -> None:
    """What a stop from here on keeps, as the running command's last words say it."""
    _kept[:] = [(english, chinese)]


def forget_kept() -> None:
    """A command starts: nothing of the one before is said of it."""
    _kept.clear()


def said_when_stopped(signal_number: int, lang: str) -> str:
    """``interrupted (Ctrl-C)``, ``已中断（SIGTERM）``, with what the command keeps after a
    colon where it said so."""
    words = _STOPPED_BY["zh" if lang == "zh" else "en"]
    stopped = words.get(signal_number, words[2])
    if not _kept:
        return stopped
    english, chinese = _kept[0]
    return f"{stopped}：{chinese}" if lang == "zh" else f"{stopped}: {english}"
