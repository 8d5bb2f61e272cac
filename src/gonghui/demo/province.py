"""`gonghui demo --scale province`: about 500,000 union organisations and 10,000,000 members.

For the statistics benchmark (bench/stats_bench.py) and for trying the product at scale. Every
row is synthetic; ID numbers are valid (checksums) and encrypted like real ones. Loaded through
the bulk path: rows are generated in chunks and written with `executemany` (SQLite) or `COPY`
(PostgreSQL), with explicit primary keys; the counters are recounted once at the end.

Shape (Yunnan-like): 省总工会 → 16 市(州)总工会 → 8 counties each → 18 township and 10 system
unions per county → grassroots unions under them until the org count is reached; members spread
over grassroots unions (20 on average).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import ids, pii
from gonghui.demo import names
from gonghui.members.codes import HUKOU_AGRICULTURAL
from gonghui.orgs.models import Employer, Org, OrgKind

PROVINCE = "53"
CHUNK = 50_000


def _encode(alphabet: str, steplen: int, n: int) -> str:
    digits = ""
    for _ in range(steplen):
        digits = alphabet[n % len(alphabet)] + digits
        n //= len(alphabet)
    return digits


def _table(model: Any) -> tuple[str, list[str]]:
    cols = [f.column for f in model._meta.concrete_fields]
    return model._meta.db_table, cols


def _write(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts keyed by column) with the fastest path of the database."""
    if not rows:
        return
    table, cols = _table(model)
    cols = [c for c in cols if c in rows[0]]
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in cols])
        else:
            sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608 - quoted identifiers
            cur.executemany(sql, [[r[c] for c in cols] for r in rows])


def _drop_indexes(tables: Sequence[str]) -> list[str]:
    """SQLite: drop the secondary indexes of `tables` (kept: those behind UNIQUE constraints) and
    return their SQL; building an index once after the load is far cheaper than 10M random inserts."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(tables))
        cur.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",  # noqa: S608
            list(tables),
        )
        found = cur.fetchall()
        for name, _sql in found:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in found]


def _create_indexes(statements: Sequence[str]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def _reset_sequences(models: Sequence[Any]) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)


class ProvinceBuilder:
    def __init__(self, *, seed: int, orgs: int, members: int, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.target_orgs = orgs
        self.target_members = members
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.org_id = Org.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.base: list[tuple[int, str, str]] = []  # (id, path, code) of grassroots unions
        self.employers: dict[int, int] = {}  # base org id → employer id

    def org_row(
        self, *, path: str, depth: int, numchild: int, code: str, name: str, kind: str, region: str
    ) -> dict[str, Any]:
        self.org_id += 1
        return {
            "id": self.org_id, "path": path, "depth": depth, "numchild": numchild, "code": code, "name": name,
            "short_name": name[:60], "kind": kind, "org_form": "committee", "joint_scope": "", "region_code": region,
            "province_code": PROVINCE, "founded_on": None, "approval_no": "", "credit_code": "", "chair_name": "",
            "term_number": None, "term_start": None, "term_end": None, "full_time_staff": 0, "address": "",
            "status": "active", "ended_on": None, "merged_into_id": None, "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip

    def build_orgs(self) -> None:
        A, S = Org.alphabet, Org.steplen  # noqa: N806
        cities, counties_per_city, townships, systems = 16, 8, 18, 10
        upper = 1 + cities + cities * counties_per_city * (1 + townships + systems)
        base_total = max(0, self.target_orgs - upper)
        parents = cities * counties_per_city * (townships + systems)
        per_parent = [base_total // parents + (1 if i < base_total % parents else 0) for i in range(parents)]
        rows: list[dict[str, Any]] = []
        root_path = _encode(A, S, Org.objects.filter(depth=1).count() + 1)
        rows.append(self.org_row(path=root_path, depth=1, numchild=cities, code="5300000001", name="云南省总工会（规模演示）",
                                 kind=OrgKind.PROVINCE_FEDERATION, region="530000"))  # fmt: skip
        p = 0
        for ci in range(cities):
            city_region = f"53{ci + 1:02d}00"
            city_path = root_path + _encode(A, S, ci + 1)
            rows.append(self.org_row(path=city_path, depth=2, numchild=counties_per_city, code=f"{city_region}0001",
                                     name=f"第{ci + 1}市总工会", kind=OrgKind.CITY_FEDERATION, region=city_region))  # fmt: skip
            for ki in range(counties_per_city):
                region = f"53{ci + 1:02d}{ki + 21:02d}"
                county_path = city_path + _encode(A, S, ki + 1)
                rows.append(self.org_row(path=county_path, depth=3, numchild=townships + systems, code=f"{region}0001",
                                         name=f"{region}县总工会", kind=OrgKind.COUNTY_FEDERATION, region=region))  # fmt: skip
                seq = 1
                for ti in range(townships + systems):
                    seq += 1
                    kind = OrgKind.TOWNSHIP_UNION if ti < townships else OrgKind.SYSTEM_UNION
                    t_path = county_path + _encode(A, S, ti + 1)
                    n_base = per_parent[p]
                    p += 1
                    label = (
                        names.TOWNSHIPS[ti % len(names.TOWNSHIPS)][0]
                        if kind == OrgKind.TOWNSHIP_UNION
                        else names.SYSTEMS[(ti - townships) % len(names.SYSTEMS)][0] + "系统"
                    )
                    rows.append(self.org_row(path=t_path, depth=4, numchild=n_base, code=f"{region}{seq:04d}",
                                             name=f"{region}{label}工会", kind=kind, region=region))  # fmt: skip
                    for bi in range(n_base):
                        seq += 1
                        b_path = t_path + _encode(A, S, bi + 1)
                        r = self.rng.random()
                        bkind = (
                            OrgKind.GRASSROOTS
                            if r < 0.85
                            else OrgKind.JOINT_GRASSROOTS
                            if r < 0.98
                            else OrgKind.NEW_EMPLOYMENT
                        )
                        row = self.org_row(path=b_path, depth=5, numchild=0, code=f"{region}{seq:04d}",
                                           name=f"{region}第{seq}基层工会", kind=bkind, region=region)  # fmt: skip
                        rows.append(row)
                        self.base.append((row["id"], b_path, row["code"]))
                    if len(rows) >= CHUNK:
                        _write(Org, rows)
                        rows = []
        _write(Org, rows)
        self.log(f"orgs: {self.org_id} written")

    def build_employers(self) -> None:
        first = (Employer.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        rows = []
        eid = first - 1
        for org_id, path, code in self.base:
            eid += 1
            employees = self.rng.randint(15, 60)
            rows.append({
                "id": eid, "name": f"{code}单位", "credit_code": None, "economic_type": "private", "industry": "C",
                "region_code": code[:6], "province_code": PROVINCE, "address": "", "area_org_id": org_id - 0,
                "area_path": path[: -Org.steplen], "union_id": org_id, "operating_status": "normal",
                "employees": employees, "members": 0, "migrant_workers": int(employees * 0.8), "migrant_members": 0,
                "surveyed_on": self.today, "created_at": self.now, "updated_at": self.now,
            })  # fmt: skip
            self.employers[org_id] = eid
            if len(rows) >= CHUNK:
                self._fix_area(rows)
                _write(Employer, rows)
                rows = []
        self._fix_area(rows)
        _write(Employer, rows)
        self.log(f"employers: {eid - first + 1} written")

    def _fix_area(self, rows: list[dict[str, Any]]) -> None:
        paths = {r["area_path"] for r in rows}
        ids_by_path = dict(Org.objects.filter(path__in=paths).values_list("path", "id"))
        for r in rows:
            r["area_org_id"] = ids_by_path[r["area_path"]]

    def persons(self) -> Iterator[list[dict[str, Any]]]:
        from gonghui.members.models import Person

        next_id = (Person.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        rng = self.rng
        groups = ["courier", "truck_driver", "food_delivery", "ride_hailing", "domestic"]
        made = 0
        seen: set[str] = set()
        while made < self.target_members:
            n = min(CHUNK, self.target_members - made)
            batch: list[dict[str, Any]] = []
            numbers: list[str] = []
            while len(batch) < n:
                birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 16000))
                county = f"53{rng.randint(1, 16):02d}{rng.randint(21, 28):02d}"
                number = ids.make_id_number(county, birth, rng.randrange(0, 1000))
                if number in seen:
                    continue
                seen.add(number)
                gender = "M" if int(number[16]) % 2 else "F"
                migrant = rng.random() < 0.8
                batch.append({
                    "id": next_id, "name": rng.choice(names.SURNAMES) + rng.choice(names.GIVEN) + rng.choice(names.GIVEN),
                    "id_masked": ids.mask_id_number(number), "gender": gender, "birth_date": birth,
                    "birthplace_code": county, "province_code": PROVINCE, "ethnicity": "", "phone_cipher": "",
                    "phone_index": "", "phone_masked": "", "education": "", "political_status": "",
                    "hukou_type": HUKOU_AGRICULTURAL if migrant else "nonagri", "is_migrant": migrant,
                    "employment_status": "employed", "new_employment_group": rng.choice(groups) if rng.random() < 0.05 else "",
                    "job": "", "skill_level": "", "is_model_worker": False, "employer_id": None, "employer_name": "",
                    "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                numbers.append(number)
                next_id += 1
            for row, c, ix in zip(
                batch,
                pii.encrypt_many(numbers, "id_number"),
                pii.blind_index_many(numbers, "id_number"),
                strict=True,
            ):
                row["id_cipher"], row["id_index"] = c, ix
            made += n
            yield batch

    def build_members(self) -> None:
        from gonghui.members.models import Counter, Membership, Person

        rng = self.rng
        started = time.perf_counter()
        base = self.base
        next_no: dict[int, int] = {}
        m_id = Membership.objects.order_by("-id").values_list("id", flat=True).first() or 0
        done = 0
        for batch in self.persons():
            rows = []
            for p in batch:
                org_id, path, code = base[rng.randrange(len(base))]
                no = next_no.get(org_id, 0) + 1
                next_no[org_id] = no
                m_id += 1
                joined = dt.date(2005, 1, 1) + dt.timedelta(
                    days=rng.randrange(0, (self.today - dt.date(2005, 1, 1)).days)
                )
                rows.append({
                    "id": m_id, "person_id": p["id"], "org_id": org_id, "org_path": path, "province_code": PROVINCE,
                    "member_no": f"{code}{no:06d}", "form_no": "", "joined_on": joined, "status": "active",  # no: as format_member_no
                    "ended_on": None, "channel": "roster", "created_at": self.now, "updated_at": self.now,
                    "name": p["name"],
                })  # fmt: skip
            with transaction.atomic():  # one chunk per transaction: the WAL stays small
                _write(Person, batch)
                _write(Membership, rows)
            done += len(batch)
            rate = done / (time.perf_counter() - started)
            self.log(f"members: {done:,} ({rate:,.0f}/s)")
        # the member-number sequences continue from what the load used
        Counter.objects.bulk_create(
            [Counter(org_id=o, kind=Counter.MEMBER_NO, value=n) for o, n in next_no.items()], batch_size=10000
        )


def load_province(
    *, seed: int = 2017, orgs: int = 500_000, members: int = 10_000_000, log: Callable[[str], None] = print
) -> dict[str, Any]:
    from gonghui.members.models import Membership, Person
    from gonghui.reports.counters import rebuild

    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # keep the indexes' pages in memory while loading
            cur.execute("PRAGMA cache_size=-2000000")
    b = ProvinceBuilder(seed=seed, orgs=orgs, members=members, log=log)
    with transaction.atomic():
        b.build_orgs()
        b.build_employers()
    from gonghui.members.models import Person as P

    dropped = _drop_indexes([P._meta.db_table, Membership._meta.db_table])
    try:
        b.build_members()
    finally:
        t = time.perf_counter()
        _create_indexes(dropped)
        log(f"{len(dropped)} indexes rebuilt in {time.perf_counter() - t:.1f}s")
    _reset_sequences([Org, Employer, Person, Membership])
    from gonghui.core.models import Identity

    Identity.backfill()
    from gonghui.members import roll

    roll.rebuild()  # the unions' rolls (members/roll.py)
    from gonghui.core.db import analyze

    analyze()
    t = time.perf_counter()
    rebuild()
    from gonghui.campaigns import daycount

    daycount.rebuild()  # the campaigns' counter: the base unions by founding date (no events here)
    log(f"counters rebuilt in {time.perf_counter() - t:.1f}s")
    from gonghui.reports import snapshots

    t = time.perf_counter()
    snapshots.ensure(log=log)
    log(f"history snapshots in {time.perf_counter() - t:.1f}s")
    return {"orgs": b.org_id, "members": members, "seconds": round(time.perf_counter() - started, 1)}
