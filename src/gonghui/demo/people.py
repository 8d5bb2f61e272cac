"""Synthetic persons for the demo register: names, valid ID numbers of Yunnan address codes of several
eras, phones, education and the rest, and the rows they become (ID numbers and phones encrypted)."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from gonghui.core import ids, pii
from gonghui.demo import names
from gonghui.demo.county import TODAY
from gonghui.members.actions import ID_CONTEXT, PHONE_CONTEXT
from gonghui.members.codes import HUKOU_AGRICULTURAL
from gonghui.orgs.models import Employer, Org, OrgKind

ADDRESS_CODES = [
    ("530326", 70),
    ("530321", 5),
    ("532101", 5),
    ("532128", 4),
    ("530381", 5),
    ("530302", 5),
    ("530323", 3),
    ("532621", 3),
]
GROUP_BY_UNION = {
    "网约送餐员": "food_delivery",
    "快递员": "courier",
    "货车司机": "truck_driver",
    "网约车司机": "ride_hailing",
}
JOBS = ["操作工", "技术员", "驾驶员", "装卸工", "营业员", "厨师", "服务员", "保安", "电工", "焊工", "钳工", "泥瓦工", "钢筋工",
        "会计", "文员", "教师", "护士", "医生", "采掘工", "库管员", "维修工", "保洁员", "快递员", "送餐员"]  # fmt: skip
EDUCATION = [("70", 38), ("60", 22), ("40", 14), ("30", 12), ("80", 8), ("20", 5), ("10", 1)]
ETHNICITY = [("01", 88), ("07", 5), ("03", 4), ("06", 2), ("14", 1)]  # 汉, 彝, 回, 苗, 白
POLITICAL = [("13", 84), ("03", 8), ("01", 7), ("02", 1)]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights` (sums exactly to total)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def _token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


class _People:
    """Synthetic persons with unique valid ID numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(
        self, *, migrant: bool, age_range: tuple[int, int] = (18, 59), male_share: float = 0.57
    ) -> dict[str, Any]:
        rng = self.rng
        male = rng.random() < male_share
        while True:
            age_days = rng.randint(age_range[0] * 365 + 30, age_range[1] * 365 + 300)
            birth = TODAY - dt.timedelta(days=age_days)
            code = _weighted(rng, ADDRESS_CODES)
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = ids.make_id_number(code, birth, seq)
            if number not in self.used:
                self.used.add(number)
                break
        surname = rng.choice(names.SURNAMES)
        pool = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.93 else ""
        return {
            "name": surname + given, "number": number, "gender": "M" if male else "F", "birth": birth, "code": code, "phone": phone,
            "migrant": migrant, "hukou": HUKOU_AGRICULTURAL if migrant else rng.choice(("nonagri", "nonagri", "resident")),
            "education": _weighted(rng, EDUCATION if migrant else [("20", 30), ("30", 30), ("40", 15), ("60", 15), ("10", 5), ("70", 5)]),
            "ethnicity": _weighted(rng, ETHNICITY), "political": _weighted(rng, POLITICAL), "job": rng.choice(JOBS),
            "skill": rng.choice(["", "", "", "5", "4", "3", "2"]), "model": rng.random() < 0.002,
        }  # fmt: skip


PERSON_COLUMNS = (
    "id", "name", "id_cipher", "id_index", "id_masked", "gender", "birth_date", "birthplace_code", "province_code", "ethnicity",
    "phone_cipher", "phone_index", "phone_masked", "education", "political_status", "hukou_type", "is_migrant",
    "employment_status", "new_employment_group", "job", "skill_level", "is_model_worker", "employer_id", "employer_name",
    "created_at", "updated_at",
)  # fmt: skip


def _person_rows(specs: list[dict[str, Any]], province: str, first_id: int) -> Iterator[tuple[Any, ...]]:
    numbers = [s["number"] for s in specs]
    with_phone = [s["phone"] for s in specs if s["phone"]]
    id_ciphers = pii.encrypt_many(numbers, ID_CONTEXT)
    id_indexes = pii.blind_index_many(numbers, ID_CONTEXT)
    phone_ciphers = iter(pii.encrypt_many(with_phone, PHONE_CONTEXT))
    phone_indexes = iter(pii.blind_index_many(with_phone, PHONE_CONTEXT))
    now = timezone.now()
    for n, (s, idc, idx) in enumerate(zip(specs, id_ciphers, id_indexes, strict=True)):
        phone = s["phone"]
        yield (
            first_id + n, s["name"], idc, idx, ids.mask_id_number(s["number"]), s["gender"], s["birth"], s["code"], province,
            s["ethnicity"], next(phone_ciphers) if phone else "", next(phone_indexes) if phone else "",
            ids.mask_phone(phone) if phone else "", s["education"], s["political"], s["hukou"], s["migrant"],
            s.get("employment", "employed"), s.get("group", ""), s["job"], s["skill"], s["model"], s.get("employer_id"),
            s.get("employer_name", ""), now, now,
        )  # fmt: skip


def _group_for(rng: random.Random, employer: Employer, union: Org) -> str:
    if union.kind == OrgKind.NEW_EMPLOYMENT:
        for key, group in GROUP_BY_UNION.items():
            if key in union.name:
                return group if rng.random() < 0.95 else "other"
        return "other"
    name = employer.name
    if "物业" in name and rng.random() < 0.3:
        return "security_guard"
    if "家政" in name and rng.random() < 0.7:
        return "domestic"
    if ("物流" in name or "运输" in name) and rng.random() < 0.4:
        return rng.choice(("truck_driver", "courier"))
    if "超市" in name and rng.random() < 0.05:
        return "mall_info"
    return ""


def _join_date(rng: random.Random, earliest: dt.date, latest: dt.date) -> dt.date:
    if earliest >= latest:
        return latest
    span = (latest - earliest).days
    # more recent joins than old ones (the campaigns of 2015 on), but back to 2005
    return earliest + dt.timedelta(days=int(span * (rng.random() ** 0.7)))
