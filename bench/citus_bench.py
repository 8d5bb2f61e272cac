"""National scale (issue 13): the same national demo on one PostgreSQL and on a Citus cluster
(coordinator + two workers on this machine).

    .venv/bin/python bench/citus_bench.py [--provinces 4] [--members 3000]

For each database, in a temporary folder: start it (scripts/pg.sh on 56001, scripts/citus.sh on
57005-57007), `gonghui migrate` (on Citus this distributes the schema), load
`gonghui demo --scale nation` through its import path and measure in one process
  * import rows/s (a row = one member: person, identity row, membership, 入会 event, counter moved;
    batches of 1,000 per transaction);
  * an ID lookup through the blind index (members.selectors.current_membership), p50/p99 of 500;
  * a union's member list as the member list page reads it (the first 50 of its roll, newest first,
    then their memberships and persons: members/roll.py, one shard on Citus), median of 30; and the
    same page read from the register alone (memberships by union, a fan-out over every shard on
    Citus), also with `multi_shard_modify_mode = parallel` (migrate sets sequential: what it costs);
  * the national dashboard (every province's subtree figures from the maintained counters, summed)
    and one province's dashboard (its figures and its cities'), median of 30;
  * a cross-province transfer (start + accept: both memberships, both histories, the counters of
    both provinces, in one transaction each), median of 10.
The last line: citus_lookup_p99_ms=A national_dashboard_ms=B import_ratio_vs_postgres=C
(C = Citus import rows/s ÷ PostgreSQL's; below 1 means slower). One machine with 2 cores holds all
three Citus nodes here, so the figures show the cluster's overhead, not its capacity.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _ms(f: Any, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        out.append((time.perf_counter() - t) * 1000)
    return sorted(out)


def _pct(xs: list[float], p: float) -> float:
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 2)


def measure(provinces: int, members: int) -> dict[str, Any]:
    """Runs inside a Django-configured process pointed at a migrated, empty database."""
    import datetime as dt
    import random

    import django

    django.setup()
    from django.db import connection

    from gonghui.core import citus
    from gonghui.demo.nation import load_nation
    from gonghui.members import actions, paging, roll
    from gonghui.members.models import Membership, Person
    from gonghui.members.selectors import current_membership
    from gonghui.orgs.models import Org, OrgKind
    from gonghui.reports import counters

    loaded = load_nation(provinces=provinces, members=members, log=lambda s: None)
    rng = random.Random(7)
    indexes = list(Person.objects.values_list("id_index", flat=True)[:5000])
    lookups = _ms(lambda: current_membership(rng.choice(indexes)), 500)
    unions = list(Org.objects.filter(kind=OrgKind.GRASSROOTS))
    union = unions[0]

    def member_list() -> None:  # the page's two reads (members.views.members.member_list)
        rows = Membership.objects.select_related("person", "org").filter(org_path__startswith=union.path)
        page = paging.roll_page(rows, roll.keys(union), 1, 50)
        assert len(page.object_list) == min(50, roll.keys(union).count())  # every roll row has its row

    def register_list() -> None:  # the same page without the roll: memberships by union
        list(
            Membership.objects.select_related("person")
            .filter(org=union, status__in=["active", "retained"])
            .order_by("-joined_on", "-id")[:50]
        )

    roots = list(Org.objects.filter(kind=OrgKind.PROVINCE_FEDERATION))

    def national() -> None:
        total: dict[str, int] = {}
        for r in roots:
            for k, v in counters.subtree_figures(r.path).items():
                total[k] = total.get(k, 0) + v

    def province() -> None:
        counters.subtree_figures(roots[0].path)
        for c in Org.objects.filter(path__startswith=roots[0].path, depth=roots[0].depth + 1):
            counters.subtree_figures(c.path)

    by_prov: dict[str, list[Org]] = {}
    for u in unions:
        by_prov.setdefault(u.province_code, []).append(u)
    provs = sorted(by_prov)
    moves = []
    for i in range(10):
        src, dst = by_prov[provs[i % len(provs)]], by_prov[provs[(i + 1) % len(provs)]]
        m = Membership.objects.filter(org=src[i % len(src)], status="active").order_by("id")[i]
        moves.append((m, dst[i % len(dst)]))
    transfer_ms = []
    for m, to in moves:
        t = time.perf_counter()
        tr = actions.transfer_start(user=None, membership=m, to_org=to, side="from")
        actions.transfer_accept(user=None, transfer=tr, on=dt.date.today())
        transfer_ms.append((time.perf_counter() - t) * 1000)
    # the cost of `multi_shard_modify_mode = sequential` (set by migrate on Citus, docs/decisions.md):
    # the register's list of a union — a fan-out read — with one connection per worker vs parallel
    list_parallel_ms = None
    if citus.is_citus():
        with connection.cursor() as cur:
            cur.execute("SET citus.multi_shard_modify_mode TO 'parallel'")
            list_parallel_ms = _pct(_ms(register_list, 30), 0.5)
            cur.execute("SET citus.multi_shard_modify_mode TO 'sequential'")
    exact = counters.verify() == []
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    return {
        "citus": citus.is_citus(),
        "members": loaded["members"],
        "orgs": loaded["orgs"],
        "import_rows_per_s": loaded["import_rows_per_s"],
        "lookup_p50_ms": _pct(lookups, 0.5),
        "lookup_p99_ms": _pct(lookups, 0.99),
        "member_list_ms": _pct(_ms(member_list, 30), 0.5),
        "member_list_register_ms": _pct(_ms(register_list, 30), 0.5),
        "member_list_register_parallel_mode_ms": list_parallel_ms,
        "national_dashboard_ms": _pct(_ms(national, 30), 0.5),
        "province_dashboard_ms": _pct(_ms(province, 30), 0.5),
        "transfer_ms": round(statistics.median(transfer_ms), 2),
        "counters_exact": exact,
        "coordinator_db_mb": round(size / 1e6, 1),
    }


def run_one(kind: str, provinces: int, members: int, workdir: Path) -> dict[str, Any]:
    env = dict(os.environ, GONGHUI_DATA_DIR=str(workdir / kind), DJANGO_SETTINGS_MODULE="gonghui.settings")
    (workdir / kind).mkdir(parents=True, exist_ok=True)
    cluster = workdir / f"{kind}-cluster"
    if kind == "postgres":
        start = ["sh", str(ROOT / "scripts/pg.sh"), "start", str(cluster), "56001"]
        stop = ["sh", str(ROOT / "scripts/pg.sh"), "stop", str(cluster)]
    else:
        env["CITUS_DBS"] = "gonghui"
        start = ["sh", str(ROOT / "scripts/citus.sh"), "start", str(cluster), "57005"]
        stop = ["sh", str(ROOT / "scripts/citus.sh"), "stop", str(cluster)]
    env["GONGHUI_DATABASE_URL"] = subprocess.check_output(start, text=True, env=env).strip()
    try:
        t = time.perf_counter()
        subprocess.run([str(BIN / "gonghui"), "migrate", "-v", "0"], env=env, check=True)
        migrate_s = time.perf_counter() - t
        out = subprocess.check_output(
            [sys.executable, __file__, "--measure", "--provinces", str(provinces), "--members", str(members)],
            env=env, text=True,
        )  # fmt: skip
        result = json.loads(out.strip().splitlines()[-1])
        result["migrate_s"] = round(migrate_s, 1)
        return result
    finally:
        subprocess.run(stop, env=env, check=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=4)
    ap.add_argument("--members", type=int, default=3000, help="per province")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(args.provinces, args.members), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory(prefix="gonghui-citus-bench-") as d:
        os.chmod(d, 0o755)  # as root the clusters run as the postgres user (scripts/pg.sh)
        results = {
            kind: run_one(kind, args.provinces, args.members, Path(d)) for kind in ("postgres", "citus")
        }
    for kind, r in results.items():
        print(kind, json.dumps(r, ensure_ascii=False))
    ratio = results["citus"]["import_rows_per_s"] / max(results["postgres"]["import_rows_per_s"], 1)
    print(
        f"citus_lookup_p99_ms={results['citus']['lookup_p99_ms']} "
        f"national_dashboard_ms={results['citus']['national_dashboard_ms']} import_ratio_vs_postgres={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
