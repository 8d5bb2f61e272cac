"""Scale out while serving (issue 13): add a third worker to a running Citus cluster and rebalance
its shards while clerks keep registering members and looking them up.

    sh scripts/citus.sh start /tmp/citus 57000          # coordinator + two workers
    GONGHUI_DATABASE_URL=postgres://gonghui@127.0.0.1:57000/gonghui .venv/bin/gonghui migrate
    GONGHUI_DATABASE_URL=… .venv/bin/python bench/citus_rebalance.py --dir /tmp/citus --port 57003

It registers a first set of members in two provinces, then starts writer threads (member
registrations through members.actions, the application's own path) and reader threads (ID lookups
through the identity table, a union's member count), starts a worker on --port, registers it
(`citus_add_node`) and runs `citus_rebalance_start()`, waits for the rebalance to finish while the
load runs, then stops the load and checks: no error was served, every acknowledged registration is
on the register, every person has exactly one identity row, and the statistics counters equal a
recount (`gonghui stats --verify`). Prints one JSON line; exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True, help="the cluster's folder (scripts/citus.sh start DIR …)")
    ap.add_argument("--port", type=int, default=57003, help="port of the worker to add")
    ap.add_argument("--initial", type=int, default=300, help="members registered before the load")
    ap.add_argument("--writers", type=int, default=3)
    ap.add_argument("--readers", type=int, default=2)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.db import connection
    from tests.members.concurrency import _id

    from gonghui.core import citus
    from gonghui.members import actions, paging, roll
    from gonghui.members.models import Membership
    from gonghui.members.selectors import current_membership
    from gonghui.orgs.models import Org, OrgKind
    from gonghui.reports import counters

    assert citus.is_citus(), "GONGHUI_DATABASE_URL must point at a migrated Citus coordinator"
    stamp = int(time.time()) % 100000

    def add(parent: Any, code: str, name: str, kind: str, province: str) -> Any:
        attrs = dict(code=code, name=name, kind=kind, region_code=f"{province}0102", province_code=province)
        return Org.objects.get(pk=parent.pk).add_child(**attrs) if parent else Org.add_root(**attrs)

    unions = []
    for prov, letter in (("53", "Y"), ("44", "G")):
        root = add(None, f"R{letter}{stamp}", f"扩容测试{prov}省总工会", OrgKind.PROVINCE_FEDERATION, prov)
        city = add(root, f"R{letter}{stamp}C", f"扩容测试{prov}市总工会", OrgKind.CITY_FEDERATION, prov)
        unions.append(add(city, f"R{letter}{stamp}U", f"扩容测试{prov}公司工会", OrgKind.GRASSROOTS, prov))
    counters.rebuild()
    from gonghui.campaigns import daycount

    daycount.rebuild()  # the orgs above were written bare: the campaigns' counter holds them too
    unions = [Org.objects.get(pk=u.pk) for u in unions]
    base = 2000 + (stamp % 4) * 2000  # tests.members.concurrency._id: a birth date per number
    acknowledged: list[tuple[int, str]] = []  # (number seed, org code) the application confirmed
    lock = threading.Lock()
    started = time.perf_counter()
    for i in range(args.initial):
        m = actions.member_register(
            user=None, org=unions[i % 2], consent_version="t", name="扩容", id_number=_id(base + i)
        )
        acknowledged.append((base + i, m.org.code))
    seed_s = time.perf_counter() - started

    stop = threading.Event()
    errors: list[str] = []
    ops = {"writes": 0, "reads": 0}
    next_seed = [base + args.initial]

    def writer() -> None:
        from django.db import connection as conn

        try:
            while not stop.is_set():
                with lock:
                    n = next_seed[0]
                    next_seed[0] += 1
                try:
                    m = actions.member_register(
                        user=None, org=unions[n % 2], consent_version="t", name="扩容", id_number=_id(n)
                    )
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors.append(f"write: {e!r}"[:300])
                    continue
                with lock:
                    acknowledged.append((n, m.org.code))
                    ops["writes"] += 1
        finally:
            conn.close()

    def reader() -> None:
        import random

        from django.db import connection as conn

        rng = random.Random()
        try:
            while not stop.is_set():
                with lock:
                    n, code = rng.choice(acknowledged)
                try:
                    found = current_membership(actions.id_index(_id(n)))
                    if found is None or found.org.code != code:
                        errors.append(f"read: {n} not found where acknowledged")
                    Membership.objects.filter(org=unions[n % 2], status="active").count()
                    # the union's list page: its roll, then its members' rows (members/roll.py)
                    union = unions[n % 2]
                    rows = Membership.objects.select_related("person").filter(org_path__startswith=union.path)
                    if not paging.roll_page(rows, roll.keys(union), 1, 50).object_list:
                        errors.append(f"read: {union.code}'s list is empty")
                except Exception as e:  # noqa: BLE001
                    errors.append(f"read: {e!r}"[:300])
                    continue
                with lock:
                    ops["reads"] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=writer) for _ in range(args.writers)]
    threads += [threading.Thread(target=reader) for _ in range(args.readers)]
    for t in threads:
        t.start()
    time.sleep(2)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0")
        workers_before = cur.fetchone()[0]
    t0 = time.perf_counter()
    subprocess.run(["sh", str(ROOT / "scripts/citus.sh"), "add", args.dir, str(args.port)], check=True,
                   capture_output=True, text=True)  # fmt: skip
    add_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT citus_rebalance_start()")
        job = cur.fetchone()[0]
        state = ""
        while True:
            cur.execute("SELECT state FROM citus_rebalance_status()")
            row = cur.fetchone()
            state = row[0] if row else "finished"
            if state in ("finished", "failed", "cancelled"):
                break
            time.sleep(1)
    rebalance_s = time.perf_counter() - t0
    time.sleep(2)  # the load keeps going on the new layout for a moment
    stop.set()
    for t in threads:
        t.join(timeout=120)
    connection.close()

    with connection.cursor() as cur:
        cur.execute(
            "SELECT n.nodeport, count(*) FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid "
            "JOIN pg_dist_shard s ON s.shardid = p.shardid JOIN pg_dist_partition d ON d.logicalrelid = s.logicalrelid "
            "WHERE d.partmethod = 'h' GROUP BY n.nodeport ORDER BY n.nodeport"
        )
        placements = {str(port): n for port, n in cur.fetchall()}
        cur.execute("SELECT count(*) FROM members_person")
        persons = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM core_identity")
        identities = cur.fetchone()[0]
    missing = [
        n
        for n, code in acknowledged
        if (found := current_membership(actions.id_index(_id(n)))) is None or found.org.code != code
    ]
    from gonghui.core import extensions

    diffs = counters.verify() + extensions.verify_all()  # = gonghui stats --verify (the rolls among them)
    out = {
        "workers_before": workers_before,
        "worker_added": f"127.0.0.1:{args.port}",
        "rebalance_job": job,
        "rebalance_state": state,
        "rebalance_s": round(rebalance_s, 1),
        "add_node_s": round(add_s, 1),
        "seed_members": args.initial,
        "seed_s": round(seed_s, 1),
        "writes_during": ops["writes"],
        "reads_during": ops["reads"],
        "errors": len(errors),
        "first_errors": errors[:3],
        "acknowledged": len(acknowledged),
        "lost_writes": len(missing),
        "persons": persons,
        "identities": identities,
        "shard_placements_by_port": placements,
        "stats_verify_diffs": len(diffs),
        "first_diffs": [{k: str(v) for k, v in d.items()} for d in diffs[:5]],
    }
    print(json.dumps(out, ensure_ascii=False))
    ok = (
        state == "finished" and not errors and not missing and not diffs and persons == identities
        and placements.get(str(args.port), 0) > 0
    )  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
