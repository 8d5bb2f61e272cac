"""Extension points: apps that add figures to the statistics, checks to `gonghui stats --verify` and
panels to the dashboard register here (in their AppConfig.ready), so the reports app does not import
every app that has something to count.

- `stats_section("key")(fn)`: fn(org, user) -> dict or None (None: the user may not see it; user is
  None on the command line, which sees everything), added to `gonghui stats --json` and the API's stats
  under "key" (one or two queries against counters; never a live count over the subtree).
- `counter_check(verify, rebuild)`: verify() -> list of {"path", "field", "stored", "expected"};
  rebuild() -> int (rows written). Run by `gonghui stats --verify` / `--rebuild` after the core ones.
- `dashboard_panel(template, fn)`: fn(org, user) -> context dict for the template, or None to skip
  (e.g. the user's role may not see money figures). Rendered on the dashboard below the figures.
- `subtree_moved(fn)`: fn(old_path, new_path) after `orgs.actions.org_move` moved a subtree and
  rewrote every path column, in its transaction: an app whose counters hold subtree totals by path
  takes the moved subtree's totals off the old ancestors and adds them to the new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

StatsFn = Callable[[Any, Any], "dict[str, Any] | None"]
VerifyFn = Callable[[], list[dict[str, Any]]]
RebuildFn = Callable[[], int]
PanelFn = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelFn


_stats: dict[str, StatsFn] = {}
_checks: list[tuple[VerifyFn, RebuildFn]] = []
_panels: list[Panel] = []
_moves: list[Callable[[str, str], None]] = []


def stats_section(key: str) -> Callable[[StatsFn], StatsFn]:
    def register(fn: StatsFn) -> StatsFn:
        _stats[key] = fn
        return fn

    return register


def stats_sections(org: Any, user: Any = None) -> dict[str, Any]:
    out = {}
    for key, fn in _stats.items():
        section = fn(org, user)
        if section is not None:
            out[key] = section
    return out


def counter_check(verify: VerifyFn, rebuild: RebuildFn) -> None:
    if (verify, rebuild) not in _checks:
        _checks.append((verify, rebuild))


def verify_all() -> list[dict[str, Any]]:
    return [d for verify, _ in _checks for d in verify()]


def rebuild_all() -> int:
    return sum(rebuild() for _, rebuild in _checks)


def dashboard_panel(template: str, context: PanelFn) -> None:
    if all(p.template != template for p in _panels):
        _panels.append(Panel(template, context))


def dashboard_panels(org: Any, user: Any) -> list[dict[str, Any]]:
    out = []
    for p in _panels:
        ctx = p.context(org, user)
        if ctx is not None:
            out.append({"template": p.template, "ctx": ctx})
    return out


def subtree_moved(fn: Callable[[str, str], None]) -> Callable[[str, str], None]:
    if fn not in _moves:
        _moves.append(fn)
    return fn


def on_subtree_moved(old_path: str, new_path: str) -> None:
    for fn in _moves:
        fn(old_path, new_path)
