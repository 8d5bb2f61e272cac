"""Forms of the worklife pages: plain input checks only; the rules live in the actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.worklife import codes
from gonghui.worklife.conf import help_texts
from gonghui.worklife.models import (
    CongressKind,
    ContractCategory,
    ContractScope,
    DisclosureForm,
    HomeStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUM = {"inputmode": "numeric"}


def employer_field(employers: Any, *, required: bool = True) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("覆盖单位"), queryset=employers, required=required, widget=forms.CheckboxSelectMultiple,
        help_text=_("单独签订或单位职代会选一个单位；区域性、行业性可多选"),
    )  # fmt: skip


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CongressKind.choices)
    term_no = forms.IntegerField(label=_("届"), min_value=1, max_value=999, widget=forms.NumberInput(NUM))
    session_no = forms.IntegerField(label=_("次"), min_value=1, max_value=999, widget=forms.NumberInput(NUM))
    held_on = forms.DateField(label=_("召开日期"), widget=DATE)
    employees = forms.IntegerField(
        label=_("职工总数"), min_value=0, required=False, widget=forms.NumberInput(NUM)
    )
    delegates = forms.IntegerField(label=_("代表人数"), min_value=1, widget=forms.NumberInput(NUM))
    frontline_delegates = forms.IntegerField(label=_("一线职工代表"), min_value=0, required=False,
                                             widget=forms.NumberInput(NUM))  # fmt: skip
    women_delegates = forms.IntegerField(
        label=_("女职工代表"), min_value=0, required=False, widget=forms.NumberInput(NUM)
    )
    attended = forms.IntegerField(
        label=_("实到代表"), min_value=0, required=False, widget=forms.NumberInput(NUM)
    )
    agenda = forms.CharField(label=_("议题"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("每行一个议题"))  # fmt: skip
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        h = help_texts()
        self.fields["delegates"].help_text = h["delegates"]
        self.fields["frontline_delegates"].help_text = h["frontline"]
        self.fields["women_delegates"].help_text = h["women"]
        if employers is not None:
            self.fields["employers"] = employer_field(employers, required=False)


class ProposalForm(forms.Form):
    author = forms.CharField(label=_("提案人"), max_length=80)
    subject = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(
        label=_("提案内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    handling = forms.CharField(label=_("承办部门/办理方式"), required=False, max_length=200)


class ProposalHandleForm(forms.Form):
    handling = forms.CharField(label=_("承办部门/办理方式"), required=False, max_length=200)
    answer = forms.CharField(
        label=_("答复"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    answered_on = forms.DateField(label=_("答复日期"), required=False, widget=DATE)
    close = forms.BooleanField(label=_("办结"), required=False)


class DisclosureFormForm(forms.Form):
    subject = forms.CharField(label=_("公开事项"), max_length=200)
    disclosed_on = forms.DateField(label=_("公开日期"), widget=DATE)
    form = forms.ChoiceField(label=_("公开形式"), choices=DisclosureForm.choices)
    content = forms.CharField(
        label=_("内容摘要"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["disclosed_on"].initial = timezone.localdate()
        if employers is not None:
            self.fields["employer"] = forms.ModelChoiceField(
                label=_("单位"), queryset=employers, required=False
            )


class ContractForm(forms.Form):
    title = forms.CharField(label=_("合同名称"), max_length=200)
    scope = forms.ChoiceField(label=_("签订形式"), choices=ContractScope.choices)
    category = forms.ChoiceField(label=_("合同类别"), choices=ContractCategory.choices)
    employer_side = forms.CharField(label=_("用人单位方代表"), max_length=120, required=False)
    employees_covered = forms.IntegerField(label=_("覆盖职工数"), min_value=0, required=False, widget=forms.NumberInput(NUM),
                                           help_text=_("不填则按所选单位的职工数合计"))  # fmt: skip
    signed_on = forms.DateField(
        label=_("签订日期"), required=False, widget=DATE, help_text=_("尚在协商的不填")
    )
    start_on = forms.DateField(
        label=_("期限起"), required=False, widget=DATE, help_text=_("不填则自签订日起")
    )
    end_on = forms.DateField(label=_("期限止"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["end_on"].help_text = help_texts()["term"]
        if employers is not None:
            self.fields["employers"] = employer_field(employers)
            self.order_fields(["title", "scope", "category", "employers"])


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    start_on = forms.DateField(label=_("期限起"), required=False, widget=DATE)
    end_on = forms.DateField(label=_("期限止"), widget=DATE)


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("报送日期"), widget=DATE)
    labour_bureau = forms.CharField(label=_("报送的劳动行政部门"), max_length=120, required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("审查意见"), choices=[("approved", _("审查通过")), ("objection", _("提出异议"))]
    )
    answered_on = forms.DateField(label=_("审查答复日期"), widget=DATE)
    note = forms.CharField(label=_("审查意见说明"), max_length=300, required=False)


class RoundForm(forms.Form):
    held_on = forms.DateField(label=_("协商日期"), widget=DATE)
    topics = forms.CharField(label=_("协商议题"), max_length=200, required=False)
    outcome = forms.CharField(label=_("协商结果"), max_length=200, required=False)


class TerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("终止日期"), widget=DATE)
    reason = forms.CharField(label=_("终止原因"), max_length=200)


class UploadForm(forms.Form):
    upload = forms.FileField(label=_("文件"), help_text=_("PDF、JPG 或 PNG"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"))
    held_on = forms.DateField(label=_("活动日期"), widget=DATE)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    participants = forms.IntegerField(
        label=_("参加人数"), min_value=0, required=False, widget=forms.NumberInput(NUM)
    )
    members = forms.CharField(label=_("参加会员"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("可选：会员编号，每行或用逗号分隔一个"))  # fmt: skip
    result = forms.CharField(
        label=_("成绩/结果"), max_length=300, required=False, help_text=_("劳动竞赛、安康杯等填写")
    )
    home_status = forms.ChoiceField(label=_("职工之家状态"), choices=HomeStatus.choices, required=False)
    description = forms.CharField(
        label=_("内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = codes.choices()
        self.fields["held_on"].initial = timezone.localdate()


class ImportForm(forms.Form):
    org = forms.ChoiceField(label=_("导入到"), help_text=_("表中未写工会代码的行记入此工会"))
    upload = forms.FileField(label=_("表格文件"), help_text=_("xlsx、xls、ods 或 CSV，按导入模板填写"))

    def __init__(self, *args: Any, org_choices: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = org_choices


class GroupForm(forms.Form):
    name = forms.CharField(label=_("小组名称"), max_length=60)


class AssignForm(forms.Form):
    members = forms.CharField(label=_("会员编号"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("本工会的会员编号，每行或用逗号分隔一个"))  # fmt: skip
