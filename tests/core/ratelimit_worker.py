"""A separate process that counts against the shared rate limit (tests/core/test_ratelimit.py).

    python ratelimit_worker.py setup                      create the counter table in GONGHUI_SQLITE_PATH
    python ratelimit_worker.py db|cache N LIMIT GO_FILE   wait for GO_FILE, count N hits, print how many passed

`cache` counts the way the old members/ratelimit.py did (cache.add, then cache.incr) on Django's
database cache backend, to measure it against the database counter.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402

WINDOW = 10**9  # one window for the whole run: the count never splits at a window boundary


def _cache_hit(limit: int) -> bool:
    from django.core.cache import caches

    cache = caches["rl"]
    key = "gh-rl:test:1.2.3.4:"
    if cache.add(key, 1, timeout=WINDOW):
        return True
    n = cache.incr(key)
    return n <= limit


def main() -> None:
    if sys.argv[1] == "setup":
        from django.core.management import call_command

        from gonghui.accounts.models import RateCounter

        with connection.schema_editor() as editor:
            editor.create_model(RateCounter)
        call_command("createcachetable")
        return
    mode, n, limit, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    from gonghui.core.ratelimit import hit_key

    while not os.path.exists(go):
        time.sleep(0.005)
    passed = 0
    for _ in range(n):
        for attempt in range(100):
            try:
                ok = hit_key("test", "1.2.3.4", limit, WINDOW) if mode == "db" else _cache_hit(limit)
                break
            except OperationalError:  # only if SQLite's busy timeout ran out; never seen
                if attempt == 99:
                    raise
        passed += ok
    print(passed)


# Django's database cache on the same database, for the comparison (caches are built on first use).
settings.CACHES["rl"] = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gh_cache"}
main()
