"""Uploads of the worklife app (contract texts, activity documents and photos): told by their
first bytes, size-limited, stored under MEDIA_ROOT with a random name like care/ files, served
only through the gatekept, audited download views."""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError
from gonghui.worklife.models import StoredFile

UPLOAD_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGHUI_CARE_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def store(row: StoredFile, upload: Any, *, folder: str) -> StoredFile:
    """Check `upload`, fill the row's file fields and write the file (the caller saves the row)."""
    if upload is None:
        raise ApplicationError(_("请选择文件。"), code="required", details={"field": "upload"})
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ApplicationError(_("文件是空的。"), code="empty_file", details={"field": "upload"})
    if size > max_upload_bytes():
        raise ApplicationError(
            _("文件超过 %(n)d MB。") % {"n": max_upload_bytes() // (1024 * 1024)},
            code="too_large",
            details={"field": "upload"},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind_of = next((v for magic, v in UPLOAD_TYPES.items() if head.startswith(magic)), None)
    if kind_of is None:
        raise ApplicationError(
            _("只能上传 PDF、JPG 或 PNG 文件。"), code="file_type", details={"field": "upload"}
        )
    content_type, ext = kind_of
    row.original_name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()[:120] or f"file{ext}"
    row.content_type, row.size = content_type, size
    row.stored.save(f"{folder}/{timezone.localdate():%Y}/{uuid.uuid4().hex}{ext}", File(upload), save=False)
    return row
