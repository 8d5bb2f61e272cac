"""Reading the settings: a database row (系统设置) over the environment over the built-in default.

The rest of the code reads `django.conf.settings.GONGHUI_…` (settings.py turns each environment
variable into a setting). So that every reader sees a value changed in 系统设置 without being
rewritten, `apply()` lays the rows over `settings`; a row deleted (恢复默认) gives back the value
that was there before. A change touches a stamp file in the data folder; each request starts by
looking at the stamp's time (no query) and reloads the rows when another process changed them.
A process that serves no request (a command such as `gonghui stats --rebuild`, the task
worker) lays them over when it opens its first database connection.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _

from gonghui.sysconf.registry import BY_KEY, SPECS, Spec

_MISSING = object()
_lock = threading.Lock()
_originals: dict[str, Any] = {}  # key -> the value settings had before a row was laid over it


def typed(spec: Spec, text: str) -> Any:
    builtin = spec.builtin()
    if isinstance(builtin, bool):
        return text.strip().lower() in ("1", "true")
    if isinstance(builtin, int):
        return int(text)
    return text


def stored() -> dict[str, str]:
    from gonghui.sysconf.models import Setting

    return dict(Setting.objects.filter(key__in=BY_KEY).values_list("key", "value"))


def apply(rows: dict[str, str] | None = None) -> None:
    """Lay the stored values over `settings`; restore the ones whose row is gone."""
    if rows is None:
        try:
            rows = stored()
        except DatabaseError:  # no table yet (before migrate) or no database: nothing to lay over
            return
    with _lock:
        for key in list(_originals):
            if key not in rows:
                original = _originals.pop(key)
                if original is _MISSING:
                    if hasattr(settings, key):
                        delattr(settings, key)
                else:
                    setattr(settings, key, original)
        for key, text in rows.items():
            if key not in _originals:
                _originals[key] = getattr(settings, key, _MISSING)
            setattr(settings, key, typed(BY_KEY[key], text))


_seen: list[int | None] = [None]


def _stamp() -> Path:
    return Path(settings.DATA_DIR) / "sysconf.stamp"


def stamp_now() -> None:
    """After a change: every process reloads at its next request."""
    p = _stamp()
    p.write_text(str(time.time_ns()))
    _seen[0] = p.stat().st_mtime_ns


def on_first_connection(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """Once per process, when the first database connection opens (commands and the task worker
    read the rules without a request). Only where a change was ever made (the stamp exists)."""
    from django.db.backends.signals import connection_created

    connection_created.disconnect(dispatch_uid="gonghui.sysconf.first_connection")
    if not _stamp().exists() or connection.alias != "default":
        return
    try:
        with connection.cursor() as cursor:
            q = connection.ops.quote_name
            cursor.execute(f"SELECT {q('key')}, {q('value')} FROM {q('sysconf_setting')}")  # noqa: S608
            rows = {k: v for k, v in cursor.fetchall() if k in BY_KEY}
    except DatabaseError:  # before migrate
        return
    apply(rows)
    _seen[0] = _stamp().stat().st_mtime_ns


def reload_at_next_request() -> None:
    _seen[0] = -1


def on_request_started(**_kwargs: Any) -> None:
    try:
        mtime: int | None = _stamp().stat().st_mtime_ns
    except OSError:
        mtime = None  # nothing was ever changed here
    if mtime != _seen[0]:
        _seen[0] = mtime
        apply()


def default_of(spec: Spec) -> tuple[Any, str]:
    """The value without a row, and where it comes from."""
    original = _originals.get(spec.key, getattr(settings, spec.key, _MISSING))
    if spec.key in os.environ:
        return os.environ[spec.key], _("环境变量")
    if original is not _MISSING and original != spec.builtin():
        return original, _("部署配置")
    return spec.builtin(), _("系统默认")


@dataclass
class Shown:
    spec: Spec
    value: Any
    source: str
    default: Any
    default_source: str
    changed_by: str
    changed_at: Any


def listing() -> list[Shown]:
    from gonghui.sysconf.models import Setting

    rows = {s.key: s for s in Setting.objects.select_related("updated_by").filter(key__in=BY_KEY)}
    out = []
    for spec in SPECS:
        default, default_source = default_of(spec)
        row = rows.get(spec.key)
        if row is not None:
            out.append(Shown(spec, typed(spec, row.value), _("系统设置"), default, default_source,
                             str(row.updated_by or _("系统")), row.updated_at))  # fmt: skip
        else:
            out.append(Shown(spec, default, default_source, default, default_source, "", None))
    return out


def issuer_pattern(org: Any) -> str | None:
    """The 批复文号 pattern an issuing union set for itself, if any."""
    from gonghui.sysconf.models import IssuerPattern

    return IssuerPattern.objects.filter(org=org).values_list("pattern", flat=True).first()
