"""Copies of what a plugin put in place of okrdesk's code during its call, kept by
okrdesk's modules that took them meanwhile, each replaced by okrdesk's code again
(``kept_state`` puts back the names the plugin itself bound). Imported only after a call
that replaced okrdesk's code."""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Callable
from typing import Any, cast


def copies_put_back(
    originals: dict[int, object], new: list[types.ModuleType], changed: list[types.ModuleType]
) -> None:
    """Each copy of what the call had put in place of okrdesk's code, by the id of that
    replacement in ``originals``, replaced by the code itself: in the modules ``new``
    (okrdesk's first imported during the call), bound to a name (``from okrdesk.messages
    import x`` while ``x`` was replaced, under any name), or held in a dict, list, tuple or
    set there, in a default argument, a closure or a ``functools.partial`` of the module's
    own functions, or in a class of its own (an attribute, a method made ``staticmethod``
    or ``classmethod``); in the modules ``changed`` (imported before, their names bound
    anew during the call), bound to a name. A module neither new nor changed, the usual
    case, is not looked into."""
    for module in new:
        mend = Mending(originals, module.__name__)
        for name, value in list(vars(module).items()):
            mended = mend(value)
            if mended is not value:
                setattr(module, name, mended)
    for module in changed:
        for name, value in list(vars(module).items()):
            original = originals.get(id(value))
            if original is not None and original is not value:
                setattr(module, name, original)


class Mending:
    """What holds a copy of a replacement, with the code it replaced in its place: the
    same object where it could be changed in place (a dict, a list, a class), else a new
    one (a tuple, a frozenset, a ``staticmethod``)."""

    _DEPTH = 4
    """How far into containers a copy is sought: a table of tables of functions is."""

    def __init__(self, originals: dict[int, object], module: str) -> None:
        self.originals = originals
        self.module = module
        self.seen: set[int] = set()

    def __call__(self, value: object, depth: int = 0) -> object:
        original = self.originals.get(id(value))
        if original is not None:
            return original
        if depth > self._DEPTH or id(value) in self.seen:
            return value
        kind = type(value)
        if kind in (dict, list, tuple, set, frozenset, functools.partial) or (
            getattr(value, "__module__", None) == self.module
            and isinstance(value, (types.FunctionType, type))
        ):
            self.seen.add(id(value))
        else:
            return value  # data, or code from elsewhere: not the module's to mend
        if kind is dict:
            for key, item in list(value.items()):  # type: ignore[attr-defined]
                if (mended := self(item, depth + 1)) is not item:
                    value[key] = mended  # type: ignore[index]
        elif kind is list:
            for index, item in enumerate(list(value)):  # type: ignore[call-overload]
                if (mended := self(item, depth + 1)) is not item:
                    value[index] = mended  # type: ignore[index]
        elif kind in (tuple, set, frozenset):
            items = list(value)  # type: ignore[call-overload]
            mended_items = [self(item, depth + 1) for item in items]
            if any(m is not i for m, i in zip(mended_items, items, strict=True)):
                if kind is set:
                    value.clear()  # type: ignore[attr-defined]
                    value.update(mended_items)  # type: ignore[attr-defined]
                else:
                    return kind(mended_items)
        elif kind is functools.partial:
            return self._partial(value, depth)  # type: ignore[arg-type]
        elif isinstance(value, types.FunctionType):
            self._function(value, depth)
        else:
            self._class(value, depth)  # type: ignore[arg-type]
        return value

    def _partial(self, value: functools.partial[Any], depth: int) -> object:
        func = cast(Callable[..., Any], self(value.func, depth + 1))
        args = cast(tuple[Any, ...], self(value.args, depth + 1))
        keywords = {name: self(item, depth + 1) for name, item in value.keywords.items()}
        if func is value.func and args is value.args and keywords == value.keywords:
            return value
        return functools.partial(func, *args, **keywords)

    def _function(self, function: types.FunctionType, depth: int) -> None:
        if function.__defaults__:
            mended = self(function.__defaults__, depth + 1)
            if mended is not function.__defaults__:
                function.__defaults__ = mended  # type: ignore[assignment]
        if function.__kwdefaults__:
            self(function.__kwdefaults__, depth + 1)
        for cell in function.__closure__ or ():
            with contextlib.suppress(ValueError):  # a cell not filled yet
                held = cell.cell_contents
                if (mended := self(held, depth + 1)) is not held:
                    cell.cell_contents = mended

    def _class(self, cls: type, depth: int) -> None:
        for name, attribute in list(vars(cls).items()):
            wrapper = type(attribute)
            if wrapper in (staticmethod, classmethod):
                inner = attribute.__func__
                if (mended := self(inner, depth + 1)) is not inner:
                    setattr(cls, name, wrapper(mended))
            elif (mended := self(attribute, depth + 1)) is not attribute:
                with contextlib.suppress(AttributeError, TypeError):  # read-only
                    setattr(cls, name, mended)
