"""Roster import jobs (花名册导入) and the problems found in their rows.

A job is resumable: it commits batch by batch, and each batch's transaction also moves the job's
counters and its resume point (`last_row`), so after a crash (kill -9 included) the counters say
exactly what was saved and nothing half-written exists. Resuming continues after `last_row`;
re-running the same file creates nobody twice (people are found by the ID number's blind index).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Org


class JobStatus(models.TextChoices):
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("待确认导入")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_STATUSES = (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)
RESUMABLE_STATUSES = (JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.RUNNING, JobStatus.QUEUED)


class Mode(models.TextChoices):
    UPDATE = "update", _("更新本会已有会员的信息")
    SKIP = "skip", _("跳过本会已有会员")


class Phase(models.TextChoices):
    CHECK = "check", _("检查（试导入）")
    IMPORT = "import", _("正式导入")


class ImportJob(models.Model):
    org = models.ForeignKey(Org, verbose_name=_("导入到"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(_("文件名"), max_length=255)
    source_file = models.CharField(max_length=1024, editable=False)
    source_sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    source_uploaded = models.BooleanField(
        default=True, help_text=_("上传的副本（完成后删除）；命令行导入则是原文件")
    )
    source_size = models.BigIntegerField(default=0)
    sheet = models.PositiveSmallIntegerField(default=0)
    sheet_name = models.CharField(max_length=100, blank=True)
    header = models.JSONField(default=dict, blank=True)
    mode = models.CharField(_("已有会员"), max_length=8, choices=Mode.choices, default=Mode.UPDATE)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.CHECK)
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.CHECKING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0, help_text=_("读完之前为估计值"))
    total_exact = models.BooleanField(default=False)
    rows_done = models.PositiveIntegerField(_("已处理"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    refused = models.PositiveIntegerField(_("拒绝"), default=0)
    errors = models.PositiveIntegerField(_("问题数"), default=0)
    last_row = models.PositiveIntegerField(default=0, help_text=_("已保存到的表格行号（续传起点）"))
    preview = models.JSONField(default=dict, blank=True, help_text=_("试导入的结果"))
    error_file = models.CharField(max_length=1024, blank=True, editable=False)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    cancel_requested = models.BooleanField(default=False)
    run_token = models.CharField(max_length=32, blank=True, editable=False)
    run_started_at = models.DateTimeField(null=True, blank=True)
    run_rows_start = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"导入 #{self.pk} {self.source_name}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_dry(self) -> bool:
        return self.phase == Phase.CHECK

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows_done,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }


class ImportIssue(models.Model):
    """One problem in one row: the row number as the spreadsheet shows it, the column as the file
    names it, a Chinese message. A refused row has one or more."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=60, blank=True)
    message = models.CharField(_("问题"), max_length=300)

    class Meta:
        verbose_name = _("导入问题")
        verbose_name_plural = _("导入问题")
        indexes = [models.Index(fields=["job", "row"], name="importissue_job_row")]
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.column}：{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}
