from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import (
    ALLOWED_CHILDREN,
    EconomicType,
    Industry,
    JointScope,
    OperatingStatus,
    Org,
    OrgForm,
    OrgKind,
    OrgStatus,
)  # fmt: skip

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgEditForm(forms.Form):
    name = forms.CharField(label=_("工会全称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    org_form = forms.ChoiceField(label=_("组织形式"), choices=OrgForm.choices)
    joint_scope = forms.ChoiceField(label=_("联合范围"), choices=[("", "—"), *JointScope.choices], required=False,
                                    help_text=_("仅联合基层工会、新就业形态工会填写"))  # fmt: skip
    region_code = forms.RegexField(label=_("所在政区代码"), regex=r"^\d{6}$", help_text=_("GB/T 2260 六位代码，如 530326"),
                                   error_messages={"invalid": _("政区代码应为 6 位数字")})  # fmt: skip
    founded_on = forms.DateField(label=_("建会时间"), required=False, widget=DATE)
    approval_no = forms.CharField(label=_("批复文号"), max_length=60, required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("具备法人资格的工会以 81 开头"),
    )
    chair_name = forms.CharField(label=_("主席"), max_length=40, required=False)
    term_number = forms.IntegerField(label=_("届次"), min_value=1, required=False)
    term_start = forms.DateField(label=_("任期开始"), required=False, widget=DATE)
    term_end = forms.DateField(label=_("任期结束"), required=False, widget=DATE)
    full_time_staff = forms.IntegerField(label=_("专职干部数"), min_value=0, initial=0)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def cleaned(self) -> dict[str, Any]:
        return {
            k: ("" if v is None and isinstance(self.fields[k], forms.CharField) else v)
            for k, v in self.cleaned_data.items()
        }


CHOOSE = ("", _("— 请选择 —"))


class OrgCreateForm(OrgEditForm):
    kind = forms.ChoiceField(label=_("类别"))
    field_order = ["kind", "name"]

    def __init__(self, *args: Any, parent: Org, **kwargs: Any):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN.get(parent.kind, frozenset())
        kinds = [(k, label) for k, label in OrgKind.choices if k in allowed]
        # one possible kind is the obvious default; among several the admin chooses (issue 18)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds if len(kinds) == 1 else [CHOOSE, *kinds]
        self.fields["region_code"].initial = parent.region_code


def _org_choices(qs: Any) -> list[tuple[str, str]]:
    return [(o.code, f"{'　' * (o.depth - 1)}{o.name}（{o.code}）") for o in qs.order_by("path")]


class MoveForm(forms.Form):
    parent = forms.ChoiceField(label=_("移至（新的上级工会）"), help_text=_("连同全部下级组织一起移动"))

    def __init__(self, *args: Any, org: Org, scope: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parents = scope.filter(status=OrgStatus.ACTIVE).exclude(path__startswith=org.path)
        ok_kinds = [k for k, children in ALLOWED_CHILDREN.items() if org.kind in children]
        cast(forms.ChoiceField, self.fields["parent"]).choices = _org_choices(
            parents.filter(kind__in=ok_kinds)
        )
        current = org.get_parent()
        if current is not None:  # unchanged, the form moves nothing (issue 18)
            self.fields["parent"].initial = current.code


class DissolveForm(forms.Form):
    ended_on = forms.DateField(label=_("撤销日期"), widget=DATE)
    reason = forms.CharField(label=_("撤销原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("我已确认：该工会覆盖的用人单位将变为“未建会”"))


class MergeForm(forms.Form):
    target = forms.ChoiceField(label=_("并入"), help_text=_("下级组织和覆盖的用人单位一并转入目标工会"))
    ended_on = forms.DateField(label=_("合并日期"), widget=DATE)
    confirm = forms.BooleanField(label=_("我已确认合并，此操作记入操作日志"))

    def __init__(self, *args: Any, org: Org, scope: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        targets = scope.filter(status=OrgStatus.ACTIVE).exclude(path__startswith=org.path)
        if org.is_base:
            from gonghui.orgs.models import BASE_KINDS

            targets = targets.filter(kind__in=BASE_KINDS)
        else:
            targets = targets.filter(kind=org.kind)
        cast(forms.ChoiceField, self.fields["target"]).choices = _org_choices(targets)


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=120)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False,
                                  help_text=_("18 位，按 GB 32100 校验；首位可为 1–9、A、N、Y"))  # fmt: skip
    economic_type = forms.ChoiceField(label=_("经济类型"), choices=[CHOOSE, *EconomicType.choices])
    industry = forms.ChoiceField(label=_("国民经济行业"), choices=[CHOOSE, *Industry.choices])
    region_code = forms.RegexField(
        label=_("所在政区代码"), regex=r"^\d{6}$", error_messages={"invalid": _("政区代码应为 6 位数字")}
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    area_org = forms.ChoiceField(label=_("属地工会"), help_text=_("负责摸底的乡镇(街道)、行业或系统工会"))
    union = forms.ChoiceField(label=_("所属工会"), required=False, help_text=_("留空表示未建会"))

    def __init__(self, *args: Any, scope: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import BASE_KINDS

        active = scope.filter(status=OrgStatus.ACTIVE)
        cast(forms.ChoiceField, self.fields["area_org"]).choices = _org_choices(
            active.exclude(kind__in=BASE_KINDS)
        )
        cast(forms.ChoiceField, self.fields["union"]).choices = [
            ("", _("（未建会）")),
            *_org_choices(active.filter(kind__in=BASE_KINDS)),
        ]


class SurveyForm(forms.Form):
    surveyed_on = forms.DateField(label=_("摸底日期"), widget=DATE)
    address = forms.CharField(label=_("企业地址"), max_length=200, required=False)
    operating_status = forms.ChoiceField(label=_("生产经营状况"), choices=OperatingStatus.choices)
    employees = forms.IntegerField(label=_("职工数"), min_value=0)
    members = forms.IntegerField(label=_("入会职工数"), min_value=0)
    migrant_workers = forms.IntegerField(label=_("农民工数"), min_value=0)
    migrant_members = forms.IntegerField(label=_("农民工入会数"), min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
