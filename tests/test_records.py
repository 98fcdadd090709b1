"""The shared ``__eq__``, ``__hash__`` and ``__repr__`` behave as the ones attrs writes."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from okrdesk import records
from okrdesk.records import shared_methods

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "okrdesk"


def twins(**fields: Any) -> tuple[type, type]:
    """The same attrs class twice: with attrs' own methods, and with the shared ones."""
    made = []
    for shared in (False, True):
        cls = type("Twin", (), {"__annotations__": dict.fromkeys(fields, "Any"), **fields})
        made.append(attrs.frozen(shared_methods(cls) if shared else cls))
    return made[0], made[1]


CASES: list[tuple[dict[str, Any], list[tuple[Any, ...]]]] = [
    ({}, [()]),
    ({"a": attrs.field()}, [(1,), (2,), (Decimal("1.0"),), ("x",)]),
    (
        {"a": attrs.field(), "b": attrs.field(default=None), "c": attrs.field(default=())},
        [(1, None, ()), (1, "b", ()), (1, None, (dt.date(2026, 1, 5),)), ("1", None, ())],
    ),
    (
        {"a": attrs.field(), "b": attrs.field(eq=False, repr=False)},
        [(1, "shown nowhere"), (1, "compared never"), (2, "x")],
    ),
    (
        {"a": attrs.field(), "b": attrs.field(factory=dict, hash=False)},
        [(1, {}), (1, {"x": 1}), (2, {"x": 1})],
    ),
    (
        {"a": attrs.field(eq=str.lower), "b": attrs.field(repr=lambda v: f"<{v}>")},
        [("A", 1), ("a", 1), ("b", 1), ("a", 2)],
    ),
]


@pytest.mark.parametrize(("fields", "values"), CASES)
def test_the_shared_methods_answer_as_attrs_own(
    fields: dict[str, Any], values: list[tuple[Any, ...]]
) -> None:
    own, shared = twins(**fields)
    assert shared.__eq__ is records._eq and own.__eq__ is not records._eq
    for left in values:
        assert repr(shared(*left)) == repr(own(*left))
        for right in values:
            assert (shared(*left) == shared(*right)) == (own(*left) == own(*right))
            assert (shared(*left) != shared(*right)) == (own(*left) != own(*right))
            if shared(*left) == shared(*right):
                assert hash(shared(*left)) == hash(shared(*right))
    assert shared(*values[0]) != own(*values[0])  # another class: never equal
    assert shared(*values[0]).__eq__(object()) is NotImplemented
    assert shared(*values[0]) != object()


def test_a_value_shown_inside_itself_is_shown_as_dots() -> None:
    own, shared = twins(a=attrs.field())
    own_outer, shared_outer = own([]), shared([])
    own_outer.a.append(own_outer)
    shared_outer.a.append(shared_outer)
    assert repr(shared_outer) == repr(own_outer) == "Twin(a=[...])"


def test_values_hash_by_their_fields_and_sort_into_sets() -> None:
    from okrdesk.model import OrgUnit

    one, same = OrgUnit("b1", "Branch", "branch"), OrgUnit("b1", "Branch", "branch")
    other = attrs.evolve(one, parent="firm")
    assert len({one, same, other}) == 2
    assert (
        repr(other) == "OrgUnit(id='b1', name='Branch', level='branch', parent='firm', lead=None)"
    )


def _decorated_classes() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names = [ast.unparse(d) for d in node.decorator_list]
                if "shared_methods" in names:
                    found.append((path.relative_to(PACKAGE).as_posix(), node.name))
                    # Under attrs' decorator, so that attrs never writes its own.
                    assert names[-1] == "shared_methods", (path, node.name)
                    assert names[0].startswith("attrs.frozen"), (path, node.name)
    return found


def test_shared_methods_sit_under_attrs_frozen_on_the_value_classes() -> None:
    import importlib

    found = _decorated_classes()
    assert len(found) > 50
    for path, name in found:
        module = importlib.import_module("okrdesk." + path.removesuffix(".py").replace("/", "."))
        cls = getattr(module, name)
        assert attrs.has(cls) and cls.__repr__ is records._repr, name


def test_a_class_s_kept_methods_go_to_the_file_of_the_module_it_is_in() -> None:
    import okrdesk.report.document  # noqa: F401 - a module being imported is in sys.modules
    from okrdesk.records import _module_of

    named = "<attrs generated methods {}>".format
    assert _module_of(named("okrdesk.model.OrgUnit")) == "okrdesk.model"
    assert _module_of(named("okrdesk.model.OrgUnit-2")) == "okrdesk.model"  # attrs' second
    assert _module_of(named("okrdesk.report.document.Report")) == "okrdesk.report.document"
    assert _module_of(named("okrdesk.model.made.<locals>.Row")) == "okrdesk.model"
    assert _module_of(named("okrdesk.not_a_module.Row")) == "okrdesk"


INTERRUPTED_AS_KEPT = """
import os, signal
real_open = os.open


def opened(path, flags, *args, **kwargs):
    handle = real_open(path, flags, *args, **kwargs)
    if flags & os.O_CREAT and "attrs-methods" in str(path):
        os.kill(os.getpid(), signal.SIGINT)
    return handle


os.open = opened
import okrdesk.model
"""
"""Python importing the records with no methods kept yet, so that it writes them as it
ends, and sent Ctrl-C (SIGINT) by itself as it makes the first file for them."""


def test_a_ctrl_c_as_the_kept_methods_are_written_ends_without_a_traceback(
    tmp_path: Path,
) -> None:
    """The methods are kept as the process ends (an exit handler): a Ctrl-C then stops
    the writing as it stops a command, where Python printed the handler's traceback."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_AS_KEPT], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert list(tmp_path.rglob("attrs-methods")), "nothing was kept: the test tested nothing"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
