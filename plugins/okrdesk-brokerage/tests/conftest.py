"""Fixtures for the okrdesk-brokerage tests; the helpers live in brokerage_helpers."""

from __future__ import annotations

import pytest

from brokerage_helpers import Collector, collect


@pytest.fixture(scope="session")
def tiny() -> Collector:
    """Every metric of the tiny export, collected once for the whole session."""
    return collect()
