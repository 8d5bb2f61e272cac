"""The audit lines of reads and exports of care data: one action per read event, with one name
whatever the channel (page, API, CLI); the channel goes in `changes["via"]`.

Hardship files hold household income, illness and disability (DOMAIN.md), so every look at them
is written down: a file, a list of files or of aid, an aid round's list or eligibility list, a
supporting document, and every download.
"""

from __future__ import annotations

from typing import Any

from gonghui.care.models import AidProgramme, HardshipDocument, HardshipFile, TrainingCourse
from gonghui.care.rules import _user
from gonghui.core.audit import audit_record
from gonghui.orgs.models import Org

# The audit `action` of each read event (one name per event, every channel).
FILE_VIEW = "care.file.view"
FILE_LIST = "care.file.list"
AID_LIST = "care.aid.list"
PROGRAMME_VIEW = "care.programme.view"
PROGRAMME_ELIGIBLE = "care.programme.eligible"
DOCUMENT_VIEW = "care.document.view"
EXPORT_FILES = "export.care_files"
EXPORT_PROGRAMME = "export.care_programme"
EXPORT_TRAINEES = "export.care_trainees"
EXPORT_REPORT = "export.care_report"


def _filters(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v}


def care_file_viewed(*, user: Any, file: HardshipFile, via: str = "page") -> None:
    """A hardship file was shown (its page, or its detail in the API)."""
    audit_record(user=_user(user), action=FILE_VIEW, obj=file, org_path=file.org_path, changes={"via": via})


def care_files_listed(
    *, user: Any, org_path: str, count: int | None, filters: dict[str, Any], via: str = "page"
) -> None:
    """A list of hardship files was shown: who, under which path, how many rows, which filters."""
    audit_record(user=_user(user), action=FILE_LIST, object_type="care.hardshipfile", org_path=org_path,
                 changes={"via": via, "rows": count, "filters": _filters(filters)})  # fmt: skip


def care_aid_listed(
    *, user: Any, org_path: str, count: int | None, filters: dict[str, Any], via: str = "page"
) -> None:
    """A list of aid records (names and amounts) was shown."""
    audit_record(user=_user(user), action=AID_LIST, object_type="care.assistance", org_path=org_path,
                 changes={"via": via, "rows": count, "filters": _filters(filters)})  # fmt: skip


def care_programme_viewed(
    *, user: Any, programme: AidProgramme, count: int | None, filters: dict[str, Any] | None = None, via: str = "page"
) -> None:  # fmt: skip
    """An aid round's list (the names on it) was shown."""
    audit_record(user=_user(user), action=PROGRAMME_VIEW, obj=programme, org_path=programme.org_path,
                 changes={"via": via, "rows": count, "filters": _filters(filters or {})})  # fmt: skip


def care_programme_eligible_viewed(
    *, user: Any, programme: AidProgramme, count: int | None, via: str = "page"
) -> None:
    """An aid round's eligibility list (files that qualify) was shown."""
    audit_record(user=_user(user), action=PROGRAMME_ELIGIBLE, obj=programme, org_path=programme.org_path,
                 changes={"via": via, "eligible": count})  # fmt: skip


def care_document_opened(*, user: Any, document: HardshipDocument, via: str = "page") -> None:
    """A supporting document of a hardship file was downloaded or shown."""
    audit_record(user=_user(user), action=DOCUMENT_VIEW, obj=document.file, org_path=document.file.org_path,
                 changes={"via": via, "document": document.pk, "name": document.original_name})  # fmt: skip


def care_files_exported(*, user: Any, org_path: str, filters: dict[str, Any], via: str = "page") -> None:
    audit_record(user=_user(user), action=EXPORT_FILES, object_type="care.hardshipfile", org_path=org_path,
                 changes={"via": via, "filters": _filters(filters)})  # fmt: skip


def care_programme_exported(*, user: Any, programme: AidProgramme, via: str = "page") -> None:
    audit_record(user=_user(user), action=EXPORT_PROGRAMME, obj=programme, org_path=programme.org_path,
                 changes={"via": via})  # fmt: skip


def care_trainees_exported(*, user: Any, course: TrainingCourse, via: str = "page") -> None:
    audit_record(
        user=_user(user), action=EXPORT_TRAINEES, obj=course, org_path=course.org_path, changes={"via": via}
    )


def care_report_exported(*, user: Any, org: Org, year: int, via: str = "page") -> None:
    audit_record(
        user=_user(user), action=EXPORT_REPORT, obj=org, org_path=org.path, changes={"via": via, "year": year}
    )
