"""The demo county's care tables: the 2016 training courses of seed 004, hardship causes, incomes,
situations and model-worker titles, read by demo/care.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonghui.care.models import Category, Cause, ModelLevel

# title, trade, provider, organiser (township short name, or "" for the county federation), month,
# weight of trainees, cost per trainee (yuan) before the total is fitted to 270,000
COURSES_2016 = [
    ("农民工建筑施工技能培训（砌筑）", "砌筑工", "会泽县职业技术学校", "", 3, 9, 36),
    ("农民工建筑施工技能培训（钢筋）", "钢筋工", "会泽县职业技术学校", "", 4, 7, 38),
    ("农民工电工技能培训", "电工", "曲靖市技师学院会泽教学点", "", 4, 5, 52),
    ("农民工焊工技能培训", "焊工", "曲靖市技师学院会泽教学点", "", 5, 4, 58),
    ("农民工中式烹调技能培训", "中式烹调师", "会泽县烹饪职业培训学校", "", 5, 6, 42),
    ("农民工家政服务技能培训", "家政服务员", "会泽县巾帼家政培训中心", "古城街道", 6, 7, 30),
    ("农民工挖掘机操作培训", "挖掘机驾驶员", "会泽县鑫达职业培训学校", "", 6, 4, 55),
    ("农民工汽车驾驶与维修培训", "汽车维修工", "会泽县鑫达职业培训学校", "", 7, 5, 46),
    ("农民工电子商务培训", "电子商务师", "会泽县电子商务公共服务中心", "古城街道", 8, 6, 28),
    ("农民工保安员培训", "保安员", "会泽县保安服务公司培训部", "", 8, 5, 26),
    ("农民工矿山安全与采掘技能培训", "采掘工", "会泽县安全生产培训中心", "者海镇", 9, 8, 34),
    ("农民工种植养殖实用技术培训", "农业技术员", "会泽县农业技术推广中心", "", 10, 12, 22),
    ("农民工缝纫工培训", "缝纫工", "会泽县职业技术学校", "", 10, 4, 40),
    ("农民工创业能力培训", "创业培训", "会泽县就业局创业指导中心", "", 11, 8, 35),
]
LATER_COURSES = [
    # title, trade, provider, organiser, start, days, trainees, cost, for migrants
    (
        "2025年新就业形态劳动者技能提升培训",
        "网约配送员",
        "会泽县职业技术学校",
        "",
        dt.date(2025, 4, 14),
        5,
        320,
        Decimal("19200"),
    ),
    (
        "2025年农民工电工技能培训",
        "电工",
        "曲靖市技师学院会泽教学点",
        "",
        dt.date(2025, 6, 9),
        10,
        260,
        Decimal("23400"),
    ),
    (
        "2025年职工育婴员培训",
        "育婴员",
        "会泽县巾帼家政培训中心",
        "古城街道",
        dt.date(2025, 9, 15),
        7,
        180,
        Decimal("9900"),
    ),
    (
        "2026年农民工建筑技能培训",
        "砌筑工",
        "会泽县职业技术学校",
        "",
        dt.date(2026, 3, 16),
        10,
        300,
        Decimal("15000"),
    ),
    (
        "2026年农民工电子商务直播培训",
        "电子商务师",
        "会泽县电子商务公共服务中心",
        "古城街道",
        dt.date(2026, 10, 20),
        20,
        150,
        Decimal("12000"),
    ),
]

CAUSES_BY_CATEGORY = {
    Category.DEEP: [
        (Cause.ILLNESS, 45),
        (Cause.DISABILITY, 25),
        (Cause.UNEMPLOYMENT, 20),
        (Cause.SINGLE_PARENT, 10),
    ],
    Category.RELATIVE: [
        (Cause.LOW_INCOME, 40),
        (Cause.SINGLE_PARENT, 15),
        (Cause.ILLNESS, 25),
        (Cause.UNEMPLOYMENT, 20),
    ],
    Category.ACCIDENT: [(Cause.ACCIDENT, 45), (Cause.DISASTER, 35), (Cause.ILLNESS, 20)],
}
INCOME = {Category.DEEP: (260, 620), Category.RELATIVE: (620, 1150), Category.ACCIDENT: (380, 1400)}
SITUATIONS = {
    Cause.ILLNESS: "家庭成员患重病，长期治疗，医疗支出大",
    Cause.DISABILITY: "本人或家属残疾，劳动能力受限",
    Cause.UNEMPLOYMENT: "配偶失业，家庭收入来源单一",
    Cause.SCHOOLING: "子女在读，教育支出负担重",
    Cause.DISASTER: "“8·03”鲁甸地震中房屋受损，灾后重建负债",
    Cause.ACCIDENT: "突发意外事故，家庭收入骤减",
    Cause.LOW_INCOME: "工资收入低，赡养老人",
    Cause.SINGLE_PARENT: "单亲家庭，独自抚养子女",
}
TITLES = {
    ModelLevel.COUNTY: ("会泽县劳动模范", "会泽县人民政府"),
    ModelLevel.CITY: ("曲靖市劳动模范", "曲靖市人民政府"),
    ModelLevel.PROVINCIAL: ("云南省劳动模范", "云南省人民政府"),
    ModelLevel.NATIONAL: ("全国五一劳动奖章", "中华全国总工会"),
}
