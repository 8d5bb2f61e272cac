"""What the register's own schema costs a roster import, before any of gonghui's logic (issue 19).

    .venv/bin/python bench/schema_floor.py [--rows N] [--data DIR]     (default 1,000,000 rows)

The import's target (ratio_vs_floor ≤ 2.5) measures gonghui against "the raw floor": calamine reads
the file and a plain `executemany` puts each row into one bare table with no index. gonghui keeps
a register, not a sheet: each row becomes a person (its blind indexes unique and indexed), an
identity row (the national rule of issue 13), a membership (unique 会员编号 per union, one current
membership per person, the subtree and name indexes the member list reads), its 入会 event and its
union's roll row (members/roll.py, since stop 27).
This measures that structure alone, with no logic at all: the same file read by calamine, each
row turned into those four rows by string slicing and random bytes (no checks, no encryption, no
counters, no per-day event counter), written in batches of 20,000 (gonghui's batch) into a copy of
gonghui's own migrated database — same tables, indexes, foreign keys on, WAL, synchronous=NORMAL.

Variants, each on a fresh copy, so what each schema decision costs can be read off:
  register         the schema as migrated
  three_keys       the schema before members/0013 and core/0004: the blind index keyed three
                   times (person's unique index, identity's rowid table and its primary key)
  no_event         no stored 入会 event (a derived join event)
  binary_index     blind indexes as 16-byte blobs instead of 32 hex characters
  no_event_binary  both
  bare_tables      the four tables without any secondary index (what no reader could live with)

It prints each variant's seconds and its ratio to the raw floor measured in the same run, the time
spent inside SQLite alone (the inserts with their index updates and the commits: what is left if
reading and building the rows cost nothing, as when another process does them), and last
    schema_floor_vs_floor=A no_event_vs_floor=B binary_vs_floor=C
where A is the ratio of the register as migrated: no importer that stores gonghui's register on
SQLite gets below it, so a target under A cannot be met by making gonghui's code faster.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench  # noqa: E402  (the bench's roster maker and raw floor)

BATCH = 20_000
VARIANTS = ("register", "three_keys", "no_event", "binary_index", "no_event_binary", "bare_tables")
TABLES = (
    "members_person",
    "core_identity",
    "members_membership",
    "members_membershipevent",
    "members_rollentry",
)


def run_variant(path: str, db: str, variant: str, org_id: int, org_path: str) -> tuple[float, float, float]:
    """calamine read + the register's rows for each roster row, into `db` (a migrated copy).
    Returns (seconds, CPU seconds, seconds inside SQLite's inserts and commits)."""
    from python_calamine import CalamineWorkbook

    binary = "binary" in variant
    with_event = "no_event" not in variant
    started, cpu = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA cache_size=-196608")  # gonghui's import runs with 192 MiB (rosters/runner.py)
    if variant == "bare_tables":
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (?,?,?,?,?)",
                TABLES,
            )
        ]
        for n in names:
            con.execute(f'DROP INDEX "{n}"')
    if variant == "three_keys":  # the schema before members/0013 and core/0004, for comparison
        # the person's unique index on its blind index, identity an ordinary (rowid) table
        con.executescript(
            'CREATE UNIQUE INDEX "person_id_index_unique" ON "members_person" ("id_index"); '
            "CREATE TABLE core_identity_new (id_index varchar(32) NOT NULL PRIMARY KEY, person_id bigint NOT NULL); "
            "INSERT INTO core_identity_new SELECT id_index, person_id FROM core_identity; "
            "DROP TABLE core_identity; ALTER TABLE core_identity_new RENAME TO core_identity;"
        )
    person_sql = (
        "INSERT INTO members_person (id, name, id_cipher, id_index, id_masked, gender, birth_date, birthplace_code, "
        "province_code, ethnicity, phone_cipher, phone_index, phone_masked, education, political_status, hukou_type, "
        "is_migrant, employment_status, new_employment_group, job, skill_level, is_model_worker, employer_name, "
        "created_at, updated_at, employer_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    identity_sql = "INSERT INTO core_identity (id_index, person_id) VALUES (?, ?)"
    membership_sql = (
        "INSERT INTO members_membership (id, person_id, org_id, org_path, province_code, member_no, form_no, "
        "joined_on, status, ended_on, channel, created_at, updated_at, name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    event_sql = (
        'INSERT INTO members_membershipevent (person_id, membership_id, org_path, type, reason, "on", '
        "from_org_id, to_org_id, user_id, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    )
    roll_sql = "INSERT INTO members_rollentry (org_id, membership_id, person_id, member_no, joined_on) VALUES (?,?,?,?,?)"
    first_person = (con.execute("SELECT COALESCE(MAX(id), 0) FROM members_person").fetchone()[0] or 0) + 1
    first_m = (con.execute("SELECT COALESCE(MAX(id), 0) FROM members_membership").fetchone()[0] or 0) + 1
    now = "2026-12-04 08:00:00"
    wb = CalamineWorkbook.from_path(path)
    rows = wb.get_sheet_by_index(0).iter_rows()
    for _ in range(3):  # title, note, header
        next(rows)
    n = 0
    urandom = os.urandom
    in_db = 0.0  # seconds inside SQLite (the inserts, their index updates, the commits)

    def flush(batch: list[list[object]]) -> None:
        nonlocal n, in_db
        people, ident, mems, events, rolls = [], [], [], [], []
        keyed = []
        for r in batch:
            raw = urandom(32)
            key = raw[:16] if binary else raw[:16].hex()
            pkey = raw[16:] if binary else raw[16:].hex()
            keyed.append((key, pkey, r))
        keyed.sort(key=lambda k: k[0])  # gonghui writes a batch in blind-index order
        for key, pkey, r in keyed:
            pid, mid = first_person + n, first_m + n
            n += 1
            idn, phone = str(r[3]), str(r[9])
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            people.append((pid, r[1], urandom(60).hex(), key, idn[:6] + "********" + idn[-4:], "M", birth,
                           idn[:6], "53", r[5], urandom(44).hex(), pkey, phone[:3] + "****" + phone[-4:], r[6],
                           r[7], r[8], 1, "", "", r[11], "", 0, r[10], now, now, None))  # fmt: skip
            ident.append((key, pid))
            joined = str(r[12]).replace("/", "-")
            mems.append((mid, pid, org_id, org_path, "53", f"T9999{n:07d}", f"T9999-{n:07d}", joined, "active",
                         None, "roster", now, now, r[1]))  # fmt: skip
            rolls.append((org_id, mid, pid, f"T9999{n:07d}", joined))
            if with_event:
                events.append((pid, mid, org_path, "join", "apply", joined, None, org_id, None,
                               f"名册导入 #1 第 {n + 3} 行", now))  # fmt: skip
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(person_sql, people)
        con.executemany(identity_sql, ident)
        con.executemany(membership_sql, mems)
        con.executemany(roll_sql, rolls)
        if events:
            con.executemany(event_sql, events)
        con.execute("COMMIT")
        in_db += time.perf_counter() - t

    batch: list[list[object]] = []
    for r in rows:
        batch.append(r)
        if len(batch) == BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu, in_db


def prepare(work: Path, data: str | None) -> tuple[Path, int, str]:
    """A migrated gonghui database (a copy of `data` if given, else migrate + demo) and a union."""
    env = {**os.environ, "GONGHUI_DATA_DIR": str(work / "data"), "DJANGO_SETTINGS_MODULE": "gonghui.settings"}
    env.pop("GONGHUI_DATABASE_URL", None)
    if data:
        shutil.copytree(data, work / "data", ignore=shutil.ignore_patterns("uploads", "workers", "*.log"))
    for cmd in (["migrate", "-v", "0"], *([] if data else [["demo"]])):
        r = subprocess.run([import_bench.GONGHUI, *cmd], env=env, capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"gonghui {' '.join(cmd)} failed: {r.stderr[-2000:]}")
    db = work / "data" / "gonghui.sqlite3"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    org_id, org_path = con.execute(
        "SELECT id, path FROM orgs_org WHERE kind = 'grassroots' ORDER BY path LIMIT 1"
    ).fetchone()
    con.close()
    return db, org_id, org_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--data", help="copy this data folder (a loaded demo county) instead of `gonghui demo`")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--variant-only", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant_only:
        path, db, variant, org_id, org_path = args.variant_only
        print(json.dumps(run_variant(path, db, variant, int(org_id), org_path)))
        return
    work = Path(tempfile.mkdtemp(prefix="gonghui-schema-floor-"))
    try:
        t = time.perf_counter()
        path = str(work / f"roster_{args.rows}.xlsx")
        import_bench.make_roster(path, args.rows)
        db, org_id, org_path = prepare(work, args.data)
        print(f"file of {args.rows:,} rows and a migrated demo database in {time.perf_counter() - t:.1f} s")
        r = subprocess.run([sys.executable, import_bench.__file__, "--floor-only", path, str(work / "floor.sqlite3")],
                           capture_output=True, text=True, check=True)  # fmt: skip
        floor_s, floor_cpu = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"raw floor (calamine + one bare table): {floor_s:7.2f} s  CPU {floor_cpu:.1f} s")
        ratios: dict[str, float] = {}
        writes: dict[str, float] = {}  # the writes alone (as if reading and building rows cost nothing)
        for variant in args.variants.split(","):
            copy = work / f"{variant}.sqlite3"
            shutil.copyfile(db, copy)
            r = subprocess.run(
                [sys.executable, __file__, "--variant-only", path, str(copy), variant, str(org_id), org_path],
                capture_output=True,
                text=True,
            )
            if r.returncode:
                raise SystemExit(f"{variant} failed: {r.stderr[-2000:]}")
            secs, cpu, in_db = json.loads(r.stdout.strip().splitlines()[-1])
            ratios[variant] = secs / floor_s
            writes[variant] = in_db / floor_s
            print(f"{variant:16s} {secs:7.2f} s  CPU {cpu:5.1f} s  {args.rows / secs:>9,.0f} rows/s  "
                  f"×{ratios[variant]:.2f} the raw floor; inside SQLite {in_db:6.2f} s (×{writes[variant]:.2f})  "
                  f"(database {copy.stat().st_size / 1e6:,.0f} MB)")  # fmt: skip
            copy.unlink()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("inside SQLite alone: " + " ".join(f"{v}={r:.2f}" for v, r in writes.items()))
        print(
            f"schema_floor_vs_floor={ratios.get('register', 0):.2f} "
            f"no_event_vs_floor={ratios.get('no_event', 0):.2f} binary_vs_floor={ratios.get('binary_index', 0):.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
