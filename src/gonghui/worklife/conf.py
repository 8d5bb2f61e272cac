"""The rules of the union's working life that are settings, with their stated defaults and sources.

Read at call time from Django settings, else the default (settings.py reads the environment), as
`elections/conf.py` does; pages show the value in force and its source in plain Chinese
(`help_texts`), never the setting's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEFAULTS: dict[str, Any] = {
    # 集体合同规定 art. 42: the employer side submits the signed text within 10 days of signing
    "GONGHUI_CONTRACT_SUBMIT_DAYS": 10,
    # art. 47: no objection within 15 days of receipt → the contract takes effect
    "GONGHUI_CONTRACT_REVIEW_DAYS": 15,
    # art. 40: either side may ask to renew within the 3 months before the term ends
    "GONGHUI_CONTRACT_RENEWAL_DAYS": 90,
    # art. 38: a term is generally 1 to 3 years
    "GONGHUI_CONTRACT_MAX_YEARS": 3,
    # 企业民主管理规定 art. 13: 一线职工代表 generally not under half of the delegates; art. 12/13:
    # women delegates in proportion to women employees — no fixed share, the default is a floor
    "GONGHUI_CONGRESS_FRONTLINE_SHARE": "1/2",
    "GONGHUI_CONGRESS_WOMEN_SHARE": "0",
    # 企业民主管理规定 art. 13: delegates at least 5% of employees, not under 30
    "GONGHUI_CONGRESS_MIN_DELEGATES": 30,
    "GONGHUI_CONGRESS_DELEGATE_RATE": "0.05",
    # 企业民主管理规定 art. 16: the congress meets at least once a year
    "GONGHUI_CONGRESS_PER_YEAR": 1,
}


def raw(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def _int(name: str) -> int:
    try:
        value = int(raw(name))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw(name)!r}") from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {value}")
    return value


def _fraction(name: str) -> Fraction:
    try:
        value = Fraction(str(raw(name)).strip())
    except (TypeError, ValueError, ZeroDivisionError):
        raise ImproperlyConfigured(
            f"{name} must be a fraction such as 1/2 or 0.05, got {raw(name)!r}"
        ) from None
    if not 0 <= value <= 1:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1, got {value}")
    return value


@dataclass(frozen=True)
class Rules:
    submit_days: int
    review_days: int
    renewal_days: int
    max_years: int
    frontline_share: Fraction
    women_share: Fraction
    min_delegates: int
    delegate_rate: Fraction
    congress_per_year: int


def rules() -> Rules:
    return Rules(
        submit_days=_int("GONGHUI_CONTRACT_SUBMIT_DAYS"),
        review_days=_int("GONGHUI_CONTRACT_REVIEW_DAYS"),
        renewal_days=_int("GONGHUI_CONTRACT_RENEWAL_DAYS"),
        max_years=_int("GONGHUI_CONTRACT_MAX_YEARS"),
        frontline_share=_fraction("GONGHUI_CONGRESS_FRONTLINE_SHARE"),
        women_share=_fraction("GONGHUI_CONGRESS_WOMEN_SHARE"),
        min_delegates=_int("GONGHUI_CONGRESS_MIN_DELEGATES"),
        delegate_rate=_fraction("GONGHUI_CONGRESS_DELEGATE_RATE"),
        congress_per_year=_int("GONGHUI_CONGRESS_PER_YEAR"),
    )


def _pct(f: Fraction) -> str:
    v = f * 100
    return f"{v.numerator}%" if v.denominator == 1 else f"{float(v):.1f}%"


def _basis(source: str) -> str:
    return _("本规则依据%(s)s，如贵会有不同规定，可由总工会管理员在系统设置中调整。") % {"s": source}


def help_texts() -> dict[str, str]:
    """One line per rule that is a setting: the value in force and its source, in plain Chinese."""
    r = rules()
    women = (
        _("女职工代表应与女职工人数相适应，不低于代表总数的 %(p)s。") % {"p": _pct(r.women_share)}
        if r.women_share
        else _("女职工代表应与女职工人数相适应（本会未规定最低比例）。")
    )
    return {
        "submit": _("集体合同签订后 %(d)d 日内，由用人单位一方报送劳动保障行政部门审查。") % {"d": r.submit_days}
        + _basis(_("《集体合同规定》第四十二条")),
        "review": _("劳动保障行政部门自收到文本之日起 %(d)d 日内未提出异议的，集体合同即行生效。") % {"d": r.review_days}
        + _basis(_("《集体合同规定》第四十七条")),
        "renewal": _("集体合同期满前 %(d)d 日内，双方可提出重新签订或续订，列为“待续签”。") % {"d": r.renewal_days}
        + _basis(_("《集体合同规定》第四十条（期满前3个月）")),
        "term": _("集体合同期限一般为 1 至 %(y)d 年。") % {"y": r.max_years}
        + _basis(_("《集体合同规定》第三十八条")),
        "delegates": _("职工代表人数不少于职工总数的 %(p)s，且不少于 %(n)d 人（职工不足 %(n)d 人的全员参加）。")
        % {"p": _pct(r.delegate_rate), "n": r.min_delegates}
        + _basis(_("《企业民主管理规定》第十三条")),
        "frontline": _("一线职工代表一般不少于代表总数的 %(p)s。") % {"p": _pct(r.frontline_share)}
        + _basis(_("《企业民主管理规定》第十三条")),
        "women": women + _basis(_("《企业民主管理规定》第十三条")),
        "yearly": _("职工代表大会每年至少召开 %(n)d 次。") % {"n": r.congress_per_year}
        + _basis(_("《企业民主管理规定》第十六条")),
    }  # fmt: skip
