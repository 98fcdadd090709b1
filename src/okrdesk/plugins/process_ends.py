"""Installed or workspace plugins that ended okrdesk's own process while a command
(``report``, ``check``, ``validate``, ``plugins``, ``explain``) loaded them there: killed
it (SIGKILL of itself, the memory it took), crashed it inside C (a segfault), or ended it
in a way ``kept_state`` cannot catch. Nothing in the process can stop that, nor say
anything as it happens; so each such call leaves a note with the process's number while
it runs (``loading``), and the next command that finds the note of a process no longer
there knows which plugin ended it, and in what step. That step is then not run in
okrdesk's own process (``ended``) until the plugin's files, version or settings change,
and is named instead with what it did, so that the report, ``check`` and the rest run for
every other plugin, and for the plugin's other steps: one that ended it while importing is
not loaded at all, one that ended it in a hook (``okrdesk_report_formats``, say) loses
that hook alone. ``collect``, which runs each plugin in a process of its own, is not held
back: the note says where to see what the plugin does there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from okrdesk.errors import Said
from okrdesk.files import write_text_atomically
from okrdesk.user_cache import user_cache_folder

_STEPS_ZH = {"loading": "加载"}
"""Each step in Chinese where it is not a hook's name (which is set apart by spaces)."""


def _folder() -> Path | None:
    """Where the record of the plugins that ended the process is kept."""
    try:
        return user_cache_folder("plugins", "ended")
    except RuntimeError:  # no home folder: nothing is kept, as before
        return None


def _notes(record: Path, *, make: bool = False) -> Path | None:
    """Where the notes of calls running now are: among the machine's temporary files (a
    report run every few minutes leaves the cache as it found it), a folder of this user's
    for the ``record`` they go into, made by this user and no other, so that no one else's
    notes can hold a plugin back. ``make``: made where it is not there; else None then."""
    import stat

    user = getattr(os, "getuid", lambda: None)()
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or _temporary_folder())
    # A name every process makes alike (``hash`` differs from one to the next); zlib is
    # loaded already, where hashlib would load OpenSSL into every report.
    whose = f"{zlib.crc32(os.fsencode(record)):08x}"
    folder = base / f"okrdesk-{user if user is not None else 'user'}-running-{whose}"
    try:
        if make:
            folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:  # nowhere to note: nothing is noted, as before
        return None
    if not stat.S_ISDIR(found.st_mode) or (user is not None and found.st_uid != user):
        return None
    return folder


@contextlib.contextmanager
def loading(plugin: str, step: str) -> Iterator[None]:
    """Note, for the block, that this process runs ``plugin``'s ``step``; a note left
    behind means the plugin ended the process."""
    record = _folder()
    folder = None if record is None else _notes(record, make=True)
    note = None if folder is None else folder / f"running-{os.getpid()}"
    if note is not None and record is not None:
        text = json.dumps([plugin, step])
        with contextlib.suppress(OSError):  # a folder that cannot be written notes nothing
            for again in (True, False):
                try:
                    note.write_text(text, encoding="utf-8")  # scratch: gone as the call ends
                    break
                except FileNotFoundError:  # removed by a command whose last note it held
                    if not again or _notes(record, make=True) is None:
                        break
    try:
        yield
    finally:
        if note is not None:
            with contextlib.suppress(OSError):
                note.unlink(missing_ok=True)
                note.parent.rmdir()  # when no other command's note is there


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # another user's process of that number
        return True
    return True


def _temporary_folder() -> str:
    """The machine's folder of temporary files, as ``tempfile`` finds it, whose import a
    report that leaves nothing behind does without where it can."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        if found := os.environ.get(name):
            return found
    if os.name == "nt":
        import tempfile

        return tempfile.gettempdir()
    return "/tmp"


HELD_BACK_AFTER = 2
"""How many commands a plugin, as it is, ends in one step before that step is held back:
the system killing a command for its memory, or a job's time limit, may end one while it
loads a plugin that did nothing wrong, and a plugin held back leaves its metrics (or its
formats) out of every report."""


LOADING = "loading"
"""The step of a plugin's import: held back, it leaves the plugin unloaded."""


def ended(fingerprint: Callable[[str], str | None]) -> dict[str, dict[str, Said]]:
    """The plugins that ended okrdesk's process ``HELD_BACK_AFTER`` times in one step
    (``LOADING``, or a hook's name) when a command ran them here and have not changed
    since, each with those steps and what to tell of each. ``fingerprint(plugin)`` says
    what the plugin is now (its files, version, settings), None for one no longer there.
    Notes of processes that ended are read into the record here."""
    folder = _folder()
    if folder is None:
        return {}
    notes = _notes(folder)
    record_path = folder / "ended.json"
    record = _read(record_path)
    changed = False
    try:
        running = list(notes.glob("running-*")) if notes is not None else []
    except OSError:  # removed meanwhile by a command whose last note it held: none left
        running = []
    for note in running:
        try:
            pid = int(note.name.removeprefix("running-"))
        except ValueError:
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError, ValueError):
            plugin, step = json.loads(note.read_text(encoding="utf-8"))
            now = fingerprint(str(plugin))
            before = record.get(str(plugin))
            steps = (
                _steps(before)
                if isinstance(before, dict) and before.get("fingerprint") == now
                else {}
            )
            times = steps.get(str(step), {}).get("times", 0)
            steps[str(step)] = {
                "when": dt.datetime.now().isoformat(timespec="minutes"),
                "times": (int(times) if isinstance(times, int) else 0) + 1,
            }
            record[str(plugin)] = {"fingerprint": now, "steps": steps}
            changed = True
        with contextlib.suppress(OSError):
            note.unlink()
            notes.rmdir()  # type: ignore[union-attr]  # when it was the last note
    found: dict[str, dict[str, Said]] = {}
    for plugin, noted in list(record.items()):
        now = fingerprint(plugin)
        if not isinstance(noted, dict) or now is None or noted.get("fingerprint") != now:
            del record[plugin]  # changed since, gone, or not to be told: loaded as before
            changed = True
            continue
        for step, times in _steps(noted).items():
            if int(times.get("times", 1)) >= HELD_BACK_AFTER:
                found.setdefault(plugin, {})[step] = _said(step, str(times.get("when", "")))
    if changed:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomically(record_path, json.dumps(record, ensure_ascii=False))
    return found


def _steps(noted: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The steps a plugin's record holds, each with when it last ended the process and how
    many times; a record an earlier okrdesk wrote held one step."""
    if "step" in noted:  # before steps were held back one by one
        return {str(noted["step"]): {"when": noted.get("when", ""), "times": noted.get("times", 1)}}
    steps = noted.get("steps")
    if not isinstance(steps, dict):
        return {}
    return {
        str(step): dict(times)
        for step, times in steps.items()
        if isinstance(times, dict) and isinstance(times.get("times", 1), int)
    }


def _read(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: nothing is held back
        return {}
    return found if isinstance(found, dict) else {}


def _said(step: str, when: str) -> Said:
    shown = when.replace("T", " ")
    step_zh = _STEPS_ZH.get(step, f" {step} ")
    if step != LOADING:
        # Only that hook is left out; the note of collect is for a hook it runs there.
        there = (
            (" (`okrdesk collect` runs it in a process of its own and says what it does)",
             "（`okrdesk collect` 在单独的进程中运行它，会说明它做了什么）")
            if step == "okrdesk_metrics" else ("", "")
        )  # fmt: skip
        return Said(
            f"{step} not run: it ended okrdesk's process during {step} when a command last "
            f"ran it ({shown}), with no word said; it is run again once the plugin, or its "
            f"settings, change{there[0]}",
            f"{step} 未运行：上次有命令运行它时（{shown}），它在{step_zh}期间让 okrdesk "
            f"的进程不声不响地终止了；插件或其设置改动之后会再次运行{there[1]}",
        )
    return Said(
        f"not loaded: it ended okrdesk's process during {step} when a command last loaded "
        f"it ({shown}), with no word said; it is loaded again once it, or its settings, change "
        "(`okrdesk collect` runs it in a process of its own and says what it does)",
        f"未加载：上次有命令加载它时（{shown}），它在{step_zh}期间让 okrdesk "
        "的进程不声不响地终止了；它或它的设置改动之后会再次加载（`okrdesk collect` 在单独的进程中"
        "运行它，会说明它做了什么）",
    )
