"""Listeners told of every write of the worklife actions, inside the same transaction.

Counters (14b's `worklife/counters.py`) register here in AppConfig.ready, so figures stay exact
without the actions importing the statistics: `hooks.listen(fn)`, fn(kind, org, obj) where kind is
"congress", "contract", "activity" or "group", `org` the union owning the row and `obj` the row
(already saved; for a deletion, the unsaved copy with its fields as they were).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[str, Any, Any], None]
_listeners: list[Listener] = []


def listen(fn: Listener) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def changed(kind: str, org: Any, obj: Any) -> None:
    for fn in _listeners:
        fn(kind, org, obj)
