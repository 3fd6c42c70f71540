"""The short 回头看 memo: what a return visit found of the branch's open problems.

Same official format as the guidance memo (`inspector/documents/memo.py`):
title, addressee, 一、总体情况 (the counts once, then what was found done) →
二、尚未整改到位的问题 (each with its result and the evidence seen) →
三、下一步要求 → report-back sentence → signature. No annex: every problem
appears once, in 一 or 二.

It is drafted, issued (with the committee's 文号 and 成文日期) and recorded
on the visit as the guidance memo is: `FollowupInputs` is a `MemoDraft`
for `write_memo` and `issue_memo`, so a memo is issued once by their rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from inspector import followup as fu
from inspector.documents import memo
from inspector.documents.officialdoc import (
    PLAIN,
    Body,
    body_xml,
    chinese_date,
    clean_text,
    heading1_xml,
    masthead_xml,
    paragraph_xml,
    title_lines,
    title_xml,
)
from inspector.errors import StoreError
from inspector.labels import label
from inspector.models import Branch, FollowUpResult, MemoRecord, Visit, VisitStatus, schema1_form
from inspector.settings import Settings, load_settings
from inspector.store import Store

# Bump when the layout or wording changes, so existing memos stop being current.
FOLLOWUP_FORMAT = 1


def _line(text: str) -> str:
    """User text on one line inside prose, without its closing punctuation."""
    return "；".join(p.strip().rstrip("。；;，,.、") for p in clean_text(text).split("\n") if p.strip())


def followup_title(branch_name: str) -> list[str]:
    return title_lines(["关于", branch_name, "“两学一做”", "学习教育", "整改落实情况", "回头看的", "反馈意见"])


@dataclass
class FollowupInputs:
    """What a 回头看 memo is written from; its hash decides whether a draft is current."""

    signer: str
    branch: Branch
    visit: Visit
    targets: list[fu.Target]
    seen: fu.Tally
    source: Visit | None  # the guidance visit followed up
    settings: Settings

    def content_hash(self) -> str:
        payload = {
            "format": FOLLOWUP_FORMAT,
            "signer": self.signer,
            "branch": self.branch.name,
            "visit": schema1_form("visit", self.visit.model_dump(mode="json", exclude={"memos"})),
            "targets": [(t.key, t.title, t.status_label) for t in self.targets],
            "source": self.source.date.isoformat() if self.source else None,
            "settings": self.settings.model_dump(
                mode="json", include={"memo_fonts", "memo_report_back_days", "memo_sealed"}
            ),
        }
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def payload(self, today: date, number: str) -> bytes:
        return render(self, today, number=number)

    def filename(self, visit: Visit, *, issued: bool) -> str:
        return memo.memo_filename(self.branch, visit, issued=issued, kind="回头看反馈意见")


def gather(store: Store, visit: Visit, *, settings: Settings | None = None) -> FollowupInputs:
    """The inputs of a completed 回头看's memo, read from the store."""
    if not fu.is_return(visit):
        raise StoreError("这不是回头看")
    if visit.status != VisitStatus.COMPLETED:
        raise StoreError("该回头看尚未完成，完成后才能生成反馈意见")
    settings = settings or load_settings(store.root)
    committee = store.committee()
    signer = _line((committee.name if committee else "") or settings.committee_name or memo.DEFAULT_SIGNER)
    targets = [t for t in fu.targets(store, visit) if t.key in visit.followups]
    source = fu.source_visit(store, visit.branch_id)
    return FollowupInputs(
        signer, store.branch(visit.branch_id), visit, targets, fu.tally(store, visit), source, settings
    )


def memo_inputs(store: Store, visit: Visit, *, settings: Settings | None = None, **kwargs: Any) -> memo.MemoDraft:
    """The inputs of the memo a visit gets: a 回头看's own, else the guidance memo's
    (`kwargs` go to `memo.gather`)."""
    if fu.is_return(visit):
        return gather(store, visit, settings=settings)
    return memo.gather(store, visit, settings=settings, **kwargs)


def render(inputs: FollowupInputs, today: date, *, number: str = "") -> bytes:
    """The memo dated `today` (its 成文日期), under the 版头 when it has a 文号."""
    visit, signer, targets, seen = inputs.visit, inputs.signer, inputs.targets, inputs.seen
    name = _line(inputs.branch.name)
    fonts = inputs.settings.memo_fonts
    doc = Body(fonts)

    def body(text: str) -> None:
        doc.add(body_xml(text, fonts=fonts))

    def heading(text: str) -> None:
        doc.add(heading1_xml(text, fonts=fonts))

    findings = sum(1 for t in targets if t.finding is not None)

    if number:
        doc.add(*masthead_xml(signer, number, fonts=fonts))
    doc.add(title_xml(followup_title(name), fonts=fonts), paragraph_xml(f"{name}：", PLAIN, fonts=fonts))
    inspectors = "、".join(_line(i) for i in visit.inspectors if _line(i))
    source = inputs.source
    since = f"{chinese_date(source.date)}现场指导反馈" if source is not None and source.date <= visit.date else "前期"
    body(
        f"{chinese_date(visit.date)}，{signer}回头看组"
        + (f"（{inspectors}）" if inspectors else "")
        + f"到你支部，采取{'、'.join(label(m) for m in visit.methods)}等方式，"
        f"对{since}问题的整改落实情况进行了回头看。现将有关情况反馈如下。"
    )
    heading(f"{memo.cn_number(1)}、总体情况")
    counts = f"本次回头看共查看未销号问题{findings}个"
    if len(targets) > findings:
        counts += "和软弱涣散党组织整顿事项"
    counts += (
        f"。其中已整改{seen.done}项（已验收销号{seen.closed}个），部分整改{seen.partly}项，未整改{seen.not_done}项。"
    )
    body(counts)
    done = [t for t in targets if visit.followups[t.key].value == FollowUpResult.DONE]
    if done:
        listed = "；".join(f"{k}.{_line(t.title)}" for k, t in enumerate(done, 1))
        body(f"经查阅资料、听取汇报，以下问题已整改到位：{listed}。")

    heading(f"{memo.cn_number(2)}、尚未整改到位的问题")
    left = [t for t in targets if visit.followups[t.key].value != FollowUpResult.DONE]
    for k, t in enumerate(left, 1):
        result = visit.followups[t.key]
        body(f"{k}.{_line(t.title)}（{label(result.value)}）。{_line(result.evidence)}。")
    if not left:
        body("本次查看的问题均已整改到位。")

    heading(f"{memo.cn_number(3)}、下一步要求")
    asks = []
    if left:
        asks.append("对部分整改和未整改的问题，逐项分析原因，重新明确整改措施、整改时限和责任人，完成一项、销号一项。")
    if any(t.weaklax is not None for t in left):
        asks.append("继续抓好软弱涣散党组织整顿，按照整顿方案推进，整顿完成后申请验收。")
    asks.append("巩固已整改成果，把整改中的好做法形成制度，防止问题反弹。")
    for k, text in enumerate(asks, 1):
        body(f"{k}.{text}")
    if left:
        body(f"请于收到本意见后{inputs.settings.memo_report_back_days}日内将整改落实情况书面报送{signer}。")
    doc.signature(signer, today, sealed=inputs.settings.memo_sealed)
    return doc.to_bytes(title=f"{name}回头看反馈意见", author=signer, when=today)


def write_followup_memo(store: Store, visit: Visit, **kwargs: Any) -> MemoRecord:
    """Write a draft memo of a completed 回头看 not yet issued, recorded on the visit (`memo.write_memo`)."""
    return memo.write_memo(store, visit, inputs=gather(store, visit), **kwargs)


def issue_followup_memo(store: Store, visit: Visit, **kwargs: Any) -> MemoRecord:
    """Issue (印发) the 回头看 memo, with its 成文日期 and a 文号 when asked (`memo.issue_memo`)."""
    return memo.issue_memo(store, visit, inputs=gather(store, visit), **kwargs)
