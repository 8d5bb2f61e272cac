"""Forms for the member pages. They check shape only; the rules live in the actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import ApplicationError
from gonghui.members import codes, identity
from gonghui.members.codes import Table
from gonghui.orgs.models import Employer, Org

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MIGRANT_CHOICES = [("", _("按户籍类型判断")), ("1", _("是")), ("0", _("否"))]


def _org_choices(orgs: Any) -> list[tuple[str, str]]:
    return [(o.code, f"{o.name}（{o.code}）") for o in orgs]


def union_picker_choices(orgs: Any) -> list[tuple[str, str]]:
    """Unions to pick from by searching: the label carries the name, the code and the area (the
    parent union's name), and the list starts with an empty choice, so nothing is preselected."""
    orgs = list(orgs)
    parents = {o.path[: -o.steplen] for o in orgs if len(o.path) > o.steplen}
    names = dict(Org.objects.filter(path__in=parents).values_list("path", "name")) if parents else {}
    rows = [("", str(_("— 请选择（可输入名称、代码或地区搜索）—")))]
    for o in orgs:
        area = names.get(o.path[: -o.steplen], "")
        rows.append((o.code, f"{o.name}（{o.code}）" + (f" · {area}" if area else "")))
    return rows


PICKER = forms.Select(attrs={"data-searchable": "1"})


class PersonFieldsForm(forms.Form):
    """The person's own data (DOMAIN.md, Person). The ID number gives gender, birth date and
    birthplace, so those are not asked."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(
        label=_("公民身份号码"), max_length=30, help_text=_("18 位（旧式 15 位自动升位）；性别、出生日期、籍贯由号码得出"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    ethnicity = forms.ChoiceField(label=_("民族"), required=False)
    education = forms.ChoiceField(label=_("学历"), required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), required=False)
    hukou_type = forms.ChoiceField(label=_("户籍类型"), required=False, help_text=_("农业户口默认视为农民工"))
    is_migrant = forms.ChoiceField(label=_("是否农民工"), choices=MIGRANT_CHOICES, required=False)
    employment_status = forms.ChoiceField(label=_("就业状况"), required=False)
    new_employment_group = forms.ChoiceField(
        label=_("新就业形态群体"), required=False, help_text=_("不属于新就业形态的请留空")
    )
    job = forms.CharField(label=_("工种/岗位"), max_length=60, required=False)
    skill_level = forms.ChoiceField(label=_("技能等级"), required=False)
    is_model_worker = forms.BooleanField(label=_("劳动模范"), required=False)
    employer = forms.ChoiceField(label=_("工作单位"), required=False)
    employer_name = forms.CharField(label=_("工作单位（不在列表中时填写）"), max_length=120, required=False)

    def __init__(self, *args: Any, employers: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        blank = "—"
        cast(forms.ChoiceField, self.fields["ethnicity"]).choices = codes.choices(
            Table.ETHNICITY, blank=blank
        )
        cast(forms.ChoiceField, self.fields["education"]).choices = codes.choices(
            Table.EDUCATION, blank=blank
        )
        cast(forms.ChoiceField, self.fields["political_status"]).choices = codes.choices(
            Table.POLITICAL, blank=blank
        )
        cast(forms.ChoiceField, self.fields["hukou_type"]).choices = codes.choices(Table.HUKOU, blank=blank)
        cast(forms.ChoiceField, self.fields["employment_status"]).choices = codes.choices(
            Table.EMPLOYMENT, blank=blank
        )
        cast(forms.ChoiceField, self.fields["new_employment_group"]).choices = codes.choices(
            Table.NEW_EMPLOYMENT, blank=_("（无）")
        )
        cast(forms.ChoiceField, self.fields["skill_level"]).choices = codes.choices(
            Table.SKILL, blank=_("（无）")
        )
        self._employers = {str(e.pk): e for e in employers}
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            ("", _("（其他/不在列表中）")),
            *((k, e.name) for k, e in self._employers.items()),
        ]

    def clean_id_number(self) -> str:
        """Check the number here too, so its error shows with every other error at once (the action
        checks it again)."""
        raw = self.cleaned_data.get("id_number") or ""
        if raw.strip():
            try:
                identity.parse_id(raw)
            except ApplicationError as e:
                raise forms.ValidationError(e.message) from None
        return raw

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        if raw.strip():
            try:
                identity.parse_phone(raw)
            except ApplicationError as e:
                raise forms.ValidationError(e.message) from None
        return raw

    def action_data(self) -> dict[str, Any]:
        """cleaned_data in the shape the actions take."""
        d = dict(self.cleaned_data)
        migrant = d.pop("is_migrant", "")
        d["is_migrant"] = None if migrant == "" else migrant == "1"
        d["employer"] = self._employers.get(d.get("employer") or "")
        return d


class PaperApplicationForm(PersonFieldsForm):
    """A clerk enters a signed paper application (申请关)."""

    org = forms.ChoiceField(label=_("申请加入的工会"))
    signed = forms.BooleanField(
        label=_("申请人已在纸质入会申请书上亲笔签名"), help_text=_("入会须本人申请；纸质申请书存档备查")
    )
    field_order = ["org", "name", "id_number", "phone"]

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        orgs = list(orgs)
        choices = _org_choices(orgs)
        # one union: the obvious default; several: the clerk chooses (nothing silently preselected)
        self.fields["org"].choices = choices if len(choices) == 1 else [("", "—"), *choices]  # type: ignore[attr-defined]


class ApplicationEditForm(PersonFieldsForm):
    """Correct an application. The stored ID number and phone are never shown: leave empty to keep."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = False
        self.fields["id_number"].help_text = _("留空则保留原号码；如需更正请完整重新填写")
        self.fields["phone"].help_text = _("留空则保留原号码")


class PersonEditForm(ApplicationEditForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]


class PublicJoinForm(PersonFieldsForm):
    """扫码入会: the worker's own phone, own consent."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    workplace = forms.CharField(
        label=_("居住或工作地点"), max_length=120, required=False, help_text=_("乡镇（街道）、社区或园区")
    )
    consent = forms.BooleanField(label=_("我已阅读并同意上述个人信息收集使用说明，本人自愿申请加入工会"))
    field_order = ["name", "id_number", "phone", "sms_code", "employer", "employer_name", "workplace", "job"]

    def __init__(self, *args: Any, sms_required: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["sms_code"].required = sms_required
        for f in ("skill_level", "is_model_worker", "is_migrant"):
            del self.fields[f]

    def action_data(self) -> dict[str, Any]:
        d = super().action_data()
        d["is_migrant"] = None
        for f in ("sms_code", "consent"):
            d.pop(f, None)
        return d


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    joined_on = forms.DateField(label=_("入会日期"), widget=DATE, required=False, help_text=_("默认今天"))


class StatusChangeForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("原因"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, reasons: tuple[str, ...], expel: bool = False, **kwargs: Any):
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        names = codes.labels(Table.CHANGE_REASON)
        cast(forms.ChoiceField, self.fields["reason"]).choices = [(r, names.get(r, r)) for r in reasons]
        if expel:  # 开除会籍: the committee's decision and its filing (章程第7条（2008年文本）)
            self.fields["decision_no"] = forms.CharField(label=_("基层工会委员会决定文号"), max_length=60)
            self.fields["decided_on"] = forms.DateField(label=_("委员会决定日期"), widget=DATE)
            self.fields["filed_on"] = forms.DateField(
                label=_("报上级工会备案日期"),
                widget=DATE,
                required=False,
                help_text=_("尚未备案的，可在备案后补记。"),
            )


class TransferOutForm(forms.Form):
    """The sending union starts a transfer."""

    to_org = forms.ChoiceField(
        label=_("转入工会"), widget=PICKER,
        help_text=_("输入工会名称、组织代码或所在地区查找；新单位未建会的，可转入所在地的联合工会或新就业形态工会"),
    )  # fmt: skip
    new_employer_name = forms.CharField(label=_("新工作单位"), max_length=120, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_org"]).choices = union_picker_choices(orgs)


class TransferInForm(forms.Form):
    """The receiving union starts a transfer for a worker who came to it."""

    id_number = forms.CharField(
        label=_("会员公民身份号码"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    to_org = forms.ChoiceField(label=_("转入本辖区的工会"), widget=PICKER)
    new_employer = forms.ChoiceField(label=_("新工作单位"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    application = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, orgs: Any, employers: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_org"]).choices = union_picker_choices(orgs)
        self._employers = {str(e.pk): e for e in employers}
        cast(forms.ChoiceField, self.fields["new_employer"]).choices = [
            ("", "—"),
            *((k, e.name) for k, e in self._employers.items()),
        ]

    def employer(self) -> Employer | None:
        return self._employers.get(self.cleaned_data.get("new_employer") or "")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=200, required=False)


class CardIssueForm(forms.Form):
    org = forms.ChoiceField(label=_("发证工会"))
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any):
        kwargs["initial"] = {"issued_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = _org_choices(orgs)


def org_label(org: Org) -> str:
    return f"{org.name}（{org.code}）"
