"""okrdesk's reading of installed plugins' entry points against ``importlib.metadata``'s,
over distributions written out as pip writes them (``*.dist-info`` folders)."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from okrdesk.plugins.entry_points import _normalized, entry_points

README = "# A plugin\n\nVersion: 9.9.9 is not this package's version: it is its README.\n" * 50


def _distribution(folder: Path, name: str, version: str, points: bytes | None,
                  newline: str = "\n", body: str = README) -> None:  # fmt: skip
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    headers = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", "Summary: x"]
    (info / "METADATA").write_bytes((newline.join([*headers, "", body])).encode())
    if points is not None:
        (info / "entry_points.txt").write_bytes(points)


def _as_importlib_reads(group: str, path: list[str]) -> list[tuple[str, str, str]]:
    """As ``importlib.metadata.entry_points(group=...)`` lists them, over ``path``: the
    first distribution of a name found on it, the later ones not."""
    first: dict[str, importlib.metadata.Distribution] = {}
    for dist in importlib.metadata.distributions(path=path):
        first.setdefault(dist.metadata["Name"].replace("-", "_").lower(), dist)
    return sorted(
        (point.name, point.value, dist.version)
        for dist in first.values()
        for point in dist.entry_points
        if point.group == group
    )


def test_entry_points_are_read_as_importlib_metadata_reads_them(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _distribution(first, "okrdesk_salons", "1.2.0",
                  b"[console_scripts]\nsalons = salons:main\n\n"
                  b"[okrdesk]\nsalons = okrdesk_salons.plugin\n")  # fmt: skip
    _distribution(first, "okrdesk_crm", "0.3.1",
                  b"[okrdesk]\r\ncrm = okrdesk_crm:plugin\r\n", newline="\r\n")  # fmt: skip
    _distribution(first, "tool", "2.0", b"[console_scripts]\ntool = tool:main\n")
    _distribution(first, "no_points", "1.0", None)
    # The same distribution later on the path: the first one found wins.
    _distribution(second, "okrdesk_salons", "0.9.0", b"[okrdesk]\nold = old_salons\n")
    path = [str(first), str(second)]

    found = sorted((p.name, p.value, p.version) for p in entry_points("okrdesk", path))

    assert found == _as_importlib_reads("okrdesk", path)
    assert found == [
        ("crm", "okrdesk_crm:plugin", "0.3.1"),
        ("salons", "okrdesk_salons.plugin", "1.2.0"),
    ]


def test_a_version_is_read_from_the_headers_never_the_description(tmp_path: Path) -> None:
    _distribution(tmp_path, "okrdesk_notes", "3.0", b"[okrdesk]\nnotes = notes\n",
                  body="Version: 4.0\n" + README)  # fmt: skip

    (point,) = entry_points("okrdesk", [str(tmp_path)])

    assert point.version == "3.0"
    assert _as_importlib_reads("okrdesk", [str(tmp_path)]) == [("notes", "notes", "3.0")]


def test_an_entry_points_file_not_in_utf8_is_passed_over(tmp_path: Path) -> None:
    # importlib.metadata raises UnicodeDecodeError on it; a command goes on without it.
    _distribution(tmp_path, "latin", "1.0", b"[okrdesk]\nlatin = caf\xe9\n")
    _distribution(tmp_path, "okrdesk_notes", "3.0", b"[okrdesk]\nnotes = notes\n")

    assert [p.name for p in entry_points("okrdesk", [str(tmp_path)])] == ["notes"]


def test_a_distribution_is_the_same_whichever_way_its_folder_spells_its_name(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _distribution(first, "Okrdesk.Salons", "1.2.0", b"[okrdesk]\nsalons = okrdesk_salons\n")
    _distribution(first, "okrdesk_crm", "0.3.1", b"[okrdesk]\ncrm = okrdesk_crm\n")
    # The same two later on the path, spelt otherwise: the first ones found win.
    _distribution(second, "okrdesk__salons", "0.9.0", b"[okrdesk]\nold = old_salons\n")
    _distribution(second, "OKRDESK_CRM", "0.1.0", b"[okrdesk]\nold_crm = old_crm\n")
    _distribution(second, "okrdesk_._tally", "1.0", b"[okrdesk]\ntally = okrdesk_tally\n")

    found = entry_points("okrdesk", [str(first), str(second)])

    assert sorted((p.name, p.value, p.version, p.distribution) for p in found) == [
        ("crm", "okrdesk_crm", "0.3.1", "okrdesk_crm"),
        ("salons", "okrdesk_salons", "1.2.0", "okrdesk_salons"),
        ("tally", "okrdesk_tally", "1.0", "okrdesk_tally"),
    ]


def test_a_name_is_normalised_as_the_pattern_does() -> None:
    names = ["okrdesk_salons", "Okrdesk_Salons", "okrdesk__salons", "okrdesk-salons",
             "zope.interface", "a_-_b", "_private", "trailing_", "x", "A.B-C_D"]  # fmt: skip

    for name in names:
        assert _normalized(name) == re.sub(r"[-_.]+", "_", name).lower(), name
