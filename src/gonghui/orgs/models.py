"""The union tree and the employers it covers (DOMAIN.md: 工会组织, 用人单位, 摸底调查)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from gonghui.core.fields import OrgPathField


class OrgKind(models.TextChoices):
    PROVINCE_FEDERATION = "province_federation", _("省总工会")
    CITY_FEDERATION = "city_federation", _("市(州)总工会")
    COUNTY_FEDERATION = "county_federation", _("县(区)总工会")
    TOWNSHIP_UNION = "township_union", _("乡镇(街道)总工会/工会联合会")
    INDUSTRY_UNION = "industry_union", _("产业(行业)工会")
    SYSTEM_UNION = "system_union", _("系统工会")
    PARK_UNION = "park_union", _("园区工会")
    GRASSROOTS = "grassroots", _("基层工会(独立)")
    JOINT_GRASSROOTS = "joint_grassroots", _("联合基层工会")
    NEW_EMPLOYMENT = "new_employment", _("新就业形态工会")


# Kinds that sit at the bottom of the tree and hold members directly.
BASE_KINDS = frozenset({OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT})
# Kinds that cover several employers (a worker whose employer has no union may join one).
JOINT_KINDS = frozenset({OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT})

# Which kinds may sit directly under which: keeps the tree shaped as DOMAIN.md describes.
FEDERATION_KINDS = frozenset(
    {OrgKind.PROVINCE_FEDERATION, OrgKind.CITY_FEDERATION, OrgKind.COUNTY_FEDERATION}
)
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.PROVINCE_FEDERATION: frozenset(
        {OrgKind.CITY_FEDERATION, OrgKind.INDUSTRY_UNION, OrgKind.SYSTEM_UNION}
    ),
    OrgKind.CITY_FEDERATION: frozenset(OrgKind.values)
    - {OrgKind.PROVINCE_FEDERATION, OrgKind.CITY_FEDERATION},
    OrgKind.COUNTY_FEDERATION: frozenset(OrgKind.values) - FEDERATION_KINDS,
    OrgKind.TOWNSHIP_UNION: frozenset({OrgKind.PARK_UNION, OrgKind.INDUSTRY_UNION, *BASE_KINDS}),
    OrgKind.INDUSTRY_UNION: frozenset(BASE_KINDS),
    OrgKind.SYSTEM_UNION: frozenset(BASE_KINDS),
    OrgKind.PARK_UNION: frozenset(BASE_KINDS),
    OrgKind.GRASSROOTS: frozenset(),
    OrgKind.JOINT_GRASSROOTS: frozenset(),
    OrgKind.NEW_EMPLOYMENT: frozenset(),
}


class OrgForm(models.TextChoices):
    COMMITTEE = "committee", _("委员会")
    WORKING_COMMITTEE = "working_committee", _("工作委员会")
    FEDERATION = "federation", _("联合会")
    ORGANISER = "organiser", _("组织员")


class JointScope(models.TextChoices):
    AREA = "area", _("区域")
    BUILDING = "building", _("楼宇")
    BUSINESS_DISTRICT = "business_district", _("商圈")
    PARK = "park", _("园区")
    INDUSTRY = "industry", _("行业")
    PLATFORM = "platform", _("平台/新就业形态")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DISSOLVED = "dissolved", _("已撤销")
    MERGED = "merged", _("已合并")


class Org(MP_Node):
    """A union organisation. Materialized path: a subtree is one indexed prefix range."""

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    node_order_by = None

    code = models.CharField(_("组织代码"), max_length=20, unique=True)
    name = models.CharField(_("工会全称"), max_length=120, db_index=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类别"), max_length=24, choices=OrgKind.choices, db_index=True)
    org_form = models.CharField(
        _("组织形式"), max_length=24, choices=OrgForm.choices, default=OrgForm.COMMITTEE
    )
    joint_scope = models.CharField(_("联合范围"), max_length=24, choices=JointScope.choices, blank=True)
    region_code = models.CharField(_("所在政区"), max_length=6, help_text=_("GB/T 2260 行政区划代码"))
    # Citus-ready: large tables are distributed by province; orgs carry it for co-location.
    province_code = models.CharField(_("省级代码"), max_length=2, db_index=True)
    founded_on = models.DateField(_("建会时间"), null=True, blank=True)
    approval_no = models.CharField(_("批复文号"), max_length=60, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, help_text=_("具备法人资格的工会以 81 开头")
    )
    chair_name = models.CharField(_("主席"), max_length=40, blank=True)
    term_number = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True)
    term_start = models.DateField(_("任期开始"), null=True, blank=True)
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    full_time_staff = models.PositiveSmallIntegerField(_("专职干部数"), default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    ended_on = models.DateField(_("撤销/合并日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def is_base(self) -> bool:
        return self.kind in BASE_KINDS


class EconomicType(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("私营")
    INDIVIDUAL = "individual", _("个体")
    JOINT_STOCK = "joint_stock", _("股份制")
    FOREIGN = "foreign", _("外商及港澳台投资")
    PUBLIC_INSTITUTION = "institution", _("事业单位")
    GOVERNMENT = "government", _("机关")
    SOCIAL = "social", _("社会组织")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, sections."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class OperatingStatus(models.TextChoices):
    NORMAL = "normal", _("正常经营")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", _("歇业")
    DEREGISTERED = "deregistered", _("注销")


class Employer(models.Model):
    """An employer. `area_org` is the township/industry/system union whose area it sits in (who
    surveys it); `union` the grassroots or joint union that covers it (None → 未建会).

    The latest survey's six facts are copied here so lists and coverage need no join; the
    history lives in EmployerSurvey.
    """

    name = models.CharField(_("单位名称"), max_length=120, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    economic_type = models.CharField(
        _("经济类型"), max_length=16, choices=EconomicType.choices, default=EconomicType.PRIVATE
    )
    industry = models.CharField(_("国民经济行业"), max_length=1, choices=Industry.choices, default="C")
    region_code = models.CharField(_("所在政区"), max_length=6)
    province_code = models.CharField(_("省级代码"), max_length=2)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area_org = models.ForeignKey(
        Org, verbose_name=_("属地工会"), on_delete=models.PROTECT, related_name="area_employers"
    )
    area_path = OrgPathField(db_index=True, editable=False)
    union = models.ForeignKey(
        Org,
        verbose_name=_("所属工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers",
    )
    # six facts of the latest survey (六个掌握)
    operating_status = models.CharField(
        _("经营状况"), max_length=16, choices=OperatingStatus.choices, default=OperatingStatus.NORMAL
    )
    employees = models.PositiveIntegerField(_("职工数"), default=0)
    members = models.PositiveIntegerField(_("会员数"), default=0)
    migrant_workers = models.PositiveIntegerField(_("农民工数"), default=0)
    migrant_members = models.PositiveIntegerField(_("农民工会员数"), default=0)
    surveyed_on = models.DateField(_("最近摸底日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        indexes = [models.Index(fields=["area_path", "union"]), models.Index(fields=["-employees"])]

    def __str__(self) -> str:
        return self.name

    @property
    def coverage_label(self) -> str:
        if self.union_id is None:
            return str(_("未建会"))
        if self.union is not None and self.union.kind in JOINT_KINDS:
            return str(_("联合建会"))
        return str(_("单独建会"))


# The seed's 六个掌握 (seed 004): what a survey records of each employer, in one list for the survey
# form, the survey action, the employer's current figures and the demo. SURVEY_FIGURES: the counts.
SURVEY_FIGURES = ("employees", "members", "migrant_workers", "migrant_members")
SURVEY_FACTS = ("address", "operating_status", *SURVEY_FIGURES)


class EmployerSurvey(models.Model):
    """One dated survey snapshot (摸底调查) of an employer: the seed's 六个掌握."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("摸底日期"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    operating_status = models.CharField(_("经营状况"), max_length=16, choices=OperatingStatus.choices)
    employees = models.PositiveIntegerField(_("职工数"))
    members = models.PositiveIntegerField(_("会员数"))
    migrant_workers = models.PositiveIntegerField(_("农民工数"))
    migrant_members = models.PositiveIntegerField(_("农民工会员数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    surveyed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("摸底调查")
        verbose_name_plural = _("摸底调查")
        ordering = ["-surveyed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.surveyed_on}"
