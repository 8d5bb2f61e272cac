"""Writes of activities (工会活动): one dated record per union, a type from the code table,
participants as a count and/or named members, documents and photos; the bulk import lives in
activity_import.py. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.members.models import Person
from gonghui.orgs.models import Org
from gonghui.worklife import codes, files, hooks
from gonghui.worklife.models import (
    Activity,
    ActivityDocument,
    ActivityParticipant,
    ActivitySource,
    HomeStatus,
)
from gonghui.worklife.rules import active_org, choice, count, day, long_text, scope_of, text, user_or_none

ACTIVITY_FIELDS = (
    "kind",
    "held_on",
    "title",
    "place",
    "participants",
    "result",
    "home_status",
    "description",
)


def kind_code(value: str, field: str = "kind") -> str:
    if value not in dict(codes.choices()):
        raise ApplicationError(
            _("活动类型“%(v)s”无效。") % {"v": str(value)[:24]}, code="choice", details={"field": field}
        )
    return value


def activity_data(
    *, kind: str, held_on: dt.date | None, title: str, participants: Any = 0, place: str = "", result: str = "",
    home_status: str = "", description: str = "",
) -> dict[str, Any]:  # fmt: skip
    kind = kind_code(kind)
    home_status = choice(home_status or "", HomeStatus, "home_status", _("职工之家状态"))
    if home_status and kind != codes.HOME:
        raise ApplicationError(
            _("只有“职工之家建设”类活动记录职工之家状态。"),
            code="home_status",
            details={"field": "home_status"},
        )
    return {
        "kind": kind,
        "held_on": day(held_on, "held_on", _("活动日期")),
        "title": text(title, 200, "title", required=_("活动名称")),
        "place": text(place, 120),
        "participants": count(participants or 0, "participants", _("参加人数")),
        "result": text(result, 300),
        "home_status": home_status,
        "description": long_text(description, 4000),
    }


@transaction.atomic
def activity_record(
    *, user: Any, org: Org, persons: Sequence[Person] = (), source: str = ActivitySource.MANUAL, **fields: Any
) -> Activity:
    """Record one activity of `org`. Named participants must be members of the union's subtree;
    the head count is raised to at least their number."""
    org = active_org(org)
    data = activity_data(**fields)
    named = _named(org, persons)
    data["participants"] = max(data["participants"], len(named))
    a = Activity.objects.create(source=source, created_by=user_or_none(user), **scope_of(org), **data)
    ActivityParticipant.objects.bulk_create([ActivityParticipant(activity=a, person=p) for p in named])
    audit_record(user=user_or_none(user), action="worklife.activity.record", obj=a, org_path=a.org_path,
                 changes={"kind": a.kind, "held_on": str(a.held_on), "participants": a.participants})  # fmt: skip
    hooks.changed("activity", org, a)
    return a


def _named(org: Org, persons: Sequence[Person]) -> list[Person]:
    from gonghui.members.models import CURRENT_STATUSES, Membership

    ids = {p.pk for p in persons}
    if not ids:
        return []
    ok = set(
        Membership.objects.filter(person_id__in=ids, status__in=CURRENT_STATUSES, org_path__startswith=org.path)
        .values_list("person_id", flat=True)
    )  # fmt: skip
    if ids - ok:
        raise ApplicationError(
            _("参加人须是本工会的在册会员。"), code="not_member", details={"field": "persons"}
        )
    return list(Person.objects.filter(pk__in=ids))


@transaction.atomic
def activity_update(*, user: Any, activity: Activity, **fields: Any) -> Activity:
    a = Activity.objects.select_for_update().select_related("org").get(pk=activity.pk)
    data = activity_data(**fields)
    data["participants"] = max(data["participants"], a.named.count())
    before = {f: getattr(a, f) for f in ACTIVITY_FIELDS}
    for k, v in data.items():
        setattr(a, k, v)
    a.save()
    audit_record(user=user_or_none(user), action="worklife.activity.update", obj=a, org_path=a.org_path,
                 changes={k: [str(before[k]), str(v)] for k, v in data.items() if before[k] != v})  # fmt: skip
    hooks.changed("activity", a.org, a)
    return a


@transaction.atomic
def activity_delete(*, user: Any, activity: Activity) -> None:
    a = Activity.objects.select_for_update().select_related("org").get(pk=activity.pk)
    audit_record(user=user_or_none(user), action="worklife.activity.delete", obj=a, org_path=a.org_path,
                 changes={"kind": a.kind, "held_on": str(a.held_on), "title": a.title})  # fmt: skip
    for doc in a.documents.all():
        doc.stored.delete(save=False)
    org, pk = a.org, a.pk
    a.delete()
    a.pk = pk
    hooks.changed("activity", org, a)


@transaction.atomic
def document_add(*, user: Any, activity: Activity, upload: Any, note: str = "") -> ActivityDocument:
    a = Activity.objects.get(pk=activity.pk)
    d = ActivityDocument(activity=a, note=text(note, 200), uploaded_by=user_or_none(user))
    files.store(d, upload, folder="worklife/activities")
    d.is_photo = d.content_type in files.PHOTO_TYPES
    d.save()
    audit_record(user=user_or_none(user), action="worklife.activity.document", obj=a, org_path=a.org_path,
                 changes={"document": d.pk, "name": d.original_name, "size": d.size})  # fmt: skip
    return d
