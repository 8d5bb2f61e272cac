"""Filed documents (请示、名册、批复、选举结果报告) and their numbers (文号).

Files are written under MEDIA_ROOT with random names; the original name is kept for display. They
are served only by `views.document` / the API, through the gatekeeper.
"""

from __future__ import annotations

import hashlib
import re
import string
import uuid
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf
from gonghui.elections.models import Document, Election, Formation, Sequence
from gonghui.orgs.models import Org

APPROVAL_KEY = "approval"
UPLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".wps": "application/vnd.ms-works",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def format_number(pattern: str, *, year: int, n: int) -> str:
    try:
        return pattern.format(year=year, n=n)
    except (KeyError, IndexError, ValueError) as e:
        raise ApplicationError(
            _("批复文号格式设置有误：%(p)s（只能使用 {year} 和 {n}）。") % {"p": pattern},
            code="number_pattern",
        ) from e


def number_regex(pattern: str, year: int) -> re.Pattern[str]:
    """A regex matching numbers of `pattern` for `year`, capturing n."""
    out = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(pattern):
        out.append(re.escape(literal))
        if field_name == "year":
            out.append(str(year))
        elif field_name == "n":
            out.append(r"0*(\d+)")
    return re.compile("^" + "".join(out) + "$")


def _numbers_in_use(pattern: str, year: int) -> int:
    """The highest n already written for `year` (numbers entered by hand or migrated), so a new
    sequence continues after them instead of repeating one."""
    rx = number_regex(pattern, year)
    highest = 0
    prefix = pattern.split("{", 1)[0]
    for model in (Org, Formation, Election):
        for no in (
            model.objects.filter(approval_no__startswith=prefix)
            .values_list("approval_no", flat=True)
            .iterator()
        ):
            m = rx.match(no)
            if m:
                highest = max(highest, int(m.group(1)))
    return highest


def next_number(key: str, year: int, *, start_after: int = 0) -> int:
    """The next number of `key` in `year`, gap-free: the row stays locked until the caller's
    transaction ends, and a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the approving transaction")
    for _attempt in range(3):
        row = Sequence.objects.select_for_update().filter(key=key, year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    Sequence.objects.create(key=key, year=year, value=start_after)
            except IntegrityError:
                pass  # created by a concurrent transaction a moment ago: lock theirs
            continue
        row.value += 1
        row.save(update_fields=["value"])
        return row.value
    raise ConflictError(_("文号分配冲突，请重试。"), code="number_conflict")  # pragma: no cover


def approval_pattern(issuer: Org | None) -> tuple[str, str]:
    """(pattern, sequence key) of the union issuing a 批复 (issue 18): the pattern it set in
    系统设置 › 批复文号; else the county's setting for the root, and the union's own name for any
    other (a township never borrows the county's 会总工发). Each issuer numbers on its own."""
    from gonghui.sysconf.store import issuer_pattern

    own = issuer_pattern(issuer) if issuer is not None else None
    if issuer is None or issuer.is_root():
        return own or conf.rules().approval_pattern, APPROVAL_KEY
    name = issuer.name.replace("{", "{{").replace("}", "}}")
    return own or f"{name}〔{{year}}〕{{n}}号", f"{APPROVAL_KEY}:{issuer.pk}"


def next_approval_no(year: int, issuer: Org | None = None) -> str:
    pattern, key = approval_pattern(issuer)
    format_number(pattern, year=year, n=1)  # a broken pattern fails before a number is taken
    exists = Sequence.objects.filter(key=key, year=year).exists()
    n = next_number(key, year, start_after=0 if exists else _numbers_in_use(pattern, year))
    return format_number(pattern, year=year, n=n)


def store(
    *, kind: str, title: str, data: bytes, filename: str, org_path: str, user: Any, content_type: str = "application/pdf",
    generated: bool = True, number: str = "", org: Org | None = None, formation: Formation | None = None,
    election: Election | None = None,
) -> Document:  # fmt: skip
    suffix = PurePath(filename).suffix.lower() or ".pdf"
    doc = Document(
        kind=kind, title=title[:200], number=number, original_name=filename[:200], content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), generated=generated, org=org, org_path=org_path, formation=formation,
        election=election, created_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    # Written before the row: if the surrounding transaction rolls back, the file stays behind
    # without a row, unreachable through the gatekeeper (generated files hold masked IDs only).
    doc.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    doc.save()
    return doc


def check_upload(f: UploadedFile) -> str:
    """The content type for an uploaded document, or a clear error (type and size)."""
    suffix = PurePath(f.name or "").suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise ApplicationError(
            _("不支持的文件类型“%(s)s”：请上传 PDF、OFD、Word 或图片（jpg/png）。") % {"s": suffix or "?"},
            code="file_type", details={"field": "file"},
        )  # fmt: skip
    limit = conf.rules().upload_max_bytes
    if (f.size or 0) > limit:
        raise ApplicationError(
            _("文件过大：不能超过 %(m)d MB。") % {"m": limit // (1024 * 1024)},
            code="file_size",
            details={"field": "file"},
        )
    if not f.size:
        raise ApplicationError(_("文件为空。"), code="file_empty", details={"field": "file"})
    return UPLOAD_TYPES[suffix]


def read(doc: Document) -> bytes:
    with doc.file.open("rb") as fh:
        return fh.read()
