"""``okrdesk``, the command, and ``python -m okrdesk``.

The command starts here rather than in ``okrdesk.cli``: importing click and the
command line makes some twenty thousand objects, and the cyclic garbage
collector would walk them about twenty times while they are made. So no
collection runs until they are imported; from there on ``cli/start_up.py``
holds the collector back while the command imports what it runs.
"""

from __future__ import annotations

import gc


def main() -> None:
    """The ``okrdesk`` command."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from okrdesk.cli import main as command
        from okrdesk.cli.start_up import starting

        starting()  # what was imported is frozen before the collector runs again
    finally:
        if enabled:
            gc.enable()
    command()


if __name__ == "__main__":
    main()
