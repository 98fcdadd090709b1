from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from backends import Backend
from okrdesk.app.trust import grant
from postgres_server import OPT_OUT_ENV, PostgresServer, ServerMissing

# A suite started in the background of a script (`make test &`) inherits SIGINT ignored,
# and so would every okrdesk the tests start: the tests that stop a collect with Ctrl-C
# then waited for it in vain. The commands are tested as a terminal runs them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
from sample_workspace import BASE_FILES, LOCAL_PLUGIN, WriteWorkspace

# The example package's own tests import it, installed: test_plugins runs them so.
collect_ignore = ["example_plugin"]

# okrdesk loads no entry-point plugins under the test suite unless a test asks,
# so whatever is installed on this machine cannot change results.
sys._called_from_test = True  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def private_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A home and config folder of the test's own: trusting a workspace never touches the
    real ~/.config, and no test sees another's trust list."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("OKRDESK_ALLOW_WORKSPACE_CODE", raising=False)
    return home / ".config"


@pytest.fixture
def plans_over(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Today, for okrdesk, a day after the sample plans (2026, and 2027 after it) have
    ended, or the machine's today once later: a test may collect through their last day,
    which okrdesk refuses while it is still to come."""
    import okrdesk.clock

    day = max(dt.date.today(), dt.date(2028, 1, 3))
    monkeypatch.setattr(okrdesk.clock, "today", lambda: day)
    return day


@pytest.fixture
def write_workspace(tmp_path: Path) -> WriteWorkspace:
    """Write a valid small workspace, with any target file replaced or added."""

    def write(
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        root: Path | None = None,
        plugin: bool = True,
        trusted: bool = True,
    ) -> Path:
        root = root or tmp_path / "ws"
        targets = root / "targets"
        targets.mkdir(parents=True, exist_ok=True)
        if plugin:
            (root / "plugins").mkdir(exist_ok=True)
            (root / "plugins" / "test_metrics.py").write_text(LOCAL_PLUGIN, encoding="utf-8")
        merged: dict[str, str | bytes | None] = {**BASE_FILES, **(files or {})}
        for name, content in merged.items():
            if content is None:
                continue
            path = targets / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        if trusted:
            grant(root)  # the test plugin is the test's own code
        return root

    return write


@pytest.fixture(scope="session")
def copy_of_the_demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A fresh copy of the demo on test_report's AS_OF, in a folder named ``name``: the
    demo is built once per worker (a few seconds each time) and copied for each module
    that reads or changes one of its own. The copy keeps the files' times, so it is the
    folder `okrdesk demo` made, down to what it records of it (.okrdesk-demo)."""
    built: list[Path] = []

    def copy(name: str) -> Path:
        from test_report import AS_OF, okrdesk

        if not built:
            root = tmp_path_factory.mktemp("demo-as-built") / "demo"
            done = okrdesk("demo", str(root), "--as-of", AS_OF)
            assert done.returncode == 0, done.stderr
            built.append(root)
        return Path(shutil.copytree(built[0], tmp_path_factory.mktemp(name) / "demo"))

    return copy


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, stopped at the end whatever happened.

    No server is a failure, not a skip: ``make test`` installs one. A developer
    without PostgreSQL sets OKRDESK_TEST_POSTGRES=skip.
    """
    if os.environ.get(OPT_OUT_ENV) == "skip":
        pytest.skip(f"{OPT_OUT_ENV}=skip: the PostgreSQL tests are skipped")
    server: PostgresServer | None = None
    try:
        server = PostgresServer()
        server.start()
    except ServerMissing as error:
        if server is not None:
            server.stop()
        pytest.fail(f"cannot start the test PostgreSQL server: {error}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of an empty database of the test's own, dropped after the test."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, write_workspace: WriteWorkspace) -> Backend:
    """Each test that takes it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return Backend("sqlite", None, write_workspace)
    return Backend("postgresql", request.getfixturevalue("postgres_url"), write_workspace)
