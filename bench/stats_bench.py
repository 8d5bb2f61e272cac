"""Statistics at province scale (issue 7), on SQLite and on PostgreSQL.

    .venv/bin/python bench/stats_bench.py [--orgs 500000] [--members 10000000] [--db sqlite,postgres]

For each database, in a temporary folder (var/ is never touched): migrate, load
`gonghui demo --scale province`, then measure in one process
  * the whole-tree dashboard figures served from the maintained counters (target < 200 ms),
    against a full recount of the same figures (the reference; the ratio is printed);
  * the whole dashboard page (GET /dashboard/<root>/: figures, children, history from the daily
    snapshots, groups) as a leader opens it;
  * a member lookup by ID number through the blind index (p99 of 1,000 lookups, target < 20 ms);
  * the member list page's query count at page sizes 10 and 50 (must be equal);
  * counters_exact: a recount compared with every counter row.
PostgreSQL runs in a throwaway cluster started with scripts/pg.sh (its binaries must be installed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def measure() -> dict[str, object]:
    """Runs inside a Django-configured process pointed at the loaded database."""
    import random
    import statistics

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gonghui.accounts.models import User
    from gonghui.core import pii
    from gonghui.core.models import Identity
    from gonghui.members.actions import id_index
    from gonghui.members.models import Membership, Person
    from gonghui.orgs.models import Org
    from gonghui.orgs.selectors import subtree_stats
    from gonghui.reports import counters
    from gonghui.reports.selectors import children_figures

    root = Org.objects.filter(depth=1).order_by("path").first()
    assert root is not None

    def dashboard() -> None:
        subtree_stats(root)
        children_figures(root)

    dashboard()
    runs = []
    for _ in range(30):
        t = time.perf_counter()
        dashboard()
        runs.append(time.perf_counter() - t)
    dash_ms = statistics.median(runs) * 1000

    t = time.perf_counter()
    counters.recount()
    recount_s = time.perf_counter() - t

    # lookups: decrypt a sample of ID numbers, then find each member by the blind index
    n_persons = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(7)
    sample_ids = [rng.randint(1, n_persons) for _ in range(1000)]
    numbers = [
        pii.decrypt(c, context="id_number")
        for c in Person.objects.filter(id__in=sample_ids).values_list("id_cipher", flat=True)
    ]
    times = []
    for number in numbers:
        t = time.perf_counter()
        m = (
            Membership.objects.select_related("person", "org")
            .filter(person_id__in=Identity.holders(id_index(number)), status="active")
            .first()
        )
        times.append(time.perf_counter() - t)
        assert m is not None
    times.sort()
    p99_ms = times[int(len(times) * 0.99) - 1] * 1000
    p50_ms = times[len(times) // 2] * 1000

    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", org=root, role="viewer"
    )
    client = Client()
    client.force_login(user)
    # the whole dashboard page as a leader opens it: figures, children, history (snapshots), groups
    client.get(f"/dashboard/{root.code}/")
    page_runs = []
    for _ in range(10):
        t = time.perf_counter()
        assert client.get(f"/dashboard/{root.code}/").status_code == 200
        page_runs.append(time.perf_counter() - t)
    page_ms = statistics.median(page_runs) * 1000

    queries = {}
    for size in (10, 50):
        client.get(f"/members/?per={size}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/members/?per={size}").status_code == 200
        queries[size] = len(ctx)

    t = time.perf_counter()
    diffs = counters.verify()
    verify_s = time.perf_counter() - t
    return {
        "orgs": Org.objects.count(), "members": Membership.objects.count(), "dashboard_ms": round(dash_ms, 2), "dashboard_page_ms": round(page_ms, 1),
        "recount_s": round(recount_s, 2), "ratio": round(recount_s * 1000 / dash_ms, 1), "lookup_p50_ms": round(p50_ms, 3),
        "lookup_p99_ms": round(p99_ms, 3), "list_queries": queries, "verify_s": round(verify_s, 1), "counters_exact": not diffs,
    }  # fmt: skip


def run_one(db: str, orgs: int, members: int, workdir: Path) -> dict[str, object]:
    env = dict(os.environ, GONGHUI_DATA_DIR=str(workdir / db), DJANGO_SETTINGS_MODULE="gonghui.settings")
    pg_dir = None
    try:
        if db == "postgres":
            pg_dir = Path(
                tempfile.mkdtemp(prefix="gonghui-bench-pg-")
            )  # outside workdir: the postgres user must reach it
            url = subprocess.check_output(
                ["sh", str(ROOT / "scripts/pg.sh"), "start", str(pg_dir), "55470"], text=True
            ).strip()
            env["GONGHUI_DATABASE_URL"] = url
        gh = [str(BIN / "gonghui")]
        subprocess.run([*gh, "migrate", "-v", "0"], env=env, check=True)
        t = time.perf_counter()
        subprocess.run([*gh, "demo", "--scale", "province", "--orgs", str(orgs), "--members", str(members)], env=env, check=True,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        load_s = time.perf_counter() - t
        out = subprocess.check_output([sys.executable, __file__, "--measure"], env=env, text=True)
        result = json.loads(out.strip().splitlines()[-1])
        result["load_s"] = round(load_s, 1)
        return result
    finally:
        if pg_dir is not None:
            subprocess.run(["sh", str(ROOT / "scripts/pg.sh"), "stop", str(pg_dir)], check=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=500_000)
    ap.add_argument("--members", type=int, default=10_000_000)
    ap.add_argument("--db", default="sqlite,postgres")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    workdir = Path(tempfile.mkdtemp(prefix="gonghui-bench-"))
    exact = True
    try:
        for db in args.db.split(","):
            r = run_one(db, args.orgs, args.members, workdir)
            exact = exact and bool(r["counters_exact"])
            print(f"[{db}] orgs={r['orgs']:,} members={r['members']:,} load={r['load_s']}s")
            print(
                f"[{db}] dashboard (counters) median {r['dashboard_ms']} ms; full recount {r['recount_s']} s; ratio recount/dashboard = {r['ratio']}x"
            )
            print(f"[{db}] dashboard page (GET, all panels) median {r['dashboard_page_ms']} ms")
            print(f"[{db}] lookup by ID number p50 {r['lookup_p50_ms']} ms, p99 {r['lookup_p99_ms']} ms")
            print(
                f"[{db}] member list queries: page size 10 → {r['list_queries']['10']}, page size 50 → {r['list_queries']['50']}"
            )
            print(f"[{db}] verify {r['verify_s']} s, counters_exact={str(r['counters_exact']).lower()}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"counters_exact={str(exact).lower()}")


if __name__ == "__main__":
    main()
