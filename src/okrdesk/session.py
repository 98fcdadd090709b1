"""Open a workspace the way every command does: settings, plugins, plan."""

from __future__ import annotations

import os

import attrs

from okrdesk.errors import Problem, ValidationFailed
from okrdesk.model import Plan
from okrdesk.plugins.manager import PluginHost
from okrdesk.targets.load import LoadResult, load_plan
from okrdesk.targets.reader import Report
from okrdesk.workspace import Workspace, locate, read_settings


@attrs.frozen
class Session:
    workspace: Workspace
    host: PluginHost
    loaded: LoadResult
    settings_report: Report

    @property
    def problems(self) -> list[Problem]:
        return sorted({*self.settings_report.problems, *self.loaded.problems})

    @property
    def warnings(self) -> list[Problem]:
        return sorted({*self.settings_report.warnings, *self.loaded.warnings})

    @property
    def plan(self) -> Plan:
        """The plan; raises ValidationFailed, listing every problem, when there is none."""
        if self.loaded.plan is None or self.problems:
            raise ValidationFailed(self.problems)
        return self.loaded.plan


def open_session(option: str | os.PathLike[str] | None) -> Session:
    """Read the workspace's settings, load its plugins and read its targets."""
    root = locate(option)
    report = Report()
    workspace = read_settings(root, report)
    host = PluginHost(workspace.plugins, sources=workspace.sources).load()
    loaded = load_plan(root, host.metrics)
    return Session(workspace, host, loaded, report)
