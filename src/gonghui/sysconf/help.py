"""Help pages (系统帮助): one per area — what its pages are for, the rules they apply, and where
each rule comes from. Every page links to its area's help (base.html); the annual report's 口径
points to the statistics page. Values that are settings are read in force, never as names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l


@dataclass
class Topic:
    slug: str
    title: Any
    purpose: Any
    rules: list[tuple[Any, Any]] = field(default_factory=list)  # (rule, source)
    settings_keys: tuple[str, ...] = ()


def _election_rules() -> list[tuple[Any, Any]]:
    from gonghui.elections import conf

    texts = conf.help_texts()
    return [(texts[k], "") for k in ("general_meeting", "quorum", "majority", "contest", "bands",
                                                "due", "postpone", "founding", "audit", "approval_no")]  # fmt: skip


def topics() -> dict[str, Topic]:
    n = settings.GONGHUI_COVERAGE_MIN_EMPLOYEES
    items = [
        Topic("home", _l("首页"), _l("登录后看到本会范围内的主要数字、待办事项和落后单位，点击数字进入对应页面。"),
              [(_l("每个账号只看到本会及下级工会的数据。"), _l("系统设计：按组织分级授权"))]),
        Topic("orgs", _l("组织架构与用人单位"),
              _l("维护工会组织树（县总工会、乡镇（街道）总工会、产业系统工会、基层工会）、用人单位摸底（“六个掌握”）和建会覆盖情况。"),
              [(_l("摸底须掌握单位地址、经营状况、职工人数、会员人数、农民工人数、农民工会员人数。"), _l("“六个掌握”工作要求")),
               (_("应建会单位：已摸底、正常经营、职工 %(n)s 人及以上的用人单位；建会率 = 已建会单位 ÷ 应建会单位。") % {"n": n},
                _l("本会统计口径（系统设置可调整）")),
               (_l("新建基层工会须有请示、有名册、有上级工会批复。"), _l("组建工作“三有”要求"))],
              ("GONGHUI_COVERAGE_MIN_EMPLOYEES",)),
        Topic("members", _l("会员实名制"),
              _l("登记会员（纸质申请、扫码入会、花名册导入）、审核入会申请、办理会员证、会员关系接转，以及保留会籍、退会、开除会籍。"),
              [(_l("一人在全系统只能有一个有效会籍，以公民身份号码为准。"), _l("会员实名制工作要求")),
               (_l("入会须本人申请（申请关）；纸质登记表编号即电子档案编号（档案关）；会员证加盖总工会印章（发证关）。"), _l("入会“三关”")),
               (_l("退会、开除会籍、保留会籍的原因取自代码表“会籍变化原因”，总工会管理员可增加原因。"), _l("中国工会章程（2008年文本）第六、七、八条")),
               (_l("身份证号和手机号加密保存，页面只显示部分号码，查看完整号码记入操作日志。"), _l("个人信息保护法"))],
              ("GONGHUI_JOIN_SMS_VERIFY", "GONGHUI_PUBLIC_URL")),
        Topic("elections", _l("组建与换届"),
              _l("受理组建请示、批复成立、登记换届选举（候选人、投票、结果）并出具批复，提示到期未换届的工会。"),
              [], ("GONGHUI_ELECTION_QUORUM", "GONGHUI_ELECTION_MAJORITY", "GONGHUI_COMMITTEE_BANDS",
                   "GONGHUI_TERM_DUE_DAYS", "GONGHUI_APPROVAL_NO_PATTERN")),
        Topic("campaigns", _l("集中行动"),
              _l("设定目标任务（如农民工集中入会），分解到下级工会，分组督查，按完成进度排名通报。"),
              [(_l("进度按会员登记、建会等业务数据自动统计，不另行填报。"), _l("集中行动工作方案")),
               (_l("新入会农民工须全部实名登记。"), _l("农民工集中入会行动要求"))]),
        Topic("care", _l("服务职工"),
              _l("困难职工建档、救助、技能培训和劳模管理。"),
              [(_l("困难职工档案含家庭收入、疾病等敏感信息，只有管理员可看，每次查看记入操作日志。"), _l("个人信息保护法；困难职工帮扶工作要求"))]),
        Topic("rosters", _l("花名册导入"),
              _l("把单位提供的 Excel 花名册逐行检查后导入会员库，问题行可下载修改后重新导入。"),
              [(_l("身份证号校验位、性别和出生日期由号码推算；与其他工会的有效会员重复的行不导入，改走接转。"), _l("GB 11643 公民身份号码；一人一会籍"))]),
        Topic("reports", _l("统计"),
              _l("查看本会范围的建会、入会、会员证等数字和年报，可下载 Excel。"),
              [(_("建会率 = 应建会单位中已建会的单位数 ÷ 应建会单位数（应建会单位：已摸底、正常经营、职工 %(n)s 人及以上）。") % {"n": n},
                _l("本会统计口径（系统设置可调整）")),
               (_l("入会率 = 会员数 ÷ 已建会单位职工数；农民工入会率 = 农民工会员数 ÷ 已建会单位农民工数；分母为 0 时记为 0。"), _l("本会统计口径")),
               (_l("会员数不含保留会籍；年报为截至统计日的时点数，合计等于各行之和。"), _l("工会统计年报口径"))],
              ("GONGHUI_COVERAGE_MIN_EMPLOYEES",)),
        Topic("worklife", _l("工会工作"), _l("职代会、集体合同、工会小组和活动的记录。"),
              [(_l("由经办人和管理员记录，查阅人只读。"), _l("系统设计：按角色授权"))]),
        Topic("finance", _l("经费"), _l("会费、工会经费和账目，只有财务和管理员可以查看和录入。"),
              [(_l("金额以分为单位保存，不做四舍五入。"), _l("会计核算要求"))]),
        Topic("accounts", _l("账号与密码"),
              _l("管理员为本会及下级工会开设账号、设定角色、重置密码、解除锁定；每个人可修改自己的密码和手机号。"),
              [(_l("管理员只能管理本会及下级工会的账号，不能开设高于自己角色的账号。"), _l("系统设计：按组织分级授权")),
               (_l("重置后的临时密码只显示一次，用户首次登录须改为自己的密码。"), _l("信息安全要求")),
               (_("连续输错密码 %(n)s 次，账号锁定 30 分钟，管理员可提前解锁。") % {"n": settings.AXES_FAILURE_LIMIT},
                _l("信息安全要求"))]),
        Topic("sysconf", _l("系统设置与代码表"),
              _l("县总工会管理员调整规则参数、各发文工会的批复文号格式、公章图片、对外访问地址，以及代码表（民族、学历、会籍变化原因等）。"),
              [(_l("每项设置显示当前值、来源和默认值；修改记入操作日志，恢复默认即回到部署时的值。"), _l("系统设计")),
               (_l("系统规则用到的代码只能改名，不能停用；停用的代码仍用于显示旧记录。"), _l("系统设计"))]),
        Topic("audit", _l("操作日志"), _l("查看本会范围内的每一项修改和每一次查看完整个人信息的记录。"),
              [(_l("日志与业务修改在同一事务中写入，不能删改。"), _l("信息安全要求"))]),
    ]  # fmt: skip
    out = {t.slug: t for t in items}
    out["elections"].rules = _election_rules()
    return out


# URL namespace (or page name) → help topic
AREA_OF = {"": "home", "core": "audit", "portal": "members"}


def topic_for(app_name: str, url_name: str = "") -> str:
    if url_name == "audit":
        return "audit"
    if url_name == "password_change" or url_name.startswith("account"):
        return "accounts"
    slug = AREA_OF.get(app_name, app_name)
    return slug if slug in {t for t in _SLUGS} else "home"


_SLUGS = ("home", "orgs", "members", "elections", "campaigns", "care", "rosters", "reports",
          "worklife", "finance", "accounts", "sysconf", "audit")  # fmt: skip
