"""Delivery of the report summary to chat groups and mailboxes (``okrdesk send``).

One module per channel kind (``wecom``, ``feishu``, ``dingtalk``, ``mail``),
each written to its vendor's documented API; ``transport`` is the one place
that posts over HTTP (retries, back-off, rate limits), ``parts`` fits a
message to a channel's size limit, and ``summary`` makes the message from the
report model. Settings come from ``[send]`` in okrdesk.toml; secrets only
from environment variables (docs/delivery.md).
"""
