"""``okrdesk init``: a new workspace with a commented example plan to start from."""

from __future__ import annotations

from pathlib import Path

from okrdesk.errors import BadInput, Said
from okrdesk.files import copy_file_atomically
from okrdesk.targets.settings import SETTINGS_FILE

_SKELETON = Path(__file__).resolve().parents[1] / "skeleton"


_REFUSED = {
    "en": {
        "exists": "{root} is already a workspace ({shown} exists); nothing was changed",
        "not_folder": "{root} is not a folder",
    },
    "zh": {
        "exists": "{root} 已经是工作区（已有 {shown}）；未改动任何内容",
        "not_folder": "{root} 不是文件夹",
    },
}
"""What ``okrdesk init`` refuses, in the language of the plan it would write (the
locale's without --lang, as the plan's is)."""


def _refuse_existing(root: Path, lang: str) -> None:
    existing = [p for p in (root / SETTINGS_FILE, root / "targets") if p.exists()]
    if existing:
        shown = ("、" if lang == "zh" else ", ").join(str(p) for p in existing)
        raise BadInput(_REFUSED[lang]["exists"].format(root=root, shown=shown))


LANGUAGES = ("zh", "en")


def create_workspace(root: Path, lang: str = "en") -> list[str]:
    """Write the commented example workspace in ``lang`` into ``root``; return what was
    written."""
    if lang not in LANGUAGES:
        raise BadInput(Said(f"--lang {lang}: write zh or en", f"--lang {lang}：请写 zh 或 en"))
    if root.exists() and not root.is_dir():
        raise BadInput(_REFUSED[lang]["not_folder"].format(root=root))
    _refuse_existing(root, lang)
    written = []
    skeleton = _SKELETON / lang
    for source in sorted(skeleton.rglob("*")):
        if source.is_file():
            target = root / source.relative_to(skeleton)
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_file_atomically(source, target)
            written.append(target.relative_to(root).as_posix())
    (root / "data").mkdir(exist_ok=True)
    return written


_CREATED = {
    "en": (
        "Created a workspace in {root}:",
        "Edit targets/plan.toml, then run `okrdesk validate`.",
    ),
    "zh": ("已创建工作区 {root}：", "请编辑 targets/plan.toml，然后运行 `okrdesk validate`。"),
}
"""What ``okrdesk init`` says it made, in the language of the plan it wrote."""


def created(root: Path, written: list[str], lang: str) -> list[str]:
    """The lines ``okrdesk init`` prints: where, each file written, what to do next."""
    head, next_step = _CREATED[lang]
    return [head.format(root=root), *(f"  {path}" for path in written), next_step]
