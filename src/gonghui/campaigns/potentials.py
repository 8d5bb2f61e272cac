"""Room to grow per child unit, from the employer survey (the allocation page's 潜力 column)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Greatest, Substr

from gonghui.campaigns.models import Measure
from gonghui.orgs.models import Employer, Org


def potentials_of(measure: str, children: list[Org], parent: Org) -> dict[int, int]:
    """Room to grow per child, from the employer survey (摸底, 六个掌握):

    * migrant members: migrant workers not yet members (农民工数 − 农民工会员数);
    * members and real-name: employees not yet members (职工数 − 会员数);
    * unions: employers without a union that should have one (GONGHUI_COVERAGE_MIN_EMPLOYEES).

    An employer counts for the child whose area (属地) holds it, else the child whose union covers it.
    """
    width = (parent.depth + 1) * Org.steplen
    if measure == Measure.MIGRANT_MEMBERS:
        value: Any = Sum(Greatest(F("migrant_workers") - F("migrant_members"), Value(0)))
    elif measure == Measure.UNIONS:
        value = Count("id")
    else:
        value = Sum(Greatest(F("employees") - F("members"), Value(0)))
    base = Employer.objects.filter(surveyed_on__isnull=False).exclude(
        operating_status__in=["closed", "deregistered"]
    )
    if measure == Measure.UNIONS:
        base = base.filter(union__isnull=True, employees__gte=settings.GONGHUI_COVERAGE_MIN_EMPLOYEES)
    by_area = (
        base.filter(area_path__startswith=parent.path).exclude(area_path=parent.path)
        .order_by().annotate(prefix=Substr("area_path", 1, width)).values("prefix").annotate(v=value).values_list("prefix", "v")
    )  # fmt: skip
    out: dict[str, int] = defaultdict(int)
    for prefix, v in by_area:
        out[prefix] += v or 0
    if measure != Measure.UNIONS:
        by_union = (
            base.filter(union__path__startswith=parent.path).exclude(union__path=parent.path)
            .filter(Q(area_path=parent.path) | ~Q(area_path__startswith=parent.path))
            .order_by().annotate(prefix=Substr("union__path", 1, width)).values("prefix").annotate(v=value)
            .values_list("prefix", "v")
        )  # fmt: skip
        for prefix, v in by_union:
            out[prefix] += v or 0
    return {c.pk: max(0, out.get(c.path, 0)) for c in children}
