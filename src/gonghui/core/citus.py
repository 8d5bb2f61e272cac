"""The register on a Citus cluster: `gonghui migrate` distributes the schema when the database has
the citus extension (docs/decisions.md "National scale on Citus"). Nothing here runs on SQLite or a
plain PostgreSQL, and the application's code path is the same on all three.

The design, in one paragraph: the register is distributed **by person**. `members_person` is
hash-distributed by its id and the tables that hang off one person — memberships, their events,
cards, transfers — by `person_id`, co-located with it, so every join the application makes
between them (membership ⋈ person, card ⋈ person …) stays on one shard and the database itself
still enforces "one current membership per person in the whole country" (the partial unique index
on `person_id` contains the distribution column). The one rule that is keyed by something else —
one person per ID number — lives in `core_identity`, distributed by the blind index: its primary
key is the national guarantee. Small, read-mostly tables the register joins with (orgs, employers,
code tables, accounts) are reference tables, copied to every node; everything else stays on the
coordinator (Citus "local" tables joined through reference tables). A union's roll
(members/roll.py) is distributed by its union's id in the persons' co-location group, and a person
a union registers gets an id on that same shard (`person_ids_near`): a union's list, a card batch
and a roster batch run on one shard.

What Citus refuses, and what we do about it (all idempotent, done before the tables are
distributed):
* identity columns (Django's BigAutoField) → a plain sequence default, moved past the current ids;
  Citus then hands every node its own range of the bigint sequence;
* primary keys and unique indexes without the distribution column → the primary key becomes
  (id, distribution column); a unique index becomes a plain index (the rule it kept is then kept
  elsewhere: the identity table, or a counter row locked FOR UPDATE for 会员编号), except the
  transfer's "one pending transfer per membership", which is exactly as strong with person_id in it;
* foreign keys Citus cannot check (between non-co-located tables, local → distributed,
  reference → local) → dropped; the ones it keeps are checked by the database as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

# table → distribution column; all bigint, one co-location group: a person's rows on one shard, and
# a union's roll (members/roll.py) on the shard of its union's id, where the persons it registers
# get their ids (`person_ids_near`)
BY_PERSON: dict[str, str] = {
    "members_person": "id",
    "members_membership": "person_id",
    "members_membershipevent": "person_id",
    "members_card": "person_id",
    "members_transfer": "person_id",
    "members_rollentry": "org_id",
}
# the national identity table, alone in its co-location group (text key)
BY_ID_INDEX: dict[str, str] = {"core_identity": "id_index"}
DISTRIBUTED: dict[str, str] = {**BY_PERSON, **BY_ID_INDEX}
REFERENCE = ("orgs_org", "orgs_employer", "members_codeitem", "accounts_user")
# unique indexes rewritten with the distribution column in front (as strong as before)
REWRITE_UNIQUE = {"one_pending_transfer_per_membership"}
# shards per distributed table, fixed when a table is distributed: 32 for the tests; a national
# register wants 128 (docs/decisions.md "National scale on Citus")
SHARD_COUNT = int(os.environ.get("GONGHUI_CITUS_SHARD_COUNT", "32"))


def lock_each(qs: Any, keys: Iterable[tuple[int, int]], *, of: tuple[str, ...] = ()) -> list[Any]:
    """Lock the rows of `qs` named by `keys` — (pk, person_id) pairs, in the order given — one
    statement each: `SELECT … FOR UPDATE` filtered by the primary key and the distribution column,
    which Citus runs on one shard (it refuses FOR UPDATE over many shards). Returns the rows still
    matching `qs` once locked (each statement reads the latest committed row), like PostgreSQL's
    one statement locking them all re-checks its WHERE on a row changed meanwhile. The same query,
    the same locks, on SQLite and PostgreSQL."""
    locked = []
    for pk, person_id in keys:
        row = qs.select_for_update(of=of).filter(pk=pk, person_id=person_id).first()
        if row is not None:
            locked.append(row)
    return locked


def enabled(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """`is_citus`, asked once per connection object (the extension does not come and go while the
    application serves)."""
    flag = getattr(connection, "_gonghui_citus", None)
    if flag is None:
        flag = is_citus(connection)
        connection._gonghui_citus = flag  # type: ignore[attr-defined]
    return bool(flag)


def person_ids_near(
    org_ids: Sequence[int], connection: BaseDatabaseWrapper = default_connection
) -> list[int] | None:
    """On Citus, a new person id for each union in `org_ids` (in order, one per entry), each on the
    shard its union's roll is on — the shard `org_id` hashes to — so a union's own members share
    its shard: a roster batch and a card batch write to one shard, and a union's list reads one.
    None elsewhere (SQLite and PostgreSQL number persons as before).

    Ids come from the persons' sequence; those hashing to other shards are skipped, so the
    sequence advances up to 1.25 × SHARD_COUNT times faster than persons are added (a roster of one
    union; 270 million persons × 160 ≈ 4.3 × 10^10, far inside a bigint). The hash is the one Citus distributes
    bigint columns by, PostgreSQL's `hashint8`, against the shards' ranges in `pg_dist_shard`
    (tests/citus checks it against `get_shard_id_for_distribution_column`)."""
    if not org_ids or not enabled(connection):
        return None
    wanted = list(dict.fromkeys(org_ids))
    with connection.cursor() as cur:
        shard_of = {
            o: (lo, hi)
            for o, lo, hi in _rows(
                cur,
                """SELECT o, s.shardminvalue::int, s.shardmaxvalue::int FROM unnest(%s::bigint[]) o
                   JOIN pg_dist_shard s ON s.logicalrelid = 'members_person'::regclass
                   AND hashint8(o) BETWEEN s.shardminvalue::int AND s.shardmaxvalue::int""",
                [wanted],
            )
        }
        if len(shard_of) < len(wanted):  # the persons are not distributed (yet): number them as usual
            return None
        need: dict[tuple[int, int], int] = {}
        for o in org_ids:
            need[shard_of[o]] = need.get(shard_of[o], 0) + 1
        shards = _rows(
            cur, "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'members_person'::regclass"
        )[0][0]
        seq = _rows(cur, "SELECT pg_get_serial_sequence('members_person', 'id')")[0][0]
        pool: dict[tuple[int, int], list[int]] = {r: [] for r in need}
        short = dict(need)
        while short:
            # each shard gets 1/shards of the draws: enough for the neediest one, the others along
            draws = max(short.values()) * shards * 5 // 4 + 64
            ranges = list(short)
            got = _rows(
                cur,
                """SELECT r.lo, r.hi, d.n FROM (SELECT nextval(%s) AS n FROM generate_series(1, %s)) d
                   JOIN unnest(%s::int[], %s::int[]) AS r(lo, hi) ON hashint8(d.n) BETWEEN r.lo AND r.hi""",
                [seq, draws, [lo for lo, _hi in ranges], [hi for _lo, hi in ranges]],
            )
            for lo, hi, n in got:
                pool[(lo, hi)].append(n)
            short = {r: k - len(pool[r]) for r, k in need.items() if len(pool[r]) < k}
    taken = {r: iter(sorted(ids)) for r, ids in pool.items()}  # ascending: primary keys in order
    return [next(taken[shard_of[o]]) for o in org_ids]


def is_citus(connection: BaseDatabaseWrapper = default_connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cur.fetchone() is not None


def _rows(cur: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cur.execute(sql, params or [])
    return list(cur.fetchall())


def _kind(cur: Any, table: str) -> str:
    """'h' hash-distributed, 'n' reference or Citus-local, '' plain PostgreSQL table."""
    rows = _rows(
        cur,
        "SELECT partmethod, repmodel FROM pg_dist_partition WHERE logicalrelid = %s::regclass",
        [table],
    )
    if not rows:
        return ""
    method, repmodel = rows[0]
    if method == "h":
        return "h"
    return "r" if repmodel == "t" else "n"


def _exists(cur: Any, table: str) -> bool:
    return bool(_rows(cur, "SELECT to_regclass(%s) IS NOT NULL", [table])[0][0])


def _drop_identity(cur: Any, table: str) -> None:
    seq = f"{table}_id_seq"
    rows = _rows(
        cur, "SELECT attidentity FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id'", [table]
    )
    if not rows or not rows[0][0]:
        return
    cur.execute(f'ALTER TABLE "{table}" ALTER COLUMN id DROP IDENTITY IF EXISTS')
    cur.execute(f'CREATE SEQUENCE IF NOT EXISTS "{seq}" AS bigint OWNED BY "{table}".id')
    cur.execute(f'SELECT setval(\'"{seq}"\', COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)')  # noqa: S608 (names from this module)
    cur.execute(f'ALTER TABLE "{table}" ALTER COLUMN id SET DEFAULT nextval(\'"{seq}"\')')


def _fk_allowed(cur: Any, con_table: str, ref_table: str, con_cols: list[str], ref_cols: list[str]) -> bool:
    if con_table in DISTRIBUTED:
        if ref_table in REFERENCE:
            return True
        return (
            con_table in BY_PERSON
            and ref_table in BY_PERSON
            and con_cols == [BY_PERSON[con_table]]
            and ref_cols == [BY_PERSON[ref_table]]
        )
    if con_table in REFERENCE:
        return ref_table in REFERENCE
    return ref_table not in DISTRIBUTED


def _fix_foreign_keys(cur: Any) -> list[str]:
    tables = set(DISTRIBUTED) | set(REFERENCE)
    fks = _rows(
        cur,
        """SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, c.conname,
                  ARRAY(SELECT attname FROM pg_attribute a WHERE a.attrelid = c.conrelid
                        AND a.attnum = ANY(c.conkey) ORDER BY a.attnum),
                  ARRAY(SELECT attname FROM pg_attribute a WHERE a.attrelid = c.confrelid
                        AND a.attnum = ANY(c.confkey) ORDER BY a.attnum)
           FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE c.contype = 'f' AND n.nspname = current_schema()""",
    )
    later: list[str] = []
    for con_table, ref_table, name, con_cols, ref_cols in fks:
        if con_table not in tables and ref_table not in tables:
            continue
        if (
            con_table in BY_PERSON
            and ref_table in BY_PERSON
            and _fk_allowed(cur, con_table, ref_table, list(con_cols), list(ref_cols))
        ):
            # kept, but added again once both tables are distributed (Citus refuses it in between)
            definition = _rows(
                cur, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name]
            )[0][0]
            later.append(f'ALTER TABLE "{con_table}" ADD CONSTRAINT "{name}" {definition}')
            cur.execute(f'ALTER TABLE "{con_table}" DROP CONSTRAINT "{name}"')
        elif not _fk_allowed(cur, con_table, ref_table, list(con_cols), list(ref_cols)):
            cur.execute(f'ALTER TABLE "{con_table}" DROP CONSTRAINT "{name}"')
    return later


def _fix_unique(cur: Any, table: str, column: str) -> None:
    """Primary key and unique indexes of `table` made to contain `column` (see the module doc)."""
    pk = _rows(
        cur,
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    pk_cols = _rows(
        cur,
        """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
           AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary""",
        [table],
    )
    if pk and column not in [c for (c,) in pk_cols]:
        cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{pk[0][0]}"')
        cur.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY (id, "{column}")')
    uniques = _rows(
        cur,
        """SELECT ci.relname, pg_get_indexdef(i.indexrelid),
                  ARRAY(SELECT attname FROM pg_attribute a WHERE a.attrelid = i.indrelid
                        AND a.attnum = ANY(i.indkey)),
                  (SELECT conname FROM pg_constraint c WHERE c.conindid = i.indexrelid
                   AND c.conrelid = i.indrelid)
           FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary""",
        [table],
    )
    for name, definition, cols, constraint in uniques:
        if column in cols:
            continue
        if constraint:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
        else:
            cur.execute(f'DROP INDEX "{name}"')
        if name in REWRITE_UNIQUE:
            cur.execute(definition.replace(" USING btree (", f' USING btree ("{column}", ', 1))
        else:  # a plain index keeps the lookups it served
            cur.execute(definition.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1))


def distribute(connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    """Distribute the schema on a Citus coordinator (idempotent). Returns what was done."""
    done: list[str] = []
    if not is_citus(connection):
        return done
    with connection.cursor() as cur:
        # One connection per worker for every query over many shards, from the start of each
        # transaction: Citus refuses to modify a coordinator table referenced by foreign keys (a
        # portal request, a hardship file, an org …) after a parallel read in the same transaction,
        # and under load any fan-out read goes parallel (tests/citus/test_citus_parallel.py). The
        # workers still run at once; a worker's shards of one query run one after the other.
        db = connection.settings_dict["NAME"]
        cur.execute(f"ALTER DATABASE \"{db}\" SET citus.multi_shard_modify_mode TO 'sequential'")
        cur.execute("SET citus.multi_shard_modify_mode TO 'sequential'")
        todo = [t for t in DISTRIBUTED if _exists(cur, t) and _kind(cur, t) != "h"]
        refs = [t for t in REFERENCE if _exists(cur, t) and _kind(cur, t) != "r"]
        if not todo and not refs:
            return done
        # Citus-local tables refuse most ALTERs: turn them back into plain tables first
        for t in todo:
            if _kind(cur, t) == "n":
                cur.execute("SELECT undistribute_table(%s, cascade_via_foreign_keys => true)", [t])
        cur.execute(f"SET citus.shard_count = {SHARD_COUNT}")
        # every identity column, not only the distributed tables': reference tables and the local
        # tables Citus attaches to them (through foreign keys) would draw ids from a copy per shard
        identity_tables = _rows(
            cur,
            """SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attidentity <> ''
               AND a.attname = 'id' AND NOT EXISTS
               (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)""",
        )
        for (t,) in identity_tables:
            _drop_identity(cur, t)
        later = _fix_foreign_keys(cur)
        for t in todo:
            _fix_unique(cur, t, DISTRIBUTED[t])
        for t in refs:
            cur.execute("SELECT create_reference_table(%s)", [t])
            done.append(f"reference {t}")
        anchor = ""
        for t in [t for t in BY_PERSON if t in todo]:
            if anchor or _kind(cur, "members_person") == "h" and t != "members_person":
                cur.execute(
                    "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                    [t, BY_PERSON[t], anchor or "members_person"],
                )
            else:
                cur.execute("SELECT create_distributed_table(%s, %s)", [t, BY_PERSON[t]])
            anchor = anchor or t
            done.append(f"distributed {t} by {BY_PERSON[t]}")
        for statement in later:
            cur.execute(statement)
        for t in [t for t in BY_ID_INDEX if t in todo]:
            cur.execute(
                "SELECT create_distributed_table(%s, %s, colocate_with => 'none')", [t, BY_ID_INDEX[t]]
            )
            done.append(f"distributed {t} by {BY_ID_INDEX[t]}")
    return done


def post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Connected in CoreConfig.ready; `gonghui migrate` sends post_migrate once per app after all
    migrations ran, so the core app's signal does the work."""
    from django.db import connections

    if getattr(sender, "label", "") != "core":
        return
    connection = connections[using]
    for line in distribute(connection):
        if kwargs.get("verbosity", 1) >= 1:
            print(f"  Citus: {line}")  # noqa: T201
