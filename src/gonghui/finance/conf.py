"""The money rules as settings, each with its source or marked *unverified* (DOMAIN.md: "Money").

Read at call time from Django settings (settings.py turns GONGHUI_* environment variables into
settings), else the default here, as `elections/conf.py` does. Pages show the rule in force and its
source in plain Chinese (`help_texts`), never the setting's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEFAULTS: dict[str, Any] = {
    # 会费: 0.5% of the monthly wage. Source: 全总《关于中国工会会员会费收缴的规定》as cited in
    # DOMAIN.md — *unverified* against the current text (DOMAIN.md marks it so).
    "GONGHUI_DUES_RATE": "0.005",
    # the part of the monthly wage below ten yuan is not counted ("尾数不足十元的部分不计交会费"):
    # the base is the wage rounded down to a multiple of this many fen (DOMAIN.md; *unverified*)
    "GONGHUI_DUES_BASE_STEP_FEN": 1000,
    # rounding of the monthly amount: "fen" (half up to the fen), "jiao" (half up to 0.1 yuan) or
    # "yuan"; no source fixes it (*unverified*). With the defaults the amount is always whole fen.
    "GONGHUI_DUES_ROUNDING": "fen",
    # exemptions: 保留会籍期间免交会费 (中国工会章程（2008年文本）第八条: retired and unemployed
    # members keep their membership without dues); hardship (困难职工) exemption is local practice
    # (*unverified*); an unemployed member not (yet) retained is exempt too (*unverified*).
    "GONGHUI_DUES_EXEMPT_RETAINED": True,
    "GONGHUI_DUES_EXEMPT_HARDSHIP": True,
    "GONGHUI_DUES_EXEMPT_UNEMPLOYED": True,
    # 连续六个月不交纳会费 (章程（2008年文本）第六条): months without dues before the review list
    "GONGHUI_DUES_ARREARS_MONTHS": 6,
    # 工会经费: 2% of the payroll (工会法 第四十三条)
    "GONGHUI_FUNDS_RATE": "0.02",
    # declared per "month" or per "quarter" (local practice; *unverified* default)
    "GONGHUI_FUNDS_PERIOD": "month",
    # who collects: "employer" (the employer remits to the union) or "tax" (the tax office collects
    # on the union's behalf, 税务代收, where the province has so arranged) — *unverified*, a setting
    "GONGHUI_FUNDS_COLLECTOR": "employer",
    # shares of what was paid, per level from the grassroots union up (percent, summing to 100).
    # 基层工会留成 60% and 上缴全总 5% follow 全总's rules on the 2% allocation; the split between
    # the county, city and province is set by each province (*unverified* default).
    "GONGHUI_FUNDS_SHARES": "grassroots:60,township:0,county:25,city:5,province:5,national:5",
    # 筹备金: collected from employers without a union where the province's rules say so; the
    # grassroots share is then held by the area union (乡镇/街道) that covers the employer (*unverified*)
    "GONGHUI_FUNDS_PREP_COLLECT": True,
    # an employer owing funds for longer than this many days is "in arrears" on the list and gets a 催缴函
    "GONGHUI_FUNDS_GRACE_DAYS": 15,
}

LEVELS = ("grassroots", "township", "county", "city", "province", "national")
LEVEL_LABELS = {
    "grassroots": "基层工会留成",
    "township": "乡镇(街道)、产业(系统)工会",
    "county": "县(区)总工会",
    "city": "市(州)总工会",
    "province": "省总工会",
    "national": "中华全国总工会",
}
ROUNDINGS = {"fen": 1, "jiao": 10, "yuan": 100}


def raw(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def _int(name: str) -> int:
    try:
        return int(raw(name))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw(name)!r}") from None


def _rate(name: str) -> Fraction:
    try:
        value = Fraction(str(raw(name)).strip())
    except (TypeError, ValueError, ZeroDivisionError):
        raise ImproperlyConfigured(f"{name} must be a number such as 0.005, got {raw(name)!r}") from None
    if not 0 <= value < 1:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1, got {value}")
    return value


def _bool(name: str) -> bool:
    value = raw(name)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off", "")


def parse_shares(value: Any) -> tuple[tuple[str, int], ...]:
    """ "grassroots:60,county:25,…" → ((level, percent), …) in LEVELS order; must sum to 100."""
    items = (
        value.items()
        if isinstance(value, dict)
        else (p.split(":", 1) for p in str(value).split(",") if p.strip())
    )
    out: dict[str, int] = {}
    for level, pct in items:
        level = str(level).strip()
        if level not in LEVELS:
            raise ImproperlyConfigured(
                f"GONGHUI_FUNDS_SHARES: unknown level {level!r} (one of {', '.join(LEVELS)})"
            )
        try:
            out[level] = int(str(pct).strip())
        except ValueError:
            raise ImproperlyConfigured(f"GONGHUI_FUNDS_SHARES: {level} needs a whole percent") from None
    if sum(out.values()) != 100 or any(v < 0 for v in out.values()):
        raise ImproperlyConfigured("GONGHUI_FUNDS_SHARES: the percentages must be ≥ 0 and sum to 100")
    return tuple((lv, out[lv]) for lv in LEVELS if lv in out)


@dataclass(frozen=True)
class Rules:
    dues_rate: Fraction
    base_step_fen: int
    rounding: str
    exempt_retained: bool
    exempt_hardship: bool
    exempt_unemployed: bool
    arrears_months: int
    funds_rate: Fraction
    funds_period: str
    collector: str
    shares: tuple[tuple[str, int], ...]
    prep_collect: bool
    grace_days: int


def rules() -> Rules:
    rounding = str(raw("GONGHUI_DUES_ROUNDING")).strip()
    if rounding not in ROUNDINGS:
        raise ImproperlyConfigured("GONGHUI_DUES_ROUNDING must be fen, jiao or yuan")
    period = str(raw("GONGHUI_FUNDS_PERIOD")).strip()
    if period not in ("month", "quarter"):
        raise ImproperlyConfigured("GONGHUI_FUNDS_PERIOD must be month or quarter")
    collector = str(raw("GONGHUI_FUNDS_COLLECTOR")).strip()
    if collector not in ("employer", "tax"):
        raise ImproperlyConfigured("GONGHUI_FUNDS_COLLECTOR must be employer or tax")
    step = _int("GONGHUI_DUES_BASE_STEP_FEN")
    if step < 1:
        raise ImproperlyConfigured("GONGHUI_DUES_BASE_STEP_FEN must be ≥ 1")
    return Rules(
        dues_rate=_rate("GONGHUI_DUES_RATE"),
        base_step_fen=step,
        rounding=rounding,
        exempt_retained=_bool("GONGHUI_DUES_EXEMPT_RETAINED"),
        exempt_hardship=_bool("GONGHUI_DUES_EXEMPT_HARDSHIP"),
        exempt_unemployed=_bool("GONGHUI_DUES_EXEMPT_UNEMPLOYED"),
        arrears_months=max(1, _int("GONGHUI_DUES_ARREARS_MONTHS")),
        funds_rate=_rate("GONGHUI_FUNDS_RATE"),
        funds_period=period,
        collector=collector,
        shares=parse_shares(raw("GONGHUI_FUNDS_SHARES")),
        prep_collect=_bool("GONGHUI_FUNDS_PREP_COLLECT"),
        grace_days=max(0, _int("GONGHUI_FUNDS_GRACE_DAYS")),
    )


def _pct(f: Fraction) -> str:
    return f"{float(f * 100):g}%"


def _basis(text: str) -> str:
    return _("（依据：%(t)s）") % {"t": text}


UNVERIFIED = "未经核实的默认值，可在设置中修改"


def help_texts() -> dict[str, str]:
    """One line per money rule: the value in force and its source, in plain Chinese."""
    r = rules()
    shares = "，".join(f"{LEVEL_LABELS[lv]} {p}%" for lv, p in r.shares if p)
    step = f"{r.base_step_fen / 100:g}"
    rounding = {"fen": _("四舍五入到分"), "jiao": _("四舍五入到角"), "yuan": _("四舍五入到元")}[r.rounding]
    exempt = [t for on, t in ((r.exempt_retained, _("保留会籍")), (r.exempt_hardship, _("困难职工")),
                              (r.exempt_unemployed, _("失业"))) if on]  # fmt: skip
    return {
        "dues": _("会费按本人月工资收入的 %(r)s 交纳；工资尾数不足 %(s)s 元的部分不计；金额%(d)s。")
        % {"r": _pct(r.dues_rate), "s": step, "d": rounding}
        + _basis(_("全总关于会员会费收缴的规定；%(u)s") % {"u": UNVERIFIED}),
        "exempt": _("免交会费：%(e)s。") % {"e": "、".join(exempt) or _("无")}
        + _basis(
            _("章程第八条（2008年文本）保留会籍期间免交会费；困难、失业免交为%(u)s") % {"u": UNVERIFIED}
        ),
        "arrears": _(
            "连续 %(m)d 个月未交会费的会员列入复核名单；经教育拒不改正的，由工会决定按自动退会处理，系统不会自动退会。"
        )
        % {"m": r.arrears_months}
        + _basis(_("章程第六条（2008年文本）")),
        "funds": _("用人单位按全部职工工资总额的 %(r)s 按%(p)s拨缴工会经费，%(c)s。")
        % {
            "r": _pct(r.funds_rate),
            "p": _("月") if r.funds_period == "month" else _("季"),
            "c": _("由税务机关代收") if r.collector == "tax" else _("由单位直接拨缴"),
        }  # fmt: skip
        + _basis(_("工会法第四十三条；拨缴周期与代收方式为%(u)s") % {"u": UNVERIFIED}),
        "shares": _("经费分成：%(s)s；按分计算，尾差按最大余数法分配，合计等于实缴金额。") % {"s": shares}
        + _basis(
            _("全总经费分成规定（基层留成 60%%、上缴全总 5%%），其余各级比例为%(u)s") % {"u": UNVERIFIED}
        ),
        "prep": (
            _("未建会单位按同一比例缴纳工会筹备金，由所在乡镇(街道)工会代管。")
            if r.prep_collect
            else _("未建会单位不收筹备金。")
        )  # fmt: skip
        + _basis(_("省总工会规定；%(u)s") % {"u": UNVERIFIED}),
        "arrears_funds": _(
            "工会经费逾期 %(d)d 天未缴的列入欠缴名单，可发催缴函；拒不缴纳的，工会可向人民法院申请支付令。"
        )
        % {"d": r.grace_days}
        + _basis(_("工会法第四十四条")),
    }
