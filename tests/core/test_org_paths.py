"""Scope by construction (issue 12 F10, "What to build" 1): every column holding an org's path is
an OrgPathField, and a subtree move rewrites every one of them — found by introspection, no list.
ImportJob.org_path was once forgotten: after a move the old parent still opened the job and its
error file."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models

from gonghui.core.fields import OrgPathField, org_path_columns

_n = itertools.count(1)


# Path columns that record where an org sat at a moment, on purpose not moved with it.
HISTORIC = {
    "reports.YearEndFigure.path": "where the org sat on 30 September: that year's annual report rolls up by it",
}


def test_every_path_column_is_an_org_path_field() -> None:
    from gonghui.orgs.models import Org

    wrong = []
    for model in apps.get_models():
        if issubclass(model, Org) or not model._meta.app_config.name.startswith("gonghui."):
            continue  # the tree's own path (treebeard); other packages' models hold no org paths
        for f in model._meta.local_concrete_fields:
            label = f"{model._meta.label}.{f.name}"
            is_path = f.name.endswith("_path") or f.name == "path"
            if is_path and not isinstance(f, OrgPathField) and label not in HISTORIC:
                wrong.append(label)
    assert not wrong, f"path columns a subtree move would miss: {wrong}"
    assert len(org_path_columns()) >= 25


def _value(f: models.Field[Any, Any], org: Any, path: str) -> Any:
    """A valid value for a required field of a row that belongs to `org`."""
    if isinstance(f, OrgPathField):
        return path
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.ForeignKey):
        rel = f.related_model
        if rel._meta.label == "orgs.Org":
            return org
        return _make(rel, org, path)
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DateTimeField):
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    if isinstance(f, models.DateField):
        return dt.date(2026, 1, 1)
    if isinstance(f, models.DecimalField):
        return Decimal(1)
    if isinstance(f, models.IntegerField | models.FloatField):
        return next(_n)
    if isinstance(f, models.FileField):
        return f"test/{next(_n)}.pdf"
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(f, models.CharField | models.TextField):
        text = f"t{next(_n)}"
        return text[: f.max_length] if f.max_length else text
    if isinstance(f, models.UUIDField):
        import uuid

        return uuid.uuid4()
    raise AssertionError(f"no test value for {f!r}")


_made: dict[Any, Any] = {}


def _make(model: Any, org: Any, path: str) -> Any:
    """One row of `model` belonging to `org`: every required field filled, every path column `path`."""
    key = (model, org.pk)
    if key in _made:
        return _made[key]
    kw: dict[str, Any] = {}
    for f in model._meta.local_concrete_fields:
        if f.primary_key and f.auto_created:
            continue
        if isinstance(f, OrgPathField):
            kw[f.attname] = path
            continue
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label == "orgs.Org":
            kw[f.name] = org
            continue
        if f.null or f.has_default() or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.blank and isinstance(f, models.CharField | models.TextField):
            continue
        kw[f.name] = _value(f, org, path)
    obj = model(**kw)
    model.objects.bulk_create([obj])  # no save() logic: only the row matters here
    if obj.pk is None:
        obj = model.objects.latest("pk")
    _made[key] = obj
    return obj


def test_subtree_move_rewrites_every_marked_column(tree: dict[str, Any], client: Any) -> None:  # noqa: C901
    """A row of every model with a marked column, under T0003 (东镇甲公司工会); T0003 moves from
    东镇 (T0002) to 西镇 (T0005): every column follows, and 东镇's admin no longer opens the import job."""
    from gonghui.orgs import actions as org_actions
    from gonghui.orgs.models import Org
    from gonghui.rosters.models import ImportJob

    _made.clear()
    orgs = tree["orgs"]
    moved = Org.objects.get(code="T0003")
    old = moved.path
    rows = {}
    for model, _field in org_path_columns():
        if model._meta.label == "reports.OrgCounter":
            continue  # one per org, made with the org: T0003's own is there already
        if model not in rows:
            rows[model] = _make(model, moved, old)
    from gonghui.members import roll

    roll.rebuild()  # the membership above was written as a bare row, not by an act
    job = rows[ImportJob]
    ImportJob.objects.filter(pk=job.pk).update(org=moved, error_file="")
    client.force_login(tree["users"]["east_admin"])
    assert client.get(f"/rosters/jobs/{job.pk}/").status_code == 200  # in scope before the move

    org_actions.org_move(
        user=tree["users"]["county_admin"], org=moved, new_parent=Org.objects.get(code="T0005")
    )
    moved.refresh_from_db()
    assert moved.path != old and moved.path.startswith(orgs["T0005"].path)
    stale = []
    for model, field in org_path_columns():
        if model._meta.model_name == "auditentry":
            continue  # the move's own audit entry is written with the new path; older ones are moved too
        if model.objects.filter(**{f"{field}__startswith": old}).exists():
            stale.append(f"{model._meta.label}.{field}")
        obj = rows.get(model)
        if obj is not None:
            value = model.objects.filter(pk=obj.pk).values_list(field, flat=True).get()
            if value != moved.path:
                stale.append(f"{model._meta.label}.{field}={value}")
    assert not stale, stale
    from gonghui.core.models import AuditEntry

    assert not AuditEntry.objects.filter(org_path__startswith=old).exists()
    # the old parent's admin: the job and its error file answer like missing ones
    assert client.get(f"/rosters/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/rosters/jobs/{job.pk}/errors.xlsx").status_code in (403, 404)
    client.force_login(tree["users"]["west_admin"])
    assert client.get(f"/rosters/jobs/{job.pk}/").status_code == 200
