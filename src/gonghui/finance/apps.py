from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "gonghui.finance"
    label = "finance"
    verbose_name = "会费与经费"

    def ready(self) -> None:
        from gonghui.core import extensions
        from gonghui.finance import counters

        extensions.stats_section("dues")(_dues_section)
        extensions.stats_section("funds")(_funds_section)
        extensions.counter_check(counters.verify, counters.rebuild)
        extensions.subtree_moved(counters.on_subtree_moved)
        extensions.dashboard_panel("finance/_panel.html", _panel)


def _may_see_money(user: Any) -> bool:
    from gonghui.core import access

    return user is None or access.has_perm(user, access.Perm.FINANCE)


def _section(org: Any, user: Any, key: str) -> dict[str, Any] | None:
    from django.utils import timezone

    from gonghui.finance import selectors

    if not _may_see_money(user):
        return None
    return selectors.stats(org, timezone.localdate().year)[key]


def _dues_section(org: Any, user: Any) -> dict[str, Any] | None:
    return _section(org, user, "dues")


def _funds_section(org: Any, user: Any) -> dict[str, Any] | None:
    return _section(org, user, "funds")


def _panel(org: Any, user: Any) -> dict[str, Any] | None:
    from django.utils import timezone

    from gonghui.finance import selectors

    if user is None or not _may_see_money(user):
        return None
    year = timezone.localdate().year
    return {"org": org, "year": year, **selectors.stats(org, year)}
