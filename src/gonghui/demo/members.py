"""The demo county's member register (seed 004, April 2017): 102,922 members, 82,818 of them migrant
workers, spread over the grassroots unions in proportion to their employers' employees.

Consistency with the survey: every covered, surveyed employer's figures are set from the members
generated for it (members ≤ employees, migrant members ≤ migrant workers), raising its employee
and migrant-worker counts where the register needs it; the latest survey snapshot gets the same
figures. Names and ID numbers are synthetic; ID numbers are valid (GB 11643 checksum) with Yunnan
address codes of several eras (530326 会泽县, and older ones such as 532101 昭通市 (pre-2001) and
530321 马龙县 (pre-2018)).

Also: a few hundred pending (and some returned or rejected) applications, completed and pending
transfers, retained (保留会籍), left and expelled memberships, card batches for most members.

Bulk paths only: rows are built in memory and written with bulk_create; ID numbers and phones are
encrypted with core.pii.encrypt_many / blind_index_many. Deterministic for a given --seed (the
ciphertexts differ run to run: AES-GCM nonces are random).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.core import ids, pii
from gonghui.core.audit import audit_record
from gonghui.core.db import bulk_set
from gonghui.core.models import Identity
from gonghui.demo.county import TODAY
from gonghui.demo.people import (
    PERSON_COLUMNS,
    _apportion,
    _group_for,
    _join_date,
    _People,
    _person_rows,
    _token,
)
from gonghui.members import bulk
from gonghui.members.actions import ID_CONTEXT, PHONE_CONTEXT, format_form_no, format_member_no
from gonghui.members.codes import EventType, Reason
from gonghui.members.models import (
    Application,
    ApplicationStatus,
    Card,
    CardBatch,
    CardStatus,
    Channel,
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs.models import BASE_KINDS, SURVEY_FIGURES, Employer, EmployerSurvey, Org, OrgKind

TOTAL_MEMBERS = 102_922
MIGRANT_MEMBERS = 82_818
RETAINED = 640
LEFT = 430
EXPELLED = 6
TRANSFERRED_IN = 180
PENDING_TRANSFERS = 24
PENDING_APPLICATIONS = 320
RETURNED_APPLICATIONS = 36
REJECTED_APPLICATIONS = 24
FIRST_JOIN = dt.date(2005, 1, 1)


# Yunnan address codes of several eras, weighted: most members were born in 会泽县 itself.
@transaction.atomic
def load_members(*, seed: int = 2017) -> dict[str, Any]:
    rng = random.Random(f"gonghui-members-{seed}")
    people = _People(rng)
    orgs = {o.pk: o for o in Org.objects.all()}
    root = next(o for o in orgs.values() if o.depth == 1)
    province = root.province_code
    base_orgs = sorted((o for o in orgs.values() if o.kind in BASE_KINDS), key=lambda o: o.path)
    employers = list(Employer.objects.filter(union__isnull=False, surveyed_on__isnull=False).order_by("id"))
    # loop names this function reuses for different things
    e: Employer | None  # an employer; for an application, its employer or None
    status: str  # a membership status, then a card's, then an application's
    idx: list[int] | str  # a union's membership indexes, then an application's blind index

    # --- how many members and migrant members each covered employer gets -------------------
    counts = _apportion(TOTAL_MEMBERS, [max(1, e.employees) for e in employers])
    shares = [min(0.98, e.migrant_workers / e.employees) if e.employees else 0.5 for e in employers]
    desired = [c * s for c, s in zip(counts, shares, strict=True)]
    k = MIGRANT_MEMBERS / sum(desired)
    migrants = [min(c, round(d * k)) for c, d in zip(counts, desired, strict=True)]
    order = sorted(range(len(employers)), key=lambda i: shares[i], reverse=True)
    while (diff := MIGRANT_MEMBERS - sum(migrants)) != 0:
        step = 1 if diff > 0 else -1
        changed = False
        for i in order if step > 0 else reversed(order):
            if (step > 0 and migrants[i] < counts[i]) or (step < 0 and migrants[i] > 0):
                migrants[i] += step
                diff -= step
                changed = True
                if diff == 0:
                    break
        if not changed:  # pragma: no cover - impossible while MIGRANT_MEMBERS ≤ TOTAL_MEMBERS
            raise RuntimeError("cannot place migrant members")

    # --- employer figures follow the register ------------------------------------------------
    surveys = {
        s.employer_id: s
        for s in EmployerSurvey.objects.filter(employer__in=employers).order_by(
            "employer_id", "surveyed_on", "id"
        )
    }
    for e, n, mig in zip(employers, counts, migrants, strict=True):
        employees = max(e.employees, math.ceil(n / rng.uniform(0.80, 0.97))) if n else e.employees
        migrant_workers = min(
            employees, max(e.migrant_workers, math.ceil(mig / rng.uniform(0.82, 0.98)) if mig else 0)
        )
        if employees - migrant_workers < n - mig:  # non-migrant members need non-migrant workers
            employees = migrant_workers + math.ceil((n - mig) / 0.9)
        e.employees, e.migrant_workers, e.members, e.migrant_members = employees, migrant_workers, n, mig
        if (s := surveys.get(e.pk)) is not None:
            s.employees, s.migrant_workers, s.members, s.migrant_members = employees, migrant_workers, n, mig
    bulk_set(employers, list(SURVEY_FIGURES))
    bulk_set(list(surveys.values()), list(SURVEY_FIGURES))

    union_employers: dict[int | None, list[Employer]] = defaultdict(list)  # union_id: never None here
    for e in employers:
        union_employers[e.union_id].append(e)

    # --- persons and their memberships (specs first, rows after numbering) -------------------
    persons: list[dict[str, Any]] = []
    ms: list[dict[str, Any]] = []  # membership specs: person index, org, joined, status, ...

    def add_member(
        e: Employer,
        union: Org,
        *,
        migrant: bool,
        status: str = MembershipStatus.ACTIVE,
        age: tuple[int, int] = (18, 59),
    ) -> int:
        spec = people.make(migrant=migrant, age_range=age)
        spec.update(employer_id=e.pk, employer_name=e.name, group=_group_for(rng, e, union))
        if spec["group"]:
            spec["employment"] = "platform" if union.kind == OrgKind.NEW_EMPLOYMENT else "employed"
        persons.append(spec)
        earliest = max(
            FIRST_JOIN, union.founded_on or FIRST_JOIN, spec["birth"] + dt.timedelta(days=18 * 366)
        )
        joined = _join_date(rng, earliest, TODAY - dt.timedelta(days=3))
        ms.append(
            {
                "p": len(persons) - 1,
                "org": union,
                "joined": joined,
                "status": status,
                "channel": Channel.QR if joined.year >= 2024 and rng.random() < 0.6 else Channel.PAPER,
            }
        )
        return len(ms) - 1

    for e, n, mig in zip(employers, counts, migrants, strict=True):
        union = orgs[e.union_id]
        flags = [True] * mig + [False] * (n - mig)
        rng.shuffle(flags)
        for migrant in flags:
            add_member(e, union, migrant=migrant)
    active_idx = list(range(len(ms)))

    # retained (retired or unemployed), left and expelled: beyond the 102,922 active members
    ended: list[tuple[int, str, str]] = []  # membership index, event type, reason
    for _ in range(RETAINED):
        e = rng.choice(employers)
        retired = rng.random() < 0.7
        i = add_member(
            e,
            orgs[e.union_id],
            migrant=rng.random() < 0.6,
            status=MembershipStatus.RETAINED,
            age=(58, 68) if retired else (30, 55),
        )
        persons[ms[i]["p"]]["employment"] = "retired" if retired else "unemployed"
        ended.append((i, EventType.RETAIN, Reason.RETIRED if retired else Reason.UNEMPLOYED))
    for n_, status, etype, reasons in ((LEFT, MembershipStatus.LEFT, EventType.LEAVE, (Reason.VOLUNTARY, Reason.LAPSED, Reason.LAPSED)),
                                       (EXPELLED, MembershipStatus.EXPELLED, EventType.EXPEL, (Reason.CRIMINAL,))):  # fmt: skip
        for _ in range(n_):
            e = rng.choice(employers)
            i = add_member(e, orgs[e.union_id], migrant=rng.random() < 0.8, status=status)
            ended.append((i, etype, rng.choice(reasons)))
    for i, _t, _r in ended:
        m = ms[i]
        if m["joined"] > TODAY - dt.timedelta(days=60):
            m["joined"] = TODAY - dt.timedelta(days=rng.randint(400, 3000))
        m["ended"] = min(
            TODAY - dt.timedelta(days=5), m["joined"] + dt.timedelta(days=rng.randint(200, 3000))
        )

    # completed transfers: an earlier membership elsewhere, ended when the current one began
    transfers_done: list[tuple[int, int]] = []  # (old ms index, new ms index)
    for i in rng.sample(active_idx, TRANSFERRED_IN):
        new = ms[i]
        if new["joined"] < dt.date(2008, 1, 1):
            new["joined"] = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
        new["channel"] = Channel.TRANSFER
        old_org = rng.choice([o for o in base_orgs if o.pk != new["org"].pk])
        old_joined = _join_date(
            rng, max(FIRST_JOIN, old_org.founded_on or FIRST_JOIN), new["joined"] - dt.timedelta(days=60)
        )
        ms.append({"p": new["p"], "org": old_org, "joined": min(old_joined, new["joined"]), "status": MembershipStatus.TRANSFERRED,
                   "ended": new["joined"], "channel": Channel.PAPER})  # fmt: skip
        transfers_done.append((len(ms) - 1, i))

    # --- numbers: per union in order of joining (gap-free, as the counters would give) --------
    by_org: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(ms):
        by_org[m["org"].pk].append(i)
    form_counter: dict[int, int] = {}
    for org_id, idx in by_org.items():
        idx.sort(key=lambda i: (ms[i]["joined"], i))
        org = orgs[org_id]
        for n, i in enumerate(idx, start=1):
            ms[i]["member_no"] = format_member_no(org, n)
            ms[i]["form_no"] = format_form_no(org, n)
        form_counter[org_id] = len(idx)
    for old_i, new_i in transfers_done:  # the paper file follows the member (档案关)
        ms[new_i]["form_no"] = ms[old_i]["form_no"]

    # --- write persons, memberships, history, transfers, cards ------------------------------
    now = timezone.now()
    person_id0, membership_id0 = bulk.next_id(Person), bulk.next_id(Membership)
    bulk.insert(Person, PERSON_COLUMNS, _person_rows(persons, province, person_id0))
    Identity.backfill()
    pid = [person_id0 + m["p"] for m in ms]  # person id of each membership
    mid = [membership_id0 + i for i in range(len(ms))]
    bulk.insert(
        Membership,
        ("id", "person_id", "org_id", "org_path", "province_code", "member_no", "form_no", "joined_on", "status", "ended_on", "channel", "created_at", "updated_at", "name"),
        ((mid[i], pid[i], m["org"].pk, m["org"].path, province, m["member_no"], m["form_no"], m["joined"], m["status"],
          m.get("ended") if m["status"] not in (MembershipStatus.ACTIVE, MembershipStatus.RETAINED) else None, m["channel"], now, now,
          persons[m["p"]]["name"])
         for i, m in enumerate(ms)),
    )  # fmt: skip

    transfer_new = {new_i: old_i for old_i, new_i in transfers_done}
    transfer_old = {old_i: new_i for old_i, new_i in transfers_done}
    events: list[tuple[Any, ...]] = []
    for i, m in enumerate(ms):
        if i in transfer_new:
            old = ms[transfer_new[i]]
            events.append(
                (
                    pid[i],
                    mid[i],
                    m["org"].path,
                    EventType.TRANSFER_IN,
                    Reason.JOB_CHANGE,
                    m["joined"],
                    old["org"].pk,
                    m["org"].pk,
                    "",
                    now,
                )
            )
        else:
            events.append(
                (
                    pid[i],
                    mid[i],
                    m["org"].path,
                    EventType.JOIN,
                    Reason.APPLY,
                    m["joined"],
                    None,
                    m["org"].pk,
                    "",
                    now,
                )
            )
        if i in transfer_old:
            new = ms[transfer_old[i]]
            events.append(
                (
                    pid[i],
                    mid[i],
                    m["org"].path,
                    EventType.TRANSFER_OUT,
                    Reason.JOB_CHANGE,
                    m["ended"],
                    m["org"].pk,
                    new["org"].pk,
                    "",
                    now,
                )
            )
    for i, etype, reason in ended:
        m = ms[i]
        events.append((pid[i], mid[i], m["org"].path, etype, reason, m["ended"], None, None, "", now))
    bulk.insert(
        MembershipEvent,
        (
            "person_id",
            "membership_id",
            "org_path",
            "type",
            "reason",
            "on",
            "from_org_id",
            "to_org_id",
            "note",
            "created_at",
        ),
        events,
    )

    transfers = [
        Transfer(person_id=pid[new_i], from_membership_id=mid[old_i], from_org=ms[old_i]["org"], from_path=ms[old_i]["org"].path,
                 to_org=ms[new_i]["org"], to_path=ms[new_i]["org"].path, to_membership_id=mid[new_i],
                 initiated_by=rng.choice((TransferSide.FROM, TransferSide.TO)), status=TransferStatus.ACCEPTED,
                 new_employer_name=persons[ms[new_i]["p"]]["employer_name"],
                 decided_at=timezone.make_aware(dt.datetime.combine(ms[new_i]["joined"], dt.time(10))))
        for old_i, new_i in transfers_done
    ]  # fmt: skip
    # pending transfers, started by either side
    done_people = {ms[i]["p"] for i in transfer_new}
    candidates = [i for i in active_idx if ms[i]["p"] not in done_people]
    for i in rng.sample(candidates, PENDING_TRANSFERS):
        to_org = rng.choice([o for o in base_orgs if o.pk != ms[i]["org"].pk])
        transfers.append(Transfer(
            person_id=pid[i], from_membership_id=mid[i], from_org=ms[i]["org"], from_path=ms[i]["org"].path,
            to_org=to_org, to_path=to_org.path, initiated_by=rng.choice((TransferSide.FROM, TransferSide.TO)),
            status=TransferStatus.PENDING, note="工作调动",
            new_employer_name=rng.choice(union_employers[to_org.pk]).name if union_employers.get(to_org.pk) else "",
        ))  # fmt: skip
    Transfer.objects.bulk_create(transfers, batch_size=500)

    # cards: most members carry one; recent joiners wait for the next batch
    batch_ids: dict[tuple[int, dt.date], list[Any]] = {}  # (org, date) → [id, org, size]
    cards: list[tuple[int, dt.date, str]] = []  # membership index, issued_on, status
    last_batch = TODAY - dt.timedelta(days=30)
    batch_id0 = bulk.next_id(CardBatch)
    for i, m in enumerate(ms):
        if m["status"] == MembershipStatus.TRANSFERRED or rng.random() > 0.95:
            continue
        joined = m["joined"]
        issue = (
            dt.date(joined.year, 12, 20)
            if joined <= dt.date(joined.year, 12, 20)
            else dt.date(joined.year + 1, 12, 20)
        )
        issue = min(issue, last_batch)
        if joined > issue:
            continue
        status = (
            CardStatus.REVOKED
            if m["status"] in (MembershipStatus.LEFT, MembershipStatus.EXPELLED)
            else CardStatus.VALID
        )
        cards.append((i, issue, status))
        entry = batch_ids.setdefault((m["org"].pk, issue), [batch_id0 + len(batch_ids), m["org"], 0])
        entry[2] += 1
    bulk.insert(CardBatch, ("id", "org_id", "org_path", "issued_on", "size", "created_at"),
                ((bid, org.pk, org.path, issue, size, now) for (_o, issue), (bid, org, size) in batch_ids.items()))  # fmt: skip
    bulk.insert(
        Card, ("person_id", "membership_id", "batch_id", "card_no", "issued_on", "status", "revoked_on", "check_token"),
        ((pid[i], mid[i], batch_ids[(ms[i]["org"].pk, issue)][0], f"{ms[i]['member_no']}-01", issue, status,
          ms[i].get("ended") if status == CardStatus.REVOKED else None, _token(rng)) for i, issue, status in cards),
    )  # fmt: skip

    # --- applications waiting for review (and some returned or rejected) ---------------------
    clerk_org = min(
        (
            o
            for o in base_orgs
            if o.kind == OrgKind.GRASSROOTS and o.path.startswith(_area_path(orgs, "古城街道"))
        ),
        key=lambda o: o.path,
        default=None,
    )
    app_specs: list[tuple[dict[str, Any], Org, str, str, str]] = []
    statuses = ([ApplicationStatus.PENDING] * PENDING_APPLICATIONS + [ApplicationStatus.RETURNED] * RETURNED_APPLICATIONS
                + [ApplicationStatus.REJECTED] * REJECTED_APPLICATIONS)  # fmt: skip
    for n, status in enumerate(statuses):
        org = (
            clerk_org
            if (clerk_org is not None and n < 15)
            else rng.choice([o for o in base_orgs if union_employers.get(o.pk)])
        )
        e = rng.choice(union_employers[org.pk]) if union_employers.get(org.pk) else None
        spec = people.make(migrant=rng.random() < 0.8, age_range=(18, 45))
        spec.update(
            employer_id=e.pk if e else None,
            employer_name=e.name if e else "",
            group=_group_for(rng, e, org) if e else "",
        )
        reason = {
            ApplicationStatus.RETURNED: "身份证号与纸质申请书不一致，请核对后重新提交",
            ApplicationStatus.REJECTED: "经核实不在本单位就业，请向实际工作单位工会申请",
        }.get(status, "")
        app_specs.append((spec, org, status, reason, Channel.QR if rng.random() < 0.6 else Channel.PAPER))
    numbers = [s["number"] for s, *_ in app_specs]
    id_c, id_i = pii.encrypt_many(numbers, ID_CONTEXT), pii.blind_index_many(numbers, ID_CONTEXT)
    apps = []
    for (spec, org, status, reason, channel), idc, idx in zip(app_specs, id_c, id_i, strict=True):
        form_counter[org.pk] = form_counter.get(org.pk, 0) + 1
        phone = spec["phone"] or f"13{rng.randrange(10**9):09d}"
        consent = timezone.make_aware(
            dt.datetime.combine(
                TODAY - dt.timedelta(days=rng.randint(0, 40)), dt.time(rng.randint(8, 21), rng.randint(0, 59))
            )
        )
        apps.append(Application(
            channel=channel, org=org, org_path=org.path, province_code=province, form_no=format_form_no(org, form_counter[org.pk]),
            public_token=_token(rng), name=spec["name"], id_cipher=idc, id_index=idx, id_masked=ids.mask_id_number(spec["number"]),
            gender=spec["gender"], birth_date=spec["birth"], birthplace_code=spec["code"],
            phone_cipher=pii.encrypt(phone, context=PHONE_CONTEXT), phone_index=pii.blind_index(phone, context=PHONE_CONTEXT),
            phone_masked=ids.mask_phone(phone), phone_verified=channel == Channel.QR, ethnicity=spec["ethnicity"],
            education=spec["education"], political_status=spec["political"], hukou_type=spec["hukou"], is_migrant=spec["migrant"],
            employment_status="platform" if spec["group"] and org.kind == OrgKind.NEW_EMPLOYMENT else "employed",
            new_employment_group=spec["group"], job=spec["job"], employer_id=spec["employer_id"], employer_name=spec["employer_name"],
            consent_at=consent, consent_version="2026-01" if channel == Channel.QR else "paper-signature", status=status, reason=reason,
            reviewed_at=consent + dt.timedelta(days=2) if reason else None,
        ))  # fmt: skip
    Application.objects.bulk_create(apps, batch_size=1000)

    # --- counters continue where the demo stops ---------------------------------------------
    Counter.objects.bulk_create(
        [Counter(org_id=oid, kind=Counter.MEMBER_NO, value=len(idx)) for oid, idx in by_org.items()]
        + [Counter(org_id=oid, kind=Counter.FORM_NO, value=v) for oid, v in form_counter.items()]
    )
    active = sum(1 for m in ms if m["status"] == MembershipStatus.ACTIVE)
    migrant_active = sum(
        1 for m in ms if m["status"] == MembershipStatus.ACTIVE and persons[m["p"]]["migrant"]
    )
    result = {
        "persons": len(persons), "members": active, "migrant_members": migrant_active,
        "retained": RETAINED, "left": LEFT + EXPELLED, "transfers": len(transfers), "cards": len(cards),
        "card_batches": len(batch_ids), "applications": len(apps), "events": len(events),
    }  # fmt: skip
    bulk.reset_sequences(Person, Membership, CardBatch)
    from gonghui.members import roll

    roll.rebuild()  # the unions' rolls (members/roll.py)
    audit_record(
        user=None,
        action="demo.members",
        object_type="demo",
        object_repr=root.name,
        org_path=root.path,
        changes=result,
    )
    return result


def _area_path(orgs: dict[int, Org], short_name: str) -> str:
    return next((o.path for o in orgs.values() if o.short_name == short_name), "\x00")
