"""Build the demo county's union tree, employers, surveys and accounts (seed 004 figures).

551 union organisations in all: the federation, 23 township unions, 11 system unions, one park
union, two industry unions, and 513 base unions (独立, 联合, 新就业形态) under them.

Runs through bulk paths: orgs are created with treebeard paths computed here and inserted with
bulk_create, so the whole county loads in a couple of seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gonghui.accounts.models import Role, User
from gonghui.core import ids
from gonghui.core.audit import audit_record
from gonghui.demo import names
from gonghui.orgs.models import (
    SURVEY_FIGURES,
    EconomicType,
    Employer,
    EmployerSurvey,
    JointScope,
    OperatingStatus,
    Org,
    OrgForm,
    OrgKind,
)  # fmt: skip

REGION = "530326"  # 会泽县, 曲靖市, 云南省
COUNTY_NAME = "会泽县总工会"
TOTAL_ORGS = 551
TODAY = dt.date(2026, 11, 1)  # the demo's "as of" date keeps runs identical whatever the day


@dataclass
class Node:
    name: str
    kind: str
    short: str = ""
    children: list[Node] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    employers: list[dict[str, Any]] = field(default_factory=list)


def _path(alphabet: str, steplen: int, parent: str, i: int) -> str:
    digits = ""
    n = i
    base = len(alphabet)
    for _ in range(steplen):
        digits = alphabet[n % base] + digits
        n //= base
    return parent + digits


class CountyBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used_names: set[str] = set()
        self.used_credit: set[str] = set()

    # --- helpers ---
    def credit_code(self, prefix2: str) -> str:
        while True:
            body = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
            code = ids.make_credit_code(prefix2 + REGION + body)
            if code not in self.used_credit:
                self.used_credit.add(code)
                return code

    def person_name(self) -> str:
        return self.rng.choice(names.SURNAMES) + "".join(
            self.rng.choice(names.GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    def company(self, place: str) -> tuple[str, str, int, int]:
        for _ in range(1000):
            suffix, industry, lo, hi = self.rng.choice(names.TRADES)
            brand = self.rng.choice(names.BRANDS)
            name = f"会泽县{brand}{suffix}" if self.rng.random() < 0.6 else f"会泽{place[:2]}{brand}{suffix}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name, industry, lo, hi
        raise RuntimeError("name space exhausted")

    def founded(self) -> dt.date:
        return dt.date(self.rng.randint(2003, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def term(self, founded: dt.date) -> dict[str, Any]:
        years = self.rng.choice((3, 5, 5))
        start = founded
        n = 1
        while start.replace(year=start.year + years) < TODAY - dt.timedelta(days=self.rng.randint(-400, 200)):
            start = start.replace(year=start.year + years)
            n += 1
        return {"term_number": n, "term_start": start, "term_end": start.replace(year=start.year + years)}

    def employer(
        self, name: str, industry: str, lo: int, hi: int, econ: str, place: str, *, covered: bool
    ) -> dict[str, Any]:
        employees = max(1, int(self.rng.lognormvariate(0, 0.6) * (lo + hi) / 3))
        employees = min(max(employees, lo // 2 or 1), hi * 2)
        migrant_share = 0.85 if industry in "ABCEGHO" else 0.3
        migrants = min(
            employees, int(employees * self.rng.uniform(migrant_share - 0.15, min(1.0, migrant_share + 0.1)))
        )
        members = int(employees * self.rng.uniform(0.7, 0.98)) if covered else 0
        migrant_members = min(members, int(migrants * members / employees)) if employees else 0
        return {
            "name": name, "industry": industry, "economic_type": econ, "employees": employees,
            "migrant_workers": migrants, "members": members, "migrant_members": migrant_members,
            "address": f"云南省曲靖市会泽县{place}{self.rng.randint(1, 300)}号",
            "operating_status": OperatingStatus.NORMAL if self.rng.random() > 0.04 else OperatingStatus.SUSPENDED,
        }  # fmt: skip

    def grassroots_for_company(self, place: str) -> Node:
        name, industry, lo, hi = self.company(place)
        econ = self.rng.choice(
            [EconomicType.PRIVATE] * 6
            + [EconomicType.JOINT_STOCK, EconomicType.STATE, EconomicType.COLLECTIVE]
        )
        n = Node(
            f"{name}工会委员会",
            OrgKind.GRASSROOTS,
            short=name.replace("会泽县", "").replace("有限公司", "") + "工会",
        )
        n.employers.append(self.employer(name, industry, lo, hi, econ, place, covered=True))
        return n

    def joint(self, place: str, i: int) -> Node:
        area = self.rng.choice(names.JOINT_AREAS)
        label = f"{place}{self.rng.choice(names.BRANDS)}{area}"
        while label in self.used_names:
            label = f"{place}{self.rng.choice(names.BRANDS)}{area}"
        self.used_names.add(label)
        scope = {"社区": JointScope.AREA, "商业街": JointScope.BUSINESS_DISTRICT, "农贸市场": JointScope.BUSINESS_DISTRICT,
                 "工业片区": JointScope.PARK, "商圈": JointScope.BUSINESS_DISTRICT, "村": JointScope.AREA}[area]  # fmt: skip
        n = Node(
            f"{label}联合工会委员会",
            OrgKind.JOINT_GRASSROOTS,
            short=f"{label}联合工会",
            attrs={"joint_scope": scope},
        )
        for _ in range(self.rng.randint(3, 8)):
            name, industry, lo, hi = self.company(place)
            n.employers.append(
                self.employer(
                    name,
                    industry,
                    max(3, lo // 4),
                    max(10, hi // 5),
                    EconomicType.PRIVATE,
                    place,
                    covered=True,
                )
            )
        return n

    # --- the tree ---
    def build(self) -> Node:
        rng = self.rng
        root = Node(
            COUNTY_NAME, OrgKind.COUNTY_FEDERATION, short="县总工会", attrs={"org_form": OrgForm.COMMITTEE}
        )
        townships = [
            Node(
                f"会泽县{t}总工会" if kind != "街道" else f"会泽县{t}工会联合会",
                OrgKind.TOWNSHIP_UNION, short=t,
                attrs={"org_form": OrgForm.COMMITTEE if kind != "街道" else OrgForm.FEDERATION, "place": t},
            )
            for t, kind in names.TOWNSHIPS
        ]  # fmt: skip
        systems = [Node(f"会泽县{s}系统工会委员会", OrgKind.SYSTEM_UNION, short=f"{s}系统工会", attrs={"place": s, "units": u, "unit_kind": k})
                   for s, u, k in names.SYSTEMS]  # fmt: skip
        park = Node(
            "会泽工业园区工会委员会", OrgKind.PARK_UNION, short="工业园区工会", attrs={"place": "工业园区"}
        )
        building = Node(
            "会泽县建筑行业工会联合会",
            OrgKind.INDUSTRY_UNION,
            short="建筑行业工会",
            attrs={"org_form": OrgForm.FEDERATION, "place": "建筑"},
        )
        logistics = Node(
            "会泽县快递物流行业工会联合会",
            OrgKind.INDUSTRY_UNION,
            short="快递物流行业工会",
            attrs={"org_form": OrgForm.FEDERATION, "place": "物流"},
        )
        root.children = [*townships, *systems, park, building, logistics]
        t: str | Node  # a loop name reused below: a township's name, later a township's node

        # system unions: their institutions, each a grassroots union
        for s in systems:
            for unit in s.attrs["units"]:
                n = Node(f"会泽县{unit}工会委员会", OrgKind.GRASSROOTS, short=f"{unit}工会")
                econ = (
                    EconomicType.GOVERNMENT
                    if s.attrs["unit_kind"] == "机关"
                    else EconomicType.PUBLIC_INSTITUTION
                )
                industry = {"学校": "P", "医院": "Q", "机关": "S"}.get(s.attrs["unit_kind"], "N")
                n.employers.append(
                    self.employer(f"会泽县{unit}", industry, 40, 400, econ, "县城", covered=True)
                )
                s.children.append(n)
            # township schools and clinics join the education and health systems
            if s.attrs["place"] in ("教育", "卫生健康"):
                kind = "中心学校" if s.attrs["place"] == "教育" else "卫生院"
                for t, _k in names.TOWNSHIPS:
                    unit = f"{t}{kind}"
                    n = Node(f"会泽县{unit}工会委员会", OrgKind.GRASSROOTS, short=f"{unit}工会")
                    n.employers.append(
                        self.employer(
                            f"会泽县{unit}",
                            "P" if kind == "中心学校" else "Q",
                            30,
                            250,
                            EconomicType.PUBLIC_INSTITUTION,
                            t,
                            covered=True,
                        )
                    )
                    s.children.append(n)
        # new-employment unions under the logistics industry union
        for label, grp in (
            ("网约送餐员", "网约送餐员"),
            ("快递员", "快递员"),
            ("货车司机", "货车司机"),
            ("网约车司机", "网约车司机"),
        ):
            n = Node(
                f"会泽县{label}工会联合会",
                OrgKind.NEW_EMPLOYMENT,
                short=f"{label}工会",
                attrs={"joint_scope": JointScope.PLATFORM, "org_form": OrgForm.FEDERATION, "group": grp},
            )
            for _ in range(rng.randint(2, 4)):
                name, _i, _lo, _hi = self.company("物流")
                n.employers.append(
                    self.employer(name, "G", 10, 120, EconomicType.PRIVATE, "县城", covered=True)
                )
            logistics.children.append(n)
        for _ in range(8):
            building.children.append(self.grassroots_for_company("县城"))
        for _ in range(18):
            park.children.append(self.grassroots_for_company("工业园区"))

        fixed = 1 + len(root.children) + sum(len(c.children) for c in root.children)
        remaining = TOTAL_ORGS - fixed
        # spread the rest over the townships, weighted toward the town centres
        weights = [3.0 if k == "街道" else 1.6 if k == "镇" else 1.0 for _t, k in names.TOWNSHIPS]
        total_w = sum(weights)
        shares = [int(remaining * w / total_w) for w in weights]
        for i in range(remaining - sum(shares)):
            shares[i % len(shares)] += 1
        for t, share in zip(townships, shares, strict=True):
            place = t.attrs["place"]
            for i in range(share):
                if i % 5 == 4:
                    t.children.append(self.joint(place, i))
                else:
                    t.children.append(self.grassroots_for_company(place))
        # employers without a union in every township: the gap list
        for t in townships:
            for _ in range(rng.randint(12, 30)):
                name, industry, lo, hi = self.company(t.attrs["place"])
                t.employers.append(
                    self.employer(
                        name,
                        industry,
                        lo // 2 or 1,
                        hi,
                        EconomicType.PRIVATE,
                        t.attrs["place"],
                        covered=False,
                    )
                )
        return root


@transaction.atomic
def load_county(*, seed: int = 2017) -> dict[str, Any]:
    builder = CountyBuilder(seed)
    root = builder.build()
    rng = builder.rng
    orgs: list[Org] = []
    employers: list[tuple[Org, dict[str, Any]]] = []

    seq = [0]

    def visit(node: Node, parent_path: str, index: int, depth: int, area: Org | None) -> Org:
        seq[0] += 1
        path = _path(Org.alphabet, Org.steplen, parent_path, index + 1)
        founded = builder.founded() if depth > 1 else dt.date(1951, 5, 1)
        term = builder.term(founded)
        attrs = {k: v for k, v in node.attrs.items() if k in ("org_form", "joint_scope")}
        org = Org(
            path=path, depth=depth, numchild=len(node.children), code=f"{REGION}{seq[0]:04d}", name=node.name,
            short_name=node.short, kind=node.kind, region_code=REGION, province_code=REGION[:2], founded_on=founded,
            approval_no=f"会总工发〔{founded.year}〕{rng.randint(1, 80)}号" if depth > 1 else "",
            credit_code=builder.credit_code("81") if depth <= 2 else "", chair_name=builder.person_name(),
            full_time_staff=rng.randint(1, 4) if depth <= 2 else rng.randint(0, 1),
            address=f"云南省曲靖市会泽县{node.attrs.get('place', '县城')}", **term, **attrs,
        )  # fmt: skip
        orgs.append(org)
        my_area = (
            org
            if node.kind not in (OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT)
            else area
        )
        for e in node.employers:
            employers.append((org, {**e, "_area": my_area}))
        for i, child in enumerate(node.children):
            visit(child, path, i, depth + 1, my_area)
        return org

    visit(root, "", 0, 1, None)
    assert len(orgs) == TOTAL_ORGS, len(orgs)
    Org.objects.bulk_create(orgs, batch_size=500)
    by_code = {o.code: o for o in Org.objects.all()}

    emp_rows = []
    survey_facts = []
    e: dict[str, Any] | None  # an employer's facts; None in survey_facts for one never surveyed
    for org, e in employers:
        org = by_code[org.code]
        area = by_code[e["_area"].code]
        covered = org.kind in (OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT)
        econ = e["economic_type"]
        prefix = (
            "12"
            if econ == EconomicType.PUBLIC_INSTITUTION
            else "11"
            if econ == EconomicType.GOVERNMENT
            else "91"
        )
        surveyed = TODAY - dt.timedelta(days=rng.randint(20, 400)) if rng.random() > 0.05 else None
        emp = Employer(
            name=e["name"], credit_code=builder.credit_code(prefix), economic_type=econ, industry=e["industry"],
            region_code=REGION, province_code=REGION[:2], address=e["address"], area_org=area, area_path=area.path,
            union=org if covered else None, operating_status=e["operating_status"], surveyed_on=surveyed,
            **({k: e[k] for k in SURVEY_FIGURES} if surveyed else {}),
        )  # fmt: skip
        emp_rows.append(emp)
        survey_facts.append(e if surveyed else None)
    Employer.objects.bulk_create(emp_rows, batch_size=500)
    surveys = []
    for emp, e in zip(emp_rows, survey_facts, strict=True):
        if e is None:
            continue
        assert emp.surveyed_on is not None  # survey_facts holds facts only for surveyed employers
        # an earlier survey a year before, so the history is visible
        earlier = {k: max(0, int(e[k] * rng.uniform(0.8, 1.0))) for k in SURVEY_FIGURES}
        earlier["members"] = min(earlier["members"], earlier["employees"])
        earlier["migrant_workers"] = min(earlier["migrant_workers"], earlier["employees"])
        earlier["migrant_members"] = min(
            earlier["migrant_members"], earlier["members"], earlier["migrant_workers"]
        )
        surveys.append(EmployerSurvey(employer=emp, surveyed_on=emp.surveyed_on - dt.timedelta(days=365), address=emp.address,
                                      operating_status=OperatingStatus.NORMAL, **earlier))  # fmt: skip
        surveys.append(EmployerSurvey(employer=emp, surveyed_on=emp.surveyed_on, address=emp.address, operating_status=emp.operating_status,
                                      **{k: e[k] for k in SURVEY_FIGURES}))  # fmt: skip
    EmployerSurvey.objects.bulk_create(surveys, batch_size=1000)
    accounts = create_demo_accounts(by_code)
    audit_record(user=None, action="demo.load", object_type="demo", object_repr=COUNTY_NAME, org_path=orgs[0].path,
                 changes={"seed": seed, "orgs": len(orgs), "employers": len(emp_rows)})  # fmt: skip
    return {"orgs": len(orgs), "employers": len(emp_rows), "surveys": len(surveys), "accounts": accounts}


DEMO_ACCOUNTS = [
    # username, role, which org (by short name or "root"), full name
    ("county_admin", Role.FEDERATION_ADMIN, "root", "县总工会管理员"),
    ("county_reviewer", Role.REVIEWER, "root", "县总工会审核人"),
    ("county_viewer", Role.VIEWER, "root", "县总工会领导（查阅）"),
    ("gucheng_admin", Role.UNION_ADMIN, "古城街道", "古城街道工会管理员"),
    ("gucheng_clerk", Role.CLERK, "古城街道", "古城街道工会经办人"),
    ("gucheng_reviewer", Role.REVIEWER, "古城街道", "古城街道工会审核人"),
    ("gucheng_viewer", Role.VIEWER, "古城街道", "古城街道工会查阅人"),
    ("zhehai_admin", Role.UNION_ADMIN, "者海镇", "者海镇总工会管理员"),
    ("edu_clerk", Role.CLERK, "教育系统工会", "教育系统工会经办人"),
    ("grassroots_clerk", Role.CLERK, "first-grassroots:古城街道", "基层工会经办人"),
]


def create_demo_accounts(by_code: dict[str, Org]) -> list[dict[str, str]]:
    password = make_password(settings.GONGHUI_DEMO_PASSWORD)
    by_short = {o.short_name: o for o in by_code.values()}
    root = next(o for o in by_code.values() if o.depth == 1)
    out = []
    users = []
    for username, role, where, full in DEMO_ACCOUNTS:
        if where == "root":
            org = root
        elif where.startswith("first-grassroots:"):
            parent = by_short[where.split(":", 1)[1]]
            org = min(
                (
                    o
                    for o in by_code.values()
                    if o.path.startswith(parent.path) and o.kind == OrgKind.GRASSROOTS
                ),
                key=lambda o: o.path,
            )
        else:
            org = by_short[where]
        users.append(
            User(username=username, password=password, org=org, role=role, full_name=full, is_staff=False)
        )
        out.append({"username": username, "role": str(Role(role).label), "org": org.name})
    User.objects.bulk_create(users)
    return out
