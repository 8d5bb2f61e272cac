"""The register on a Citus cluster (core/citus.py): the schema is distributed, every rule of the
register holds, and the acts that matter run on one shard (EXPLAIN: Task Count 1).

Each test builds its own small data: two provinces (53 云南, 44 广东), one base union in each."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.members import concurrency

pytestmark = [pytest.mark.citus]


def _provinces() -> dict[str, Any]:
    from gonghui.orgs.models import Org, OrgKind

    def add(parent: Any, code: str, name: str, kind: str, province: str) -> Any:
        attrs = dict(code=code, name=name, kind=kind, region_code=f"{province}0102", province_code=province)
        return Org.objects.get(pk=parent.pk).add_child(**attrs) if parent else Org.add_root(**attrs)

    yn = add(None, "Y0001", "云南省总工会", OrgKind.PROVINCE_FEDERATION, "53")
    gd = add(None, "G0001", "广东省总工会", OrgKind.PROVINCE_FEDERATION, "44")
    yn_city = add(yn, "Y0002", "昆明市总工会", OrgKind.CITY_FEDERATION, "53")
    gd_city = add(gd, "G0002", "广州市总工会", OrgKind.CITY_FEDERATION, "44")
    a = add(yn_city, "Y0003", "昆明甲公司工会", OrgKind.GRASSROOTS, "53")
    b = add(gd_city, "G0003", "广州乙公司工会", OrgKind.GRASSROOTS, "44")
    a2 = add(Org.objects.get(pk=yn_city.pk), "Y0004", "昆明丙公司工会", OrgKind.GRASSROOTS, "53")
    from gonghui.reports import counters

    counters.rebuild()
    get = Org.objects.get
    return {"yn": yn, "gd": gd, "yn_city": get(pk=yn_city.pk), "a": get(pk=a.pk), "b": get(pk=b.pk),
            "a2": get(pk=a2.pk)}  # fmt: skip


def _register(org: Any, n: int) -> Any:
    from gonghui.members import actions

    return actions.member_register(
        user=None, org=org, consent_version="t", name=f"会员{n}", id_number=concurrency._id(n)
    )


_explainer: list[Any] = []


@pytest.fixture(autouse=True, scope="module")
def _close_explainer() -> Any:
    yield
    while _explainer:
        _explainer.pop().close()


def _tasks(sql: str) -> int:
    """Citus tasks of a statement's plan: 1 = router (one shard); a table Citus does not manage
    (no Citus node in the plan) runs on the coordinator alone and counts as 1. Planned on a
    connection of its own (the plan needs the statement's constants, not the test's uncommitted
    rows), so the test's transaction goes on as the application left it."""
    from django.db import connections

    if not _explainer:
        _explainer.append(connections.create_connection("default"))
    with _explainer[0].cursor() as cur:
        cur.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = json.dumps(cur.fetchone()[0])
    counts = [int(c) for c in re.findall(r'"Task Count": (\d+)', plan)]
    return max(counts) if counts else 1


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]


@pytest.mark.django_db
def test_migrate_distributed_the_register():
    from gonghui.core import citus

    assert citus.is_citus()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT logicalrelid::text, partmethod, repmodel, colocationid FROM pg_dist_partition "
            "WHERE logicalrelid::text = ANY(%s)",
            [[*citus.DISTRIBUTED, *citus.REFERENCE]],
        )
        rows = {t: (m, r, c) for t, m, r, c in cur.fetchall()}
        cur.execute("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'members_person'::regclass")
        shards = cur.fetchone()[0]
    for t in citus.DISTRIBUTED:
        assert rows[t][0] == "h", t
    for t in citus.REFERENCE:
        assert rows[t][1] == "t", t
    # the register's tables are co-located with the person table; identity stands alone
    assert {rows[t][2] for t in citus.BY_PERSON} == {rows["members_person"][2]}
    assert rows["core_identity"][2] != rows["members_person"][2]
    assert shards == citus.SHARD_COUNT
    assert citus.distribute() == []  # idempotent: a second migrate changes nothing


@pytest.mark.django_db(transaction=True)
def test_two_provinces_approve_the_same_id_number_at_the_same_instant():
    """Yunnan and Guangdong approve an application of the same worker at the same moment, each on
    its own connection: the database lets exactly one through (the identity table's primary key
    on one shard, then the partial unique index on the person's shard)."""
    from gonghui.core.models import Identity
    from gonghui.members import actions
    from gonghui.members.models import Membership, Person

    p = _provinces()
    number = concurrency._id(700)
    apps = [concurrency._apply(p["a"], number), concurrency._apply(p["b"], number)]
    results = concurrency._run_threads(
        [lambda app=app: actions.application_approve(user=None, application=app).org.code for app in apps]
    )
    kinds = sorted(k for k, _v in results)
    assert kinds == ["error", "ok"], results
    error = next(v for k, v in results if k == "error")
    assert error["code"] == "already_member" and error["status"] == 409
    index = actions.id_index(number)
    assert Identity.objects.filter(id_index=index).count() == 1
    person_id = Identity.objects.get(id_index=index).person_id
    assert Person.objects.filter(id_index=index).count() == 1
    assert Membership.objects.filter(person_id=person_id, status__in=["active", "retained"]).count() == 1
    # and the database itself refuses a second current membership, whatever the application does
    from django.db import IntegrityError, transaction

    m = Membership.objects.get(person_id=person_id, status="active")
    other = p["b"] if m.org_id == p["a"].pk else p["a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person_id=person_id, org=other, org_path=other.path, province_code=other.province_code,
            member_no="X", joined_on=dt.date.today(), status="active",
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_give_gap_free_member_numbers_and_exact_counters():
    from gonghui.members import actions
    from gonghui.members.models import Counter
    from gonghui.reports import counters

    p = _provinces()
    apps = [concurrency._apply(p["a"], concurrency._id(800 + i)) for i in range(6)]
    results = concurrency._run_threads(
        [lambda app=app: actions.application_approve(user=None, application=app).member_no for app in apps]
    )
    assert [k for k, _v in results] == ["ok"] * 6, results
    assert sorted(v for _k, v in results) == [f"Y0003{i:06d}" for i in range(1, 7)]
    assert Counter.objects.get(org=p["a"], kind=Counter.MEMBER_NO).value == 6
    assert counters.verify() == []


@pytest.mark.django_db
def test_a_transfer_between_two_provinces_is_atomic_and_audited():
    from django.db import transaction

    from gonghui.core.models import AuditEntry
    from gonghui.members import actions
    from gonghui.members.models import Membership
    from gonghui.reports import counters
    from gonghui.reports.models import OrgCounter

    p = _provinces()
    m = _register(p["a"], 900)
    t = actions.transfer_start(user=None, membership=m, to_org=p["b"], side="from")
    # a failure after both sides were written rolls back both
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.transfer_accept(user=None, transfer=t)
        raise RuntimeError("crash before commit")
    assert Membership.objects.get(pk=m.pk, person_id=m.person_id).status == "active"
    assert not Membership.objects.filter(person_id=m.person_id, org=p["b"]).exists()
    new = actions.transfer_accept(user=None, transfer=t)
    assert new.org_id == p["b"].pk and new.member_no == "G0003000001"
    assert Membership.objects.get(pk=m.pk, person_id=m.person_id).status == "transferred"
    assert OrgCounter.objects.get(org=p["yn"]).members == 0
    assert OrgCounter.objects.get(org=p["gd"]).members == 1
    assert counters.verify() == []
    assert AuditEntry.objects.filter(action="transfer.accept").count() >= 1


@pytest.mark.django_db
def test_an_id_lookup_runs_on_one_shard():
    from gonghui.members import actions
    from gonghui.members.selectors import current_membership

    p = _provinces()
    _register(p["a"], 1000)
    with CaptureQueriesContext(connection) as ctx:
        found = current_membership(actions.id_index(concurrency._id(1000)))
    assert found is not None and found.org_id == p["a"].pk
    statements = _statements(ctx)
    assert len(statements) == 2  # identity by blind index, then the membership on the person's shard
    assert [_tasks(s) for s in statements] == [1, 1]


@pytest.mark.django_db
def test_every_statement_of_an_approval_runs_on_one_shard():
    from gonghui.members import actions

    p = _provinces()
    _register(p["a"], 1100)
    app = concurrency._apply(p["b"], concurrency._id(1101))
    with CaptureQueriesContext(connection) as ctx:
        actions.application_approve(user=None, application=app)
    statements = _statements(ctx)
    assert len(statements) >= 6
    assert {s[:60]: _tasks(s) for s in statements if _tasks(s) != 1} == {}


def _shard(table: str, value: int) -> int:
    """The hash range (its lower bound) of the shard of `table` holding `value`: equal for two
    co-located tables exactly when the rows are on the same shard group."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT shardminvalue::int FROM pg_dist_shard WHERE shardid = get_shard_id_for_distribution_column(%s, %s)",
            [table, value],
        )
        return int(cur.fetchone()[0])


@pytest.mark.django_db
def test_a_union_registers_its_persons_on_its_own_shard():
    """core.citus.person_ids_near: Citus' own placement (get_shard_id_for_distribution_column)
    puts each id on the shard of its union's roll, for one id or many, for two unions at once."""
    from gonghui.core import citus

    p = _provinces()
    a, b = _shard("members_rollentry", p["a"].pk), _shard("members_rollentry", p["b"].pk)
    ids = citus.person_ids_near([p["a"].pk] * 40 + [p["b"].pk] * 3)
    assert len(set(ids)) == 43
    assert {_shard("members_person", i) for i in ids[:40]} == {a}
    assert {_shard("members_person", i) for i in ids[40:]} == {b}
    m = _register(p["a"], 1190)
    assert _shard("members_person", m.person_id) == a
    assert _shard("members_membership", m.person_id) == a  # co-located: the membership goes along


@pytest.mark.django_db
def test_a_union_member_list_runs_on_one_shard(client):
    """A union's clerk opens the member list: every statement of the page runs on one shard — the
    union's roll, then its members' rows on the shard the union registered them on."""
    from gonghui.accounts.models import Role, User

    p = _provinces()
    ms = [_register(p["a"], 1200 + i) for i in range(3)]
    _register(p["b"], 1210)
    clerk = User(username="yn_list_clerk", org=p["a"], role=Role.CLERK)
    clerk.set_password("test-pass-9271")
    clerk.save()
    client.force_login(clerk)
    client.get("/members/")  # the session's first request reads more
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/members/")
    assert r.status_code == 200
    page = r.content.decode()
    assert all(m.member_no in page for m in ms) and "G0003" not in page
    statements = _statements(ctx)
    assert any("members_rollentry" in s for s in statements)
    assert any('FROM "members_membership"' in s for s in statements)
    assert {s: _tasks(s) for s in statements if _tasks(s) != 1} == {}
    # the API's list of the same union: its pages and its count
    from gonghui.accounts.actions import token_create

    _row, token = token_create(actor=None, user=clerk)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/v1/members", {"limit": 2, "offset": 1}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r.json()["count"] == 3 and len(r.json()["items"]) == 2
    statements = _statements(ctx)
    assert any("members_rollentry" in s for s in statements)
    assert {s: _tasks(s) for s in statements if _tasks(s) != 1} == {}


@pytest.mark.django_db
def test_a_subtree_member_list_is_one_index_scan_per_shard():
    """A city's list (many unions) is not one union's: it reads the register's (org_path, status)
    index on every shard, each shard its slice (docs/decisions.md names the trade)."""
    from gonghui.core import citus
    from gonghui.members.models import Membership

    p = _provinces()
    for i in range(3):
        _register(p["a"], 1220 + i)
    qs = Membership.objects.select_related("person").filter(
        org_path__startswith=p["yn_city"].path, status="active"
    )
    assert qs.count() == 3
    assert _tasks(_sql(qs)) == citus.SHARD_COUNT


@pytest.mark.django_db
def test_a_card_batch_runs_on_one_shard():
    """Every statement of a card batch for a union's members runs on one shard: the roll read in
    会员编号 order, its members picked and locked one by one, the cards written."""
    from gonghui.members import cards

    p = _provinces()
    ms = [_register(p["a"], 1230 + i) for i in range(4)]
    with CaptureQueriesContext(connection) as ctx:
        batch = cards.card_batch_issue(user=None, org=p["a"])
    assert batch.size == 4
    assert sorted(c.person_id for c in batch.cards.all()) == sorted(m.person_id for m in ms)
    statements = _statements(ctx)
    assert sum(1 for s in statements if "FOR UPDATE" in s) == 4
    assert {s[:80]: _tasks(s) for s in statements if _tasks(s) != 1} == {}


@pytest.mark.django_db
def test_a_roster_import_batch_writes_the_register_on_one_shard(tmp_path):
    """A roster of 30 new workers for one union: the batch writes every person, membership, 入会
    event and roll row on the union's shard — one statement per row (executemany), each carrying
    its distribution value, all to that shard. The statements over many shards are reads of the
    ID numbers' identity rows, which live where their blind index hashes: the national key."""
    from gonghui.members.models import Membership, MembershipEvent, Person, RollEntry
    from gonghui.reports import counters
    from gonghui.rosters import actions
    from tests.rosters.conftest import HEADER, person_row, write_xlsx_rows

    p = _provinces()
    path = write_xlsx_rows(
        tmp_path / "r.xlsx", [HEADER, *(person_row(i + 1, employer="") for i in range(30))]
    )
    job = actions.roster_import_create(user=None, org=p["a"], path=str(path), source_name="r.xlsx", uploaded=False,
                                       mode="update", dry_run=False)  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        job = actions.roster_import_run(job_id=job.pk, parallel=False)
    assert (job.status, job.created, job.refused) == ("done", 30, 0)
    here = _shard("members_rollentry", p["a"].pk)
    people = list(Membership.objects.filter(org=p["a"]).values_list("person_id", flat=True))
    assert len(people) == 30
    assert {_shard("members_person", pid) for pid in people} == {here}
    assert Person.objects.filter(pk__in=people).count() == 30
    assert MembershipEvent.objects.filter(person_id__in=people).count() == 30
    assert RollEntry.objects.filter(org=p["a"]).count() == 30
    writes = [q["sql"] for q in ctx.captured_queries if " times: INSERT INTO" in q["sql"]]
    register = [
        w
        for w in writes
        if any(
            f'"{t}"' in w
            for t in ("members_person", "members_membership", "members_membershipevent", "members_rollentry")
        )
    ]
    assert len(register) == 4  # one executemany each: a single-row INSERT per row, on its row's shard
    many = {s[:120] for s in _statements(ctx) if _tasks(s) != 1}
    assert many and all("core_identity" in s for s in many), many
    assert counters.verify() == []


def _sql(qs: Any) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        return cur.mogrify(sql, params)


@pytest.mark.django_db
def test_the_gatekeeper_and_the_audit_log_work_on_the_cluster(client):
    """A clerk of 云南's union opens their member's page and reveals the ID number (audited); the
    member of 广东 answers 404, exactly like a missing one."""
    from gonghui.accounts.models import Role, User
    from gonghui.core.models import AuditEntry

    p = _provinces()
    mine, other = _register(p["a"], 1300), _register(p["b"], 1301)
    clerk = User(username="yn_clerk", org=p["a"], role=Role.CLERK)
    clerk.set_password("test-pass-9271")
    clerk.save()
    client.force_login(clerk)
    assert client.get(f"/members/{mine.pk}/").status_code == 200
    assert client.get(f"/members/{other.pk}/").status_code == 404
    assert client.get("/members/999999999/").status_code == 404
    r = client.post(f"/members/{mine.pk}/reveal/", {"purpose": "view"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert AuditEntry.objects.filter(
        username="yn_clerk", action="pii.reveal", object_id=str(mine.person_id)
    ).exists()


# --- the acts that lock many members (docs/decisions.md: FOR UPDATE needs the distribution column):
# each runs on the cluster and keeps the counters exact


@pytest.mark.django_db
def test_a_card_batch_locks_each_member_on_its_shard():
    from gonghui.core.errors import ApplicationError
    from gonghui.members import cards
    from gonghui.members.models import Card
    from gonghui.reports import counters

    p = _provinces()
    ms = [_register(p["a"], 1400 + i) for i in range(3)]
    first = cards.card_batch_issue(user=None, org=p["a"], membership_ids=[ms[0].pk])
    assert first.size == 1
    batch = cards.card_batch_issue(user=None, org=p["a"])
    assert batch.size == 2
    assert sorted(Card.objects.filter(batch=batch).values_list("person_id", flat=True)) == sorted(
        m.person_id for m in ms[1:]
    )
    with pytest.raises(ApplicationError) as e:
        cards.card_batch_issue(user=None, org=p["a"])
    assert e.value.code == "nothing_to_issue"
    assert counters.verify() == []


@pytest.mark.django_db
def test_merging_two_unions_moves_their_members():
    from gonghui.members.models import Membership
    from gonghui.orgs import actions as org_actions
    from gonghui.reports import counters

    p = _provinces()
    moving = [_register(p["a"], 1500 + i) for i in range(2)]
    _register(p["a2"], 1502)
    org_actions.org_merge(user=None, source=p["a"], target=p["a2"])
    for m in moving:
        assert Membership.objects.get(pk=m.pk, person_id=m.person_id).status == "transferred"
    assert sorted(
        Membership.objects.filter(org=p["a2"], status="active").values_list("member_no", flat=True)
    ) == ["Y0004000001", "Y0004000002", "Y0004000003"]
    assert counters.verify() == []


@pytest.mark.django_db
def test_an_expulsion_is_filed_with_the_upper_union_later():
    from gonghui.members import actions

    p = _provinces()
    m = _register(p["a"], 1600)
    today = dt.date.today()
    actions.membership_expel(
        user=None, membership=m, on=today, decision_no="昆甲工〔2026〕1号", decided_on=today
    )
    exp = actions.membership_expulsion_file(user=None, membership=m, filed_on=today)
    assert exp.filed_on == today and exp.filed_with_id == p["yn_city"].pk


@pytest.mark.django_db
def test_an_employer_closes_and_its_members_are_retained_above():
    from gonghui.members.models import Membership
    from gonghui.orgs.closure import employer_close
    from gonghui.orgs.models import Employer
    from gonghui.reports import counters

    p = _provinces()
    ms = [_register(p["a"], 1700 + i) for i in range(2)]
    employer = Employer.objects.create(name="昆明甲公司", region_code="530102", province_code="53",
                                       area_org=p["yn_city"], area_path=p["yn_city"].path, union=p["a"], employees=10)  # fmt: skip
    counters.rebuild()  # the employer was written by hand, not through orgs.actions
    closure = employer_close(user=None, employer=employer)
    assert closure.to_org.pk == p["yn_city"].pk and closure.retained == 2
    for m in ms:
        kept = Membership.objects.get(pk=m.pk, person_id=m.person_id)
        assert (kept.status, kept.org_id) == ("retained", p["yn_city"].pk)
    assert counters.verify() == []


@pytest.mark.django_db
def test_a_founder_who_is_a_member_elsewhere_is_found_and_moved():
    """elections/founders.current_elsewhere locks the founder's membership on the person's shard;
    members/actions/founders.founder_register moves a member of another union into the new one."""
    from gonghui.core import pii
    from gonghui.elections import founders
    from gonghui.members import actions
    from gonghui.members.identity import ID_CONTEXT
    from gonghui.members.models import Membership

    p = _provinces()
    m = _register(p["a"], 1800)
    number = concurrency._id(1800)
    assert founders.current_elsewhere(actions.id_index(number), p["a2"]).pk == m.pk
    assert founders.current_elsewhere(actions.id_index(number), p["a"]) is None
    moved = actions.founder_register(user=None, org=p["a2"], name="会员1800", employer=None, joined_on=dt.date.today(),
                                     id_cipher=pii.encrypt(number, context=ID_CONTEXT), note="")  # fmt: skip
    assert moved.org_id == p["a2"].pk and moved.person_id == m.person_id
    assert Membership.objects.get(pk=m.pk, person_id=m.person_id).status == "transferred"


@pytest.mark.django_db
def test_dues_are_paid_with_the_membership_locked_on_its_shard():
    from gonghui.finance.actions_dues import dues_pay

    p = _provinces()
    m = _register(p["a"], 1900)
    today = dt.date.today()
    payment = dues_pay(user=None, membership=m, month=today.replace(day=1), paid_on=today, amount_fen=500)
    assert payment.amount_fen == 500 and payment.membership_id == m.pk


@pytest.mark.django_db
def test_a_transfer_and_a_card_are_opened_with_their_memberships(client):
    """members/scope.py reads a transfer's two memberships and a card's membership by person_id (a
    join of two distributed tables on the membership id is refused by Citus)."""
    from gonghui.accounts.models import Role, User
    from gonghui.members import actions, cards, scope
    from gonghui.members.models import Card

    p = _provinces()
    m = _register(p["a"], 2000)
    cards.card_batch_issue(user=None, org=p["a"])
    card = Card.objects.get(person_id=m.person_id)
    clerk = User(username="yn_card_clerk", org=p["a"], role=Role.CLERK)
    clerk.set_password("test-pass-9271")
    clerk.save()
    assert scope.get_card(clerk, card.pk).membership.member_no == m.member_no
    client.force_login(clerk)
    assert client.post(f"/members/cards/{card.pk}/revoke/", {"reason": "遗失"}).status_code == 302
    assert Card.objects.get(pk=card.pk, person_id=m.person_id).status == "revoked"
    t = actions.transfer_start(user=None, membership=m, to_org=p["a2"], side="from")
    got = scope.get_transfer(clerk, t.pk)
    assert (got.from_membership.pk, got.from_membership.member_no) == (m.pk, m.member_no)


@pytest.mark.django_db
def test_the_national_demo_pairs_each_identity_and_event_with_its_own_person():
    """Citus returns `INSERT … RETURNING` rows shard by shard, not in the order inserted: the demo
    reserves the persons' and memberships' ids first and sets them on the rows (as rosters do)."""
    from gonghui.core.models import Identity
    from gonghui.demo.nation import build_orgs, load_members
    from gonghui.members.models import Membership, MembershipEvent, Person

    unions = next(iter(build_orgs(1).values()))
    load_members(unions, 60, seed=1, log=lambda _line: None)
    persons = dict(Person.objects.values_list("id_index", "pk"))
    assert dict(Identity.objects.values_list("id_index", "person_id")) == persons
    owner = dict(Membership.objects.values_list("pk", "person_id"))
    assert all(owner[m] == p for p, m in MembershipEvent.objects.values_list("person_id", "membership_id"))
