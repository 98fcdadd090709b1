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
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable
from typing import Any, TypeVar

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
