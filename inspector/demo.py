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

import os
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

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
    FindingCategory,
    FindingStatus,
    LegalTrack,
    MemberKind,
    Plan4,
    PocketMember,
    Responsibility,
    Sector,
    Severity,
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
COMMUNITY_TAIL = ("路", "街", "里", "苑", "小区", "新村", "花园")
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
    "派出所户籍窗口",
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
RETIRED_UNITS = ("机关离退休", "学区离退休教师", "粮食系统离退休", "供销系统离退休", "村老干部", "企业退休职工")
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
    Sector.OTHER: 2,
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
NOTES_BY_METHOD = {
    VisitMethod.REVIEW_RECORDS: (
        "未见相关记录",
        "记录不完整，缺少第二季度内容",
        "台账内容简单，流于形式",
        "只有计划，没有落实情况的记录",
        "记录为事后补写，时间对不上",
    ),
    VisitMethod.DISCUSSION: ("座谈中多数党员表示不了解", "座谈中党员反映未开展", "党员对要求说不清楚"),
    VisitMethod.HEAR_REPORT: ("汇报中未能说明开展情况", "汇报内容笼统，没有具体做法"),
    VisitMethod.ATTEND: ("列席时发现程序不规范", "列席时发现准备不充分，临时凑材料"),
}
# What an inspector notes when members show one of the five problem types (一、).
NOTES_BY_CATEGORY = {
    FindingCategory.WAVERING_FAITH: ("座谈中了解到个别党员参加封建迷信活动", "个别党员对共产主义信仰说不清楚"),
    FindingCategory.WEAK_PARTY_AWARENESS: ("个别党员连续3个月以上未交纳党费", "个别党员长期不参加组织生活"),
    FindingCategory.WEAK_SERVICE_ETHOS: ("群众反映个别党员办事推诿、吃拿卡要", "个别党员在征地补偿中与民争利"),
    FindingCategory.LOW_MORALE: ("个别党员工作消极懈怠，不起先锋模范作用", "党员承诺事项大多未兑现"),
    FindingCategory.IMPROPER_CONDUCT: ("群众反映个别党员大操大办婚丧喜事", "个别党员参与赌博"),
}
PARTLY_NOTES = ("已开展，但记录不够规范", "基本落实，个别环节欠缺", "有安排，执行不够经常")
GOALS = {
    FindingCategory.IDEOLOGY: ("党员学习常态化，学习计划逐项落实到位", "党员对党章党规和系列讲话的学习做到入脑入心"),
    FindingCategory.ORGANISATION: (
        "严格落实「三会一课」制度，会议记录完整规范",
        "组织生活按期、按程序开展，资料齐全",
        "支部班子配齐配强，各项工作制度健全",
    ),
    FindingCategory.CONDUCT: ("党员联系服务群众经常化，群众反映的问题件件有回音", "纠正「四风」，工作作风明显转变"),
    FindingCategory.DISCIPLINE: (
        "党员严守政治纪律和政治规矩，按时足额交纳党费",
        "组织纪律明显增强，按规定参加组织生活",
    ),
    FindingCategory.WAVERING_FAITH: ("相关党员理想信念明显坚定，不再参与封建迷信活动",),
    FindingCategory.WEAK_PARTY_AWARENESS: ("相关党员按时参加组织生活、交纳党费，亮明党员身份",),
    FindingCategory.WEAK_SERVICE_ETHOS: ("相关党员宗旨意识增强，群众满意度提高",),
    FindingCategory.LOW_MORALE: ("相关党员工作状态明显改善，在岗位上发挥先锋模范作用",),
    FindingCategory.IMPROPER_CONDUCT: ("相关党员言行符合党员标准，群众无反映",),
}
MEASURES = (
    "支部书记牵头，召开支委会研究整改，明确专人负责，建立台账，完成一项销号一项",
    "制定整改计划，按季度安排到人，党委包联干部每月跟踪督办",
    "补齐相关资料，规范记录格式；组织委员每次活动后当场整理记录",
    "开展一次专题学习，召开支部党员大会通报整改情况，接受党员监督",
    "与相关党员逐一谈心谈话，提出限期改正要求，跟踪改正情况",
    "对照方案要求逐条自查，缺项部分在时限内补课，并报党委组织办备案",
)
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
    "WL01": "支委仅剩1人，书记调离后一直空缺",
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
# Criteria that only make sense for villages and residential communities.
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
        self._items_cache: dict[tuple, list] = {}
        self.county = rng.choice(COUNTIES)
        self.town = rng.choice(TOWNS)
        self.staff = [self.person() for _ in range(12)]
        self.leaders = [f"党委委员{self.person()}" for _ in range(5)]

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
        every sector (n >= 10), visit history and weak/lax status (n >= 12) present."""
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
        rng = self.rng
        for _ in range(30):
            if sector is Sector.RURAL:
                name = f"{self.place()}村党支部"
            elif sector is Sector.COMMUNITY:
                name = f"{rng.choice(COMMUNITY_HEAD)}{rng.choice(COMMUNITY_TAIL)}社区党支部"
            elif sector is Sector.STATE_ENTERPRISE:
                name = f"{self.county}县{self.place()}{rng.choice(STATE_UNITS)}党支部"
            elif sector is Sector.PRIVATE_ENTERPRISE:
                brand = rng.choice(BRAND_HEAD) + rng.choice(BRAND_TAIL)
                name = f"{self.county}{brand}{rng.choice(INDUSTRIES)}有限公司党支部"
            elif sector is Sector.SOCIAL_ORG:
                name = f"{self.place()}{rng.choice(SOCIAL_UNITS)}党支部"
            elif sector is Sector.SERVICE_WINDOW:
                name = f"{self.place()}{rng.choice(WINDOW_UNITS)}党支部"
            elif sector is Sector.PUBLIC_INSTITUTION:
                name = f"{self.town}镇{self.place()}{rng.choice(OFFICE_UNITS)}党支部"
            elif sector is Sector.SCHOOL:
                name = f"{self.place()}{rng.choice(SCHOOL_UNITS)}党支部"
            elif sector is Sector.RETIRED:
                name = f"{self.place()}{rng.choice(RETIRED_UNITS)}党支部"
            else:
                name = rng.choice(
                    (f"驻{rng.choice(CITIES)}{self.place()}流动党员党支部", f"{self.place()}个体工商户联合党支部")
                )
            if name not in self.used_names:
                break
        else:  # pools exhausted at huge N: number the namesakes
            base, n = name[: -len("党支部")], 2
            while f"{base}第{n}党支部" in self.used_names:
                n += 1
            name = f"{base}第{n}党支部"
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
        visits = self.visits(branch, spec.visits, health, leader, committee_members)
        completed = [v for v in visits if v.status is VisitStatus.COMPLETED]
        self.pockets(branch, completed, spec.min_pockets)
        if spec.weaklax is not None:
            self.weaklax(branch, spec.weaklax, completed[0] if completed else None)

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

    def visits(self, branch: Branch, shape: str, health: float, leader: str, people: list[str]) -> list[Visit]:
        from inspector.checklist import pick_template
        from inspector.visit import start_visit, unanswered

        template = pick_template(self.templates, branch.sector)
        items = self.items_for(template, branch)
        out = []
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
            )
            asked = items[: max(1, round(len(items) * share))]
            # A return visit (回头看) finds fewer problems than the first.
            expected = TYPICAL_FINDINGS * share * health * (0.6 if n else 1.0)
            answers, not_met = self.answers(asked, expected, on)
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
            # Every 不符合 of a completed visit is written up; during a visit, some are.
            for item in not_met:
                if status is VisitStatus.COMPLETED or rng.random() < 0.5:
                    self.finding(visit, item, leader, people)
            out.append(visit)
        return out

    def answers(self, items: list, expected: float, on: date) -> tuple[dict[str, Answer], list]:
        rng = self.rng
        low, high = FINDINGS_PER_VISIT
        k = min(len(items) * 2 // 3, high, max(low, round(rng.gauss(expected, expected * 0.25))))
        failing = set(rng.sample(range(len(items)), k))
        answers, not_met = {}, []
        for i, item in enumerate(items):
            if i in failing:
                value = AnswerValue.NOT_MET
                notes = NOTES_BY_CATEGORY.get(item.category) or NOTES_BY_METHOD[rng.choice(item.methods)]
                note = rng.choice(notes)
                not_met.append(item)
            else:
                roll = rng.random()
                partly = AnswerValue.PARTLY_MET in item.allowed_answers and roll < 0.15
                value = (
                    AnswerValue.PARTLY_MET
                    if partly
                    else (AnswerValue.NOT_APPLICABLE if roll > 0.98 else AnswerValue.MET)
                )
                note = rng.choice(PARTLY_NOTES) if partly else ""
            answers[item.id] = Answer(value=value, note=note, who=self.store.user, at=self.moment(on))
        return answers, not_met

    # ------------------------------------------------------------- findings
    def finding(self, visit: Visit, item, leader: str, people: list[str]) -> None:
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
            "goal": rng.choice(GOALS[draft.category]),
            "measures": rng.choice(MEASURES),
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
        weight = 1.4 if branch.sector in (Sector.RURAL, Sector.COMMUNITY, Sector.OTHER) else 0.4
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
    def weaklax(self, branch: Branch, status: WeakLaxStatus, visit: Visit | None) -> None:
        rng = self.rng
        pool = [cid for cid, c in self.criteria.items() if c.applies_to(branch.sectors)]
        if not pool:
            return
        ticks = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        if not branch.secretary and "WL01" in pool and "WL01" not in ticks:
            ticks[0] = "WL01"
        determined = visit.date if visit else self.days_ago(60, 240)
        if status is WeakLaxStatus.IDENTIFIED:
            determined = self.days_ago(3, 30)
        deadline = determined + timedelta(days=rng.choice((90, 180)))
        record = WeakLaxDetermination(
            id=self.uid(),
            branch_id=branch.id,
            visit_id=visit.id if visit and status is not WeakLaxStatus.IDENTIFIED else None,
            determined_on=determined,
            criteria=[CriterionTick(criterion_id=c, evidence=WEAKLAX_EVIDENCE.get(c, "经排查属实")) for c in ticks],
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
