"""The idle score's weights and thresholds, as settings with their stated defaults (like
elections/conf.py): read at call time from Django settings, else the environment (settings.py),
else the default. No national rule fixes any of them: seed 002 names the problem ("部分基层工会存在
'空转'现象") without a measure, so the defaults are this system's and a federation sets its own.
Pages show the value in use and its source in plain Chinese (`help_texts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# component → (setting, default points); the points of the components met add up to the score
WEIGHTS: dict[str, tuple[str, int]] = {
    "election": ("GONGHUI_IDLE_WEIGHT_ELECTION", 20),  # term not overdue, founding election held
    "congress": ("GONGHUI_IDLE_WEIGHT_CONGRESS", 15),  # a workers' congress in the 12 months
    "contract": ("GONGHUI_IDLE_WEIGHT_CONTRACT", 15),  # a collective contract in force today
    "activities": ("GONGHUI_IDLE_WEIGHT_ACTIVITIES", 20),  # activities recorded in the 12 months
    "members": ("GONGHUI_IDLE_WEIGHT_MEMBERS", 10),  # new members or member changes recorded
    "services": ("GONGHUI_IDLE_WEIGHT_SERVICES", 10),  # assistance, training, care given
    "logins": ("GONGHUI_IDLE_WEIGHT_LOGINS", 10),  # the union's own accounts used gonghui
}
DEFAULTS: dict[str, int] = {
    **{name: default for name, default in WEIGHTS.values()},
    # a union scoring below this is idle (空转)
    "GONGHUI_IDLE_THRESHOLD": 40,
    # activities in the 12 months for the full points (fewer: a share of them)
    "GONGHUI_IDLE_MIN_ACTIVITIES": 4,
    # the window looked at, in days
    "GONGHUI_IDLE_WINDOW_DAYS": 365,
    # a follow-up's default period
    "GONGHUI_IDLE_FOLLOWUP_DAYS": 30,
}


def _int(name: str) -> int:
    value = getattr(settings, name, DEFAULTS[name])
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if out < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {out}")
    return out


@dataclass(frozen=True)
class Rules:
    weights: dict[str, int]
    threshold: int
    min_activities: int
    window_days: int
    followup_days: int

    @property
    def total(self) -> int:
        return sum(self.weights.values())


def rules() -> Rules:
    r = Rules(
        weights={k: _int(name) for k, (name, _d) in WEIGHTS.items()},
        threshold=_int("GONGHUI_IDLE_THRESHOLD"),
        min_activities=max(1, _int("GONGHUI_IDLE_MIN_ACTIVITIES")),
        window_days=max(1, _int("GONGHUI_IDLE_WINDOW_DAYS")),
        followup_days=max(1, _int("GONGHUI_IDLE_FOLLOWUP_DAYS")),
    )
    if r.total <= 0:
        raise ImproperlyConfigured("GONGHUI_IDLE_WEIGHT_*: at least one weight must be positive")
    return r


LABELS = {
    "election": "按期换届",
    "congress": "召开职代会",
    "contract": "集体合同在有效期内",
    "activities": "开展活动",
    "members": "会员发展与变动有记录",
    "services": "服务职工",
    "logins": "本会账号登录系统",
}


def help_texts() -> dict[str, str]:
    """The score's rule in plain Chinese: the points of each item, the threshold and the source."""
    r = rules()
    items = "；".join(f"{_(LABELS[k])} {w} 分" for k, w in r.weights.items())
    return {
        "weights": _("近 %(d)d 天内：%(items)s，满分 %(t)d 分。") % {"d": r.window_days, "items": items, "t": r.total},
        "threshold": _("得分低于 %(n)d 分的基层工会列为“空转”；活动满 %(a)d 次得该项满分，不足按比例计分。")
        % {"n": r.threshold, "a": r.min_activities},
        "source": _("国家没有统一的“空转”认定标准（全总文件只提出“部分基层工会存在‘空转’现象”），以上分值为本系统默认，"
                    "可由总工会管理员在系统设置中调整。"),
    }  # fmt: skip
