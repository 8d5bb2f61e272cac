"""Services to members (服务职工, seeds 001 and 004): hardship files (困难职工档案) and the aid given
(生活救助, 助医, 金秋助学, 就业援助, 送温暖), batch rounds of aid, skills training, model workers (劳模).

Scope: every row carries the org it belongs to and that org's materialized path (`org_path`),
copied when the row is made — for a record about a person, the base union of the person's
current membership at that moment. A later transfer does not move the row: it stays the record of
what that union did (the new union sees the person in the register, not the old union's files).
`org_path` is an `OrgPathField`: a subtree move finds and rewrites it (core/fields.py).

Money is kept in yuan as `Decimal` with two places (fen exact), never float.

All writes go through `care/actions.py`; no logic in `save()` or signals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.members.models import Person
from gonghui.orgs.models import Org

CENT = Decimal("0.01")


class ScopedRow(models.Model):
    """The org a row belongs to, its path (subtree filters) and province (Citus distribution)."""

    org = models.ForeignKey(Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    province_code = models.CharField(max_length=2, editable=False)

    class Meta:
        abstract = True


# --------------------------------------------------------------------------- hardship files


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("患病")
    DISABILITY = "disability", _("残疾")
    UNEMPLOYMENT = "unemployment", _("失业下岗")
    SCHOOLING = "schooling", _("子女上学")
    DISASTER = "disaster", _("自然灾害")
    ACCIDENT = "accident", _("意外事故")
    LOW_INCOME = "low_income", _("收入低")
    SINGLE_PARENT = "single_parent", _("单亲家庭")
    OTHER = "other", _("其他")


class FileStatus(models.TextChoices):
    OPEN = "open", _("在档")
    RELIEVED = "relieved", _("已解困脱困")
    CLOSED = "closed", _("已销档")


class HardshipFile(ScopedRow):
    """困难职工档案: one worker's household in hardship, reviewed every year (年度复核).

    A person has at most one open file; a file that ended (解困脱困, 销档) stays as history and a
    new one may be opened if hardship returns. `income_per_capita` is derived from the household's
    monthly income and size by the actions (家庭月人均收入)."""

    person = models.ForeignKey(
        Person, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    file_no = models.CharField(_("档案编号"), max_length=24, unique=True)
    category = models.CharField(_("困难类别"), max_length=12, choices=Category.choices, db_index=True)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_income = models.DecimalField(_("家庭月总收入（元）"), max_digits=12, decimal_places=2)
    income_per_capita = models.DecimalField(_("家庭月人均收入（元）"), max_digits=12, decimal_places=2)
    children_in_school = models.PositiveSmallIntegerField(_("在学子女数"), default=0)
    situation = models.TextField(_("困难情况说明"), blank=True)
    opened_on = models.DateField(_("建档日期"))
    last_reviewed_on = models.DateField(_("最近复核日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FileStatus.choices, default=FileStatus.OPEN)
    ended_on = models.DateField(_("解困/销档日期"), null=True, blank=True)
    end_reason = models.CharField(_("解困/销档原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="care_one_open_file_per_person"
            ),
        ]
        indexes = [models.Index(fields=["org_path", "status"], name="care_file_path_status")]

    def __str__(self) -> str:
        return f"{self.file_no} {self.person.name}"

    @property
    def is_open(self) -> bool:
        return self.status == FileStatus.OPEN


class FileCause(models.Model):
    """One cause of a file's hardship (致困原因, several per file)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="causes")
    cause = models.CharField(_("致困原因"), max_length=16, choices=Cause.choices, db_index=True)

    class Meta:
        verbose_name = _("致困原因")
        verbose_name_plural = _("致困原因")
        constraints = [models.UniqueConstraint(fields=["file", "cause"], name="care_file_cause_unique")]

    def __str__(self) -> str:
        return self.get_cause_display()


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("继续在档")
    RELIEVED = "relieved", _("解困脱困")
    CLOSED = "closed", _("销档")


class HardshipReview(models.Model):
    """年度复核: once per file and year, with the household's figures as found that year."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("复核年度"))
    reviewed_on = models.DateField(_("复核日期"))
    outcome = models.CharField(_("复核结论"), max_length=12, choices=ReviewOutcome.choices)
    category = models.CharField(_("困难类别"), max_length=12, choices=Category.choices)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_income = models.DecimalField(_("家庭月总收入（元）"), max_digits=12, decimal_places=2)
    income_per_capita = models.DecimalField(_("家庭月人均收入（元）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("复核意见"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = _("年度复核")
        constraints = [models.UniqueConstraint(fields=["file", "year"], name="care_one_review_per_year")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_outcome_display()}"


class DocKind(models.TextChoices):
    INCOME = "income", _("收入证明")
    MEDICAL = "medical", _("病历/诊断证明")
    DISABILITY = "disability", _("残疾证")
    SCHOOLING = "schooling", _("在学证明/录取通知书")
    UNEMPLOYMENT = "unemployment", _("失业证明")
    DISASTER = "disaster", _("受灾证明")
    HOUSEHOLD = "household", _("户口簿/家庭情况")
    OTHER = "other", _("其他")


class HardshipDocument(models.Model):
    """A supporting document (证明材料). Stored under MEDIA_ROOT with a random name and served only
    through the gatekept, audited download view — never by URL under /media/."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类别"), max_length=16, choices=DocKind.choices)
    stored = models.FileField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --------------------------------------------------------------------------- assistance


class AidType(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("助医")
    SCHOOLING = "schooling", _("金秋助学")
    EMPLOYMENT = "employment", _("就业援助")
    WARMTH = "warmth", _("送温暖")


class FundSource(models.TextChoices):
    ACFTU = "acftu", _("全总专项帮扶资金")
    UPPER = "upper", _("上级工会拨款")
    OWN = "own", _("本级工会经费")
    GOVERNMENT = "government", _("财政补助")
    DONATION = "donation", _("社会捐赠")
    OTHER = "other", _("其他")


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class AidProgramme(ScopedRow):
    """A batch round of aid run by one union (a 送温暖 at Spring Festival, a 金秋助学 in autumn):
    eligibility from the files in its subtree, a list, payments recorded, a summary."""

    name = models.CharField(_("活动名称"), max_length=80)
    type = models.CharField(_("帮扶类型"), max_length=12, choices=AidType.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_per_person = models.DecimalField(_("每人标准（元）"), max_digits=12, decimal_places=2)
    source = models.CharField(_("资金来源"), max_length=12, choices=FundSource.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("帮扶活动")
        verbose_name_plural = _("帮扶活动")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == ProgrammeStatus.OPEN


class Assistance(ScopedRow):
    """One act of aid given to a worker (帮扶记录): what, how much, when, paid from what."""

    person = models.ForeignKey(
        Person, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="aid_received"
    )
    file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("困难档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid",
    )
    programme = models.ForeignKey(
        AidProgramme,
        verbose_name=_("帮扶活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid",
    )
    type = models.CharField(_("帮扶类型"), max_length=12, choices=AidType.choices, db_index=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    given_on = models.DateField(_("发放日期"), db_index=True)
    source = models.CharField(_("资金来源"), max_length=12, choices=FundSource.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["org_path", "given_on"], name="care_aid_path_date")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.amount}"


class EntryStatus(models.TextChoices):
    LISTED = "listed", _("待发放")
    PAID = "paid", _("已发放")
    WITHDRAWN = "withdrawn", _("已移出")


class ProgrammeEntry(ScopedRow):
    """A file on a round's list; paying it writes the Assistance row (one per entry)."""

    programme = models.ForeignKey(AidProgramme, on_delete=models.CASCADE, related_name="entries")
    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="programme_entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.LISTED
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    assistance = models.OneToOneField(
        Assistance, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动名单")
        verbose_name_plural = _("活动名单")
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="care_entry_once_per_programme")
        ]
        ordering = ["org_path", "id"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.person.name}"


# --------------------------------------------------------------------------- training


class TrainingCourse(ScopedRow):
    """A skills-training course run or paid for by a union (seed 004: 农民工技能培训).

    Its year is the year it starts; its cost is the whole course's cost in yuan."""

    title = models.CharField(_("培训名称"), max_length=80)
    trade = models.CharField(_("工种/专业"), max_length=40)
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("培训地点"), max_length=80)
    provider = models.CharField(_("培训机构"), max_length=80)
    cost = models.DecimalField(_("培训经费（元）"), max_digits=12, decimal_places=2)
    source = models.CharField(
        _("经费来源"), max_length=12, choices=FundSource.choices, default=FundSource.OWN
    )
    for_migrants = models.BooleanField(_("农民工专项"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class TraineeStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在训")
    COMPLETED = "completed", _("已结业")
    DROPPED = "dropped", _("未完成")


class Trainee(ScopedRow):
    """A member on a course (from the register). `org` is their union at enrolment; `is_migrant`
    the register's flag then, so a later correction does not rewrite past reports."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="trainees")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    is_migrant = models.BooleanField(_("农民工"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=TraineeStatus.choices, default=TraineeStatus.ENROLLED
    )
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="care_trainee_once_per_course")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.course} · {self.person.name}"


# --------------------------------------------------------------------------- model workers


class ModelLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省部级")
    CITY = "city", _("市(州)级")
    COUNTY = "county", _("县(区)级")


class ModelWorkerTitle(ScopedRow):
    """劳模 registry: one honour (e.g. 云南省劳动模范, 2015) of one person."""

    person = models.ForeignKey(
        Person, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="model_titles"
    )
    level = models.CharField(_("级别"), max_length=12, choices=ModelLevel.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("授予年度"))
    title = models.CharField(_("称号"), max_length=60)
    awarded_by = models.CharField(_("授予机关"), max_length=80, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("劳模称号")
        verbose_name_plural = _("劳模称号")
        constraints = [
            models.UniqueConstraint(fields=["person", "level", "year", "title"], name="care_title_unique")
        ]
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CareKind(models.TextChoices):
    VISIT = "visit", _("走访慰问")
    HEALTH = "health", _("健康体检")
    REST = "rest", _("疗休养")
    SUBSIDY = "subsidy", _("困难补助")
    ALLOWANCE = "allowance", _("荣誉津贴")
    OTHER = "other", _("其他")


class ModelWorkerCare(ScopedRow):
    """Care given to a model worker (关心劳模, seed 001): a visit, a health check, a subsidy…"""

    title = models.ForeignKey(ModelWorkerTitle, on_delete=models.PROTECT, related_name="care")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("关爱类别"), max_length=12, choices=CareKind.choices)
    on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), default=Decimal("0"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("劳模关爱记录")
        verbose_name_plural = _("劳模关爱记录")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"
