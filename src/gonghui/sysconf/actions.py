"""Changing system settings, issuing unions' 批复文号 patterns, the seal and the code tables.

Only the county federation's admin (the root of the tree, role 总工会管理员) changes them; every
change is audited and takes effect at once in this process and at the next request elsewhere.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.models import Role
from gonghui.core.access import Perm, has_perm, require
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Org
from gonghui.sysconf import store
from gonghui.sysconf.models import IssuerPattern, Setting
from gonghui.sysconf.registry import BY_KEY, Invalid, pattern_check

SEAL_MAX_BYTES = 2 * 1024 * 1024


def can_configure(user: Any) -> bool:
    """The county federation's admin: role 总工会管理员 at the root of the union tree."""
    if not has_perm(user, Perm.USER_MANAGE) or user.role != Role.FEDERATION_ADMIN:
        return False
    return bool(user.org.is_root())


def _gate(user: Any) -> str:
    require(user, Perm.USER_MANAGE)
    if not can_configure(user):
        raise PermissionDenied
    return str(user.org.path)


def _after_change(recount: bool) -> None:
    """In force at once here (read inside the transaction); other processes follow the stamp."""
    store.apply(store.stored())
    store.reload_at_next_request()  # if this transaction rolls back, the next request corrects it
    transaction.on_commit(store.stamp_now)
    if recount:
        from gonghui.reports import counters

        counters.rebuild()


@transaction.atomic
def setting_set(*, user: Any, key: str, value: str) -> Setting:
    path = _gate(user)
    spec = BY_KEY.get(key)
    if spec is None:
        raise ApplicationError(_("没有这项设置。"), code="setting", status=404)
    try:
        text = spec.check(str(value))
    except Invalid as e:
        raise ApplicationError(str(e), code="setting_value", details={"field": "value"}) from None
    row = Setting.objects.select_for_update().filter(key=key).first()
    old = row.value if row else None
    if row is None:
        row = Setting(key=key)
    row.value, row.updated_by = text, user
    row.save()
    audit_record(user=user, action="sysconf.set", object_type="sysconf.setting", object_id=key,
                 object_repr=str(spec.label), org_path=path, changes={"value": [old, text]})  # fmt: skip
    _after_change(spec.recount)
    return row


@transaction.atomic
def setting_reset(*, user: Any, key: str) -> bool:
    """Back to the environment's or built-in value; False when nothing was set."""
    path = _gate(user)
    spec = BY_KEY.get(key)
    if spec is None:
        raise ApplicationError(_("没有这项设置。"), code="setting", status=404)
    row = Setting.objects.select_for_update().filter(key=key).first()
    if row is None:
        return False
    row.delete()
    audit_record(user=user, action="sysconf.reset", object_type="sysconf.setting", object_id=key,
                 object_repr=str(spec.label), org_path=path, changes={"value": [row.value, None]})  # fmt: skip
    _after_change(spec.recount)
    return True


@transaction.atomic
def seal_upload(*, user: Any, f: UploadedFile) -> Setting:
    _gate(user)
    head = f.read(8)
    if head != b"\x89PNG\r\n\x1a\n" or (f.size or 0) > SEAL_MAX_BYTES:
        raise ApplicationError(
            _("请上传不超过 2 MB 的 PNG 图片。"), code="seal_file", details={"field": "file"}
        )
    folder = Path(settings.MEDIA_ROOT) / "sysconf"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"seal-{uuid.uuid4().hex}.png"  # a new name: PDF code caches readers by path
    f.seek(0)
    with target.open("wb") as out:
        for chunk in f.chunks():
            out.write(chunk)
    return setting_set(user=user, key="GONGHUI_SEAL_IMAGE", value=str(target))


@transaction.atomic
def issuer_pattern_set(*, user: Any, org: Org, pattern: str) -> IssuerPattern | None:
    """Set (or with a blank pattern remove) the 批复文号 pattern of one issuing union."""
    path = _gate(user)
    require(user, Perm.USER_MANAGE, path=org.path)
    row = IssuerPattern.objects.select_for_update().filter(org=org).first()
    old = row.pattern if row else None
    if not pattern.strip():
        if row is not None:
            row.delete()
        new = None
    else:
        try:
            new = pattern_check(pattern)
        except Invalid as e:
            raise ApplicationError(str(e), code="number_pattern", details={"field": "pattern"}) from None
        row = row or IssuerPattern(org=org)
        row.pattern = new
        row.save()
    audit_record(user=user, action="sysconf.approval_pattern", obj=org, org_path=path,
                 changes={"pattern": [old, new]})  # fmt: skip
    return row if new else None
