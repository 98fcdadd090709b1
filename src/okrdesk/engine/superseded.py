"""Whether a failure or warning of a plan's own collect is old news because a later
collect of another plan read the same metric again for every unit and person of it: a
head office's collect, for every branch, after the branch's own failed. Each collect
keeps whose figures it replaced (``Store.subjects_of_runs``), read only when a line of
the plan's own collects is still told."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from okrdesk.engine.rollup import subjects_under
from okrdesk.model import Plan, Run
from okrdesk.store.reader import StoreReader


class ReadAgain:
    """The collects of plans other than ``plan`` in the store, asked one failed or warned
    metric at a time."""

    def __init__(self, plan: Plan, store: StoreReader, every_run: Callable[[], Sequence[Run]]):
        self._plan = plan
        self._store = store
        self._every_run = every_run
        self._others: list[Run] | None = None
        self._covers: dict[int, bool] = {}

    def superseded(self, run: Run, metric: str) -> bool:
        """Whether a finished collect of another plan, after ``run``, read ``metric``'s
        sources at least as far as ``run`` was to (its ``through``), stored its figures,
        and replaced those of every unit and person under this plan's unit."""
        if self._others is None:
            top = self._plan.top
            self._others = [each for each in self._every_run()
                            if each.plan_unit not in ("", top) and not each.unfinished]  # fmt: skip
        later = [
            each for each in self._others
            if each.id > run.id and each.stored(metric)
            and (each.through or "") >= (run.through or "")
        ]  # fmt: skip
        unread = [each.id for each in later if each.id not in self._covers]
        if unread:
            mine = set(subjects_under(self._plan, self._plan.top))
            whose = self._store.subjects_of_runs(unread)
            self._covers.update((run_id, mine <= whose.get(run_id, frozenset()))
                                for run_id in unread)  # fmt: skip
        return any(self._covers[each.id] for each in later)
