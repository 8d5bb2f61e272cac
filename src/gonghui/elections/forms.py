from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.elections import conf
from gonghui.elections.models import (
    POST_ORDER,
    FormationForm,
    LeadsBy,
    MeetingType,
    PostKind,
    TermRequestKind,
    WomenBodyForm,
    WomenBodyFormedBy,
)  # fmt: skip
from gonghui.elections.rules import CHAIR_BARS
from gonghui.orgs.models import ALLOWED_CHILDREN, BASE_KINDS, JointScope, OrgKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TERM_CHOICES = [(5, _("5 年")), (3, _("3 年"))]


def _org_choices(qs: Any) -> list[tuple[str, str]]:
    return [(o.code, f"{'　' * (o.depth - 1)}{o.name}（{o.code}）") for o in qs.order_by("path")]


class FormationEditForm(forms.Form):
    name = forms.CharField(
        label=_("拟成立工会全称"), max_length=120, help_text=_("如：会泽县某某有限公司工会委员会")
    )
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("工会类别"), choices=[(k, v) for k, v in OrgKind.choices if k in BASE_KINDS],
                             help_text=_("独立基层工会对应一个单位；联合基层工会由两个以上单位联合建立"))  # fmt: skip
    form = forms.ChoiceField(label=_("组织形式"), choices=FormationForm.choices,
                             help_text=_("工会法第十一条：会员 25 人以上的应当建立基层工会委员会；不足 25 人的可以单独或联合建立委员会，也可以选举组织员一人"))  # fmt: skip
    joint_scope = forms.ChoiceField(label=_("联合范围"), choices=[("", "—"), *JointScope.choices], required=False,
                                    help_text=_("仅联合基层工会、新就业形态工会填写"))  # fmt: skip
    region_code = forms.RegexField(
        label=_("所在政区代码"), regex=r"^\d{6}$", error_messages={"invalid": _("政区代码应为 6 位数字")}
    )
    employers = forms.MultipleChoiceField(label=_("建会单位"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
                                          help_text=_("未建会或由联合工会覆盖的单位；按住 Ctrl 可多选"))  # fmt: skip
    chair_name = forms.CharField(label=_("主席（组织员）人选"), max_length=40, required=False)
    term_years = forms.TypedChoiceField(
        label=_("任期"), choices=TERM_CHOICES, coerce=int, help_text=_("工会法第十六条：3 年或 5 年")
    )
    request_text = forms.CharField(label=_("请示正文"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                   help_text=_("留空则按表单自动生成；也可在详情页上传已签章的请示文件"))  # fmt: skip

    def __init__(self, *args: Any, employers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employers"]).choices = [
            (str(e.pk), f"{e.name}（{e.employees} 人{'，' + e.union.name if e.union else ''}）")
            for e in employers
        ]
        self.fields["term_years"].initial = conf.rules().default_term_years


class FormationCreateForm(FormationEditForm):
    parent = forms.ChoiceField(label=_("上级工会（审批单位）"))
    field_order = ["parent", "name"]

    def __init__(self, *args: Any, parents: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ok = [k for k, children in ALLOWED_CHILDREN.items() if children & BASE_KINDS]
        cast(forms.ChoiceField, self.fields["parent"]).choices = _org_choices(parents.filter(kind__in=ok))


class RosterForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30, required=False,
                                help_text=_("加密保存，列表中遮蔽显示；会员库中已有的人员自动关联"))  # fmt: skip
    employer = forms.ChoiceField(label=_("工作单位"), required=False)
    lines = forms.CharField(label=_("批量添加"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("每行一人：姓名 身份证号 [单位名称]，以空格或逗号分隔"))  # fmt: skip

    def __init__(self, *args: Any, employers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            ("", "—"),
            *[(str(e.pk), e.name) for e in employers],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("lines", "").strip() and not (data.get("name") and data.get("id_number")):
            raise forms.ValidationError(_("请填写姓名和身份证号，或在“批量添加”中逐行填写。"))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("请示文件"), help_text=_("已签章的请示：PDF、OFD、Word 或图片"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), widget=forms.RadioSelect,
                                 choices=[("approve", _("同意")), ("return", _("退回修改")), ("reject", _("不予批准"))])  # fmt: skip
    reason = forms.CharField(label=_("审批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("退回或不予批准时必填"))  # fmt: skip


class FormationDecideForm(DecideForm):
    founded_on = forms.DateField(
        label=_("建会时间"), required=False, widget=DATE, help_text=_("默认为批复当日")
    )
    term_years = forms.TypedChoiceField(
        label=_("任期（年）"),
        help_text=_("第一届委员会由建会选举产生，任期自其选举结果批复起算"),
        choices=TERM_CHOICES,
        coerce=int,
    )


class TermRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("请示事项"), choices=TermRequestKind.choices)
    proposed_date = forms.DateField(label=_("日期"), required=False, widget=DATE,
                                    help_text=_("延期换届：新的任期届满日期；提前换届：拟换届日期"))  # fmt: skip
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class TermDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结果"),
        widget=forms.RadioSelect,
        choices=[("approve", _("批准")), ("reject", _("不予批准"))],
    )
    reason = forms.CharField(
        label=_("审批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


CHAIR_BAR_CHOICES = tuple(CHAIR_BARS.items())


class ElectionForm(forms.Form):
    meeting_type = forms.ChoiceField(label=_("会议形式"), choices=MeetingType.choices)
    meeting_date = forms.DateField(label=_("选举日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    due = forms.IntegerField(label=_("应到人数"), min_value=0, required=False,
                             help_text=_("会员大会为有选举权的会员数（默认为会员人数）；会员代表大会为代表数"))  # fmt: skip
    present = forms.IntegerField(
        label=_("实到人数"), min_value=0, required=False, help_text=_("选举当日填写")
    )
    term_years = forms.TypedChoiceField(label=_("任期"), choices=TERM_CHOICES, coerce=int)
    leads_by = forms.ChoiceField(label=_("主席、副主席产生方式"), choices=LeadsBy.choices, required=False,
                                 help_text=_("章程第二十七条（2008年文本）：可由大会直接选举，也可由新一届委员会第一次全体会议选举"))  # fmt: skip
    publicity_start = forms.DateField(label=_("候选人公示开始日期"), widget=DATE, required=False,
                                      help_text=_("企业工会主席候选人须公示 7 天，期满后方可投票（企业工会主席产生办法（试行）第十条）"))  # fmt: skip


class PlenaryForm(forms.Form):
    plenary_present = forms.IntegerField(label=_("委员会全体会议实到人数"), min_value=0, max_value=100000,
                                         help_text=_("应到为新当选的委员会委员人数"))  # fmt: skip


class WomenCommitteeForm(forms.Form):
    form = forms.ChoiceField(label=_("形式"), choices=WomenBodyForm.choices,
                             help_text=_("女会员 10 人以上的应建立女职工委员会，不足 10 人的可设女职工委员 1 名（工会女职工委员会工作条例第十一条）"))  # fmt: skip
    formed_by = forms.ChoiceField(label=_("产生方式"), choices=WomenBodyFormedBy.choices,
                                  help_text=_("委员由工会委员会提名，经协商或女职工大会（代表大会）产生，不由会员大会选举"))  # fmt: skip
    nominated_on = forms.DateField(label=_("工会委员会提名日期"), widget=DATE)
    formed_on = forms.DateField(label=_("产生日期"), widget=DATE)
    chair_name = forms.CharField(label=_("主任（女职工委员）"), max_length=40)
    member_names = forms.CharField(label=_("其他委员"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一人；只设女职工委员的不填"))  # fmt: skip

    def clean_member_names(self) -> list[str]:
        return [x.strip() for x in self.cleaned_data["member_names"].splitlines() if x.strip()]


class PostsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind in POST_ORDER:
            self.fields[kind] = forms.IntegerField(
                label=PostKind(kind).label, min_value=0, initial=0, required=False
            )
        self.fields[PostKind.ORGANISER].help_text = _("只选组织员的工会（不足 25 人）填 1，其余职位填 0")
        self.fields[PostKind.VICE_CHAIR].help_text = _("主席、副主席可等额选举，须从委员候选人中产生")


class CandidateForm(forms.Form):
    post = forms.ChoiceField(label=_("职位"))
    member_no = forms.CharField(label=_("会员编号"), max_length=32, required=False)
    id_number = forms.CharField(
        label=_("或：公民身份号码"), max_length=30, required=False, help_text=_("候选人须是本会的正常会员")
    )
    principal_relative = forms.BooleanField(label=_("单位主要负责人的近亲属"), required=False,
                                            help_text=_("工会法第十条：不得作为本单位工会委员会成员人选"))  # fmt: skip
    chair_bar = forms.ChoiceField(
        label=_("主席人选限制"), required=False, choices=[("", _("无"))] + list(CHAIR_BAR_CHOICES),
        help_text=_("企业工会主席产生办法（试行）第六条：以上人员不得作为本企业工会主席候选人"),
    )  # fmt: skip
    finance_officer = forms.BooleanField(label=_("拟分管经费工作的委员"), required=False,
                                         help_text=_("不得同时担任经费审查委员会委员"))  # fmt: skip
    note = forms.CharField(label=_("备注"), max_length=120, required=False)

    def __init__(self, *args: Any, posts: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["post"]).choices = [(p.kind, p.get_kind_display()) for p in posts]


class VotesForm(forms.Form):
    ballots = forms.IntegerField(label=_("收回选票"), min_value=0)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for c in candidates:
            self.fields[f"c{c.pk}"] = forms.IntegerField(label=_("%(n)s 赞成票") % {"n": c.name}, min_value=0)

    def votes(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items() if k.startswith("c")}
