"""How much of the disk the SQL source may fill for a workspace's tables and queries.

What does not fit in memory goes to a scratch folder: DuckDB's spill, and the UTF-8
copies of sheets and of text in other encodings. Without a bound, a sort of
``range(10**10)``, a 4 MB ``.csv.gz`` that unpacks to a terabyte, or an ``.xlsx`` whose
sheet does, in an ``okrdesk.toml`` someone sent, fills the disk until the time limit,
and other programs' writes fail meanwhile. Ten times the size of the files read, and
at least 4 GiB, is far more than a query of a sound plan needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from okrdesk.errors import Said

LEAST_SCRATCH = 4 * 1024**3
SCRATCH_PER_BYTE_READ = 10


def most_scratch(files: Iterable[Path]) -> int:
    """Bytes of scratch space the work on ``files`` may take."""
    read = 0
    for file in files:
        try:
            read += file.stat().st_size
        except OSError:
            continue  # not there: said where it is read
    return max(LEAST_SCRATCH, SCRATCH_PER_BYTE_READ * read)


class TooMuchScratch(Exception):
    """More was read or written for a copy than ``most_scratch`` allows."""


class Metered:
    """A file (read or written) that raises ``TooMuchScratch`` once more than ``most``
    bytes or characters have gone through it."""

    def __init__(self, file: Any, most: int) -> None:
        self._file, self._most, self._through = file, most, 0

    def _count(self, piece: bytes | str) -> None:
        self._through += len(piece)
        if self._through > self._most:
            raise TooMuchScratch

    def read(self, size: int = -1) -> bytes:
        piece: bytes = self._file.read(size)
        self._count(piece)
        return piece

    def write(self, piece: str) -> int:
        self._count(piece)
        return int(self._file.write(piece))


def too_much(at: str, most: int | None = None) -> Said:
    """What a table (``at``: its key and file) or a query that would take more than
    ``most`` bytes of scratch space (its share, when not known) is told."""
    gib = f" {most / 1024**3:.3g} GiB" if most is not None else ""
    share = f"more than{gib} of scratch space on disk (ten times the files read, at least 4 GiB)"
    return Said(
        f"{at}: it needs {share}; does a file unpack to far more than it holds, or a query "
        "join tables without a condition or read a range() of billions of rows?",
        f"{at}：需要的磁盘临时空间超过{gib}（所读文件的十倍，至少 4 GiB）；是否有文件解压后"
        "远大于文件本身，或查询连接表时没有条件、读了数十亿行的 range()？",
    )


__all__ = ["LEAST_SCRATCH", "Metered", "TooMuchScratch", "most_scratch", "too_much"]
