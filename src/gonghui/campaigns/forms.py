from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.campaigns.models import BaselineSource, Measure, NoteKind, SplitMethod
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _org_choices(qs: Any, *, root_depth: int = 1) -> list[tuple[str, str]]:
    return [(o.code, f"{'　' * max(0, o.depth - root_depth)}{o.name}") for o in qs.order_by("path")]


class CampaignEditForm(forms.Form):
    name = forms.CharField(label=_("行动名称"), max_length=120, help_text=_("如：2027年度农民工集中入会行动"))
    starts_on = forms.DateField(
        label=_("开始日期"), widget=DATE, help_text=_("全总统计年度为 10 月 1 日至次年 9 月 30 日")
    )
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    baseline_source = forms.ChoiceField(
        label=_("基数来源"),
        choices=BaselineSource.choices,
        widget=forms.RadioSelect(attrs={"style": "width:auto"}),
    )
    baseline_on = forms.DateField(
        label=_("基数日期"), widget=DATE, required=False, help_text=_("留空为开始日期前一天")
    )
    baseline = forms.IntegerField(label=_("基数（手工填写时）"), min_value=0, required=False,
                                  help_text=_("按会员库计算时忽略此项"))  # fmt: skip
    growth_rate = forms.DecimalField(label=_("增长率（%）"), min_value=0, max_value=1000, decimal_places=2, required=False,
                                     help_text=_("如 52 表示比基数增长 52%"))  # fmt: skip
    net_minimum = forms.IntegerField(label=_("净增不少于"), min_value=0, required=False,
                                     help_text=_("两项都填时取其大者（例：某县要求增长52%、净增6000名以上）"))  # fmt: skip
    behind_margin = forms.DecimalField(label=_("落后判定（百分点）"), min_value=0, max_value=100, decimal_places=2, initial=5,
                                       help_text=_("完成率低于序时进度超过该百分点即标为落后"))  # fmt: skip
    description = forms.CharField(
        label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("growth_rate") is None and data.get("net_minimum") is None and not self.errors:
            self.add_error("growth_rate", _("请至少填写增长率或净增数之一。"))
        return data


class CampaignCreateForm(CampaignEditForm):
    org = forms.ChoiceField(label=_("牵头工会"))
    measure = forms.ChoiceField(label=_("考核指标"), choices=Measure.choices)
    split_method = forms.ChoiceField(
        label=_("建立后立即分解到下一级"), required=False,
        choices=[("", _("暂不分解")), *[(k, v) for k, v in SplitMethod.choices if k != SplitMethod.MANUAL]],
    )  # fmt: skip
    field_order = ["name", "org", "measure"]

    def __init__(self, *args: Any, scope: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        orgs = scope.filter(status=OrgStatus.ACTIVE).exclude(kind__in=BASE_KINDS)
        self.fields["org"].choices = _org_choices(orgs)  # type: ignore[attr-defined]


class AllocateForm(forms.Form):
    method = forms.ChoiceField(label=_("分解方式"), choices=SplitMethod.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, children: list[Org], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.children = children
        for c in children:
            self.fields[f"t_{c.code}"] = forms.IntegerField(label=c.name, min_value=0, required=False)

    def manual(self) -> dict[str, int]:
        return {c.code: self.cleaned_data.get(f"t_{c.code}") or 0 for c in self.children}


class GroupForm(forms.Form):
    name = forms.CharField(label=_("工作组名称"), max_length=60, help_text=_("如：第一工作组"))
    leader = forms.CharField(
        label=_("组长"), max_length=60, help_text=_("姓名及职务，如：张某某（县总工会副主席）")
    )
    members = forms.CharField(label=_("组员"), max_length=200, required=False)
    units = forms.MultipleChoiceField(label=_("负责的单位"), widget=forms.CheckboxSelectMultiple(attrs={"style": "width:auto"}), required=False,
                                      help_text=_("一个单位只能属于一个工作组"))  # fmt: skip

    def __init__(self, *args: Any, units: Any, root: Org, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = _org_choices(units, root_depth=root.depth + 1)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    on = forms.DateField(label=_("检查日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("方式"), choices=NoteKind.choices)
    group = forms.ChoiceField(label=_("工作组"), required=False)
    findings = forms.CharField(
        label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    follow_up = forms.CharField(
        label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    due_on = forms.DateField(label=_("整改期限"), widget=DATE, required=False)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *[(str(g.pk), g.name) for g in groups]]  # type: ignore[attr-defined]


class NoteDoneForm(forms.Form):
    done_on = forms.DateField(label=_("整改完成日期"), widget=DATE)
    result = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
