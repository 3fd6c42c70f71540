"""The demo's 党员花名册: one realistic member roster per demo branch.

Each roster draws from its own generator seeded by the branch id, so adding
rosters leaves every other demo record exactly as before. The shape follows
the sector: farmers in villages, retired members in retired branches,
salaried staff elsewhere; a few 预备党员 admitted in the last year; most
members attended and paid dues recently, a few have not for months (the
checks of `inspector/roster_checks.py` and the tracks of `inspector/pocket.py`
then have something to show).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from inspector.members import PROBATION_MONTHS
from inspector.models import AppraisalGrade, Branch, Member, MemberCategory, MemberStatus, Sector, Sex
from inspector.pocket import add_months
from inspector.store import Store

# (category, weight) of the members of each sector; any other sector is all salaried staff.
_CATEGORIES: dict[Sector, tuple[tuple[MemberCategory, int], ...]] = {
    Sector.RURAL: ((MemberCategory.FARMER, 80), (MemberCategory.RETIRED, 10), (MemberCategory.EMPLOYED, 10)),
    Sector.COMMUNITY: ((MemberCategory.RETIRED, 45), (MemberCategory.EMPLOYED, 40), (MemberCategory.UNEMPLOYED, 15)),
    Sector.RETIRED: ((MemberCategory.RETIRED, 100),),
    Sector.SCHOOL: ((MemberCategory.EMPLOYED, 85), (MemberCategory.STUDENT, 15)),
}
_GRADES = ((AppraisalGrade.EXCELLENT, 25), (AppraisalGrade.PASSED, 70), (AppraisalGrade.BASICALLY_PASSED, 5))
_UNITS = ("村委会", "社区居委会", "街道办事处", "卫生院", "供电所", "中心小学", "农业服务中心", "市场监管所")
# Last characters of given names that are mostly women's.
_FEMALE = frozenset("芳敏静丽艳娟霞英兰梅燕珍萍玲凤琴秀")
_POSTS = ("主任", "副主任", "科员", "会计", "教师", "医生", "技术员", "网格员", "职工")


def add_roster(
    store: Store, branch: Branch, today: date, surnames: str, given: Sequence[str], committee: Sequence[str]
) -> int:
    """Save a roster of `branch.members` members (the branch committee first); the number saved."""
    rng = random.Random(branch.id)
    weights = _CATEGORIES.get(branch.sector, ((MemberCategory.EMPLOYED, 100),))
    groups = max(branch.party_groups, 1)
    female = [g for g in given if g[-1] in _FEMALE]
    male = [g for g in given if g[-1] not in _FEMALE]
    names = list(committee) + [
        rng.choice(surnames) + rng.choice(female if rng.random() < 0.35 else male) for _ in range(branch.members)
    ]
    # Recorded as entered on one morning, so the same seed gives the same folder.
    at = datetime(today.year, today.month, today.day, 9, tzinfo=timezone(timedelta(hours=8))) - timedelta(days=300)
    for n, name in enumerate(names[: branch.members]):
        category = rng.choices([c for c, _ in weights], [w for _, w in weights])[0]
        store.save(_member(rng, branch, name, category, n % groups, today, leader=n < len(committee)), at=at)
    return min(branch.members, len(names))


def _member(
    rng: random.Random, branch: Branch, name: str, category: MemberCategory, group: int, today: date, *, leader: bool
) -> Member:
    age = {MemberCategory.RETIRED: (60, 88), MemberCategory.STUDENT: (19, 24)}.get(category, (25, 62))
    birth = today - timedelta(days=rng.randint(age[0] * 365, age[1] * 365))
    joined = add_months(birth, rng.randint(18 * 12 + 6, max(19 * 12, min(50 * 12, (today - birth).days // 31 - 1))))
    probationary = not leader and rng.random() < 0.03
    if probationary:
        joined = today - timedelta(days=rng.randint(30, 330))
    joined = min(joined, today - timedelta(days=30))
    lapsing = rng.random() < 0.04
    base = {MemberCategory.EMPLOYED: (2400, 12000), MemberCategory.RETIRED: (1800, 7000)}.get(category)
    return Member(
        branch_id=branch.id,
        name=name,
        sex=Sex.FEMALE if name[-1] in _FEMALE else Sex.MALE,
        birth_date=birth,
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        joined_on=joined,
        full_on=None if probationary else add_months(joined, PROBATION_MONTHS),
        party_group=f"第{'一二三四五六七八九十'[group % 10]}党小组" if branch.party_groups else "",
        unit_post=""
        if category in (MemberCategory.FARMER, MemberCategory.RETIRED)
        else rng.choice(_UNITS) + rng.choice(_POSTS),
        category=category,
        leading_cadre=leader and branch.has_leading_cadres,
        frail=category == MemberCategory.RETIRED and rng.random() < 0.2,
        contact=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        dues_base=round(rng.uniform(*base), -1) if base else None,
        last_attended=today - timedelta(days=rng.randint(200, 300) if lapsing else rng.randint(3, 80)),
        last_dues_paid=today - timedelta(days=rng.randint(190, 260) if lapsing else rng.randint(1, 40)),
        last_talk=today - timedelta(days=rng.randint(10, 300)) if rng.random() < 0.85 else None,
        appraisal=None if probationary else rng.choices([g for g, _ in _GRADES], [w for _, w in _GRADES])[0],
    )
