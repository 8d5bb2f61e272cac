from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gonghui.rosters.models import Mode

EXPORT_KINDS = [("members", _("会员名册")), ("employers", _("用人单位")), ("gaps", _("未建会单位（空白点）"))]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("花名册文件"),
        allow_empty_file=True,  # the action says why an empty file cannot be imported
        help_text=_("xlsx、xls、WPS 表格（.et）、ods 或 csv（UTF-8 或 GBK）；上限 %(mb)d MB。")
        % {"mb": settings.GONGHUI_IMPORT_MAX_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.et,.ods,.csv,.txt"}),
    )
    org = forms.ChoiceField(
        label=_("导入到"), help_text=_("基层工会；导入到乡镇、行业或系统工会时，表中须有“工会代码”列。")
    )
    mode = forms.ChoiceField(
        label=_("本会已有的会员"), choices=Mode.choices, initial=Mode.UPDATE, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导出内容"), choices=EXPORT_KINDS)
    org = forms.ChoiceField(label=_("范围"))
    fmt = forms.ChoiceField(
        label=_("格式"),
        choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV（UTF-8，Excel 可直接打开）")],
        initial="xlsx",
    )
    reveal = forms.BooleanField(label=_("显示完整身份证号码和手机号（将记入操作日志）"), required=False)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], can_reveal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs
        if not can_reveal:
            del self.fields["reveal"]
