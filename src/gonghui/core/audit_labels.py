"""The audit log in plain Chinese: a label for each action code and readable details.

Actions are stored as stable codes (`org.move`, `care.file.open`); the page shows "组织 · 移动". A
code is looked up whole first, then composed from its object (the leading parts) and its verb (the
last part), so an app that adds a code reads sensibly before anyone adds a label. Details are
shown as "字段：值" with Chinese field names, lists joined with "、" and nested values flattened —
never a Python repr (issue 18).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

OBJECTS: dict[str, Any] = {
    "application": _("入会申请"), "campaign": _("集中行动"), "card": _("会员证"), "care": _("服务职工"),
    "care.aid": _("帮扶记录"), "care.course": _("培训班"), "care.document": _("档案材料"), "care.file": _("困难职工档案"),
    "care.model": _("劳模"), "care.programme": _("帮扶活动"), "codes": _("代码表"), "demo": _("演示数据"),
    "dues": _("会费"), "election": _("换届选举"), "employer": _("用人单位"), "export": _("导出"),
    "formation": _("组建申请"), "funds": _("工会经费"), "ledger": _("台账"), "membership": _("会籍"),
    "notification": _("提醒"), "org": _("工会组织"), "person": _("会员信息"), "pii": _("个人信息"),
    "portal": _("职工服务"), "portal.request": _("职工申请"), "roster": _("花名册"), "roster.import": _("花名册导入"),
    "sysconf": _("系统设置"), "term_request": _("延期换届申请"), "token": _("接口令牌"), "transfer": _("会员接转"),
    "user": _("账号"), "women_committee": _("女职工委员会"), "worklife": _("工会工作"),
    "worklife.activity": _("工会活动"), "worklife.congress": _("职代会"), "worklife.contract": _("集体合同"),
    "worklife.disclosure": _("厂务公开"), "worklife.group": _("工会小组"), "worklife.proposal": _("职代会提案"),
}  # fmt: skip

VERBS: dict[str, Any] = {
    "accept": _("确认"), "add": _("添加"), "agenda": _("议程"), "allocate": _("分解任务"), "approve": _("批准"),
    "approval_pattern": _("批复文号格式"), "arrears_check": _("欠缴核查"), "assign": _("分配"), "attachment": _("上传附件"),
    "attachment_open": _("查看附件"), "batch": _("分批写入"), "cancel": _("撤回"), "candidate_add": _("添加候选人"),
    "candidate_remove": _("移除候选人"), "care": _("关怀"), "close": _("关闭"), "commit": _("确认导入"),
    "complete": _("结业"), "create": _("新建"), "declare": _("申报"), "default_wage_set": _("设定默认工资基数"),
    "delete": _("删除"), "dissolve": _("撤销"), "document": _("上传材料"), "document_open": _("查看材料"),
    "drop": _("退出"), "educate": _("教育提醒"), "enrol": _("报名"), "error_file": _("下载错误行"),
    "expel": _("开除会籍"), "expulsion_file": _("开除会籍备案"), "export": _("导出"), "file": _("备案"),
    "formation_transfer": _("随组建转入"), "handle": _("处理"), "idle_followup_close": _("结束跟进"),
    "idle_followup_create": _("开始跟进"), "import": _("导入"), "issue": _("发证"), "lapse": _("欠缴除名"),
    "leader": _("指定组长"), "leave": _("退会"), "list": _("列名"), "load": _("载入"), "members": _("会员"),
    "merge": _("合并"), "move": _("移动"), "note_create": _("记录督促检查"), "note_done": _("整改完成"),
    "open": _("查看"), "password_change": _("修改密码"), "password_reset": _("重置密码"), "pay": _("缴纳"),
    "pay_bulk": _("批量缴纳"), "payroll_import": _("导入工资表"), "phone_change": _("修改手机号"), "plenary": _("全体会议"),
    "post_close": _("职务选举结束"), "posts": _("设置职务"), "preference": _("设置"), "print": _("打印"),
    "purge": _("清除文件"), "record": _("登记"), "register": _("登记"), "reject": _("不予通过"),
    "reminder_letter": _("催缴函"), "remove": _("移除"), "reopen": _("重新打开"), "reset": _("恢复默认"),
    "restore": _("恢复会籍"), "resume": _("继续"), "retain": _("保留会籍"), "return": _("退回修改"),
    "reveal": _("查看完整号码"), "review": _("复核"), "revoke": _("作废"), "roster_add": _("添加创始会员"),
    "roster_from_register": _("从会员库添加创始会员"), "roster_remove": _("移除创始会员"), "round": _("计票"),
    "set": _("修改"), "signin": _("登录"), "start": _("发起"), "start_voting": _("开始投票"),
    "statement_export": _("导出对账单"), "submit": _("报送"), "survey": _("摸底"), "unlock": _("解锁"),
    "update": _("修改"), "upload_request": _("上传请示"), "wage_set": _("设定工资基数"), "withdraw": _("撤回"),
    "care_files": _("困难职工档案"), "care_programme": _("帮扶活动名单"), "care_report": _("帮扶统计"),
    "care_trainees": _("学员名单"), "gaps": _("未建会单位"), "briefing": _("通报"), "trainees": _("学员名单"), "report": _("报表"), "annual": _("年报"),
}  # fmt: skip

KEYS: dict[str, Any] = {
    "name": _("名称"), "org": _("工会"), "from": _("原"), "to": _("新"), "status": _("状态"), "reason": _("原因"),
    "note": _("备注"), "level": _("级别"), "type": _("类别"), "source": _("来源"), "causes": _("致困原因"),
    "filters": _("筛选条件"), "count": _("数量"), "rows": _("行数"), "fields": _("字段"), "purpose": _("用途"),
    "amount": _("金额"), "year": _("年度"), "kind": _("类别"), "role": _("角色"), "username": _("账号"),
    "member_no": _("会员编号"), "form_no": _("登记表编号"), "parent": _("上级"), "new_parent": _("新上级"),
    "old_parent": _("原上级"), "on": _("日期"), "decision_no": _("决定文号"), "decided_on": _("决定日期"),
    "filed_on": _("备案日期"), "value": _("值"), "key": _("设置项"), "pattern": _("格式"), "approval_no": _("批复文号"),
    "cards": _("证数"), "batch": _("批次"), "file": _("文件"), "members": _("会员数"), "employees": _("职工数"),
    "q": _("关键词"), "reveal": _("完整号码"), "channel": _("渠道"), "joined_on": _("入会日期"), "comment": _("意见"),
    "target": _("目标"), "status_from": _("原状态"), "status_to": _("新状态"), "changes": _("变更"),
    "current": _("当前"), "format": _("格式"), "gaps": _("未建会单位"), "issued_on": _("发证日期"),
    "membership": _("会籍"), "page": _("页面"), "side": _("发起方"), "via": _("途径"), "baseline": _("基数"),
    "growth_rate": _("增长率"), "measure": _("考核指标"), "method": _("分解方式"),
    "net_minimum": _("净增下限"), "period": _("期间"), "previous_method": _("原分解方式"), "target_net": _("净增目标"),
    "targets": _("任务"), "unit": _("单位"), "ends_on": _("结束日期"), "starts_on": _("开始日期"), "code": _("代码"),
    "employer": _("用人单位"), "phone": _("手机号"), "id_number": _("公民身份号码"), "reveal_pii": _("含完整号码"),
    "baseline_on": _("基数日期"), "baseline_source": _("基数来源"), "split_method": _("分解方式"), "total": _("合计"),
    "new": _("新增"), "updated": _("更新"), "unchanged": _("无变化"), "rejected": _("拒绝"), "dry_run": _("试导入"),
}  # fmt: skip

VALUES: dict[str, Any] = {
    "True": _("是"), "False": _("否"), "None": "—", "": "—", "open": _("未结"), "closed": _("已结"),
    "active": _("有效"), "retained": _("保留会籍"), "left": _("已退会"), "expelled": _("已开除"),
    "transferred": _("已转出"), "pending": _("待处理"), "approved": _("已批准"), "rejected": _("不予通过"),
    "county": _("县级"), "city": _("市级"), "province": _("省级"), "national": _("全国"), "own": _("本级"),
    "medical": _("医疗救助"), "illness": _("患病"), "schooling": _("子女上学"), "paper": _("纸质"), "qr": _("扫码"),
    "web": _("网页"), "api": _("接口"), "cli": _("命令行"), "from": _("转出方"), "to": _("转入方"),
    "current": _("在册"), "baseline": _("按基数比例"), "equal": _("平均分配"), "potential": _("按发展潜力"),
    "manual": _("逐个填写"), "members": _("新增会员（净增）"), "migrant_members": _("新增农民工会员（净增）"),
    "unions": _("新建基层工会"), "xlsx": "Excel", "pdf": "PDF", "register": _("会员库"), "gaps": _("未建会单位"),
    "page": _("网页"), "members_list": _("会员名单"), "roster": _("花名册"),
}  # fmt: skip


def action_label(code: str) -> str:
    """ "org.move" → "工会组织 · 移动"; an unknown code keeps what it can and shows the rest as is."""
    if code in OBJECTS:
        return str(OBJECTS[code])
    head, _sep, verb = code.rpartition(".")
    while head and head not in OBJECTS and "." in head:
        head = head.rpartition(".")[0]
    obj = str(OBJECTS.get(head, head))
    return f"{obj} · {VERBS.get(verb, verb)}" if head else str(VERBS.get(verb, verb))


BEFORE_AFTER = {"status", "parent", "name", "role", "org", "value", "chair_name", "is_active"}


def _value(v: Any, key: str = "") -> str:
    if isinstance(v, bool) or v is None:
        return str(VALUES[str(v)])
    if isinstance(v, list | tuple):
        if key in BEFORE_AFTER and len(v) == 2:
            return f"{_value(v[0])} → {_value(v[1])}"  # [before, after]
        return "、".join(_value(x) for x in v) or "—"
    if isinstance(v, dict):
        return "；".join(f"{KEYS.get(k, k)}：{_value(x)}" for k, x in v.items()) or "—"
    text = str(v)
    return str(VALUES.get(text, text))


def details(changes: dict[str, Any] | None) -> list[tuple[str, str]]:
    """[(label, text)] for the details of one entry, never a Python repr."""
    return [(str(KEYS.get(k, k)), _value(v, k)) for k, v in (changes or {}).items()]


def search_codes(text: str) -> list[str]:
    """Action-code prefixes whose Chinese label contains `text` (the filter box takes 移动, 入会申请…)."""
    text = text.strip()
    if not text:
        return []
    found = [k for k, v in OBJECTS.items() if text in str(v)]
    found += [f".{k}" for k, v in VERBS.items() if text in str(v)]
    return found
