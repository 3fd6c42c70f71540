"""The Chinese every user sees for stored codes and field names (the README glossary in code).

Stored enum values are stable ASCII codes (`inspector/models.py`); what a
screen, a CSV column or a memo prints comes from here, so renaming a label
changes no data file. `parse` takes user input back: a label or a code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from inspector.models import (
    AcceptanceResult,
    AnswerValue,
    AppraisalGrade,
    AssignmentRole,
    Disposition,
    FindingCategory,
    FindingStatus,
    FollowUpResult,
    LegalTrack,
    MemberCategory,
    MemberKind,
    MemberStatus,
    Sector,
    Severity,
    Sex,
    Stage,
    VisitKind,
    VisitMethod,
    VisitStatus,
    WeakLaxStatus,
    map_enum_field,
)

E = TypeVar("E", bound=StrEnum)

VALUES: dict[type[StrEnum], dict[Any, str]] = {
    Sector: {
        Sector.RURAL: "农村",
        Sector.COMMUNITY: "社区",
        Sector.STATE_ENTERPRISE: "国有企业",
        Sector.PRIVATE_ENTERPRISE: "非公有制企业",
        Sector.SOCIAL_ORG: "社会组织",
        Sector.SERVICE_WINDOW: "窗口单位/服务行业",
        Sector.PUBLIC_INSTITUTION: "机关事业单位",
        Sector.SCHOOL: "学校",
        Sector.RETIRED: "离退休",
        Sector.MOBILE: "流动党员",
        Sector.JOINT: "联合党支部",
        Sector.OTHER: "其他",
    },
    VisitMethod: {
        VisitMethod.REVIEW_RECORDS: "查阅资料",
        VisitMethod.HEAR_REPORT: "听取汇报",
        VisitMethod.DISCUSSION: "座谈",
        VisitMethod.ATTEND: "列席",
    },
    Stage: {
        Stage.STUDY_PLAN: "制定学习教育计划",
        Stage.JULY_LESSON: "“七一”党课",
        Stage.SPECIAL_MEETING: "专题组织生活会",
        Stage.APPRAISAL: "民主评议党员",
    },
    VisitStatus: {
        VisitStatus.DRAFT: "进行中",
        VisitStatus.COMPLETED: "已完成",
    },
    AnswerValue: {
        AnswerValue.MET: "符合",
        AnswerValue.PARTLY_MET: "基本符合",
        AnswerValue.NOT_MET: "不符合",
        AnswerValue.NOT_APPLICABLE: "不适用",
        AnswerValue.NOT_DUE: "未到时间节点",
    },
    Severity: {
        Severity.MINOR: "一般",
        Severity.MAJOR: "较重",
        Severity.SERIOUS: "严重",
    },
    FindingCategory: {
        FindingCategory.IDEOLOGY: "思想",
        FindingCategory.ORGANISATION: "组织",
        FindingCategory.CONDUCT: "作风",
        FindingCategory.DISCIPLINE: "纪律",
        FindingCategory.WAVERING_FAITH: "理想信念模糊动摇",
        FindingCategory.WEAK_PARTY_AWARENESS: "党的意识淡化",
        FindingCategory.WEAK_SERVICE_ETHOS: "宗旨观念淡薄",
        FindingCategory.LOW_MORALE: "精神不振",
        FindingCategory.IMPROPER_CONDUCT: "道德行为不端",
    },
    FindingStatus: {
        FindingStatus.NOT_STARTED: "未启动",
        FindingStatus.IN_PROGRESS: "整改中",
        FindingStatus.AWAITING_CHECK: "待验收",
        FindingStatus.CLOSED: "已销号",
    },
    MemberKind: {
        MemberKind.POCKET: "口袋党员",
        MemberKind.LOST_CONTACT: "失联党员",
        MemberKind.MOBILE: "流动党员",
    },
    LegalTrack: {
        LegalTrack.NONE: "暂不适用",
        LegalTrack.LAPSED: "自行脱党（党章第九条）",
        LegalTrack.SUSPENDED: "停止党籍（失去联系满6个月）",
    },
    Disposition: {
        Disposition.PENDING: "排查中",
        Disposition.BACK_TO_NORMAL: "纳入正常管理",
        Disposition.CORRECT_WITHIN_TERM: "限期改正",
        Disposition.PERSUADE_TO_LEAVE: "劝退",
        Disposition.STRUCK_OFF: "除名",
        Disposition.SUSPENDED: "停止党籍",
        Disposition.PROBATION_CANCELLED: "取消预备党员资格",
        Disposition.TRANSFERRED: "已转接组织关系",
        Disposition.RESTORED: "恢复党籍",
    },
    WeakLaxStatus: {
        WeakLaxStatus.IDENTIFIED: "已认定",
        WeakLaxStatus.RECTIFYING: "整顿中",
        WeakLaxStatus.ACCEPTED: "已验收",
        WeakLaxStatus.CLOSED: "已销号",
        WeakLaxStatus.WITHDRAWN: "已撤销",
    },
    AcceptanceResult: {
        AcceptanceResult.PASSED: "合格",
        AcceptanceResult.BASICALLY_PASSED: "基本合格",
        AcceptanceResult.FAILED: "不合格",
    },
    VisitKind: {
        VisitKind.GUIDANCE: "现场指导",
        VisitKind.RETURN: "回头看",
    },
    FollowUpResult: {
        FollowUpResult.DONE: "已整改",
        FollowUpResult.PARTLY: "部分整改",
        FollowUpResult.NOT_DONE: "未整改",
    },
    AssignmentRole: {
        AssignmentRole.GUIDE: "指导员",
        AssignmentRole.LEADER: "包联领导",
    },
    Sex: {Sex.MALE: "男", Sex.FEMALE: "女"},
    MemberStatus: {MemberStatus.FULL: "正式党员", MemberStatus.PROBATIONARY: "预备党员"},
    MemberCategory: {
        MemberCategory.EMPLOYED: "在职",
        MemberCategory.RETIRED: "离退休",
        MemberCategory.FARMER: "农民",
        MemberCategory.STUDENT: "学生",
        MemberCategory.UNEMPLOYED: "无固定收入",
    },
    AppraisalGrade: {
        AppraisalGrade.EXCELLENT: "优秀",
        AppraisalGrade.PASSED: "合格",
        AppraisalGrade.BASICALLY_PASSED: "基本合格",
        AppraisalGrade.FAILED: "不合格",
    },
}

# Branch fields: form labels and roster column names.
BRANCH_FIELDS: dict[str, str] = {
    "name": "支部名称",
    "sector": "所属领域",
    "secretary": "支部书记",
    "other_sectors": "其他领域",
    "members": "党员人数",
    "probationary_members": "其中预备党员",
    "party_groups": "党小组数",
    "has_leading_cadres": "有领导干部党员",
    "contact": "联系方式",
    "notes": "备注",
}


# Finding fields in its history and in conflict messages.
FINDING_FIELDS: dict[str, str] = {
    "*": "新建",
    "status": "状态",
    "description": "问题描述",
    "category": "问题类别",
    "severity": "严重程度",
    "basis": "依据",
    "found_on": "发现日期",
    "goal": "整改目标",
    "measures": "整改措施",
    "deadline": "整改时限",
    "responsible": "责任主体",
    "progress": "进展",
    "evidence": "佐证材料",
    "verifier": "验收人",
    "verifier_reason": "名单外验收理由",
    "verified_on": "验收日期",
    "reopenings": "重新打开",
    "deleted": "删除",
}


# Fields staff most often meet in the Conflicts screen.
SYNC_FIELDS: dict[str, str] = {
    "name": "名称",
    "secretary": "书记",
    "members": "党员数",
    "sector": "领域",
    "contact": "联系方式",
    "notes": "备注",
    "status": "状态",
    "progress": "整改进展",
    "goal": "整改目标",
    "measures": "整改措施",
    "deadline": "整改时限",
    "responsible": "责任主体",
    "evidence": "佐证材料",
    "verifier": "验收人",
    "verified_on": "验收日期",
    "description": "问题描述",
    "severity": "严重程度",
    "category": "问题类别",
    "deleted": "删除",
    "summary": "指导小结",
    "achievements": "主要做法和成效",
    "disposition": "处置方式",
    "track": "处置依据",
    "last_contact": "最后联系",
    "last_attended": "最后参加组织生活",
    "last_dues_paid": "最后交纳党费",
    "assigned_work": "党组织分配的工作",
    "probationary": "预备党员",
    "receipt_returned_on": "回执退回日期",
    "applied_on": "书面申请日期",
    "meeting_on": "支部大会日期",
    "approved_on": "党委批准日期",
    "filed_on": "报县委组织部备案日期",
    "verifier_reason": "名单外验收理由",
    "plan": "整顿方案",
    "acceptance_result": "验收结果",
    "date": "日期",
    "answers": "作答",
    "inspectors": "指导人员",
    "methods": "指导方式",
    "stages": "参加的关键环节",
    "other_sectors": "其他领域",
    "probationary_members": "预备党员数",
    "proposed_by": "提出单位",
    "proposed_on": "提出日期",
    "decided_by": "认定单位",
    "acceptance_body": "验收单位",
    "satisfaction": "满意率",
    "reopenings": "重新打开记录",
    "completed_at": "完成时间",
    "visit_kind": "指导类型",
    "followups": "回头看结果",
    "report": "整改报告",
}


# Record kinds.
KINDS: dict[str, str] = {
    "committee": "党委",
    "branch": "党支部",
    "finding": "问题",
    "pocket": "口袋党员",
    "weaklax": "软弱涣散认定",
    "visit": "现场指导",
    "member": "党员",
}


# Roster (党员花名册) fields, in the order of its form and its .xlsx export.
MEMBER_FIELDS: dict[str, str] = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "status": "党员类别",
    "joined_on": "入党日期",
    "full_on": "转正日期",
    "party_group": "所在党小组",
    "unit_post": "工作单位及职务",
    "category": "人员类别",
    "leading_cadre": "党员领导干部",
    "mobile": "流动党员",
    "frail": "年老体弱",
    "contact": "联系电话",
    "dues_base": "党费基数",
    "dues_override": "约定月交党费",
    "last_attended": "最后参加组织生活日期",
    "last_dues_paid": "最后交纳党费日期",
    "last_talk": "谈心谈话日期",
    "appraisal": "评议等次",
    "notes": "备注",
}


# Finding fields on the finding form (edit conflicts).
FINDING_FORM_FIELDS: dict[str, str] = {
    "category": "问题类别",
    "severity": "严重程度",
    "description": "问题描述",
    "goal": "整改目标",
    "measures": "整改措施",
    "deadline": "整改时限",
    "responsible": "责任主体",
    "status": "整改状态",
}


# Pocket-member fields on its form (edit conflicts).
POCKET_FIELDS: dict[str, str] = {
    "name": "姓名",
    "member_kind": "类别",
    "letter_issued": "介绍信开具日期",
    "letter_valid_days": "有效期",
    "receiving_org": "接收单位",
    "receipt_returned_on": "回执退回日期",
    "probationary": "预备党员",
    "last_attended": "最后参加组织生活日期",
    "last_dues_paid": "最后交纳党费日期",
    "assigned_work": "党组织分配的工作",
    "last_contact": "最后联系日期",
    "track": "适用程序",
    "disposition": "处置",
    "disposition_on": "处置日期",
    "applied_on": "书面申请日期",
    "meeting_on": "支部大会日期",
    "approved_on": "党委批准日期",
    "filed_on": "报县委组织部备案日期",
    "notes": "备注",
}


# Weak/lax determination fields (edit conflicts).
WEAKLAX_FIELDS: dict[str, str] = {
    "criteria": "认定标准",
    "plan": "整顿方案",
    "status": "状态",
    "acceptance_result": "验收结果",
    "accepted_on": "验收日期",
    "acceptance_score": "验收得分",
    "acceptance_body": "验收单位",
    "satisfaction": "满意率",
    "proposed_by": "提出单位",
    "proposed_on": "提出日期",
    "decided_by": "认定单位",
    "closed_on": "销号日期",
}

# Sector names short enough for an 80-column table (others are short already).
SHORT_SECTORS: dict[Sector, str] = {
    Sector.PRIVATE_ENTERPRISE: "非公企业",
    Sector.SERVICE_WINDOW: "窗口服务",
    Sector.PUBLIC_INSTITUTION: "机关事业",
    Sector.JOINT: "联合支部",
}


def label(value: StrEnum) -> str:
    """The Chinese of one stored code."""
    return VALUES[type(value)][value]


def labels(enum: type[E]) -> list[str]:
    """Every label of `enum`, in its order."""
    return [VALUES[enum][m] for m in enum]


def choices(enum: type[E]) -> list[tuple[str, E]]:
    """(label, member) pairs for a select box."""
    return [(VALUES[enum][m], m) for m in enum]


#: Answers too long for a narrow 作答 column.
SHORT_ANSWERS: dict[AnswerValue, str] = {AnswerValue.NOT_DUE: "未到节点"}


def short_answer(value: AnswerValue) -> str:
    return SHORT_ANSWERS.get(value) or label(value)


def short_sector(sector: Sector) -> str:
    return SHORT_SECTORS.get(sector) or label(sector)


def parse(enum: type[E], text: str) -> E:
    """The member named by `text`, its label or its code; ValueError when none."""
    text = text.strip()
    for member, shown in VALUES[enum].items():
        if text in (shown, member.value):
            return member
    raise ValueError(text)


def field_value(kind: str, path: str, value: Any) -> Any:
    """A stored field value (as in the change history) with its codes shown in Chinese."""
    return map_enum_field(kind, path, value, _shown)


def shown_value(value: Any) -> str:
    """A stored value (after `field_value`) as one short line: empty as （空）, a person's two names joined."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dict):
        return "，".join(f"{v}" for v in value.values() if v) or "（空）"
    if isinstance(value, list):
        return f"{len(value)}条"
    return str(value)


def _shown(enum: type[StrEnum], code: str) -> str:
    try:
        return VALUES[enum][enum(code)]
    except ValueError:  # not a code of this schema: show it as it is
        return code
