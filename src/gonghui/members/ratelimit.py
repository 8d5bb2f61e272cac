"""The public pages' rate limits; they live in core/ratelimit.py (one counter in the database,
shared by every server process). Kept here so the callers' imports keep working."""

from gonghui.core.ratelimit import DEFAULT_LIMITS, hit, limit_for

__all__ = ["DEFAULT_LIMITS", "hit", "limit_for"]
