from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.finance import ledger, rules
from gonghui.finance.models import Exemption

DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class YuanField(forms.CharField):
    """An amount typed in yuan (at most two decimals), cleaned to an integer in fen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            return rules.parse_yuan(text)
        except ValueError:
            raise forms.ValidationError(_("请填写金额（元，最多两位小数）。")) from None


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MONTH)
        super().__init__(*args, **kwargs)


class WageForm(forms.Form):
    wage = YuanField(label=_("月工资（元）"), required=False, help_text=_("留空则按本工会默认月工资计算"))
    exemption = forms.ChoiceField(label=_("免交"), choices=Exemption.choices, required=False)


class PayForm(forms.Form):
    month = MonthField(label=_("所属月份"))
    paid_on = forms.DateField(label=_("收款日期"), widget=DATE)
    amount = YuanField(label=_("金额（元）"), required=False, help_text=_("留空按规则计算"))


class BulkForm(forms.Form):
    month = MonthField(label=_("所属月份"))
    paid_on = forms.DateField(label=_("收款日期"), widget=DATE)


class DefaultWageForm(forms.Form):
    wage = YuanField(label=_("默认月工资（元）"))


class PayrollForm(forms.Form):
    file = forms.FileField(
        label=_("工资表（xlsx/xls/csv）"), help_text=_("须有“身份证号”“姓名”“月工资（或应发工资）”列")
    )


class EducateForm(forms.Form):
    on = forms.DateField(label=_("教育日期"), widget=DATE)
    note = forms.CharField(label=_("教育情况"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("谈话时间、方式、本人态度；是否参加工会组织生活"))  # fmt: skip


class LapseForm(forms.Form):
    on = forms.DateField(label=_("退会日期"), widget=DATE)
    note = forms.CharField(label=_("委员会决定"), max_length=200, required=False,
                           help_text=_("经教育拒不改正，按章程第六条（2008年文本）作自动退会处理"))  # fmt: skip


class DeclareForm(forms.Form):
    period = MonthField(label=_("所属期"), help_text=_("按季申报的，填本季任一月份"))
    payroll = YuanField(label=_("全部职工工资总额（元）"))


class FundsPayForm(forms.Form):
    paid_on = forms.DateField(label=_("到账日期"), widget=DATE)
    amount = YuanField(label=_("实缴金额（元）"))
    collector = forms.ChoiceField(
        label=_("缴纳方式"),
        choices=[("", _("按设置")), ("employer", _("单位拨缴")), ("tax", _("税务代收"))],
        required=False,
    )


class LedgerForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    head = forms.ChoiceField(
        label=_("科目"),
        choices=[
            (c, label) for c, label in ledger.choices() if c not in (ledger.DUES_HEAD, ledger.FUNDS_HEAD)
        ],
    )
    amount = YuanField(label=_("金额（元）"))
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)
