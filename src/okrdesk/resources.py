"""Folders that ship inside the wheel: report templates and the sample targets."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

# In a wheel they sit inside the package (pyproject's force-include); in an
# editable install from a checkout they are still at the repository root,
# which is where a developer edits them.
_SHIPPED = {
    "templates": ("templates", "templates"),
    "sample_targets": ("sample_targets", "targets"),
}


def shipped(name: str) -> Path:
    packaged, in_checkout = _SHIPPED[name]
    for candidate in (_PACKAGE / packaged, _PACKAGE.parents[1] / in_checkout):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"okrdesk is installed without its {name} folder; reinstall it")
