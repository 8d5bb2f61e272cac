from __future__ import annotations

from typing import Any

from django import template

from gonghui.finance import rules
from gonghui.finance.models import Exemption

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """Fen shown as yuan with two decimals and thousands separators."""
    if fen is None or fen == "":
        return "—"
    return rules.yuan(int(fen))


@register.filter
def pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def exemption(code: str) -> str:
    if code == rules.EXEMPT_RETAINED:
        return "保留会籍"
    return str(dict(Exemption.choices).get(code, code))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
