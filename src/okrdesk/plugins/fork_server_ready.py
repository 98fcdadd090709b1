"""The fork server's last preloaded module: Ctrl-C, ignored while it imported what it
preloads (``fork_server_exit``), is Python's own again, as multiprocessing finds it when
it keeps the handler the processes it forks for plugins start with."""

from __future__ import annotations

import signal

from okrdesk.plugins import fork_server_exit

if fork_server_exit.started_the_fork_server():
    signal.signal(signal.SIGINT, signal.default_int_handler)
