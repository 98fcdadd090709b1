"""``__eq__``, ``__hash__`` and ``__repr__`` written once for okrdesk's attrs value classes.

attrs writes these three methods as source text for each class and compiles
it when the module is imported: about two thirds of what making a class
costs, and a report imports some sixty of them before it reads a row. A class
decorated with ``@shared_methods`` under ``@attrs.frozen`` gets the functions
below instead (attrs leaves methods a class defines itself alone), which
behave as attrs' own: equal when of the same class with equal fields (a
field's ``eq=False`` and ``eq_key`` honoured), hashed on those fields, and
shown as ``Name(field=value, ...)`` with ``...`` for a value already being
shown. ``tests/test_records.py`` holds them to attrs' output.

What attrs still compiles for okrdesk's classes (each one's ``__init__``, and
every method of a class that keeps attrs' own ``__hash__``) is kept beside
okrdesk's own bytecode, the way Python keeps a module's: see
``_compile_and_eval`` below.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import operator
import os
import sys
import threading
import zlib
from collections.abc import Callable
from types import CodeType
from typing import Any, TypeVar

import attr._make
import attrs

T = TypeVar("T", bound=type)

_Key = Callable[[Any], tuple[Any, ...]]
_keys: dict[type, _Key] = {}
_hash_keys: dict[type, _Key] = {}
_reprs: dict[type, list[tuple[str, Callable[[Any], str]]]] = {}
_showing = threading.local()


def shared_methods(cls: T) -> T:
    """Give ``cls`` the shared ``__eq__``, ``__ne__``, ``__hash__`` and ``__repr__``;
    put it under ``@attrs.frozen``, which then compiles only ``__init__``."""
    for name, method in _METHODS.items():
        setattr(cls, name, method)
    return cls


def _key_of(cls: type) -> _Key:
    """A function giving an instance's compared fields as a tuple, made once per class."""
    return _made_key(cls, _keys, hashed=False)


def _hash_key_of(cls: type) -> _Key:
    """Like ``_key_of`` over the hashed fields: the compared ones less ``hash=False``."""
    return _made_key(cls, _hash_keys, hashed=True)


def _made_key(cls: type, made: dict[type, _Key], hashed: bool) -> _Key:
    found = made.get(cls)
    if found is not None:
        return found
    compared = [a for a in attrs.fields(cls) if a.eq and not (hashed and a.hash is False)]
    if any(a.eq_key is not None for a in compared):
        parts = [(a.name, a.eq_key) for a in compared]

        def found(self: Any) -> tuple[Any, ...]:
            return tuple(getattr(self, n) if k is None else k(getattr(self, n)) for n, k in parts)

    elif len(compared) == 1:
        one = operator.attrgetter(compared[0].name)

        def found(self: Any) -> tuple[Any, ...]:
            return (one(self),)

    elif compared:
        found = operator.attrgetter(*(a.name for a in compared))
    else:

        def found(self: Any) -> tuple[Any, ...]:
            return ()

    made[cls] = found
    return found


def _eq(self: Any, other: object) -> Any:
    cls = self.__class__
    if other.__class__ is not cls:
        return NotImplemented
    key = _key_of(cls)
    return bool(key(self) == key(other))


def _ne(self: Any, other: object) -> Any:
    result = self.__eq__(other)
    return result if result is NotImplemented else not result


def _hash(self: Any) -> int:
    cls = self.__class__
    return hash((id(cls), *_hash_key_of(cls)(self)))


def _repr(self: Any) -> str:
    showing: set[int] | None = getattr(_showing, "ids", None)
    if showing is None:
        showing = _showing.ids = set()
    if id(self) in showing:
        return "..."
    showing.add(id(self))
    try:
        cls = self.__class__
        fields = _reprs.get(cls)
        if fields is None:
            fields = _reprs[cls] = [
                (a.name, repr if a.repr is True else a.repr)
                for a in attrs.fields(cls)
                if a.repr is not False
            ]
        shown = ", ".join(f"{name}={how(getattr(self, name, attrs.NOTHING))}"
                          for name, how in fields)  # fmt: skip
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"
    finally:
        showing.discard(id(self))


_METHODS: dict[str, Callable[..., Any]] = {
    "__eq__": _eq, "__ne__": _ne, "__hash__": _hash, "__repr__": _repr,
}  # fmt: skip


# ------------------------------------------------------- attrs' compiled methods
#
# attrs writes each class's ``__init__`` as source text and compiles it when the
# class is made: about a third of what making a class costs, paid again by every
# command for some hundred classes. The text is the same from one run to the next,
# so the code compiled from it is kept beside okrdesk's bytecode, a file for each
# module whose classes it holds, under the same rules as Python's own: read
# whenever it is there, written only where bytecode may be written, and a file that
# is damaged or from another Python is ignored. A command reads the files of the
# modules it makes classes in, no others (a report makes those of a third of
# okrdesk's classes). The code is exactly what ``compile`` makes of the same text
# and file name; only okrdesk's own classes are kept.
#
# A class that keeps attrs' own ``__hash__`` (one hashed where it is hot, such as
# ``Period``) has one line in its text that differs in every process: the number
# its hash starts from, ``hash()`` of a text naming the class, which Python's hash
# randomisation draws afresh. Such a text is kept under a key with that number
# blanked out (as many characters, so every other position in the code is the
# same), its code holding a stand-in no ``hash()`` can give; a later process puts
# its own number in the stand-in's place (``_renumbered``).

_Text = tuple[str, str]
_Compiled = dict[_Text, bytes | CodeType]
"""Each text's code, as its module's file keeps it (``marshal``'s bytes, read into code
only when a class asks for it) or as this process compiled it."""

_HEADER = (
    f"okrdesk attrs methods 2 {sys.implementation.cache_tag} {sys.version} {sys.flags.optimize}\n"
).encode()
_MOST_KEPT = 200
"""Past this many, a module's file keeps only what the last command used: it never grows
without bound as okrdesk's classes change."""
_OURS = " okrdesk."
"""In the file name attrs gives the text of an okrdesk class's methods."""
_HASH = "def __hash__("
"""attrs' own ``__hash__``, whose text differs in every process."""
_NAMED = "<attrs generated methods "
"""How the file name attrs gives a class's methods begins; its hash's is ``_HASHED``."""
_HASHED = "<attrs generated hash "
_STAND_IN = 2**64
"""Where the hash's number goes in kept code: out of the range of ``hash()``."""


class _Methods:
    """The compiled methods read from the modules' files, and what this process added."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.modules: dict[str, _Compiled] = {}
        """Each module's kept codes, read from its file when a class of it is first made."""
        self.used: set[_Text] = set()
        self.compiled = 0
        """How many texts this process compiled."""
        self.added = 0
        """How many of them were okrdesk's, to keep."""
        self.changed: set[str] = set()
        """The modules whose files are to be written again."""
        self.pid = os.getpid()

    def code(self, script: str, filename: str) -> CodeType:
        number = _hash_number(script, filename)
        key = (filename, script if number is None else _blanked(script, number))
        module = _module_of(filename) if _OURS in filename else None
        codes = {} if module is None else self._of(module)
        kept = _kept(codes, key)
        found = kept if number is None or kept is None else _renumbered(kept, _STAND_IN, number)
        if found is None:
            found = compile(script, filename, "exec")
            self.compiled += 1
            kept = found if number is None else _renumbered(found, number, _STAND_IN)
            # attrs' own __hash__ differs in every process: kept only where renumbered.
            keep = number is not None or _HASH not in script
            if module is not None and keep and kept is not None:
                codes[key] = kept
                self.added += 1
                self.changed.add(module)
        self.used.add(key)
        return found

    def file_of(self, module: str) -> str | None:
        """Where the codes of ``module``'s classes are kept; None when nowhere."""
        if self.folder is None:
            return None
        return os.path.join(self.folder, f"{module}.{sys.implementation.cache_tag}.bin")

    def _of(self, module: str) -> _Compiled:
        codes = self.modules.get(module)
        if codes is None:
            path = self.file_of(module)
            codes = self.modules[module] = {} if path is None else _read(path)
        return codes

    def save(self) -> None:
        """Write the files of the modules whose classes this process compiled."""
        if not self.changed or self.folder is None or sys.dont_write_bytecode:
            return
        if self.pid != os.getpid():  # a forked process: its parent writes
            return
        # A Ctrl-C as the command ends stops this as it stops the command, without the
        # traceback Python prints for an exit handler: the files are a cache, written
        # whole or not at all (files.py), and written by the next command instead.
        with contextlib.suppress(KeyboardInterrupt):
            for module in sorted(self.changed):
                kept = self.modules[module]
                if len(kept) > _MOST_KEPT:
                    kept = {k: v for k, v in kept.items() if k in self.used}
                path = self.file_of(module)
                if path is not None:
                    _write(path, kept)


def _module_of(filename: str) -> str:
    """The module whose class a text's methods are, from the file name attrs gives the
    text (``<attrs generated methods okrdesk.model.OrgUnit>``: ``okrdesk.model``). The
    module is imported by then, or being imported, so the longest name before the
    class's that names a module is it."""
    parts = filename.rstrip(">").rpartition(" ")[2].split(".")
    for end in range(len(parts) - 1, 1, -1):
        name = ".".join(parts[:end])
        if name in sys.modules:
            return name
    return parts[0]


def _kept(codes: _Compiled, key: _Text) -> CodeType | None:
    kept = codes.get(key)
    if not isinstance(kept, bytes):
        return kept
    try:
        found = marshal.loads(kept)
    except (EOFError, ValueError, TypeError):
        found = None
    if not isinstance(found, CodeType):
        del codes[key]
        return None
    codes[key] = found
    return found


def _hash_number(script: str, filename: str) -> int | None:
    """The number attrs' ``__hash__`` in ``script`` starts from, found on a line of its
    own; None for a text without one, or whose number is not where attrs puts it."""
    if _HASH not in script or not filename.startswith(_NAMED):
        return None
    number = hash(_HASHED + filename.removeprefix(_NAMED))
    return number if script.count(_hash_line(number)) == 1 else None


def _hash_line(number: int) -> str:
    return f" {number},\n"


def _blanked(script: str, number: int) -> str:
    return script.replace(_hash_line(number), f" {'#' * len(str(number))},\n")


def _renumbered(code: CodeType, old: int, new: int) -> CodeType | None:
    """``code`` with its ``__hash__``'s constant ``old`` made ``new``; None unless it
    holds exactly one."""
    replaced = 0

    def renumber(code: CodeType, in_hash: bool) -> CodeType:
        nonlocal replaced
        consts = []
        for const in code.co_consts:
            if isinstance(const, CodeType):
                const = renumber(const, const.co_name == "__hash__")
            elif in_hash and type(const) is int and const == old:
                const, replaced = new, replaced + 1
            consts.append(const)
        return code.replace(co_consts=tuple(consts))

    found = renumber(code, False)
    return found if replaced == 1 else None


def _read(path: str) -> _Compiled:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return {}
    start = len(_HEADER) + 4
    if not data.startswith(_HEADER) or len(data) < start:
        return {}
    payload = data[start:]
    if zlib.crc32(payload) != int.from_bytes(data[len(_HEADER) : start], "big"):
        return {}
    try:
        found = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(found, dict) or not all(isinstance(code, bytes) for code in found.values()):
        return {}
    return found


def _write(path: str, codes: _Compiled) -> None:
    # Imported here: writing is rare, and only after okrdesk's classes changed.
    from pathlib import Path

    from okrdesk.errors import OkrdeskError
    from okrdesk.files import write_bytes_atomically

    payload = marshal.dumps(
        {
            key: code if isinstance(code, bytes) else marshal.dumps(code)
            for key, code in codes.items()
        }
    )
    with contextlib.suppress(OSError, OkrdeskError):  # a folder Python may not write to
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_bytes_atomically(
            Path(path), _HEADER + zlib.crc32(payload).to_bytes(4, "big") + payload
        )


def _kept_in() -> str | None:
    """The folder beside this module's bytecode (``__pycache__``, or under
    ``sys.pycache_prefix``) holding the modules' files; None when it has none."""
    cached = globals().get("__cached__")
    if not cached:
        return None
    return os.path.join(os.path.dirname(cached), "attrs-methods")


methods = _Methods(_kept_in())


def _compile_and_eval(
    script: str,
    globs: dict[str, Any] | None,
    locs: Any = None,
    filename: str = "",
) -> None:
    """attrs' own ``_compile_and_eval``, with the code compiled once per text."""
    eval(methods.code(script, filename), globs, locs)


def _install() -> None:
    """Put ``_compile_and_eval`` in attrs' place, where attrs has the function it
    replaces (attrs 23.1 to 26 at least); elsewhere attrs compiles as it always did."""
    found = getattr(attr._make, "_compile_and_eval", None)
    code = getattr(found, "__code__", None)
    if code is None or code.co_varnames[:4] != ("script", "globs", "locs", "filename"):
        return
    attr._make._compile_and_eval = _compile_and_eval
    atexit.register(methods.save)


_install()
