"""The two metrics the corpus plans measure: a count and a lower-is-better rate."""

from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(
        MetricSpec(
            "new_hnw_clients", "New HNW clients", "新增高净值客户", MetricKind.FLOW, UNITS["户"]
        )
    )
    register(
        MetricSpec(
            "complaint_rate",
            "Complaint rate",
            "投诉率",
            MetricKind.RATIO,
            UNITS["‰"],
            direction=Direction.AT_MOST,
        )
    )
