"""A realistic demo committee, generated from a seed.

Trainers, testers and the welcome screen need a committee that looks like a
real one: branches of every sector with Chinese names, visits in every state,
findings with their 四明确 in every status (some overdue), pocket members near
the six-month thresholds and weak/lax branches under rectification. Everything
goes through `Store.save` and the visit rules, so the demo exercises the same
code as real work. The same seed and the same reference date give the same
committee (names, counts, ids); dates are placed relative to that date.
"""

from __future__ import annotations

import itertools
import os
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector import followup_demo
from inspector.demo_roster import add_roster
from inspector.errors import StoreError
from inspector.models import (
    AcceptanceResult,
    Answer,
    AnswerValue,
    Branch,
    Committee,
    CriterionTick,
    Disposition,
    Finding,
    FindingStatus,
    LegalTrack,
    MemberKind,
    Plan4,
    PocketMember,
    Responsibility,
    Sector,
    Severity,
    Stage,
    Visit,
    VisitMethod,
    VisitStatus,
    WeakLaxDetermination,
    WeakLaxStatus,
)
from inspector.settings import Campaign, load_settings, update_settings
from inspector.store import Store

if TYPE_CHECKING:
    from inspector.checklist import WeakLaxCriterion

# Entries the program itself puts in a data folder before any record exists
# (the log, the lock and its change marker, the installation id) or that hold
# configuration only.
_NOT_DATA = frozenset({"logs", ".lock", ".changed", "meta.json", "settings.json", "checklists", "cache"})

_CHINA = timezone(timedelta(hours=8))
# Branches written per transaction: each file is written once per transaction
# and the journal's fsyncs are shared, which makes a county-sized demo ~30%
# faster; an interrupted demo still leaves only whole branches.
_BRANCHES_PER_TRANSACTION = 10

# ------------------------------------------------------------------ name pools
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
)
GIVEN = (
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "秀英",
    "秀兰",
    "桂英",
    "建华",
    "国强",
    "志明",
    "春梅",
    "红梅",
    "海燕",
    "玉兰",
    "德明",
    "永刚",
    "晓东",
    "文华",
    "凤英",
    "建军",
    "卫东",
    "桂兰",
    "振华",
    "立新",
    "淑珍",
    "秀珍",
    "金凤",
    "玉梅",
    "长青",
    "福生",
    "宝山",
    "玉华",
    "建国",
    "志刚",
    "海涛",
    "丽娟",
    "晓燕",
    "俊杰",
    "红霞",
    "德华",
    "永红",
    "小平",
    "春生",
    "保国",
    "玉琴",
)
PLACE_HEAD = "东西南北上下前后大小新老金银石柳杨桃李黄白青红龙凤马鹿梅兰竹松柏高张刘陈王赵孙河沙花"
PLACE_TAIL = "庄桥湾坪岭沟坝口河塘山园岗湖洼屯营寨堡集铺店寺林田岩峪洲滩"
COUNTIES = ("青山", "临河", "安平", "永丰", "清源", "石门", "宁远", "平阳", "兴隆", "长乐")
TOWNS = ("柳河", "桃源", "白沙", "龙泉", "清水", "金山", "双桥", "马庄", "杨柳", "石桥")
COMMUNITY_HEAD = (
    "幸福",
    "和平",
    "建设",
    "新华",
    "东风",
    "解放",
    "人民",
    "文化",
    "滨河",
    "朝阳",
    "光明",
    "团结",
    "锦绣",
    "阳光",
    "振兴",
    "育才",
    "迎宾",
    "车站",
    "公园",
    "胜利",
)
COMMUNITY_TAIL = ("路", "街", "里", "苑", "新村", "花园")
BRAND_HEAD = "鑫华宏金恒盛绿嘉天瑞永丰泰新富隆聚佳润开"
BRAND_TAIL = "源兴达穗通野世和宇祥盛利安茂德发鼎诚信康"
INDUSTRIES = (
    "农业科技",
    "建材",
    "食品",
    "纺织",
    "机械制造",
    "物流",
    "电子",
    "包装",
    "家具",
    "米业",
    "茶业",
    "生物科技",
    "汽车配件",
    "服装",
    "木业",
    "酒业",
)
STATE_UNITS = (
    "供电所",
    "粮站",
    "烟叶站",
    "邮政支局",
    "加油站",
    "自来水厂",
    "公路养护站",
    "林场",
    "水库管理所",
    "农机站",
    "盐业分公司",
)
SOCIAL_UNITS = (
    "个体劳动者协会",
    "商会",
    "种植业协会",
    "养殖业协会",
    "志愿者协会",
    "律师事务所",
    "社会工作服务中心",
    "民办幼儿园",
    "老年人协会",
    "红白理事会",
)
WINDOW_UNITS = (
    "卫生院",
    "便民服务中心",
    "信用社",
    "农商银行支行",
    "供销社",
    "客运站",
    "邮政所",
    "税务分局",
    "市场监管所",
    "派出所",
)
OFFICE_UNITS = (
    "机关",
    "党政办",
    "财政所",
    "农业服务中心",
    "国土资源所",
    "林业站",
    "水利站",
    "文化站",
    "司法所",
    "计生办",
    "经管站",
    "社会事务办",
)
SCHOOL_UNITS = ("小学", "中心小学", "初级中学", "中学", "中心幼儿园", "职业学校")
RETIRED_UNITS = ("机关离退休干部", "学区离退休教师", "粮食系统离退休职工", "供销系统离退休职工", "企业退休职工")
JOINT_UNITS = ("个体工商户", "商贸物流企业", "农民专业合作社", "工业园区非公企业", "社会组织")
PROJECTS = ("道路改造工程", "安置房建设项目", "水库除险加固工程", "集镇污水管网工程")
CITIES = ("深圳", "广州", "东莞", "上海", "苏州", "杭州", "北京", "宁波", "厦门", "佛山")

# Share of each sector among generated branches (a rural town's make-up).
SECTOR_WEIGHTS = {
    Sector.RURAL: 38,
    Sector.COMMUNITY: 10,
    Sector.STATE_ENTERPRISE: 5,
    Sector.PRIVATE_ENTERPRISE: 12,
    Sector.SOCIAL_ORG: 5,
    Sector.SERVICE_WINDOW: 7,
    Sector.PUBLIC_INSTITUTION: 10,
    Sector.SCHOOL: 7,
    Sector.RETIRED: 4,
    Sector.MOBILE: 2,
    Sector.JOINT: 3,
    Sector.OTHER: 1,
}
MEMBERS = {
    Sector.RURAL: (12, 85),
    Sector.COMMUNITY: (8, 60),
    Sector.STATE_ENTERPRISE: (6, 45),
    Sector.PRIVATE_ENTERPRISE: (3, 18),
    Sector.SOCIAL_ORG: (3, 12),
    Sector.SERVICE_WINDOW: (4, 30),
    Sector.PUBLIC_INSTITUTION: (5, 40),
    Sector.SCHOOL: (5, 35),
    Sector.RETIRED: (8, 60),
    Sector.MOBILE: (5, 40),
    Sector.JOINT: (3, 15),
    Sector.OTHER: (3, 25),
}
LEADING_CADRES = {
    Sector.PUBLIC_INSTITUTION: 0.7,
    Sector.STATE_ENTERPRISE: 0.4,
    Sector.SCHOOL: 0.3,
    Sector.SERVICE_WINDOW: 0.2,
}

# Problems a completed visit finds: published feedback memos name a handful
# (a typical first visit 6, a branch in poor health more, never outside 3–10).
TYPICAL_FINDINGS = 6.0
FINDINGS_PER_VISIT = (3, 10)
# How often a branch has had which visits: none yet, one in progress, one
# completed, a first visit and a return visit (回头看), or a return visit under way.
VISIT_SHAPES = {"none": 7, "draft": 8, "one": 55, "two": 20, "one+draft": 10}

# ------------------------------------------------------------ text of records
# What an inspector notes on a 不符合 item of the general checklist: the fact
# observed, which the finding states after the item's problem.
ITEM_NOTES: dict[str, tuple[str, ...]] = {
    "PLAN-01": ("计划照抄上级文件，没有结合本支部实际", "计划只有学习篇目，没有时间安排"),
    "PLAN-03": ("计划对普通党员和党员领导干部提同样的要求",),
    "PLAN-04": ("支委会会议记录中没有研究学习教育的内容",),
    "STUDY-01": ("部分党员没有领到学习资料", "学习笔记内容简单，部分党员没有学习笔记"),
    "STUDY-02": ("座谈中部分党员说不全入党誓词",),
    "STUDY-03": ("今年未组织党内法规专题学习",),
    "STUDY-05": ("集中学习签到表缺失，缺席党员没有补学记录",),
    "STUDY-06": ("今年只召开过1次支部党员大会", "第二、三季度未召开支部党员大会"),
    "STUDY-07": ("讨论记录多为表态发言，没有联系本人实际",),
    "MEET-01": ("今年以来支委会仅召开4次，第三季度无记录", "支委会记录只有议题，没有讨论和决定事项"),
    "MEET-02": ("党小组会记录只有3次",),
    "MEET-03": ("多次以业务工作会议代替组织生活",),
    "MEET-04": ("有2名党员半年以上未参加组织生活，支部未找其谈话",),
    "LESSON-01": ("党课没有计划，讲课人和时间临时确定",),
    "LESSON-02": ("今年书记只讲过1次党课，内容为宣读文件",),
    "LESSON-03": ("党员领导干部今年未在本支部讲党课",),
    "LESSON-05": ("今年只讲过2次党课",),
    "SOL-02": ("会前只征求到3条意见，且未向班子成员反馈",),
    "SOL-03": ("对照检查材料问题罗列笼统，没有具体事例",),
    "SOL-04": ("批评意见多为工作建议，没有指出具体问题",),
    "SOL-05": ("整改清单没有责任人和时限",),
    "EVAL-02": ("民主测评表、组织评定意见等材料缺失",),
    "EVAL-04": ("谈心谈话记录只有6人，不到党员总数的一半",),
    "ROLE-02": ("座谈中群众不知道本支部党员的承诺事项",),
    "ROLE-03": ("党员示范岗只挂牌子，没有具体职责",),
    "ROLE-04": ("窗口党员未佩戴党员徽章、未设党员标识",),
    "ROLE-05": ("在职党员到社区报到登记表空白",),
    "CADRE-01": ("党员领导干部今年参加支部组织生活仅1次",),
    "ORG-02": ("书记今年未带头讲党课，学习教育主要由组织委员安排",),
    "ORG-04": ("组织委员调走后一直未补选，支委只有2人",),
    "ORG-05": ("重要事项由书记一人决定，没有支委会记录",),
    "ORG-06": ("工作制度只上墙、不执行，近半年无执行记录",),
    "REL-01": ("有2名党员已迁出仍在名册中",),
    "REL-04": ("流动党员未纳入学习安排，联系记录空白",),
    "DUES-01": ("党费收缴登记簿只有总数，没有逐人记录",),
    "DUES-02": ("有3名党员交纳基数仍按2014年工资核定",),
    "DUES-03": ("有3名党员连续4个月未交纳党费",),
    "NET-01": ("支部微信群很少推送学习内容",),
    "PROB-01": ("座谈中了解到个别党员参加封建迷信活动",),
    "PROB-02": ("个别党员不愿亮明党员身份，支部未作提醒",),
    "PROB-03": ("群众反映个别党员在征地补偿中与民争利",),
    "PROB-04": ("个别党员工作消极，支部未谈话帮助",),
    "PROB-05": ("群众反映个别党员大操大办婚丧喜事",),
    "STYLE-02": ("学习心得多为网上摘抄，内容雷同",),
    "STYLE-03": ("群众反映办事效率低、答复不及时",),
}
# A fact any item can carry, by how it was checked.
CHECKED_NOTES = {
    VisitMethod.REVIEW_RECORDS: "经查阅资料核实",
    VisitMethod.DISCUSSION: "经座谈核实",
    VisitMethod.HEAR_REPORT: "经听取汇报核实",
    VisitMethod.ATTEND: "经列席会议核实",
}
# The 整改目标 and 整改措施 written for a problem of each checklist section,
# so that a finding's goal and measures answer its own problem.
REMEDIES: dict[str, tuple[tuple[str, str], ...]] = {
    "study-plan": (
        (
            "学习教育计划具体可行，支委会研究部署、按计划推进",
            "支委会专题研究修订学习计划，区分普通党员和党员领导干部明确学习重点，报党委组织办审核后按月推进",
        ),
    ),
    "study": (
        (
            "党员自学有要求、有资料，集中学习讨论按计划开展",
            "为每名党员发放学习资料，集中学习签到登记、缺席补学，每季度检查一次学习笔记",
        ),
        (
            "专题学习讨论联系实际，党员对照标准查找差距",
            "按季度召开支部党员大会开展专题学习讨论，每名党员结合岗位发言，讨论情况如实记录",
        ),
    ),
    "meetings": (
        (
            "“三会一课”按期召开，会议记录完整规范",
            "制定全年“三会一课”计划，组织委员负责会前通知、会后整理记录，每季度报党委检查",
        ),
    ),
    "lessons": (
        (
            "党课有计划、有提纲、有记录，书记带头讲党课",
            "制定党课计划，书记年内再讲1次党课，邀请党委班子成员到支部讲党课，留存讲稿和签到表",
        ),
    ),
    "special-meeting": (
        (
            "专题组织生活会程序完整、质量较高",
            "会前广泛征求意见、开展谈心谈话，党委派人列席，会后列出整改清单，明确责任人和时限",
        ),
    ),
    "appraisal": (
        (
            "民主评议党员程序完整、材料齐全",
            "按个人自评、党员互评、民主测评、组织评定的程序补齐材料，支委分工完成谈心谈话，结果书面报党委",
        ),
    ),
    "duties": (
        (
            "党员岗位职责和承诺事项明确、公开，作用得到发挥",
            "逐人明确党员岗位和承诺事项，在公开栏公示，每季度通报一次，年底组织群众评议",
        ),
    ),
    "leading-cadres": (
        (
            "党员领导干部按时参加所在支部组织生活",
            "建立党员领导干部参加双重组织生活登记制度，每季度向党委报告一次",
        ),
    ),
    "organisation": (
        (
            "支部班子配齐配强、分工明确，工作制度落实到位",
            "召开党员大会补选支委、明确分工，修订工作制度并明确专人负责，党委每季度检查执行情况",
        ),
    ),
    "membership": (
        (
            "党员底数清楚，流动党员纳入学习教育",
            "逐人核对党员信息、更新名册，建立流动党员联系台账，每月联系一次并推送学习资料",
        ),
    ),
    "dues": (
        (
            "党员按月足额交纳党费，收缴台账清楚",
            "逐人核定交纳基数和比例，督促补交，启用逐人逐月登记的收缴簿，每季度公示一次",
        ),
    ),
    "online": (
        (
            "利用网络平台及时推送学习内容",
            "明确专人管理微信群，每周推送学习内容，组织外出党员在线学习",
        ),
    ),
    "member-problems": (
        (
            "相关党员受到教育、改正问题，发挥先锋模范作用",
            "支部书记与相关党员逐一谈心谈话，明确改正要求和期限，跟踪教育转化情况",
        ),
    ),
    "conduct": (
        (
            "学习教育务求实效，群众反映的问题件件有回音",
            "对照问题逐条整改，建立群众诉求登记台账，明确办理时限和责任人，每月公开办理情况",
        ),
    ),
}
# A section of a committee's own checklist the table does not know.
OTHER_REMEDY = ("按要求落实并留存记录", "支委会研究整改措施，明确专人负责，完成后报党委验收")
# How often visits find problems in each section, relative to its size: the
# records of organisation life, lessons and dues most, online study least.
SECTION_WEIGHTS = {
    "study-plan": 1.0,
    "study": 1.2,
    "meetings": 2.0,
    "lessons": 1.5,
    "special-meeting": 1.2,
    "appraisal": 1.0,
    "duties": 1.0,
    "leading-cadres": 0.6,
    "organisation": 0.8,
    "membership": 1.0,
    "dues": 1.5,
    "online": 0.3,
    "member-problems": 0.5,
    "conduct": 0.7,
}
# A vacant secretary, as the visit records it (fact, goal, measures).
SECRETARY_VACANT = (
    "书记调离后一直空缺，由组织委员主持工作",
    "选优配强支部书记，班子运转正常",
    "党委3个月内选派或选举产生支部书记，空缺期间由包联党委委员指导工作",
)
PARTLY_NOTES = ("已开展，但记录不够规范", "基本落实，个别环节欠缺", "有安排，执行不够经常")
PROGRESS = {
    FindingStatus.NOT_STARTED: ("",),
    FindingStatus.IN_PROGRESS: (
        "已制定整改计划，正在推进",
        "已召开支委会研究，部分措施已落实",
        "整改过半，剩余事项正在落实",
    ),
    FindingStatus.AWAITING_CHECK: ("已整改完毕，佐证材料已报党委待验收", "整改措施全部落实，申请验收"),
    FindingStatus.CLOSED: ("整改完成，经验收合格销号",),
}
EVIDENCE = ("会议记录复印件", "学习计划文本", "活动照片及签到表", "党费交纳明细表", "谈心谈话记录", "整改报告")
POCKET_NOTES = {
    MemberKind.POCKET: ("介绍信开出后未到接收单位报到", "外出务工，组织关系介绍信仍在本人手中", "毕业后未转接组织关系"),
    MemberKind.LOST_CONTACT: ("外出多年，电话停机，家属不知去向", "人户分离，多方联系未果", "已出国定居，联系中断"),
    MemberKind.MOBILE: ("在外务工，已编入流入地党支部", "常年在外经商，按时网上交纳党费", "季节性外出务工"),
}
WEAKLAX_EVIDENCE = {
    "WL01": "支委会仅剩1名委员，工作处于停滞状态",
    "WL02": "书记年龄偏大、身体不好，长期不在状态",
    "WL03": "支委之间矛盾突出，支委会半年未能召开",
    "WL04": "全年未召开党员大会，无党课记录",
    "WL05": "上届换届中有拉票反映",
    "WL06": "宗族势力干扰村务决策",
    "WL07": "村务财务半年未公开",
    "WL08": "信访矛盾集中，群体性上访多次",
    "WL09": "无固定活动场所，借用村民住房开会",
    "WL10": "群众对党组织意见较大，测评满意率低",
    "WLQ01": "书记出缺已超过3个月",
    "WLQ02": "全年未召开组织生活会，未开展民主评议党员",
    "WLQ03": "近3年无发展对象",
    "WLQ04": "群众满意率测评为52%",
}
# The 组织关系 items answered from the branch's own 口袋/失联 records (by the
# kinds they count, by template), with what the visit saw, the goal and the measures.
RELATION_ITEMS: dict[str, dict[str, tuple[tuple[MemberKind, ...], str, str, str]]] = {
    "general": {
        "REL-02": (
            (MemberKind.POCKET,),
            "有{n}名口袋党员开具介绍信后未到接收党组织报到，尚未督促转接",
            "口袋党员全部转接组织关系、纳入有效管理",
            "逐人联系督促到接收党组织报到，收回介绍信回执；逾期仍不报到的，按照党章第九条处理",
        ),
        "REL-03": (
            (MemberKind.LOST_CONTACT,),
            "有{n}名党员长期失去联系，尚未查找到位或按规定处置",
            "失联党员逐一查找、按规定稳妥处置",
            "通过亲属、原单位和户籍地逐人查找，建立查找记录；确实查找不到的，按规定程序处置",
        ),
    },
    "nonpublic": {
        "REL-01": (
            (MemberKind.POCKET, MemberKind.LOST_CONTACT),
            "有{n}名口袋党员、失联党员尚未纳入有效管理",
            "党员底数清楚，每名党员都纳入有效管理",
            "逐人核对党员名册，督促口袋党员转接组织关系，逐一查找失联党员并按规定处置",
        ),
    },
}

# When a visit may attend a key point of the branch's campaign (全过程, plan 四、1):
# the window of the visit date (month, day) and how often a visit then attends it.
STAGE_WINDOWS = {
    Stage.STUDY_PLAN: ((2, 15), (4, 30), 0.6),
    Stage.JULY_LESSON: ((6, 20), (7, 15), 0.7),
    Stage.SPECIAL_MEETING: ((11, 20), (12, 31), 0.5),
    Stage.APPRAISAL: ((11, 20), (12, 31), 0.5),
}

# Items whose answer follows from the branch's own records, never drawn at
# random (by template): a vacant secretary (ORG-01, answered from the branch),
# fewer than three full members, members out of reach.
_SECRETARY_ITEM = "ORG-01"
_NOT_DRAWN = {
    "general": frozenset({"ORG-01", "ORG-03", *RELATION_ITEMS["general"]}),
    "nonpublic": frozenset({"ORG-01", "ORG-02", *RELATION_ITEMS["nonpublic"]}),
}

# What an inspector might write as the visit's overall impression.
SUMMARIES = (
    "支部班子重视学习教育，资料归档较为规范，个别制度执行还需加强",
    "学习教育总体有序推进，党员参与度较高，问题整改需进一步抓细抓实",
    "支部书记履职意识较强，但组织生活记录不够完整，需对照清单逐项补齐",
    "学习计划制定较早，落实中存在前紧后松现象，需加强日常督促",
)


@dataclass
class DemoStats:
    """Counts of what a demo run created (for the CLI summary and tests)."""

    committee: str = ""
    branches: int = 0
    visits: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    pockets: dict[str, int] = field(default_factory=dict)
    weaklax: dict[str, int] = field(default_factory=dict)
    sectors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


def _ordinal(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99, 100 → 一百, 101 → 一百零一, 110 →
    一百一十 … 999 (a town's organs, a community's branches); Arabic beyond."""
    digits = "零一二三四五六七八九"
    if n >= 1000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = digits[hundreds] + "百"
    if not rest:
        return head
    return head + ("零" + digits[rest] if rest < 10 else "一" * (rest < 20) + _ordinal(rest))


class DemoRefused(StoreError):
    pass


# --------------------------------------------------------------- public API
def ensure_empty(root: Path) -> None:
    """Refuse to put a demo into a folder holding anything that may be real
    data (the command line may be pointed at any folder)."""
    try:
        entries = set(os.listdir(root))
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise DemoRefused(f"数据目录不是文件夹：{root}") from None
    found = sorted(entries - _NOT_DATA)
    if found:
        raise DemoRefused(f"数据目录已有内容（{found[0]} 等），演示数据只能生成到空目录：{root}")


def reference_day(campaign: Campaign, year: int | None = None) -> date:
    """The demo's "today": the campaign's last day, moved to `year` (default the
    campaign's own), so every visit and its time-bound items (七一, year end)
    belong to that campaign year and not to the day the demo is made."""
    end = campaign.end
    if year is None or year == end.year:
        return end
    if not 1900 < year < 3000:
        raise DemoRefused(f"年份无效：{year}")
    return end.replace(year=year, day=min(end.day, 28)) if end.month == 2 else end.replace(year=year)


def generate(
    store: Store,
    branches: int,
    seed: int,
    *,
    today: date | None = None,
    checklist_dirs: Sequence[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoStats:
    """Fill an empty store with a committee of `branches` branches.

    `today` is the reference date every generated date is placed against
    (default: the campaign's last day, `reference_day`), so the visits fall
    inside the campaign; the committee's staff list is written to the
    settings (verifiers of 销号 come from it); saving branches in transactions of ten keeps
    the bulk build fast and leaves no half-written branch behind."""
    from inspector.checklist import load_templates, load_weaklax_criteria

    if branches < 1:
        raise DemoRefused("党支部数量至少为 1")
    if not store.is_empty():
        raise DemoRefused(f"数据目录已有数据，演示数据只能生成到空目录：{store.root}")
    dirs = list(checklist_dirs) if checklist_dirs is not None else [store.root / "checklists"]
    loaded = load_templates(dirs)
    if not loaded.templates:
        raise DemoRefused("没有可用的检查清单模板，无法生成演示数据")
    # Each criterion with the sectors it applies to (types 5–9: villages and communities only).
    criteria = {c.id: c for c in load_weaklax_criteria(dirs)}
    campaign = load_settings(store.root).campaign
    builder = _Builder(store, random.Random(seed), today or reference_day(campaign), loaded.templates, criteria)
    started = time.perf_counter()
    builder.committee()
    update_settings(store.root, store.lock, lambda s: s.model_copy(update={"staff": builder.staff}))
    plan = builder.plan_branches(branches)
    for start in range(0, branches, _BRANCHES_PER_TRANSACTION):
        group = plan[start : start + _BRANCHES_PER_TRANSACTION]
        with store.transaction():
            for spec in group:
                builder.branch(spec)
        if progress:
            progress(start + len(group), branches)
    builder.stats.overdue = followup_demo.add(store, seed, builder.today, builder.staff, builder.stats.visits)
    builder.stats.seconds = time.perf_counter() - started
    return builder.stats


# ------------------------------------------------------------------ builder
@dataclass
class _BranchSpec:
    sector: Sector
    visits: str  # a key of VISIT_SHAPES
    weaklax: WeakLaxStatus | None
    min_pockets: int = 0


class _Builder:
    """Draws every record from one random generator, in a fixed order."""

    def __init__(self, store: Store, rng: random.Random, today: date, templates, criteria: dict[str, WeakLaxCriterion]):
        self.store = store
        self.rng = rng
        self.today = today
        self.templates = templates
        self.criteria = criteria
        self.stats = DemoStats()
        self.used_names: set[str] = set()
        self.communities: set[str] = set()
        self._items_cache: dict[tuple, list] = {}
        self.county = rng.choice(COUNTIES)
        self.town = rng.choice(TOWNS)
        self.staff = [self.person() for _ in range(12)]
        self.leaders = [self.person() for _ in range(5)]  # committee members, named as in the annex

    # -------------------------------------------------------------- helpers
    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def place(self) -> str:
        return self.rng.choice(PLACE_HEAD) + self.rng.choice(PLACE_TAIL)

    def days_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))

    def moment(self, day: date, hour_lo: int = 9, hour_hi: int = 17) -> datetime:
        """A Beijing-time working hour on `day`, stored in UTC like every timestamp."""
        local = datetime(
            day.year, day.month, day.day, self.rng.randint(hour_lo, hour_hi), self.rng.randint(0, 59), tzinfo=_CHINA
        )
        return local.astimezone(UTC)

    def months_before(self, months: int, jitter: int) -> date:
        """`months` calendar months before today, moved by up to ±`jitter` days."""
        y, m = divmod(self.today.year * 12 + self.today.month - 1 - months, 12)
        d = min(self.today.day, 28)
        return date(y, m + 1, d) + timedelta(days=self.rng.randint(-jitter, jitter))

    # ------------------------------------------------------------ committee
    def committee(self) -> None:
        name = f"中共{self.county}县{self.town}镇委员会"
        self.stats.committee = name
        self.store.save(
            Committee(
                id=self.uid(),
                name=name,
                parent=f"中共{self.county}县委员会",
                contact=f"党委组织办 0{self.rng.randint(300, 999)}-{self.rng.randint(6000000, 6999999)}",
            )
        )

    def plan_branches(self, n: int) -> list[_BranchSpec]:
        """Sectors, visit histories and weak/lax statuses of the branches:
        every sector, visit history and weak/lax status present (n >= 12)."""
        sectors = self.spread(SECTOR_WEIGHTS, n)
        shapes = self.spread(VISIT_SHAPES, n)
        weak = max(min(4, n // 3), round(n * 0.05))
        statuses = list(WeakLaxStatus)
        chosen = set(self.rng.sample(range(n), weak))
        specs, k = [], 0
        for i, sector in enumerate(sectors):
            status = None
            if i in chosen:
                status, k = statuses[k % len(statuses)], k + 1
            specs.append(_BranchSpec(sector, shapes[i], status))
        specs[0].min_pockets = len(MemberKind)
        return specs

    def spread(self, weights: dict, n: int) -> list:
        """n draws by weight, each key at least once when n allows, shuffled."""
        keys = list(weights)
        out = keys[:] if n >= len(keys) else []
        out += self.rng.choices(keys, list(weights.values()), k=n - len(out))
        self.rng.shuffle(out)
        return out

    # --------------------------------------------------------------- branch
    def branch_name(self, sector: Sector) -> str:
        """Names as a town's branches are called: villages and communities by
        their own names (a large community split into 第二、第三党支部), town
        offices and stations under the town's name, each once (one 财政所 a
        town), the town organs as 机关第一、第二…党支部, enterprises by their
        registered names."""
        rng, town = self.rng, f"{self.town}镇"
        name = ""
        for attempt in range(30):
            late = attempt >= 10  # the town's one-of-a-kind units are used up
            if sector is Sector.RURAL:
                name = f"{self.place()}村党支部"
            elif sector is Sector.COMMUNITY:
                known = sorted(self.communities)
                base = (
                    rng.choice(known)
                    if known and rng.random() < 0.25
                    else f"{rng.choice(COMMUNITY_HEAD)}{rng.choice(COMMUNITY_TAIL)}社区"
                )
                self.communities.add(base)
                return self.numbered(base)
            elif sector is Sector.STATE_ENTERPRISE:
                unit = rng.choice(STATE_UNITS)
                name = f"{self.county}县{self.place()}{unit}党支部" if late else f"{town}{unit}党支部"
            elif sector is Sector.PRIVATE_ENTERPRISE:
                brand = rng.choice(BRAND_HEAD) + rng.choice(BRAND_TAIL)
                name = f"{self.county}{brand}{rng.choice(INDUSTRIES)}有限公司党支部"
            elif sector is Sector.SOCIAL_ORG:
                unit = rng.choice(SOCIAL_UNITS)
                name = f"{self.place()}村{unit}党支部" if late else f"{town}{unit}党支部"
            elif sector is Sector.SERVICE_WINDOW:
                unit = rng.choice(WINDOW_UNITS)
                name = f"{town}{self.place()}{unit}党支部" if late else f"{town}{unit}党支部"
            elif sector is Sector.PUBLIC_INSTITUTION:
                if late or rng.random() < 0.3:
                    return self.numbered(f"{town}机关")
                name = f"{town}{rng.choice(OFFICE_UNITS[1:])}党支部"  # 机关 is numbered above
            elif sector is Sector.SCHOOL:
                unit = rng.choice(SCHOOL_UNITS)
                name = f"{self.place()}{unit}党支部" if late or not unit.startswith("中") else f"{town}{unit}党支部"
            elif sector is Sector.RETIRED:
                return self.numbered(f"{town}{rng.choice(RETIRED_UNITS)}")
            elif sector is Sector.MOBILE:
                name = f"驻{rng.choice(CITIES)}{self.place()}流动党员党支部" if attempt % 2 else f"{town}流动党员党支部"
            elif sector is Sector.JOINT:
                name = f"{town}{self.place() if late else ''}{rng.choice(JOINT_UNITS)}联合党支部"
            else:  # a temporary branch on a works project
                name = f"{town}{self.place()}{rng.choice(PROJECTS)}临时党支部"
            if name not in self.used_names:
                break
        else:  # pools exhausted at huge N: number the namesakes
            return self.numbered(name[: -len("党支部")])
        self.used_names.add(name)
        return name

    def numbered(self, unit: str) -> str:
        """The unit's first free branch name: ××党支部 once, then 第一/第二…党支部
        (a unit numbering its branches numbers them all, so 第一 comes before 第二)."""
        first = [] if unit.endswith("机关") else [f"{unit}党支部"]
        numbers = itertools.count(1 if unit.endswith("机关") else 2)
        names = itertools.chain(first, (f"{unit}第{_ordinal(n)}党支部" for n in numbers))
        name = next(n for n in names if n not in self.used_names)
        self.used_names.add(name)
        return name

    def branch(self, spec: _BranchSpec) -> None:
        rng, sector = self.rng, spec.sector
        lo, hi = MEMBERS[sector]
        members = rng.randint(lo, hi)
        vacant = spec.weaklax is not None and rng.random() < 0.4
        committee_members = [self.person() for _ in range(3 if members < 20 else 5)]
        branch = Branch(
            id=self.uid(),
            name=self.branch_name(sector),
            sector=sector,
            secretary="" if vacant else committee_members[0],
            members=members,
            party_groups=members // rng.randint(8, 12) if members >= 15 else 0,
            has_leading_cadres=rng.random() < LEADING_CADRES.get(sector, 0.03),
            contact=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            notes="书记出缺，由组织委员主持工作" if vacant else "",
        )
        branch = self.store.save(branch, at=self.moment(self.days_ago(330, 360)))
        add_roster(self.store, branch, self.today, SURNAMES, GIVEN, committee_members)
        self.stats.branches += 1
        self.stats.count(self.stats.sectors, sector.value)
        leader = branch.secretary or rng.choice(self.leaders)
        health = rng.lognormvariate(0, 0.35) * (1.8 if spec.weaklax else 1.0)
        # The weak/lax situations come first, so that the visit that led to the
        # determination finds the problems its evidence names.
        ticks = self.ticks(branch) if spec.weaklax is not None else []
        visits, seen = self.visits(branch, spec.visits, health, leader, committee_members, ticks)
        completed = [v for v in visits if v.status is VisitStatus.COMPLETED]
        self.pockets(branch, completed, spec.min_pockets)
        self.relations(branch, completed, leader, committee_members)
        if spec.weaklax is not None:
            self.weaklax(branch, spec.weaklax, completed[0] if completed else None, ticks, seen)

    # --------------------------------------------------------------- visits
    def visit_plan(self, shape: str) -> list[tuple[int, float]]:
        """(days ago, share answered) of each visit of a branch; 1.0 = completed."""
        rng = self.rng
        first = rng.randint(40, 300)
        later = max(0, first - rng.randint(45, 150))
        partial = rng.uniform(0.2, 0.9)
        return {
            "none": [],
            "draft": [(rng.randint(0, 14), partial)],
            "one": [(first, 1.0)],
            "two": [(first, 1.0), (later, 1.0)],
            "one+draft": [(first, 1.0), (min(later, 14), partial)],
        }[shape]

    def items_for(self, template, branch: Branch) -> list:
        key = (template.id, branch.sector, branch.has_leading_cadres, branch.members >= 7, branch.party_groups > 0)
        items = self._items_cache.get(key)
        if items is None:
            from inspector.visit import applicable_items

            items = self._items_cache[key] = applicable_items(template, branch)
        return items

    def visits(
        self, branch: Branch, shape: str, health: float, leader: str, people: list[str], ticks: list[str]
    ) -> tuple[list[Visit], dict[str, str]]:
        """The branch's visits, and for each weak/lax criterion ticked, the
        finding of the first visit that shows it (its evidence)."""
        from inspector.checklist import pick_template
        from inspector.visit import shortfall, start_visit, unanswered

        template = pick_template(self.templates, branch.sector)
        items = self.items_for(template, branch)
        never = set(_NOT_DRAWN.get(template.id, ()))
        secretary_gone = not branch.secretary and any(i.id == _SECRETARY_ITEM for i in items)
        if secretary_gone:
            never.discard(_SECRETARY_ITEM)
        out: list[Visit] = []
        seen: dict[str, str] = {}
        for n, (ago, share) in enumerate(self.visit_plan(shape)):
            on = self.today - timedelta(days=ago)
            rng = self.rng
            visit = start_visit(
                self.store,
                branch,
                template,
                on=on,
                inspectors=rng.sample(self.staff, 2),
                methods=sorted(rng.sample(list(VisitMethod), rng.randint(2, 4)), key=list(VisitMethod).index),
                stages=self.stages_on(on),
            )
            asked = items[: max(1, round(len(items) * share))]
            pending = {i.id for i in asked if not i.is_due(on)}  # answered 未到时间节点: no evidence
            forced = self.shown(asked, ticks, never | pending) if n == 0 else {}
            failing = set(forced.values()) | ({_SECRETARY_ITEM} if secretary_gone else set())
            # A return visit (回头看) finds fewer problems than the first.
            expected = TYPICAL_FINDINGS * share * health * (0.6 if n else 1.0)
            answers, not_met = self.answers(template, asked, expected, on, failing, never)
            status = VisitStatus.COMPLETED if share >= 1.0 else VisitStatus.DRAFT
            update: dict = {"answers": answers}
            if status is VisitStatus.COMPLETED:
                update.update(
                    status=status,
                    completed_at=self.moment(on, 16, 18),
                    summary=rng.choice(SUMMARIES),
                )
            done = visit.model_copy(update=update)
            if status is VisitStatus.COMPLETED:
                assert not unanswered(template, branch, done), "a completed demo visit answers every item"
            visit = self.store.save(done, base=visit, at=self.moment(on, 11, 16))
            self.stats.count(self.stats.visits, status.value)
            for criterion, item_id in forced.items():
                if item_id in answers:
                    seen[criterion] = shortfall(template.item(item_id), answers[item_id].note)
            # Every 不符合 of a completed visit is written up; during a visit, some are.
            for item, fact in not_met:
                if status is VisitStatus.COMPLETED or rng.random() < 0.5:
                    self.finding(visit, item, fact, leader, people)
            out.append(visit)
        return out, seen

    def stages_on(self, on: date) -> list[Stage]:
        """The key points a visit on `on` attends: those whose window holds the date, some of the time."""
        rng = self.rng
        return [
            stage
            for stage, (start, end, share) in STAGE_WINDOWS.items()
            if date(on.year, *start) <= on <= date(on.year, *end) and rng.random() < share
        ]

    def relations(self, branch: Branch, completed: list[Visit], leader: str, people: list[str]) -> None:
        """The 口袋/失联 items of each completed visit (`RELATION_ITEMS`) answered from the branch's records:
        不符合 only where members of that kind, known by the visit, were not yet
        settled on its day (as `inspector/pocket.py` judges), the fact naming how many."""
        from inspector.checklist import pick_template
        from inspector.pocket import DueLevel, due_next

        template = pick_template(self.templates, branch.sector)
        members = self.store.pockets(branch.id)
        for visit in completed:
            answers = dict(visit.answers)
            failed = []
            for item_id, (kinds, fact, goal, measures) in RELATION_ITEMS.get(template.id, {}).items():
                if item_id not in answers:
                    continue
                n = sum(
                    1
                    for m in members
                    if m.member_kind in kinds
                    and (m.found_on or self.today) <= visit.date
                    and due_next(m, visit.date).level != DueLevel.SETTLED
                )
                if n:
                    note = fact.format(n=n)
                    answers[item_id] = answers[item_id].model_copy(update={"value": AnswerValue.NOT_MET, "note": note})
                    failed.append((template.item(item_id), (note, goal, measures)))
            if failed:
                visit = self.store.save(
                    visit.model_copy(update={"answers": answers}), base=visit, at=self.moment(visit.date, 16, 18)
                )
                for item, seen in failed:
                    self.finding(visit, item, seen, leader, people)

    def shown(self, items: list, ticks: list[str], never: set[str]) -> dict[str, str]:
        """Criterion -> one item of `items` tied to it, which the visit finds 不符合."""
        out = {}
        for criterion in ticks:
            tied = [i.id for i in items if i.weaklax == criterion and i.id not in never]
            if tied:
                out[criterion] = self.rng.choice(tied)
        return out

    def answers(
        self, template, items: list, expected: float, on: date, forced: set[str], never: set[str]
    ) -> tuple[dict[str, Answer], list[tuple[Any, tuple[str, str, str]]]]:
        """Answers to `items`: `forced` 不符合, others drawn by section weight
        (`SECTION_WEIGHTS`), none of `never`; each 不符合 with the fact seen.
        Items not yet due on `on` are answered 未到时间节点 whatever was drawn."""
        rng = self.rng
        low, high = FINDINGS_PER_VISIT
        k = min(len(items) * 2 // 3, high, max(low, round(rng.gauss(expected, expected * 0.25))))
        sections = {i.id: template.section_of(i.id).id for i in items}
        size: dict[str, int] = {}
        for sid in sections.values():
            size[sid] = size.get(sid, 0) + 1
        drawable = [i.id for i in items if i.id not in forced and i.id not in never]
        # Weighted sampling without replacement: the k largest u^(1/w).
        keyed = sorted(
            drawable,
            key=lambda iid: rng.random() ** (size[sections[iid]] / SECTION_WEIGHTS.get(sections[iid], 1.0)),
            reverse=True,
        )
        failing = {i for i in forced if i in sections} | set(keyed[: max(0, k - len(forced))])
        answers, not_met = {}, []
        for item in items:
            if not item.is_due(on):  # a duty not yet due is neither met nor a problem
                value, note = AnswerValue.NOT_DUE, ""
            elif item.id in failing:
                value = AnswerValue.NOT_MET
                fact = (
                    SECRETARY_VACANT if item.id == _SECRETARY_ITEM else self.fact(template.id, item, sections[item.id])
                )
                note = fact[0]
                not_met.append((item, fact))
            elif item.id in never:
                value, note = AnswerValue.MET, ""
            else:
                roll = rng.random()
                partly = AnswerValue.PARTLY_MET in item.allowed_answers and roll < 0.08
                value = (
                    AnswerValue.PARTLY_MET
                    if partly
                    else (AnswerValue.NOT_APPLICABLE if roll > 0.98 else AnswerValue.MET)
                )
                note = rng.choice(PARTLY_NOTES) if partly else ""
            answers[item.id] = Answer(value=value, note=note, who=self.store.user, at=self.moment(on))
        return answers, not_met

    def fact(self, template_id: str, item, section_id: str) -> tuple[str, str, str]:
        """What was seen on a 不符合 item, with the goal and measures for it."""
        rng = self.rng
        notes = ITEM_NOTES.get(item.id, ()) if template_id == "general" else ()
        note = rng.choice(notes) if notes else CHECKED_NOTES[rng.choice(item.methods)]
        return (note, *rng.choice(REMEDIES.get(section_id, (OTHER_REMEDY,))))

    # ------------------------------------------------------------- findings
    def finding(self, visit: Visit, item, fact: tuple[str, str, str], leader: str, people: list[str]) -> None:
        from inspector.visit import finding_from_item

        rng = self.rng
        draft = finding_from_item(visit, item)
        days = {Severity.SERIOUS: (15, 30), Severity.MAJOR: (30, 45), Severity.MINOR: (30, 60, 90)}[draft.severity]
        deadline = visit.date + timedelta(days=rng.choice(days))
        age = (self.today - visit.date).days
        status = self.finding_status(visit.date, deadline)
        responsible = Responsibility(leader=leader, person=rng.choice(people))
        fields = {
            "id": self.uid(),
            "goal": fact[1],
            "measures": fact[2],
            "deadline": deadline,
            "responsible": responsible,
            "status": status,
            "progress": rng.choice(PROGRESS[status]),
        }
        if status in (FindingStatus.AWAITING_CHECK, FindingStatus.CLOSED):
            fields["evidence"] = "、".join(rng.sample(EVIDENCE, 2))
        if status is FindingStatus.CLOSED:
            soonest = min(7, age)
            latest = max(soonest, (min(self.today, deadline + timedelta(days=20)) - visit.date).days)
            fields["verifier"] = rng.choice([s for s in self.staff if s != responsible.person])
            fields["verified_on"] = visit.date + timedelta(days=rng.randint(soonest, latest))
        finding = Finding.model_validate({**draft.model_dump(), **fields})
        self.store.save(finding, at=self.moment(visit.date, 15, 17))
        self.stats.count(self.stats.findings, status.value)
        if finding.overdue_days(self.today):
            self.stats.overdue += 1

    def finding_status(self, found: date, deadline: date) -> FindingStatus:
        """Most findings are closed around their deadline; some linger past it."""
        r = self.rng.random()
        span = max(1, (deadline - found).days)
        if self.today <= deadline:
            closed = 0.35 * (self.today - found).days / span
        else:
            closed = 0.6 + 0.3 * min(1.0, (self.today - deadline).days / 120)
        if r < closed:
            return FindingStatus.CLOSED
        if (self.today - found).days < 10:
            return FindingStatus.NOT_STARTED if r < 0.8 else FindingStatus.IN_PROGRESS
        rest = (r - closed) / (1 - closed)
        if rest < 0.2:
            return FindingStatus.NOT_STARTED
        return FindingStatus.IN_PROGRESS if rest < 0.75 else FindingStatus.AWAITING_CHECK

    # ------------------------------------------------------ pocket members
    def pockets(self, branch: Branch, completed: list[Visit], at_least: int) -> None:
        rng = self.rng
        weight = 1.4 if branch.sector in (Sector.RURAL, Sector.COMMUNITY, Sector.MOBILE, Sector.OTHER) else 0.4
        count = max(at_least, sum(1 for _ in range(4) if rng.random() < weight * 0.22))
        for n in range(count):
            kind = list(MemberKind)[n] if n < at_least else rng.choice(list(MemberKind))
            visit = rng.choice(completed) if completed and rng.random() < 0.7 else None
            member = PocketMember(
                id=self.uid(),
                branch_id=branch.id,
                name=self.person(),
                member_kind=kind,
                notes=rng.choice(POCKET_NOTES[kind]),
                found_on=visit.date if visit else self.days_ago(30, 200),
                visit_id=visit.id if visit else None,
                **self.pocket_fields(kind),
            )
            self.store.save(member, at=self.moment(member.found_on or self.today))
            self.stats.count(self.stats.pockets, kind.value)

    def pocket_fields(self, kind: MemberKind) -> dict:
        """Dates straddling the six-month lines of `inspector/pocket.py`, and what follows from them."""
        rng = self.rng
        months = rng.choice((3, 5, 6, 6, 6, 7, 12, 26))  # 6 ± a few days is the interesting edge
        last = self.months_before(months, 4)
        over = (self.today - last).days > 183
        # Attendance and dues are dated apart: one of them is often more recent.
        dates = {"last_attended": last, "last_dues_paid": last}
        dates[rng.choice(("last_attended", "last_dues_paid"))] = self.months_before(
            max(0, months - rng.randint(0, 3)), 4
        )
        if kind is MemberKind.POCKET:
            issued = self.months_before(months + rng.randint(0, 3), 10)
            return dates | {
                "letter_issued": issued,
                "letter_valid_days": rng.choice((30, 60, 90)),
                "receiving_org": f"{rng.choice(CITIES)}市{rng.choice(COMMUNITY_HEAD)}街道党工委",
                "last_contact": self.months_before(rng.randint(0, 2), 10),  # reachable, not taking part
                "track": LegalTrack.LAPSED if over else LegalTrack.NONE,
                "disposition": rng.choice((Disposition.PENDING, Disposition.CORRECT_WITHIN_TERM))
                if over
                else rng.choice((Disposition.PENDING, Disposition.TRANSFERRED, Disposition.BACK_TO_NORMAL)),
            }
        if kind is MemberKind.LOST_CONTACT:
            probationary = rng.random() < 0.15
            if not over:
                disposition = Disposition.PENDING
            elif probationary:
                disposition = rng.choice((Disposition.PENDING, Disposition.PROBATION_CANCELLED))
            elif months >= 24:
                disposition = rng.choice((Disposition.SUSPENDED, Disposition.STRUCK_OFF))
            else:
                disposition = rng.choice((Disposition.PENDING, Disposition.SUSPENDED))
            fields = dates | {
                "last_contact": last,
                "probationary": probationary,
                "track": LegalTrack.SUSPENDED if over else LegalTrack.NONE,
                "disposition": disposition,
            }
            return fields | self.decision(last, disposition)
        return dates | {
            "receiving_org": f"{rng.choice(CITIES)}市流动党员党支部",
            "last_contact": last,
            "track": LegalTrack.LAPSED if over and rng.random() < 0.3 else LegalTrack.NONE,
            "disposition": Disposition.BACK_TO_NORMAL if not over else Disposition.PENDING,
        }

    def decision(self, last_contact: date, disposition: Disposition) -> dict:
        """The branch meeting, the committee's approval and the filing of a decided
        disposition, after the six months without contact; the latest step is
        sometimes still to come."""
        if disposition not in (Disposition.SUSPENDED, Disposition.STRUCK_OFF, Disposition.PROBATION_CANCELLED):
            return {}
        rng = self.rng
        meeting = min(self.today, last_contact + timedelta(days=190 + rng.randint(0, 40)))
        approved = min(self.today, meeting + timedelta(days=rng.randint(5, 20)))
        filed = min(self.today, approved + timedelta(days=rng.randint(3, 15)))
        steps: dict[str, date | None] = {
            "disposition_on": approved,
            "meeting_on": meeting,
            "approved_on": approved,
            "filed_on": filed,
        }
        if rng.random() < 0.2:
            steps["filed_on"] = None
        return steps

    # -------------------------------------------------------------- weak/lax
    def ticks(self, branch: Branch) -> list[str]:
        """1–3 weak/lax situations that can hold for the branch: each in its
        sectors (`checklists/weaklax.toml`), 书记不胜任 only with a secretary,
        书记出缺 always (and only) without one."""
        vacancy = {"WL01", "WLQ01"}
        pool = [
            cid
            for cid, c in self.criteria.items()
            if c.applies_to(branch.sectors)
            and (cid != "WL02" or branch.secretary)
            and (cid != "WLQ01" or not branch.secretary)
        ]
        if not pool:
            return []
        ticks = self.rng.sample(pool, min(len(pool), self.rng.randint(1, 3)))
        if not branch.secretary and "WL01" in pool and not vacancy & set(ticks):
            ticks[0] = "WL01"
        return ticks

    def weaklax(
        self, branch: Branch, status: WeakLaxStatus, visit: Visit | None, ticks: list[str], seen: dict[str, str]
    ) -> None:
        """The determination, its evidence the findings of the visit that showed
        each situation (`seen`), else what the 排查 found."""
        rng = self.rng
        if not ticks:
            return
        determined = visit.date if visit else self.days_ago(60, 240)
        if status is WeakLaxStatus.IDENTIFIED:
            determined = self.days_ago(3, 30)
        deadline = determined + timedelta(days=rng.choice((90, 180)))
        record = WeakLaxDetermination(
            id=self.uid(),
            branch_id=branch.id,
            visit_id=visit.id if visit and status is not WeakLaxStatus.IDENTIFIED else None,
            determined_on=determined,
            criteria=[
                CriterionTick(
                    criterion_id=c,
                    evidence=f"现场指导发现：{seen[c]}" if c in seen else WEAKLAX_EVIDENCE.get(c, "经排查属实"),
                )
                for c in ticks
            ],
            plan=Plan4(
                goal="用半年时间完成整顿，配齐配强班子，健全「三会一课」等制度，群众满意率达到80%以上",
                measures="党委班子成员包联，选派驻村（驻点）指导员；每月召开一次整顿推进会；"
                "补开组织生活会和民主评议党员；建立整顿台账，逐项销号",
                deadline=deadline,
                responsible=Responsibility(leader=rng.choice(self.leaders), person=rng.choice(self.staff)),
            ),
            status=status,
        )
        if status in (WeakLaxStatus.ACCEPTED, WeakLaxStatus.CLOSED):
            result = AcceptanceResult.PASSED if status is WeakLaxStatus.CLOSED else rng.choice(list(AcceptanceResult))
            score = {
                AcceptanceResult.PASSED: (80, 95),
                AcceptanceResult.BASICALLY_PASSED: (70, 79),
                AcceptanceResult.FAILED: (50, 69),
            }[result]
            accepted = min(self.today - timedelta(days=2), deadline)
            record = record.model_copy(
                update={
                    "acceptance_result": result,
                    "acceptance_score": float(rng.randint(*score)) + rng.choice((0.0, 0.5)),
                    "accepted_on": accepted,
                    "closed_on": min(self.today, accepted + timedelta(days=10))
                    if status is WeakLaxStatus.CLOSED
                    else None,
                    "notes": "县委组织部验收组听取汇报、民主测评、个别谈话并查阅台账",
                }
            )
        self.store.save(record, at=self.moment(determined))
        self.stats.count(self.stats.weaklax, status.value)
