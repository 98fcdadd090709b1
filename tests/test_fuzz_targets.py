"""Generated target files: whatever is in them, only okrdesk's own error comes out.

A few hundred examples in `make test`; OKRDESK_SLOW=1 runs 10,000 of each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrdesk.errors import OkrdeskError
from okrdesk.targets import load_plan, load_plan_or_fail
from okrdesk.targets.sections import (
    BUDGET_KEYS,
    KEY_RESULT_KEYS,
    LINE_KEYS,
    OBJECTIVE_KEYS,
    PERSON_KEYS,
    PHASE_KEYS,
    PLAN_KEYS,
    SECTIONS,
    UNIT_KEYS,
)  # fmt: skip
from sample_workspace import BASE_FILES, OKRS

EXAMPLES = int(
    os.environ.get(
        "OKRDESK_FUZZ_EXAMPLES", 10_000 if os.environ.get("OKRDESK_SLOW") == "1" else 150
    )
)
KEYS = sorted(
    {*SECTIONS, *PLAN_KEYS, *PHASE_KEYS, *UNIT_KEYS, *PERSON_KEYS, *OBJECTIVE_KEYS,
     *KEY_RESULT_KEYS, *BUDGET_KEYS, *LINE_KEYS, "Q1", "Q2", "branch", "cm01", "O1.KR1"}
)  # fmt: skip

scalars = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["branch", "cm01", "Q2", "O1.KR1", "户", "亿元", "%", "at_most", "within"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=25,
)
documents = st.dictionaries(st.sampled_from(SECTIONS) | keys, values, max_size=6)


def check(text: str) -> None:
    root = Path(tempfile.mkdtemp(prefix="okrdesk-fuzz-"))
    try:
        (root / "targets").mkdir()
        for name, content in BASE_FILES.items():
            (root / "targets" / name).write_text(content, encoding="utf-8")
        (root / "targets" / "fuzz.toml").write_text(text, encoding="utf-8")
        result = load_plan(root)
        assert (result.plan is None) == bool(result.problems)
        with contextlib.suppress(OkrdeskError):
            load_plan_or_fail(root)
    finally:
        shutil.rmtree(root)


def dumps(document: dict[str, Any]) -> str | None:
    try:
        return tomlkit.dumps(document)
    except Exception:
        return None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_give_only_okrdesk_errors(document: dict[str, Any]) -> None:
    text = dumps(document)
    if text is not None:
        check(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(base=OKRS, edits=[(0, 0, "²")])  # "²".isdigit() is true: it once crashed the scanner
@given(
    st.sampled_from([OKRS, *BASE_FILES.values()]),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 3), st.text(max_size=8)),
             min_size=1, max_size=4),
)  # fmt: skip
def test_edited_sample_files_give_only_okrdesk_errors(
    base: str, edits: list[tuple[int, int, str]]
) -> None:
    text = base
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    check(text)
