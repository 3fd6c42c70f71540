"""Domain records of the inspector.

Every stored record carries a stable UUID (`id`); references between records
use these ids, never TinyDB document ids. Enum values are stable ASCII codes,
the stored form; the Chinese users see is in `inspector/labels.py`.
Derived facts (逾期, days since a letter was issued) are computed, never stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from inspector.text import clean, is_clean

SCHEMA_VERSION = 6


def new_id() -> str:
    """A random (version 4) UUID as text, the same as `str(uuid.uuid4())` in a
    third of the time (a county roster import makes 120,000)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Sector(StrEnum):
    """Branch sectors: the plan's 三、5 list plus the kinds of branch plan 四、3
    treats apart (retired members, mobile members, joint branches) and other."""

    RURAL = "rural"
    COMMUNITY = "community"
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE_ENTERPRISE = "private_enterprise"
    SOCIAL_ORG = "social_org"
    SERVICE_WINDOW = "service_window"
    PUBLIC_INSTITUTION = "public_institution"
    SCHOOL = "school"
    RETIRED = "retired"
    MOBILE = "mobile"
    JOINT = "joint"
    OTHER = "other"


class VisitMethod(StrEnum):
    REVIEW_RECORDS = "review_records"
    HEAR_REPORT = "hear_report"
    DISCUSSION = "discussion"
    ATTEND = "attend"


class Stage(StrEnum):
    """Key points of a branch's campaign the committee sends someone to attend
    (全过程, plan 四、1): the study plan, the 七一 lesson (三、2), the year-end
    专题组织生活会 (三、3) and 民主评议党员 (三、4)."""

    STUDY_PLAN = "study_plan"
    JULY_LESSON = "july_lesson"
    SPECIAL_MEETING = "special_meeting"
    APPRAISAL = "appraisal"


class VisitStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class VisitKind(StrEnum):
    """现场指导 walks a checklist; 回头看 walks the branch's open findings and 整顿
    (`inspector/followup.py`)."""

    GUIDANCE = "guidance"
    RETURN = "return"


class AssignmentRole(StrEnum):
    """How a committee member is tied to a branch (`inspector/assignments.py`)."""

    GUIDE = "guide"  # 指导员
    LEADER = "leader"  # 包联领导


class FollowUpResult(StrEnum):
    """What a 回头看 found of one open finding or 整顿 item."""

    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"


class AnswerValue(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    # 未到时间节点: a time-bound duty (see `Item.due` in `inspector/checklist.py`)
    # asked before it fell due; neither met nor a shortfall.
    NOT_DUE = "not_due"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    SERIOUS = "serious"


class FindingCategory(StrEnum):
    """Problem areas named by the plan (一、 and 三、3): the four areas of the
    branch, then the five problem types of members."""

    IDEOLOGY = "ideology"
    ORGANISATION = "organisation"
    CONDUCT = "conduct"
    DISCIPLINE = "discipline"
    WAVERING_FAITH = "wavering_faith"
    WEAK_PARTY_AWARENESS = "weak_party_awareness"
    WEAK_SERVICE_ETHOS = "weak_service_ethos"
    LOW_MORALE = "low_morale"
    IMPROPER_CONDUCT = "improper_conduct"


class FindingStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_CHECK = "awaiting_check"
    CLOSED = "closed"


class MemberKind(StrEnum):
    POCKET = "pocket"
    LOST_CONTACT = "lost_contact"
    MOBILE = "mobile"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class MemberStatus(StrEnum):
    """正式党员 or 预备党员 (党章第七条: a year of probation from admission)."""

    FULL = "full"
    PROBATIONARY = "probationary"


class MemberCategory(StrEnum):
    """人员类别 as the 2008 党费 rules group members (see `inspector/members.py`)."""

    EMPLOYED = "employed"
    RETIRED = "retired"
    FARMER = "farmer"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"


class AppraisalGrade(StrEnum):
    """民主评议党员 grades (plan 三、4)."""

    EXCELLENT = "excellent"
    PASSED = "passed"
    BASICALLY_PASSED = "basically_passed"
    FAILED = "failed"


class LegalTrack(StrEnum):
    """The two legal tracks for members out of reach (see `inspector/pocket.py`)."""

    NONE = "none"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"


class Disposition(StrEnum):
    PENDING = "pending"
    BACK_TO_NORMAL = "back_to_normal"
    CORRECT_WITHIN_TERM = "correct_within_term"
    PERSUADE_TO_LEAVE = "persuade_to_leave"
    STRUCK_OFF = "struck_off"
    SUSPENDED = "suspended"
    PROBATION_CANCELLED = "probation_cancelled"
    TRANSFERRED = "transferred"
    RESTORED = "restored"


class WeakLaxStatus(StrEnum):
    IDENTIFIED = "identified"
    RECTIFYING = "rectifying"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # 撤销: the 认定 was taken back, with a reason


#: A determination in these states no longer marks the branch as 软弱涣散.
WEAKLAX_ENDED = frozenset({WeakLaxStatus.CLOSED, WeakLaxStatus.WITHDRAWN})


class AcceptanceResult(StrEnum):
    PASSED = "passed"
    BASICALLY_PASSED = "basically_passed"
    FAILED = "failed"


_TEXT_TYPES: tuple[object, ...] = (str, str | None, list[str], dict[str, str])


def _clean_value(value: object, multiline: bool) -> object:
    if isinstance(value, str):
        return clean(value, multiline=multiline)
    if isinstance(value, list):
        return [_clean_value(v, multiline) for v in value]
    if isinstance(value, dict):  # keys are ids (checklist items), kept as they are
        return {k: _clean_value(v, multiline) for k, v in value.items()}
    return value


class Cleaned(BaseModel):
    """Base of records and their parts: typed and imported text is stored as
    `inspector/text.py` allows, whoever built the record.

    Ids and enum codes are never touched: an id that changed would no longer
    point at its record.

    Validators are built on first use, not on import: the start path to the
    branch table validates no record, and building ~20 costs ~0.1 s there."""

    model_config = ConfigDict(defer_build=True)

    #: Fields whose text may run over several lines; every other text field is one line.
    multiline: ClassVar[frozenset[str]] = frozenset()
    #: (field, multi-line) of every free-text field, worked out once per class.
    text_fields: ClassVar[tuple[tuple[str, bool], ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.text_fields = tuple(
            (name, name in cls.multiline)
            for name, info in cls.model_fields.items()
            if info.annotation in _TEXT_TYPES and name != "id" and not name.endswith("_id")
        )

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = data
        for name, multiline in cls.text_fields:
            value = data.get(name)
            if value is None or (type(value) is str and is_clean(value, multiline=multiline)):
                continue
            cleaned = _clean_value(value, multiline)
            if cleaned != value:
                if out is data:
                    out = dict(data)  # never change the caller's (or a cache's) dict
                out[name] = cleaned
        return out

    @classmethod
    def clean_field(cls, name: str, value: Any) -> Any:
        """`value` of field `name` as `_clean_text` leaves it (a field that holds no free text as it is)."""
        for field, multiline in cls.text_fields:
            if field == name:
                return value if value is None else _clean_value(value, multiline)
        return value


class Record(Cleaned):
    """Base of every stored record: a UUID and a tombstone flag.

    `kind` names the table the record lives in; sync and history key on it.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, use_enum_values=False)
    kind: ClassVar[str] = "record"
    #: Dict fields whose entries (one per checklist item) validate and dump
    #: each on its own, so a save that changes a few entries checks only
    #: those (`_revalidated` in store/core.py). No validator or serializer of
    #: the record may read these fields, nor may a constraint span a whole one.
    entry_fields: ClassVar[frozenset[str]] = frozenset()

    id: str = Field(default_factory=new_id)
    deleted: bool = False


def _empty(value: object) -> bool:
    return not value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class Committee(Record):
    kind: ClassVar[str] = "committee"
    name: str = Field(min_length=1, max_length=200)
    parent: str = ""
    contact: str = ""

    _strip_name = field_validator("name", mode="before")(_strip)


class Branch(Record):
    kind: ClassVar[str] = "branch"
    multiline = frozenset({"notes"})
    name: str = Field(min_length=1, max_length=200)
    sector: Sector = Sector.OTHER
    # Further sector tags (a 卫生院 is 窗口单位 and 事业单位); `sector` stays the first.
    other_sectors: list[Sector] = Field(default_factory=list)
    secretary: str = Field(default="", max_length=100)
    members: int = Field(default=0, ge=0, le=100000)
    # 预备党员 among `members`: rules that count members count 正式党员 only.
    probationary_members: int = Field(default=0, ge=0, le=100000)
    party_groups: int = Field(default=0, ge=0, le=10000)
    has_leading_cadres: bool = False
    contact: str = Field(default="", max_length=200)
    notes: str = ""
    # Pinyin initials of the name, computed when the branch is saved so that
    # filtering at start-up does not pay for importing pypinyin.
    initials: str = ""
    # Full pinyin of the name (`inspector/pinyin.py`), saved with it for the same reason: sorting.
    pinyin: str = ""

    _strip_name = field_validator("name", "secretary", "contact", mode="before")(_strip)

    @property
    def sectors(self) -> list[Sector]:
        """Every sector tag, the main one first, each once."""
        return list(dict.fromkeys([self.sector, *self.other_sectors]))

    @property
    def full_members(self) -> int:
        """正式党员: members less the 预备党员 (a branch needs 3, a 支委会 7)."""
        return max(0, self.members - self.probationary_members)


class Answer(Cleaned):
    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"note", "evidence"})
    value: AnswerValue
    note: str = ""
    evidence: str = ""
    who: str = ""
    at: datetime = Field(default_factory=utcnow)
    #: Why an item answered 不符合 has no finding, as the inspector stated it on finishing.
    #: Left out when empty, so stored answers from before the field compare
    #: equal to the same answer now (a field-level test: a model serializer
    #: here ran in Python for every answer of every visit dumped).
    no_finding_reason: str = Field(default="", exclude_if=_empty)


class FollowUp(Cleaned):
    """The 回头看 result of one finding or 整顿 item, keyed on the visit by `followup.target_key`."""

    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"evidence"})
    value: FollowUpResult
    evidence: str = Field(min_length=1)
    who: str = ""
    at: datetime = Field(default_factory=utcnow)


class RectificationReport(Cleaned):
    """整改报告: the branch's written report on its rectification, as received by the committee.

    The file (if one came) is kept in the data folder by its SHA-256
    (`inspector/store/attachments.py`); `file_name` is its name as received."""

    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"conclusion"})
    received_on: date
    file_name: str = ""
    attachment: str = ""  # SHA-256 of the file, "" when none was attached
    size: int = Field(default=0, ge=0)
    reviewer: str = ""
    conclusion: str = ""
    who: str = ""
    at: datetime = Field(default_factory=utcnow)


class MemoRecord(BaseModel):
    """A Word memo generated for a visit."""

    model_config = ConfigDict(extra="forbid")
    at: datetime = Field(default_factory=utcnow)
    file: str
    sha256: str
    content_hash: str = ""
    # Set when the memo is issued (印发): a snapshot with its 成文日期 and
    # 文号; a draft has none. A later issue of the same visit needs a reason.
    issued_on: date | None = None
    number: str = ""
    reason: str = ""


class Reopening(Cleaned):
    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"reason"})
    at: datetime = Field(default_factory=utcnow)
    who: str = ""
    reason: str = Field(min_length=1)


class Visit(Record):
    """One on-site guidance visit (现场指导) to one branch."""

    kind: ClassVar[str] = "visit"
    multiline = frozenset({"notes", "summary", "achievements"})
    # Not `followups`: the serializer below reads it.
    entry_fields = frozenset({"answers", "notes"})
    branch_id: str
    date: date
    inspectors: list[str] = Field(default_factory=list)
    methods: list[VisitMethod] = Field(default_factory=list)
    # Key points of the branch's campaign this visit attended (全过程).
    stages: list[Stage] = Field(default_factory=list)
    template_id: str
    template_version: str
    template_hash: str
    status: VisitStatus = VisitStatus.DRAFT
    answers: dict[str, Answer] = Field(default_factory=dict)
    # Notes typed on items not answered yet: saved as typed so a closed lid
    # loses nothing; they move into the answer when the item is answered.
    notes: dict[str, str] = Field(default_factory=dict)
    summary: str = ""
    # 主要做法和成效 in the committee's words, one per line; empty: the memo suggests them.
    achievements: str = ""
    completed_at: datetime | None = None
    reopenings: list[Reopening] = Field(default_factory=list)
    memos: list[MemoRecord] = Field(default_factory=list)
    # A 回头看 keeps the checklist of the visit it follows up, and no answers.
    visit_kind: VisitKind = VisitKind.GUIDANCE
    followups: dict[str, FollowUp] = Field(default_factory=dict)
    # The branch's 整改报告 answering this visit's memo.
    report: RectificationReport | None = None

    @model_serializer(mode="wrap")
    def _without_guidance_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A visit without 回头看 or 整改报告 is stored as before they existed, so its file and hashes stay as they were."""
        data = handler(self)
        if self.visit_kind == VisitKind.GUIDANCE and not self.followups:
            data.pop("visit_kind", None)
            data.pop("followups", None)
        if self.report is None:
            data.pop("report", None)
        return data


class Responsibility(Cleaned):
    """责任主体: the responsible leader and the named person who does it."""

    model_config = ConfigDict(extra="forbid")
    leader: str = ""
    person: str = ""


def overdue_days(deadline: date | None, today: date, *, closed: bool = False) -> int:
    """逾期: whole days a finding is past its 整改时限 on `today`; 0 on the deadline itself,
    before it, without one, or once closed (销号). Every count of 逾期 comes from here."""
    if deadline is None or closed:
        return 0
    return max(0, (today - deadline).days)


def deadline_problem(deadline: date | None, found_on: date) -> str:
    """Why a finding's 整改时限 is refused ("" when it is fine): it may not fall before the day the problem was found."""
    if deadline is not None and deadline < found_on:
        return f"整改时限不能早于发现日期（{found_on.isoformat()}）"
    return ""


class Finding(Record):
    """A problem (问题) found on a visit, with its 四明确 and rectification state."""

    kind: ClassVar[str] = "finding"
    multiline = frozenset({"basis", "description", "goal", "measures", "progress", "evidence"})
    branch_id: str
    visit_id: str | None = None
    item_id: str | None = None
    basis: str = ""
    category: FindingCategory = FindingCategory.ORGANISATION
    severity: Severity = Severity.MINOR
    description: str = Field(min_length=1)
    found_on: date
    # 四明确
    goal: str = ""
    measures: str = ""
    deadline: date | None = None
    responsible: Responsibility = Field(default_factory=Responsibility)
    status: FindingStatus = FindingStatus.NOT_STARTED
    progress: str = ""
    evidence: str = ""
    verifier: str = ""
    # Why someone outside the committee's staff list verified the 销号 ("" for staff).
    verifier_reason: str = ""
    verified_on: date | None = None
    reopenings: list[Reopening] = Field(default_factory=list)

    @model_validator(mode="after")
    def _deadline_after_found(self) -> Finding:
        problem = deadline_problem(self.deadline, self.found_on)
        if problem:
            raise ValueError(problem)
        return self

    def overdue_days(self, today: date) -> int:
        """Days past the deadline; 0 when not overdue or already closed."""
        return overdue_days(self.deadline, today, closed=self.status == FindingStatus.CLOSED)


#: Longest validity, in days, an 组织关系介绍信 may be given.
MAX_LETTER_DAYS = 3650


class PocketMember(Record):
    """A member outside effective management: 口袋, 失联 or 流动."""

    kind: ClassVar[str] = "pocket"
    multiline = frozenset({"notes"})
    branch_id: str
    name: str = Field(min_length=1, max_length=100)
    member_kind: MemberKind = MemberKind.POCKET
    letter_issued: date | None = None
    letter_valid_days: int | None = Field(default=None, ge=1, le=MAX_LETTER_DAYS)
    receiving_org: str = ""
    # The letter's 回执 came back from the receiving organisation: the member registered there.
    receipt_returned_on: date | None = None
    # 预备党员: never 停止党籍; the outcome is 取消预备党员资格.
    probationary: bool = False
    # 党章第九条 counts attendance and dues apart (a record of the first
    # release has neither: it reads as not yet known, see `inspector/pocket.py`).
    last_attended: date | None = None
    last_dues_paid: date | None = None
    assigned_work: str = ""
    # Last time the organisation reached the member: the 失联 (停止党籍) track only.
    last_contact: date | None = None
    track: LegalTrack = LegalTrack.NONE
    disposition: Disposition = Disposition.PENDING
    # When the disposition was decided: 停止党籍 starts the two-year clock of `inspector/pocket.py`.
    disposition_on: date | None = None
    # Who decided and approved 停止党籍, 除名, 取消预备党员资格 or 恢复党籍:
    # the branch meeting, the committee's approval, the filing with the 县委组织部.
    applied_on: date | None = None
    meeting_on: date | None = None
    approved_on: date | None = None
    filed_on: date | None = None
    notes: str = ""
    found_on: date | None = None
    visit_id: str | None = None
    # The roster entry (`Member`) this record is about, when the branch has a roster.
    member_id: str | None = None

    _strip_name = field_validator("name", mode="before")(_strip)


class Member(Record):
    """One entry of a branch's 党员花名册. No ID number is kept (data minimisation)."""

    kind: ClassVar[str] = "member"
    multiline = frozenset({"notes"})
    branch_id: str
    name: str = Field(min_length=1, max_length=100)
    sex: Sex | None = None
    birth_date: date | None = None
    status: MemberStatus = MemberStatus.FULL
    joined_on: date | None = None
    # 转正日期 of a full member; a 预备党员's probation runs a year from `joined_on`.
    full_on: date | None = None
    party_group: str = Field(default="", max_length=100)
    unit_post: str = Field(default="", max_length=200)
    category: MemberCategory = MemberCategory.EMPLOYED
    leading_cadre: bool = False
    mobile: bool = False
    frail: bool = False
    contact: str = Field(default="", max_length=100)
    # 党费: monthly after-tax fixed income in 元, and an agreed monthly amount replacing the derived one.
    dues_base: float | None = Field(default=None, ge=0, le=10_000_000)
    dues_override: float | None = Field(default=None, ge=0, le=1_000_000)
    last_attended: date | None = None
    last_dues_paid: date | None = None
    # 谈心谈话 and 民主评议 of the current round.
    last_talk: date | None = None
    appraisal: AppraisalGrade | None = None
    notes: str = ""

    _strip_name = field_validator("name", "party_group", "unit_post", "contact", mode="before")(_strip)


class Plan4(Cleaned):
    """The 四明确 of a 整顿方案: 目标任务、整顿措施、时限要求、责任主体."""

    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"goal", "measures"})
    goal: str = ""
    measures: str = ""
    deadline: date | None = None
    responsible: Responsibility = Field(default_factory=Responsibility)


class CriterionTick(Cleaned):
    model_config = ConfigDict(extra="forbid")
    multiline = frozenset({"evidence"})
    criterion_id: str
    evidence: str = ""


#: Full marks of a 软弱涣散 acceptance (验收得分 runs from 0).
MAX_SCORE = 100


class WeakLaxDetermination(Record):
    """软弱涣散 determination of one branch and its rectification."""

    kind: ClassVar[str] = "weaklax"
    multiline = frozenset({"notes"})
    branch_id: str
    visit_id: str | None = None
    # 认定: the 基层党委 screens and proposes, the 县委组织部 reviews and decides
    # (`determined_on` is the day of the decision).
    proposed_by: str = ""
    proposed_on: date | None = None
    decided_by: str = ""
    determined_on: date
    criteria: list[CriterionTick] = Field(default_factory=list)
    plan: Plan4 = Field(default_factory=Plan4)
    status: WeakLaxStatus = WeakLaxStatus.IDENTIFIED
    acceptance_result: AcceptanceResult | None = None
    acceptance_score: float | None = Field(default=None, ge=0, le=MAX_SCORE)
    # 验收: who accepted (the 县委组织部 or its team) and the 民主测评 满意率 in percent.
    acceptance_body: str = ""
    satisfaction: float | None = Field(default=None, ge=0, le=100)
    accepted_on: date | None = None
    closed_on: date | None = None
    notes: str = ""
    withdrawn_on: date | None = None
    withdrawal_reason: str = ""


RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Committee, Branch, Visit, Finding, PocketMember, WeakLaxDetermination, Member)
}


def clean_change_value(kind: str, path: str, value: Any) -> Any:
    """A change's old or new value of field `path` as the text policy stores it
    (history imported from a bundle is shown like any other text).

    Nested parts (an answer, the 四明确) may keep line breaks: their notes do."""
    cls = RECORD_TYPES.get(kind)
    head = path.partition(".")[0]
    multiline = cls is None or head in cls.multiline or isinstance(value, dict)
    return _clean_value(value, multiline)


# Stored enum fields of each record kind. A visit's "answers" holds one
# Answer per item, whose "value" is an AnswerValue, and "followups" one
# FollowUp per target, whose "value" is a FollowUpResult; "methods" is a list.
ENUM_FIELDS: dict[str, dict[str, type[StrEnum]]] = {
    "branch": {"sector": Sector, "other_sectors": Sector},
    "visit": {
        "methods": VisitMethod,
        "stages": Stage,
        "status": VisitStatus,
        "answers": AnswerValue,
        "visit_kind": VisitKind,
        "followups": FollowUpResult,
    },
    "finding": {"category": FindingCategory, "severity": Severity, "status": FindingStatus},
    "pocket": {"member_kind": MemberKind, "track": LegalTrack, "disposition": Disposition},
    "weaklax": {"status": WeakLaxStatus, "acceptance_result": AcceptanceResult},
    "member": {"sex": Sex, "status": MemberStatus, "category": MemberCategory, "appraisal": AppraisalGrade},
}


def enum_of_field(kind: str, path: str) -> type[StrEnum] | None:
    """The enum a stored field (or change path such as "answers.<item>") holds, if any."""
    return ENUM_FIELDS.get(kind, {}).get(path.partition(".")[0])


def map_enum_field(kind: str, path: str, value: Any, fn: Callable[[type[StrEnum], str], Any]) -> Any:
    """`value` of field `path` of a dumped `kind` record with every enum string
    passed through `fn(enum, string)`; other values come back as they are.

    The one walker over stored shapes, for the schema migration and for
    showing history and conflict values."""
    enum = enum_of_field(kind, path)
    if enum is None or value is None:
        return value
    head, dot, _key = path.partition(".")
    if head in _KEYED_VALUES:
        if dot:
            return _map_answer(enum, value, fn)
        return {k: _map_answer(enum, a, fn) for k, a in value.items()} if isinstance(value, dict) else value
    if isinstance(value, list):
        return [fn(enum, v) if isinstance(v, str) else v for v in value]
    return fn(enum, value) if isinstance(value, str) else value


#: Dict fields holding one record with a coded "value" per key.
_KEYED_VALUES = frozenset({"answers", "followups"})


def _map_answer(enum: type[StrEnum], answer: Any, fn: Callable[[type[StrEnum], str], Any]) -> Any:
    if isinstance(answer, dict) and isinstance(answer.get("value"), str):
        return {**answer, "value": fn(enum, answer["value"])}
    return answer


def map_enum_record(kind: str, doc: dict[str, Any], fn: Callable[[type[StrEnum], str], Any]) -> dict[str, Any]:
    """A dumped record with its enum fields passed through `fn` (see `map_enum_field`).

    Only the kind's few enum fields are walked: the copy keeps every other
    value as it is (a memo's content hash maps each of its records)."""
    out = dict(doc)
    for k in ENUM_FIELDS.get(kind, {}).keys() & doc.keys():
        out[k] = map_enum_field(kind, k, doc[k], fn)
    return out


# The strings schema 1 stored for each code (its values were the Chinese
# labels of the time). Frozen: the schema migration reads old files and
# bundles by them, and checklist content hashes are computed with them so a
# template keeps the hash its visits recorded. Labels shown today live in
# `inspector/labels.py` and may change; these may not.
SCHEMA1_VALUES: dict[type[StrEnum], dict[str, str]] = {
    Sector: {
        "rural": "农村",
        "community": "社区",
        "state_enterprise": "国有企业",
        "private_enterprise": "非公有制企业",
        "social_org": "社会组织",
        "service_window": "窗口单位/服务行业",
        "public_institution": "机关事业单位",
        "school": "学校",
        "retired": "离退休",
        # Added later; never stored by schema 1, spelt as their labels.
        "mobile": "流动党员",
        "joint": "联合党支部",
        "other": "其他",
    },
    VisitMethod: {
        "review_records": "查阅资料",
        "hear_report": "听取汇报",
        "discussion": "座谈",
        "attend": "列席",
    },
    # Added later; never stored by schema 1, spelt as their labels.
    Stage: {
        "study_plan": "制定学习教育计划",
        "july_lesson": "“七一”党课",
        "special_meeting": "专题组织生活会",
        "appraisal": "民主评议党员",
    },
    VisitStatus: {
        "draft": "进行中",
        "completed": "已完成",
    },
    AnswerValue: {
        "met": "符合",
        "partly_met": "基本符合",
        "not_met": "不符合",
        "not_applicable": "不适用",
        "not_due": "未到时间节点",  # added later; never stored by schema 1, spelt as its label
    },
    Severity: {
        "minor": "一般",
        "major": "较重",
        "serious": "严重",
    },
    FindingCategory: {
        "ideology": "思想",
        "organisation": "组织",
        "conduct": "作风",
        "discipline": "纪律",
        "wavering_faith": "理想信念模糊动摇",
        "weak_party_awareness": "党的意识淡化",
        "weak_service_ethos": "宗旨观念淡薄",
        "low_morale": "精神不振",
        "improper_conduct": "道德行为不端",
    },
    FindingStatus: {
        "not_started": "未启动",
        "in_progress": "整改中",
        "awaiting_check": "待验收",
        "closed": "已销号",
    },
    MemberKind: {
        "pocket": "口袋党员",
        "lost_contact": "失联党员",
        "mobile": "流动党员",
    },
    LegalTrack: {
        "none": "暂不适用",
        "lapsed": "自行脱党（党章第九条）",
        "suspended": "停止党籍（党员教育管理工作条例第二十四条）",
    },
    Disposition: {
        "pending": "排查中",
        "back_to_normal": "纳入正常管理",
        "correct_within_term": "限期改正",
        "persuade_to_leave": "劝退",
        "struck_off": "除名",
        "suspended": "停止党籍",
        "probation_cancelled": "取消预备党员资格",
        "transferred": "已转接组织关系",
        # Added in schema 3: spelt as its label, so the hash form stays one to one.
        "restored": "恢复党籍",
    },
    WeakLaxStatus: {
        "identified": "已认定",
        "rectifying": "整顿中",
        "accepted": "已验收",
        "closed": "已销号",
        "withdrawn": "已撤销",  # added later; never stored by schema 1, spelt as its label
    },
    AcceptanceResult: {
        "passed": "合格",
        "basically_passed": "基本合格",
        "failed": "不合格",
    },
    # Added later; never stored by schema 1, spelt as their labels.
    VisitKind: {
        "guidance": "现场指导",
        "return": "回头看",
    },
    FollowUpResult: {
        "done": "已整改",
        "partly": "部分整改",
        "not_done": "未整改",
    },
    AssignmentRole: {
        "guide": "指导员",
        "leader": "包联领导",
    },
    # The roster's enums came after schema 1 (never stored by it): spelt as their labels.
    Sex: {"male": "男", "female": "女"},
    MemberStatus: {"full": "正式党员", "probationary": "预备党员"},
    MemberCategory: {
        "employed": "在职",
        "retired": "离退休",
        "farmer": "农民",
        "student": "学生",
        "unemployed": "无固定收入",
    },
    AppraisalGrade: {
        "excellent": "优秀",
        "passed": "合格",
        "basically_passed": "基本合格",
        "failed": "不合格",
    },
}


def schema1_form(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A dumped record with its codes spelt as schema 1 stored them, for
    hashes that must not change with the schema (memo content hashes)."""
    return map_enum_record(kind, doc, lambda enum, code: SCHEMA1_VALUES[enum].get(code, code))
