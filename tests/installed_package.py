"""A plugin package written in a test, installed with pip and found through its entry
point, as a plugin author's package is: into a folder of the test's own (``pip
--target``) on the okrdesk process's path, never into the environment the tests run in,
where tests running beside it on another worker (``make test`` runs on every core) found
it among their plugins, and where it could replace a developer's own package."""

from __future__ import annotations

import contextlib
import os
import shutil
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
    group: str = "okrdesk",
    beside: Mapping[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """Install ``source`` as the module ``okrdesk_<name>`` of the package
    ``okrdesk-<name>``, whose entry point in the ``okrdesk`` group is ``name``; yields an
    environment for an okrdesk subprocess that loads only it and the sample workspace's
    own plugin. ``more`` (plugin name → source) are further plugins of the same package,
    each a module ``okrdesk_<plugin name>`` and an entry point of its own: one install for
    many plugins. ``entry``: what the entry point of ``name`` says, where it is not the
    module (``okrdesk_<name>:some_function``). ``group``: the entry-point group they are
    declared in, where it is not okrdesk's (an author's mistake). ``beside`` (file name →
    source): further modules of the package ``okrdesk_<name>``, beside its ``__init__.py``."""
    theirs = _installed_not_by_a_test(f"okrdesk-{name}")
    if theirs is not None:
        # Its entry points would be found beside the test's own.
        pytest.skip(f"okrdesk-{name} is installed here, not by a test ({theirs}): this test "
                    "needs the package of that name to be its own")  # fmt: skip
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

            [project.entry-points."{{group}}"]
            {{points}}

            [tool.hatch.build.targets.wheel]
            packages = [{{packages}}]
        """).format(points=points, packages=packages, group=group),
        encoding="utf-8",
    )
    for plugin, text in plugins.items():
        (root / "src" / f"okrdesk_{plugin}").mkdir(parents=True)
        (root / "src" / f"okrdesk_{plugin}" / "__init__.py").write_text(
            textwrap.dedent(text), "utf-8"
        )
    for file, text in (beside or {}).items():
        (root / "src" / f"okrdesk_{name}" / file).write_text(textwrap.dedent(text), "utf-8")
    site = folder / "site-packages"  # shared by a test's packages, installed side by side
    subprocess.run([*_PIP, "install", "--no-deps", "--no-build-isolation", "--target",
                    str(site), str(root)], check=True, capture_output=True)  # fmt: skip
    path = os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])])
    try:
        yield {**os.environ, "PYTHONPATH": path,
               "OKRDESK_LOAD_PLUGINS": ",".join([*plugins, "test_metrics"])}  # fmt: skip
    finally:
        # Uninstalled, as pip uninstalls (which leaves a folder outside its environment
        # alone): its modules and its dist-info, the rest of the folder as it was. A test
        # may go on without it.
        for installed in [*site.glob(f"okrdesk_{name.replace('-', '_')}-*.dist-info"),
                          *(site / f"okrdesk_{plugin}" for plugin in plugins)]:  # fmt: skip
            shutil.rmtree(installed)


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
