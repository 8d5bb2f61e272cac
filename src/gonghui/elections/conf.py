"""The rules DOMAIN.md marks *unverified*, as settings with their stated defaults.

Each is read at call time from Django settings, else the environment, else the default, so a
deployment changes one in settings.py or by an environment variable, and tests with
`settings.GONGHUI_… = …`. Pages show the value in use and its source in plain Chinese
(`help_texts`), never the setting's name (issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEFAULTS: dict[str, Any] = {
    # 批复文号: {year} and {n} (a gap-free sequence per year); `{n:03d}` pads.
    "GONGHUI_APPROVAL_NO_PATTERN": "会总工发〔{year}〕{n}号",
    # 章程 art. 26 (pre-2018 text): up to this many members hold a 会员大会, not a delegates' assembly.
    "GONGHUI_GENERAL_MEETING_MAX_MEMBERS": 100,
    # turnout must reach this share of those due (应到): "三分之二以上" includes the number
    # (民法典 art. 1259); GONGHUI_QUORUM_INCLUSIVE False makes it "more than"
    "GONGHUI_ELECTION_QUORUM": "2/3",
    "GONGHUI_QUORUM_INCLUSIVE": True,
    # a candidate is elected with votes for exceeding this share of those due (应到, not 实到)
    "GONGHUI_ELECTION_MAJORITY": "1/2",
    # 差额率: candidates exceed seats by at least this share, for the posts listed below
    "GONGHUI_MIN_CONTEST_RATE": "0.05",
    "GONGHUI_CONTESTED_POSTS": "committee",
    # committee seats by members: "max_members:lo-hi,…,:lo-hi" (the last, open-ended band has no max)
    "GONGHUI_COMMITTEE_BANDS": "24:3-5,200:3-7,1000:7-15,5000:15-21,10000:21-29,50000:29-37,:37-45",
    # a term ending within this many days is "due"; an election earlier than that is early (提前换届)
    "GONGHUI_TERM_DUE_DAYS": 90,
    # a postponement (延期换届) may move the term's end by at most this many months
    "GONGHUI_MAX_POSTPONE_MONTHS": 6,
    "GONGHUI_DEFAULT_TERM_YEARS": 5,
    "GONGHUI_UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    # a union approved 筹建 (no term yet) that has not held its founding election after this many
    # days is listed as overdue (issue 17; no source fixes the period)
    "GONGHUI_FOUNDING_ELECTION_DAYS": 90,
    # 经费审查委员会 (工会法 art. 45; 章程 art. 26): a union with fewer members than this may elect a
    # single 经审委员; otherwise at least GONGHUI_AUDIT_COMMITTEE_MIN members (no source fixes either)
    "GONGHUI_AUDIT_SINGLE_MAX_MEMBERS": 25,
    "GONGHUI_AUDIT_COMMITTEE_MIN": 3,
}


def raw(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])  # settings.py reads the environment


def _int(name: str) -> int:
    try:
        return int(raw(name))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw(name)!r}") from None


def _fraction(name: str) -> Fraction:
    try:
        value = Fraction(str(raw(name)).strip())
    except (TypeError, ValueError, ZeroDivisionError):
        raise ImproperlyConfigured(
            f"{name} must be a fraction such as 2/3 or 0.05, got {raw(name)!r}"
        ) from None
    if not 0 <= value < 1:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1, got {value}")
    return value


Band = tuple[int | None, int, int]  # (max members or None for the open end, lo, hi)


def parse_bands(value: Any) -> tuple[Band, ...]:
    """ "24:3-5,200:3-7,…,:37-45" or a sequence of (max_members|None, lo, hi)."""
    bands: list[Band] = []
    if isinstance(value, str):
        for part in value.split(","):
            top, _sep, span = part.strip().partition(":")
            lo, _sep2, hi = span.partition("-")
            try:
                bands.append((int(top) if top.strip() else None, int(lo), int(hi)))
            except ValueError:
                raise ImproperlyConfigured(f"GONGHUI_COMMITTEE_BANDS: cannot read {part!r}") from None
    else:
        bands = [(None if b[0] is None else int(b[0]), int(b[1]), int(b[2])) for b in value]
    tops = [b[0] for b in bands]
    if not bands or tops[-1] is not None or None in tops[:-1] or tops[:-1] != sorted(tops[:-1]):  # type: ignore[type-var]
        raise ImproperlyConfigured(
            "GONGHUI_COMMITTEE_BANDS: bands must rise and end with an open band (':lo-hi')"
        )
    if any(lo < 1 or hi < lo for _t, lo, hi in bands):
        raise ImproperlyConfigured("GONGHUI_COMMITTEE_BANDS: each band needs 1 ≤ lo ≤ hi")
    return tuple(bands)


@dataclass(frozen=True)
class Rules:
    """The settings in force, read once per request or action."""

    approval_pattern: str
    general_meeting_max: int
    quorum: Fraction
    majority: Fraction
    contest_rate: Fraction
    contested_posts: frozenset[str]
    bands: tuple[Band, ...]
    due_days: int
    max_postpone_months: int
    default_term_years: int
    upload_max_bytes: int
    quorum_inclusive: bool = True
    founding_days: int = 90
    audit_single_below: int = 25
    audit_committee_min: int = 3


def _bool(name: str) -> bool:
    value = raw(name)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off", "")


def rules() -> Rules:
    return Rules(
        approval_pattern=str(raw("GONGHUI_APPROVAL_NO_PATTERN")),
        general_meeting_max=_int("GONGHUI_GENERAL_MEETING_MAX_MEMBERS"),
        quorum=_fraction("GONGHUI_ELECTION_QUORUM"),
        majority=_fraction("GONGHUI_ELECTION_MAJORITY"),
        contest_rate=_fraction("GONGHUI_MIN_CONTEST_RATE"),
        contested_posts=frozenset(
            p.strip() for p in str(raw("GONGHUI_CONTESTED_POSTS")).split(",") if p.strip()
        ),
        bands=parse_bands(raw("GONGHUI_COMMITTEE_BANDS")),
        due_days=_int("GONGHUI_TERM_DUE_DAYS"),
        max_postpone_months=_int("GONGHUI_MAX_POSTPONE_MONTHS"),
        default_term_years=_int("GONGHUI_DEFAULT_TERM_YEARS"),
        upload_max_bytes=_int("GONGHUI_UPLOAD_MAX_BYTES"),
        quorum_inclusive=_bool("GONGHUI_QUORUM_INCLUSIVE"),
        founding_days=_int("GONGHUI_FOUNDING_ELECTION_DAYS"),
        audit_single_below=_int("GONGHUI_AUDIT_SINGLE_MAX_MEMBERS"),
        audit_committee_min=_int("GONGHUI_AUDIT_COMMITTEE_MIN"),
    )


def _pct(f: Fraction) -> str:
    v = f * 100
    return f"{v.numerator}%" if v.denominator == 1 else f"{float(v):.1f}%"


def _share(f: Fraction) -> str:
    return {Fraction(2, 3): "三分之二", Fraction(1, 2): "半数"}.get(f, _pct(f))


def _basis(source: str) -> str:
    return _("本规则依据%(s)s，如贵会有不同规定，可由总工会管理员在系统设置中调整。") % {"s": source}


def help_texts() -> dict[str, str]:
    """One line per rule that is a setting: the value in force and its source, in plain Chinese."""
    r = rules()
    bands = "；".join(
        (f"≤{top}人 {lo}–{hi}名" if top is not None else f"更多 {lo}–{hi}名") for top, lo, hi in r.bands
    )
    reach = _("达到") if r.quorum_inclusive else _("超过")
    return {
        "general_meeting": _("会员 %(n)d 人以下应召开会员大会，经上级工会批准方可召开会员代表大会。")
        % {"n": r.general_meeting_max}
        + _basis(_("章程第二十六条（2008年文本）")),
        "quorum": _("实到人数须%(r)s应到人数的%(q)s，方可开始投票，选举方为有效。") % {"r": reach, "q": _share(r.quorum)}
        + _basis(_("选举工作条例“三分之二以上”，“以上”包括本数（民法典第一千二百五十九条）")),
        "majority": _("候选人获得赞成票超过应到人数的%(m)s（以应到而非实到为基数）始得当选。")
        % {"m": _share(r.majority)}
        + _basis(_("工会基层组织选举工作条例")),
        "contest": _("委员候选人数应多于应选人数，差额率不低于 %(r)s；主席、副主席可等额选举。")
        % {"r": _pct(r.contest_rate)}
        + _basis(_("工会基层组织选举工作条例")),
        "bands": _("委员会委员名额按会员人数：%(b)s；不足 25 人也可选举组织员 1 名。") % {"b": bands}
        + _basis(_("原《工会基层组织选举工作暂行条例》第七条")),
        "due": _("任期在 %(d)d 天内届满的列为“即将到期”；早于此时换届为提前换届，须经上级工会批准。")
        % {"d": r.due_days}
        + _basis(_("章程第二十六条（2008年文本）")),
        "postpone": _("延期换届一般不超过 %(m)d 个月，须经上级工会批准。") % {"m": r.max_postpone_months}
        + _basis(_("章程第二十六条（2008年文本）")),
        "approval_no": _("批复文号格式：%(p)s，按年连续编号。") % {"p": r.approval_pattern}
        + _basis(_("本会公文编号惯例")),
        "founding": _("批复成立的工会在召开会员大会选举产生第一届委员会之前为筹建状态；批复后 %(d)d 天仍未选举的，列入“到期未换届”。")
        % {"d": r.founding_days}
        + _basis(_("工会法第十条（工会委员会由选举产生）、章程第十六条（2008年文本）")),
        "audit": _("经费审查委员会与工会委员会同时选举产生；会员不足 %(n)d 人的可只选经费审查委员 1 名，其余至少 %(m)d 名；"
                   "主席、副主席和分管经费工作的委员不得担任经费审查委员。")
        % {"n": r.audit_single_below, "m": r.audit_committee_min}
        + _basis(_("工会法第四十五条、章程第二十六条（2008年文本）")),
    }  # fmt: skip
