from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.care.models import (
    AidType,
    CareKind,
    Category,
    Cause,
    DocKind,
    FundSource,
    ModelLevel,
    ReviewOutcome,
)
from gonghui.orgs.models import Org, OrgStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MEMBER_HELP = _("会员编号或公民身份号码（须为本级及下级工会的在册会员）")


def org_choices(scope: Any) -> list[tuple[str, str]]:
    qs = scope.filter(status=OrgStatus.ACTIVE).order_by("path")
    return [(o.code, f"{'　' * (o.depth - 1)}{o.name}") for o in qs.only("code", "name", "depth", "path")]


class HouseholdForm(forms.Form):
    category = forms.ChoiceField(label=_("困难类别"), choices=Category.choices, widget=forms.RadioSelect)
    household_size = forms.IntegerField(
        label=_("家庭人口"), min_value=1, max_value=30, help_text=_("含职工本人")
    )
    household_income = forms.DecimalField(
        label=_("家庭月总收入（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("家庭月人均收入由系统按家庭人口计算"),
    )
    causes = forms.MultipleChoiceField(label=_("致困原因"), choices=Cause.choices, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("可多选"))  # fmt: skip
    children_in_school = forms.IntegerField(label=_("在学子女数"), min_value=0, max_value=29, initial=0,
                                            help_text=_("选择“子女上学”时必填；金秋助学按此筛选"))  # fmt: skip
    situation = forms.CharField(
        label=_("困难情况说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FileOpenForm(HouseholdForm):
    member = forms.CharField(label=_("会员"), max_length=40, help_text=MEMBER_HELP)
    opened_on = forms.DateField(label=_("建档日期"), widget=DATE)
    field_order = ["member", "opened_on"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("复核年度"), min_value=2000, max_value=2100)
    reviewed_on = forms.DateField(label=_("复核日期"), widget=DATE)
    outcome = forms.ChoiceField(label=_("复核结论"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("困难类别"), choices=Category.choices)
    household_size = forms.IntegerField(label=_("家庭人口"), min_value=1, max_value=30)
    household_income = forms.DecimalField(
        label=_("家庭月总收入（元）"), min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("复核意见"), required=False, max_length=200, help_text=_("解困脱困或销档时必填原因")
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类别"), choices=DocKind.choices)
    upload = forms.FileField(label=_("文件"), help_text=_("PDF、JPG 或 PNG"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class AidForm(forms.Form):
    type = forms.ChoiceField(label=_("帮扶类型"), choices=AidType.choices)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=12, decimal_places=2)
    given_on = forms.DateField(label=_("发放日期"), widget=DATE)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, with_member: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()
        if with_member:
            self.fields["member"] = forms.CharField(label=_("会员"), max_length=40, help_text=MEMBER_HELP)
            self.order_fields(["member"])


class ProgrammeForm(forms.Form):
    org = forms.ChoiceField(label=_("主办工会"), help_text=_("名单从该工会及其下级的在档困难职工中产生"))
    name = forms.CharField(label=_("活动名称"), max_length=80, help_text=_("如：2026年金秋助学"))
    type = forms.ChoiceField(label=_("帮扶类型"), choices=AidType.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount_per_person = forms.DecimalField(
        label=_("每人标准（元）"), min_value=0, max_digits=12, decimal_places=2
    )
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, scope: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(scope)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class CourseForm(forms.Form):
    org = forms.ChoiceField(label=_("主办工会"), help_text=_("学员从该工会及其下级的会员中选取"))
    title = forms.CharField(label=_("培训名称"), max_length=80)
    trade = forms.CharField(label=_("工种/专业"), max_length=40)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    place = forms.CharField(label=_("培训地点"), max_length=80)
    provider = forms.CharField(label=_("培训机构"), max_length=80)
    cost = forms.DecimalField(
        label=_("培训经费（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("全班总经费；人均经费按未中途退出的学员计算"),
    )
    source = forms.ChoiceField(label=_("经费来源"), choices=FundSource.choices, initial=FundSource.OWN)
    for_migrants = forms.BooleanField(label=_("农民工专项"), required=False, help_text=_("只招收农民工"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args: Any, scope: Any, fixed_org: Org | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if fixed_org is not None:
            self.fields["org"].choices = [(fixed_org.code, fixed_org.name)]  # type: ignore[attr-defined]
            self.fields["org"].disabled = True
        else:
            self.fields["org"].choices = org_choices(scope)  # type: ignore[attr-defined]


class TraineesForm(forms.Form):
    members = forms.CharField(label=_("学员名单"), widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000,
                              help_text=_("每行一名：会员编号或公民身份号码（可从表格中整列粘贴）"))  # fmt: skip


class TitleForm(forms.Form):
    member = forms.CharField(label=_("会员"), max_length=40, help_text=MEMBER_HELP)
    level = forms.ChoiceField(label=_("级别"), choices=ModelLevel.choices)
    year = forms.IntegerField(label=_("授予年度"), min_value=1950, max_value=2100)
    title = forms.CharField(
        label=_("称号"), max_length=60, help_text=_("如：云南省劳动模范、全国五一劳动奖章")
    )
    awarded_by = forms.CharField(label=_("授予机关"), max_length=80, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CareForm(forms.Form):
    kind = forms.ChoiceField(label=_("关爱类别"), choices=CareKind.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("无现金的走访慰问填 0"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
