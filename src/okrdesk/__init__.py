"""okrdesk: OKR and target tracking for sales organisations at securities brokerages."""

from __future__ import annotations

__version__ = "0.3.0"
