"""Pages: upload a roster, watch its check and its import (htmx polling), download the template,
the error file and exports. Each view: the gatekeeper, a form, one action."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.sheets import csv_stream, xlsx_response
from gonghui.members.actions import export_record
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus
from gonghui.rosters import actions, exports
from gonghui.rosters.forms import ExportForm, ImportForm
from gonghui.rosters.models import ImportIssue, ImportJob, JobStatus, Phase
from gonghui.rosters.template import build_template

PREVIEW_ERRORS = 50


def get_job(user: Any, pk: int, perm: Perm = Perm.VIEW) -> ImportJob:
    job = ImportJob.objects.select_related("org", "user").filter(pk=pk).first()
    if job is None:
        raise Http404
    access.require(user, perm, path=job.org_path)
    return job


def _target_orgs(user: Any) -> list[tuple[str, str]]:
    """Unions the user may import into: base unions in scope first, then the unions above them."""
    qs = access.scoped_orgs(user).filter(status=OrgStatus.ACTIVE).order_by("path")
    base = [(o.code, f"{o.name}（{o.code}）") for o in qs if o.kind in BASE_KINDS]
    higher = [
        (o.code, f"{o.name}（{o.code}，按“工会代码”列分到基层工会）") for o in qs if o.kind not in BASE_KINDS
    ]
    return base + higher


def _progress(job: ImportJob) -> dict[str, Any]:
    total = max(job.total_rows, job.rows_done)
    done_now = job.rows_done - job.run_rows_start
    rate = 0.0
    if job.run_started_at and done_now > 0:
        end = job.finished_at or job.heartbeat_at or timezone.now()
        rate = done_now / max((end - job.run_started_at).total_seconds(), 0.001)
    left = (total - job.rows_done) / rate if rate > 0 and job.is_active else None
    return {
        "poll_ms": poll_ms(job),
        "total": total, "percent": min(100, int(job.rows_done * 100 / total)) if total else (100 if not job.is_active else 0),
        "rate": round(rate), "left": int(left) if left is not None else None, "stale": actions.is_stale(job),
        "can_resume": actions.can_resume(job), "can_cancel": job.status in (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CHECKED),
    }  # fmt: skip


def poll_ms(job: ImportJob) -> int:
    """How soon the job page asks again: ten times a second for a phase's first two seconds (a
    1,000-row roster is checked or imported in a fraction of one, and each poll is a small partial),
    four times a second up to ten seconds, then every second. A phase starts when it is queued (the
    commit, a resume) or when the worker starts it."""
    if not job.is_active:
        return 0
    started = job.heartbeat_at if job.status == JobStatus.QUEUED else job.run_started_at
    age = (timezone.now() - max(t for t in (started, job.created_at) if t is not None)).total_seconds()
    return 100 if age < 2 else 250 if age < 10 else 1000


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    return {
        "job": job, "p": _progress(job), "issues": list(ImportIssue.objects.filter(job=job).order_by("row", "id")[:PREVIEW_ERRORS]),
        "can_write": access.has_perm(request.user, Perm.MEMBER_WRITE), "preview_errors": PREVIEW_ERRORS,
        "header": job.header, "Phase": Phase, "Status": JobStatus,
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.VIEW)
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a roster: it is checked first (a dry run), then imported when the clerk confirms."""
    can_write = access.has_perm(request.user, Perm.MEMBER_WRITE)
    form = ImportForm(orgs=_target_orgs(request.user)) if can_write else None
    if request.method == "POST":
        access.require(request.user, Perm.MEMBER_WRITE)
        form = ImportForm(request.POST, request.FILES, orgs=_target_orgs(request.user))
        if form.is_valid():
            org = access.get_org(request.user, form.cleaned_data["org"], Perm.MEMBER_WRITE)
            path = None
            try:
                path, name = actions.store_upload(form.cleaned_data["file"])
                job = actions.roster_import_create(user=request.user, org=org, path=path, source_name=name, uploaded=True,
                                                   mode=form.cleaned_data["mode"], dry_run=True)  # fmt: skip
            except ApplicationError as exc:
                if path:
                    actions.discard_upload(path)
                form.add_error("file", exc.message)
            else:
                actions.enqueue(job)
                return redirect("rosters:job", pk=job.pk)
    jobs = ImportJob.objects.filter(org_path__startswith=access.scope_path(request.user)).select_related(
        "org", "user"
    )
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "rosters/import.html", {"form": form, "page": page, "can_write": can_write})


@require_GET
@access.page(Perm.VIEW)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request.user, pk)
    ctx = _job_context(request, job)
    if getattr(request, "htmx", False):
        return render(request, "rosters/job.html#body", ctx)
    return render(request, "rosters/job.html", ctx)


def _job_action(request: HttpRequest, pk: int, fn: Any, done: str, **kw: Any) -> HttpResponse:
    job = get_job(request.user, pk, Perm.MEMBER_WRITE)
    try:
        fn(user=request.user, job=job, **kw)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rosters:job", pk=job.pk)


@require_POST
@access.page(Perm.MEMBER_WRITE)
def job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    mode = request.POST.get("mode") or None
    if getattr(request, "htmx", False):
        # the button posts through htmx: the answer is the job's body, polling at once — no redirect
        # and no whole page to load again between the click and the progress (issue 19)
        job = get_job(request.user, pk, Perm.MEMBER_WRITE)
        try:
            job = actions.roster_import_commit(user=request.user, job=job, mode=mode)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            resp = HttpResponse(status=204)
            resp["HX-Redirect"] = reverse("rosters:job", args=[job.pk])
            return resp
        return render(request, "rosters/job.html#body", _job_context(request, job))
    return _job_action(request, pk, actions.roster_import_commit, _("已开始正式导入。"), mode=mode)


@require_POST
@access.page(Perm.MEMBER_WRITE)
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(
        request, pk, actions.roster_import_cancel, _("已请求取消：当前批次结束后停止，已保存的不受影响。")
    )


@require_POST
@access.page(Perm.MEMBER_WRITE)
def job_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(request, pk, actions.roster_import_resume, _("已从中断处继续导入。"))


@require_GET
@access.page(Perm.MEMBER_WRITE)
def job_error_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The refused rows with 错误原因 (the clerk's own data, full ID numbers included): audited."""
    job = get_job(request.user, pk, Perm.MEMBER_WRITE)
    return error_file_response(request.user, job)  # type: ignore[return-value]


def error_file_response(user: Any, job: ImportJob) -> HttpResponseBase:
    """The error file, opened from its sealed copy in memory (404 once the retention period has
    removed it); every download is audited."""
    data = actions.error_file_read(job)
    if data is None:
        raise Http404
    actions.error_file_download_record(user=user, job=job)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=actions.error_file_name(job),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def template_download(request: HttpRequest) -> HttpResponse:
    """The xlsx template; `?org=CODE` of a higher union adds the 工会代码 column with its base unions."""
    orgs = None
    if code := request.GET.get("org"):
        org = access.get_org(request.user, code)
        if not org.is_base:
            orgs = [
                (o.code, o.name)
                for o in Org.objects.filter(
                    path__startswith=org.path, kind__in=BASE_KINDS, status=OrgStatus.ACTIVE
                ).order_by("path")
            ]
    resp = HttpResponse(
        build_template(orgs=orgs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BC%9A%E5%91%98%E8%8A%B1%E5%90%8D%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return resp


def export_response(user: Any, *, kind: str, org: Org, fmt: str, reveal: bool) -> HttpResponseBase:
    """One export, through the gatekeeper: EXPORT in scope; the reveal right for full numbers (audited)."""
    access.require(user, Perm.EXPORT, path=org.path)
    if kind not in exports.TABLES:
        raise ApplicationError(_("未知的导出内容。"), code="kind")
    if fmt not in ("xlsx", "csv"):
        raise ApplicationError(_("未知的导出格式。"), code="format")
    reveal = reveal and kind == "members"
    if reveal:
        access.require(user, Perm.REVEAL_PII, path=org.path)
    export_record(user=user, kind=kind, org_path=org.path, object_repr=org.name, reveal=reveal, via="web",
                  details={"format": fmt, "org": org.code})  # fmt: skip
    headers, rows = exports.table(kind, org, reveal=reveal)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{exports.SHEET_NAMES[kind]}_{org.code}_{stamp}"
    if fmt == "csv":
        resp = StreamingHttpResponse(csv_stream(headers, rows), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.csv"
        return resp
    return xlsx_response(f"{name}.xlsx", exports.SHEET_NAMES[kind], headers, rows)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@require_GET
@access.page(Perm.EXPORT)
def export_page(request: HttpRequest) -> HttpResponse:
    orgs = [
        (o.code, o.name)
        for o in access.scoped_orgs(request.user).filter(status=OrgStatus.ACTIVE).order_by("path")[:2000]
    ]
    can_reveal = access.has_perm(request.user, Perm.REVEAL_PII)
    form = ExportForm(request.GET or None, orgs=orgs, can_reveal=can_reveal)
    if request.GET and form.is_valid():
        org = access.get_org(request.user, form.cleaned_data["org"], Perm.EXPORT)
        try:
            return export_response(request.user, kind=form.cleaned_data["kind"], org=org, fmt=form.cleaned_data["fmt"],  # type: ignore[return-value]
                                   reveal=bool(form.cleaned_data.get("reveal")))  # fmt: skip
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    return render(request, "rosters/export.html", {"form": form})
