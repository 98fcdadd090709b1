"""A plugin package written in a test, installed with pip into the environment the
tests run in and found through its entry point, as a plugin author's package is; it is
uninstalled when the test ends, whatever happened."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

_PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


@contextlib.contextmanager
def installed_package(
    folder: Path,
    name: str,
    source: str,
    more: Mapping[str, str] | None = None,
    *,
    entry: str | None = None,
) -> Iterator[dict[str, str]]:
    """Install ``source`` as the module ``okrdesk_<name>`` of the package
    ``okrdesk-<name>``, whose entry point in the ``okrdesk`` group is ``name``; yields an
    environment for an okrdesk subprocess that loads only it and the sample workspace's
    own plugin. ``more`` (plugin name → source) are further plugins of the same package,
    each a module ``okrdesk_<plugin name>`` and an entry point of its own: one install for
    many plugins. ``entry``: what the entry point of ``name`` says, where it is not the
    module (``okrdesk_<name>:some_function``)."""
    theirs = _installed_not_by_a_test(f"okrdesk-{name}")
    if theirs is not None:
        # Installing over it and uninstalling it at the end would take it away.
        pytest.skip(f"okrdesk-{name} is installed here, not by a test ({theirs}): this test "
                    "installs and removes a package of that name")  # fmt: skip
    plugins = {name: source, **(more or {})}
    root = folder / f"okrdesk-{name}"
    values = {plugin: f"okrdesk_{plugin}" for plugin in plugins}
    values[name] = entry or values[name]
    points = "\n".join(f'{plugin} = "{value}"' for plugin, value in values.items())
    packages = ", ".join(f'"src/okrdesk_{plugin}"' for plugin in plugins)
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "okrdesk-{name}"
            version = "0.1.0"
            dependencies = ["okrdesk"]

            [project.entry-points.okrdesk]
            {{points}}

            [tool.hatch.build.targets.wheel]
            packages = [{{packages}}]
        """).format(points=points, packages=packages),
        encoding="utf-8",
    )
    for plugin, text in plugins.items():
        (root / "src" / f"okrdesk_{plugin}").mkdir(parents=True)
        (root / "src" / f"okrdesk_{plugin}" / "__init__.py").write_text(
            textwrap.dedent(text), "utf-8"
        )
    subprocess.run([*_PIP, "install", "--no-deps", "--no-build-isolation", str(root)],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield {**os.environ, "OKRDESK_LOAD_PLUGINS": ",".join([*plugins, "test_metrics"])}
    finally:
        subprocess.run([*_PIP, "uninstall", "-y", f"okrdesk-{name}"], check=True,
                       capture_output=True)  # fmt: skip


def _installed_not_by_a_test(distribution: str) -> str | None:
    """Where ``distribution`` comes from when it is installed and was not installed from
    pytest's temporary folders, as a test installs its packages (one a test run left
    behind when it was killed is a test's); None when it is not installed or is a
    test's."""
    import importlib.metadata
    import json
    import tempfile

    try:
        found = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    url = str(json.loads(found.read_text("direct_url.json") or "{}").get("url", ""))
    if url.startswith(Path(tempfile.gettempdir(), "pytest-of-").resolve().as_uri()):
        return None
    return url or str(found.locate_file(""))


def okrdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``okrdesk ARGS`` run as a user runs it, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "okrdesk", *args], capture_output=True,
                          text=True, env=env)  # fmt: skip
