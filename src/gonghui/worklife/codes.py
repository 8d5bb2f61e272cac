"""The activity-type code table (工会活动类型): defaults, and labels read through a small cache.

The list lives in the database (`ActivityType`, seeded by migration 0002 from a frozen copy of
`DEFAULT_TYPES`) so a federation can add its own kinds; if the table is empty (a test flushed it)
the defaults answer. Codes in `FIXED` are used by the rules (stats, idle score) and are never retired.
"""

from __future__ import annotations

import time

MEETING = "meeting"
CULTURE = "culture"
ANKANG = "ankang"
COMPETITION = "competition"
HOME = "home"
TRAINING = "training"
OTHER = "other"

DEFAULT_TYPES: list[tuple[str, str]] = [
    (MEETING, "会议（委员会会议、会员大会等）"),
    (CULTURE, "文体活动"),
    (ANKANG, "安康杯竞赛"),
    (COMPETITION, "劳动竞赛"),
    (HOME, "职工之家建设"),
    (TRAINING, "培训"),
    ("care_visit", "走访慰问"),
    (OTHER, "其他"),
]
FIXED = frozenset({MEETING, CULTURE, ANKANG, COMPETITION, HOME, TRAINING, OTHER})

_TTL = 60.0
_cache: dict[str, tuple[float, list[tuple[str, str]], dict[str, str]]] = {}


def clear_cache() -> None:
    _cache.clear()


def _load() -> tuple[float, list[tuple[str, str]], dict[str, str]]:
    hit = _cache.get("t")
    now = time.monotonic()
    if hit and now - hit[0] < _TTL:
        return hit
    from gonghui.worklife.models import ActivityType

    every = list(ActivityType.objects.order_by("sort", "code").values_list("code", "label", "active"))
    if every:
        rows = [(c, label) for c, label, active in every if active]
        names = {c: label for c, label, _a in every}
    else:
        rows = list(DEFAULT_TYPES)
        names = {}
    for c, label in DEFAULT_TYPES:
        names.setdefault(c, label)
    _cache["t"] = (now, rows, names)
    return _cache["t"]


def choices() -> list[tuple[str, str]]:
    """Active types as (code, label), in sort order."""
    return _load()[1]


def label(code: str) -> str:
    return _load()[2].get(code, code) if code else ""


def by_label() -> dict[str, str]:
    """Label or code → code, for imports (a sheet may carry either)."""
    out: dict[str, str] = {}
    for c, lab in _load()[2].items():
        out[lab] = c
        out[c] = c
    return out
