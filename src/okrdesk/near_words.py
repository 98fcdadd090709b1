"""The words nearest a mistyped one, by one rule for every id and unit okrdesk names: a
command's ``--unit wm``, a target file's owner, a plugin's unit ``'万'``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

_NEAR_ENOUGH = 0.6


def close_matches(word: str, choices: Collection[str]) -> list[str]:
    """The choices nearest ``word``, ignoring case and width, where any is near enough,
    in alphabetical order (``choices`` may be a set), every one of them: those that differ
    only in a number's leading zeros first (``b07`` is ``b007``, not ``b027``, which is
    as many letters away), then those that differ only in letters typed for the digits
    they look like (``cm0l`` is ``cm01``, ``bO07`` is ``b007``), else every one as near
    as the nearest (``wm`` is as near ``wm1`` as ``wm2``: naming one alone sent a manager
    to the other team's report; naming three of six, to a team as likely not meant)."""
    import difflib  # only for a word that was not found

    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(_folded(choice), choice)
    unpadded = _unpadded(_folded(word))
    padded = [folded[f] for f in folded if _unpadded(f) == unpadded]
    if padded:
        return sorted(padded)
    looks = _looks(word)
    alike = [folded[f] for f in folded if _looks(f) == looks]
    if alike:
        return sorted(alike)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(_folded(word))
    scored: list[tuple[float, str]] = []
    for choice in folded:
        matcher.set_seq1(choice)
        if (
            matcher.real_quick_ratio() >= _NEAR_ENOUGH
            and matcher.quick_ratio() >= _NEAR_ENOUGH
            and (score := matcher.ratio()) >= _NEAR_ENOUGH
        ):
            scored.append((score, choice))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return sorted(folded[choice] for score, choice in scored if score == best)


def _folded(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


_DIGIT_LOOKALIKES = str.maketrans({"l": "1", "i": "1", "o": "0"})


def _looks(word: str) -> str:
    """How ``word`` looks: folded, letters that pass for digits as those digits (l, I and
    1; O and 0), without a number's leading zeros."""
    return _unpadded(_folded(word).translate(_DIGIT_LOOKALIKES))


def _unpadded(word: str) -> str:
    """``word`` with each number's leading zeros left out: ``b007`` and ``b07`` are ``b7``."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", word)
