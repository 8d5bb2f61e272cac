"""The settings a county federation admin may change in 系统设置, each in plain Chinese.

Every entry names the Django setting (= the environment variable) it overrides, the rule it
sets, where the rule comes from, and how a typed value is checked. The built-in default is the
one the reading module declares (elections/conf.py DEFAULTS, settings.py), so there is one
default per setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gonghui.elections import conf as election_conf


class Invalid(ValueError):
    """A typed value that does not fit the setting (message in Chinese)."""


def _int(lo: int, hi: int) -> Callable[[str], str]:
    def check(v: str) -> str:
        try:
            n = int(v.strip())
        except ValueError:
            raise Invalid(_("请填写整数。")) from None
        if not lo <= n <= hi:
            raise Invalid(_("应在 %(lo)d 到 %(hi)d 之间。") % {"lo": lo, "hi": hi})
        return str(n)

    return check


def _fraction(v: str) -> str:
    try:
        f = Fraction(v.strip())
    except (ValueError, ZeroDivisionError):
        raise Invalid(_("请填写分数或小数，如 2/3、0.05。")) from None
    if not 0 <= f < 1:
        raise Invalid(_("应在 0 与 1 之间。"))
    return v.strip()


def _bool(v: str) -> str:
    s = v.strip().lower()
    if s not in ("1", "0", "true", "false"):
        raise Invalid(_("请选择是或否。"))
    return "1" if s in ("1", "true") else "0"


def _bands(v: str) -> str:
    try:
        election_conf.parse_bands(v.strip())
    except ImproperlyConfigured:
        raise Invalid(
            _("格式为“人数上限:最少-最多”，逗号分隔，按人数递增，最后一档不写上限，如 24:3-5,200:3-7,:7-15。")
        ) from None
    return v.strip()


def pattern_check(v: str) -> str:
    v = v.strip()
    try:
        sample = v.format(year=2026, n=1)
    except (KeyError, IndexError, ValueError):
        raise Invalid(_("只能使用 {year}（年份）和 {n}（序号）两个占位符。")) from None
    if "{n" not in v or "{year}" not in v or sample == v:
        raise Invalid(_("须含 {year} 和 {n}，如 东工发〔{year}〕{n}号。"))
    if len(v) > 60:
        raise Invalid(_("不超过 60 个字符。"))
    return v


def _url(v: str) -> str:
    v = v.strip().rstrip("/")
    if v and not v.startswith(("https://", "http://")):
        raise Invalid(_("以 https:// 开头的网址，如 https://gh.example.gov.cn。"))
    return v


def _text(v: str) -> str:
    return v.strip()


@dataclass(frozen=True)
class Spec:
    key: str
    label: Any
    group: Any
    help: Any
    source: Any
    check: Callable[[str], str]
    default: Any = None  # None: the reading module's default (elections/conf.py)
    kind: str = "text"  # text, bool, file
    recount: bool = False  # statistics depend on it: counters are rebuilt after a change

    @property
    def slug(self) -> str:
        """The setting in URLs and pages (the variable's name is for deployers, not on screen)."""
        return self.key.removeprefix("GONGHUI_").lower().replace("_", "-")

    def builtin(self) -> Any:
        if self.default is not None:
            return self.default
        return election_conf.DEFAULTS.get(self.key, "")


ELECTIONS = _("组建与换届")
STATS = _("统计口径")
MEMBERS = _("会员与扫码入会")
DOCS = _("公文与印章")
_UNION = _("工会基层组织选举工作条例")
_CHARTER = _("中国工会章程第二十六条（2008年文本）")
_LOCAL = _("无上位规定，由本会确定")

SPECS: tuple[Spec, ...] = (
    Spec("GONGHUI_COVERAGE_MIN_EMPLOYEES", _("应建会单位的最少职工人数"), STATS,
         _("职工达到此人数、已摸底且正常经营的用人单位计入建会率的分母（应建会单位）。修改后统计数字会重新计算。"),
         _("各地统计口径不一，由本会确定"), _int(1, 1000), default=25, recount=True),
    Spec("GONGHUI_ELECTION_QUORUM", _("选举有效的到会比例"), ELECTIONS,
         _("实到人数须达到应到人数的这一比例方可投票，如 2/3。"), _UNION, _fraction),
    Spec("GONGHUI_QUORUM_INCLUSIVE", _("到会比例“以上”包括本数"), ELECTIONS,
         _("是：恰好三分之二即有效；否：须超过三分之二。"), _("民法典第一千二百五十九条"), _bool, kind="bool"),
    Spec("GONGHUI_ELECTION_MAJORITY", _("当选所需赞成票比例"), ELECTIONS,
         _("赞成票须超过应到人数的这一比例，如 1/2。"), _UNION, _fraction),
    Spec("GONGHUI_MIN_CONTEST_RATE", _("最低差额率"), ELECTIONS,
         _("委员候选人多于应选人数的最低比例，如 0.05 即 5%。"), _UNION, _fraction),
    Spec("GONGHUI_COMMITTEE_BANDS", _("委员会委员名额（按会员人数）"), ELECTIONS,
         _("每档写“会员人数上限:最少-最多名”，逗号分隔，最后一档不写上限。"),
         _("原《工会基层组织选举工作暂行条例》第七条"), _bands),
    Spec("GONGHUI_GENERAL_MEETING_MAX_MEMBERS", _("召开会员大会的会员人数上限"), ELECTIONS,
         _("会员在此人数以下的召开会员大会，以上的可召开会员代表大会。"), _CHARTER, _int(1, 100000)),
    Spec("GONGHUI_TERM_DUE_DAYS", _("任期“即将到期”的提前天数"), ELECTIONS,
         _("任期在此天数内届满的列为即将到期；早于此时换届为提前换届。"), _CHARTER, _int(1, 720)),
    Spec("GONGHUI_MAX_POSTPONE_MONTHS", _("延期换届最长月数"), ELECTIONS,
         _("延期换届一般不超过此月数，须经上级工会批准。"), _CHARTER, _int(1, 24)),
    Spec("GONGHUI_DEFAULT_TERM_YEARS", _("默认任期（年）"), ELECTIONS,
         _("新建会和换届时预填的任期，3 或 5 年（工会法第十六条）。"), _("工会法第十六条"), _int(3, 5)),
    Spec("GONGHUI_FOUNDING_ELECTION_DAYS", _("筹建后须选举的天数"), ELECTIONS,
         _("批复成立后超过此天数仍未选举第一届委员会的，列入到期未换届。"), _LOCAL, _int(1, 720)),
    Spec("GONGHUI_AUDIT_SINGLE_MAX_MEMBERS", _("可只选 1 名经审委员的会员人数"), ELECTIONS,
         _("会员不足此人数的工会可只选经费审查委员 1 名。"), _("工会法第四十五条；人数由本会确定"), _int(1, 10000)),
    Spec("GONGHUI_AUDIT_COMMITTEE_MIN", _("经费审查委员会最少人数"), ELECTIONS,
         _("会员较多的工会经费审查委员会至少此人数。"), _LOCAL, _int(1, 50)),
    Spec("GONGHUI_APPROVAL_NO_PATTERN", _("县总工会批复文号格式"), DOCS,
         _("{year} 为年份，{n} 为当年序号（{n:03d} 补足三位）。各乡镇（街道）、产业系统工会的格式在下方“各发文工会的批复文号”中设置。"),
         _("本会公文编号惯例"), pattern_check),
    Spec("GONGHUI_SEAL_IMAGE", _("公章图片"), DOCS,
         _("打印在批复和会员证上的公章图片（PNG，透明底）。未上传时画一枚示意公章。"), _LOCAL, _text, default="", kind="file"),
    Spec("GONGHUI_PUBLIC_URL", _("对外访问地址"), MEMBERS,
         _("扫码入会和会员证核验二维码中的网址，职工手机须能打开。未设置时用当前访问地址。"), _LOCAL, _url, default=""),
    Spec("GONGHUI_JOIN_SMS_VERIFY", _("扫码入会须短信验证手机号"), MEMBERS,
         _("是：职工须填写短信验证码；否：不发短信（短信通道未开通时）。"), _LOCAL, _bool, default=True, kind="bool"),
)  # fmt: skip

BY_KEY = {s.key: s for s in SPECS}
BY_SLUG = {s.slug: s for s in SPECS}
