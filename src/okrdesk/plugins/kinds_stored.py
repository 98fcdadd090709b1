"""A metric whose kind changed since its figures were stored: a plugin upgraded so that
a flow became a stock. Every command reads the stored figures by the kind declared now,
so a flow's weeks would be taken for levels (or levels summed as flows) without a word:
``collect`` says so, from the kind each collect noted for what it stored (``Run.kinds``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from okrdesk.model import MetricSpec, Run
from okrdesk.plugins.runner import PluginError


def kinds_changed(
    runs: Sequence[Run], specs: Mapping[str, MetricSpec], metrics: Collection[str]
) -> dict[str, tuple[str, Run]]:
    """Of ``metrics``, each whose latest collect that stored it (of ``runs``, oldest
    first) noted another kind than its spec declares now: metric → (that kind, the run).
    A metric no run noted (stored before okrdesk noted kinds, or never) has none."""
    found: dict[str, tuple[str, Run]] = {}
    for metric in metrics:
        spec = specs.get(metric)
        if spec is None:
            continue
        noted = next((run for run in reversed(runs) if run.kinds and metric in run.kinds), None)
        if noted is not None and noted.kinds is not None:
            kind = noted.kinds[metric]
            if kind != spec.kind.value:
                found[metric] = (kind, noted)
    return found


def kind_changed(
    metric: str, plugin: str, was: str, run: Run, now: str, stored: bool
) -> PluginError:
    """What ``collect`` says of ``metric``, stored as a ``was`` by ``run`` and declared a
    ``now`` by ``plugin``: a warning where this collect ``stored`` it anew, an error
    (its figures still the old kind's) where it did not."""
    if stored:
        return PluginError(
            plugin, metric,
            f"was stored as a {was} (by collect run {run.id}) and is now declared a {now}: "
            f"this collect stored the periods it collected anew, as a {now}'s; figures of it "
            f"kept from another year are a {was}'s still, read as a {now}'s until that year "
            "is collected again",
            f"此前按 {was} 入库（第 {run.id} 次采集），现在声明为 {now}：本次采集已把所采周期的"
            f"数字按 {now} 重新入库；其他年份存下的数字仍是 {was} 的，在重新采集那一年之前会被"
            f"当作 {now} 读取",
        )  # fmt: skip
    return PluginError(
        plugin, metric,
        f"its figures were stored as a {was}'s (by collect run {run.id}) and it is now "
        f"declared a {now}, so the report and check read them as a {now}'s, which they are "
        f"not, until they are collected again: collect the year again (`okrdesk collect "
        f"--metric {metric}`)",
        f"已存的数字是按 {was} 入库的（第 {run.id} 次采集），而它现在声明为 {now}，报告和 "
        f"check 会把这些数字当作 {now} 读取，这是不对的，直到重新采集为止：请重新采集这一年"
        f"（`okrdesk collect --metric {metric}`）",
    )  # fmt: skip
