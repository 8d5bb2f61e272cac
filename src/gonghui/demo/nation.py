"""A national demo (issue 13): provinces with their own federations and a few thousand members
each, for the Citus cluster and its benchmark (`gonghui demo --scale nation [--provinces N]
[--members N]`; --members is per province).

Each province: its 省总工会, two 市总工会, five base unions under each city. Members are written
the way the register writes them (a person, their identity row, a membership with the union's next
会员编号, its 入会 event, the union's counter moved on), in batches of `BATCH` rows per
transaction — `load_members` is also the import path bench/citus_bench.py times. The statistics
counters are counted once at the end.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.core import citus, ids, pii
from gonghui.core.models import Identity
from gonghui.members import roll
from gonghui.members.actions import ID_CONTEXT, format_member_no
from gonghui.members.codes import EventType, Reason
from gonghui.members.models import Channel, Counter, Membership, MembershipEvent, Person
from gonghui.orgs.models import Org, OrgKind
from gonghui.rosters.engine import reserve_ids

# GB/T 2260 province-level codes (31 mainland provinces, regions and municipalities)
PROVINCES = [
    ("11", "北京"), ("12", "天津"), ("13", "河北"), ("14", "山西"), ("15", "内蒙古"), ("21", "辽宁"),
    ("22", "吉林"), ("23", "黑龙江"), ("31", "上海"), ("32", "江苏"), ("33", "浙江"), ("34", "安徽"),
    ("35", "福建"), ("36", "江西"), ("37", "山东"), ("41", "河南"), ("42", "湖北"), ("43", "湖南"),
    ("44", "广东"), ("45", "广西"), ("46", "海南"), ("50", "重庆"), ("51", "四川"), ("52", "贵州"),
    ("53", "云南"), ("54", "西藏"), ("61", "陕西"), ("62", "甘肃"), ("63", "青海"), ("64", "宁夏"),
    ("65", "新疆"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
BATCH = 1000
CITIES, UNIONS_PER_CITY = 2, 5


def build_orgs(provinces: int) -> dict[str, list[Org]]:
    """The federations and base unions of the first `provinces` provinces; base unions by province."""
    out: dict[str, list[Org]] = {}
    for pc, name in PROVINCES[:provinces]:

        def add(parent: Org | None, code: str, label: str, kind: str, pc: str = pc) -> Org:
            attrs = dict(code=code, name=label, kind=kind, region_code=f"{pc}0100", province_code=pc)
            return (
                Org.objects.add_child(Org.objects.get(pk=parent.pk), attrs)
                if parent
                else Org.objects.add_root(attrs)
            )

        root = add(None, f"N{pc}0000", f"{name}省总工会", OrgKind.PROVINCE_FEDERATION)
        bases = []
        for c in range(1, CITIES + 1):
            city = add(root, f"N{pc}{c:02d}00", f"{name}第{c}市总工会", OrgKind.CITY_FEDERATION)
            for u in range(1, UNIONS_PER_CITY + 1):
                bases.append(
                    add(city, f"N{pc}{c:02d}{u:02d}", f"{name}{c}市第{u}公司工会", OrgKind.GRASSROOTS)
                )
        out[pc] = [Org.objects.get(pk=b.pk) for b in bases]
    return out


def load_members(unions: list[Org], n: int, *, seed: int, first_seq: int = 0,
                 log: Callable[[str], None] = print) -> float:  # fmt: skip
    """Register `n` new members spread over `unions` (one province's base unions); returns rows/s
    (a row = one member: person, identity, membership, event)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        with transaction.atomic():
            numbers: dict[int, int] = {}
            picks = [unions[(first_seq + done + i) % len(unions)] for i in range(size)]
            for org in {o.pk: o for o in picks}.values():
                k = sum(1 for o in picks if o.pk == org.pk)
                row, _ = Counter.objects.select_for_update().get_or_create(org=org, kind=Counter.MEMBER_NO)
                numbers[org.pk] = row.value + 1
                row.value += k
                row.save(update_fields=["value"])
            # ids reserved first and set on the rows: on Citus `INSERT … RETURNING` answers shard by
            # shard, so the ids bulk_create would read back belong to other rows
            # persons on their union's shard on Citus (core.citus.person_ids_near)
            person_ids = citus.person_ids_near([o.pk for o in picks]) or reserve_ids(Person, size)
            membership_ids = reserve_ids(Membership, size)
            persons = []
            for i, org in enumerate(picks):
                seq = first_seq + done + i
                # unique per province: a birth day per thousand numbers, the sequence digits within it
                birth = dt.date(1965, 1, 1) + dt.timedelta(days=(seq // 1000) % 12000)
                number = ids.make_id_number(f"{org.province_code}0102", birth, seq % 1000)
                persons.append(Person(
                    pk=person_ids[i], name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    id_cipher=pii.encrypt(number, context=ID_CONTEXT), id_index=pii.blind_index(number, context=ID_CONTEXT),
                    id_masked=ids.mask_id_number(number), gender="M" if (seq % 1000) % 2 else "F", birth_date=birth,
                    birthplace_code=number[:6], province_code=org.province_code, is_migrant=rng.random() < 0.3,
                ))  # fmt: skip
            Person.objects.bulk_create(persons)
            Identity.objects.bulk_create([Identity(id_index=p.id_index, person_id=p.pk) for p in persons])
            ms = []
            for p, org, mid in zip(persons, picks, membership_ids, strict=True):
                no = numbers[org.pk]
                numbers[org.pk] += 1
                ms.append(Membership(
                    pk=mid, person_id=p.pk, name=p.name, org=org, org_path=org.path, province_code=org.province_code,
                    member_no=format_member_no(org, no), joined_on=today, channel=Channel.ROSTER,
                ))  # fmt: skip
            Membership.objects.bulk_create(ms)
            roll.add(ms)
            MembershipEvent.objects.bulk_create([
                MembershipEvent(person_id=m.person_id, membership_id=m.pk, org_path=m.org_path, type=EventType.JOIN,
                                reason=Reason.APPLY, on=today, created_at=now)
                for m in ms
            ])  # fmt: skip
        done += size
    rate = n / max(time.perf_counter() - started, 1e-9)
    log(f"members: {n:,} ({rate:,.0f}/s)")
    return rate


def load_nation(*, seed: int = 2017, provinces: int = 4, members: int = 3000,
                log: Callable[[str], None] = print) -> dict[str, Any]:  # fmt: skip
    from gonghui.core.db import analyze
    from gonghui.reports.counters import rebuild

    started = time.perf_counter()
    with transaction.atomic():
        by_province = build_orgs(provinces)
    rates = []
    for k, (pc, unions) in enumerate(by_province.items()):
        log(f"province {pc}")
        rates.append(load_members(unions, members, seed=seed + k, first_seq=k * 100_000 + 1, log=log))
    analyze()
    rebuild()
    from gonghui.campaigns import daycount

    daycount.rebuild()  # the campaigns' per-day event counter, from the events just loaded
    return {
        "provinces": provinces,
        "orgs": Org.objects.count(),
        "members": provinces * members,
        "import_rows_per_s": round(sum(rates) / len(rates)),
        "seconds": round(time.perf_counter() - started, 2),
    }
