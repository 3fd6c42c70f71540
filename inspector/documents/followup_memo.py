"""The short 回头看 memo: what a return visit found of the branch's open problems.

Same official format as the guidance memo (`inspector/documents/memo.py`):
title, addressee, 一、总体情况 (the counts once, then what was found done) →
二、尚未整改到位的问题 (each with its result and the evidence seen) →
三、下一步要求 → report-back sentence → signature. No annex: every problem
appears once, in 一 or 二.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from inspector import clock
from inspector import followup as fu
from inspector.documents.memo import DEFAULT_SIGNER, cn_number
from inspector.documents.officialdoc import (
    PLAIN,
    add_body,
    add_heading1,
    add_paragraph,
    add_signature,
    add_title,
    chinese_date,
    clean_text,
    new_document,
    safe_filename,
    set_properties,
    title_lines,
    to_bytes,
    write_new_file,
)
from inspector.errors import StoreError
from inspector.labels import label
from inspector.models import FollowUpResult, Visit, VisitStatus
from inspector.settings import load_settings
from inspector.store import Store
from inspector.store.files import ensure_dir


def _line(text: str) -> str:
    """User text on one line inside prose, without its closing punctuation."""
    return "；".join(p.strip().rstrip("。；;，,.、") for p in clean_text(text).split("\n") if p.strip())


def followup_title(branch_name: str) -> list[str]:
    return title_lines(["关于", branch_name, "“两学一做”", "学习教育", "整改落实情况", "回头看的", "反馈意见"])


def render(store: Store, visit: Visit, today: date) -> bytes:
    """The memo of a completed 回头看, dated `today` (its 成文日期)."""
    if not fu.is_return(visit):
        raise StoreError("这不是回头看")
    if visit.status != VisitStatus.COMPLETED:
        raise StoreError("该回头看尚未完成，完成后才能生成反馈意见")
    settings = load_settings(store.root)
    committee = store.committee()
    signer = _line((committee.name if committee else "") or settings.committee_name or DEFAULT_SIGNER)
    branch = store.branch(visit.branch_id)
    name = _line(branch.name)
    fonts = settings.memo_fonts
    doc = new_document(fonts)
    targets = [t for t in fu.targets(store, visit) if t.key in visit.followups]
    seen = fu.tally(store, visit)
    findings = sum(1 for t in targets if t.finding is not None)

    add_title(doc, followup_title(name), fonts=fonts)
    add_paragraph(doc, f"{name}：", PLAIN, fonts=fonts)
    inspectors = "、".join(_line(i) for i in visit.inspectors if _line(i))
    source = fu.source_visit(store, visit.branch_id)
    since = f"{chinese_date(source.date)}现场指导反馈" if source is not None and source.date <= visit.date else "前期"
    add_body(
        doc,
        f"{chinese_date(visit.date)}，{signer}回头看组"
        + (f"（{inspectors}）" if inspectors else "")
        + f"到你支部，采取{'、'.join(label(m) for m in visit.methods)}等方式，"
        f"对{since}问题的整改落实情况进行了回头看。现将有关情况反馈如下。",
        fonts=fonts,
    )
    add_heading1(doc, f"{cn_number(1)}、总体情况", fonts=fonts)
    counts = f"本次回头看共查看未销号问题{findings}个"
    if len(targets) > findings:
        counts += "和软弱涣散党组织整顿事项"
    counts += (
        f"。其中已整改{seen.done}项（已验收销号{seen.closed}个），部分整改{seen.partly}项，未整改{seen.not_done}项。"
    )
    add_body(doc, counts, fonts=fonts)
    done = [t for t in targets if visit.followups[t.key].value == FollowUpResult.DONE]
    if done:
        listed = "；".join(f"{k}.{_line(t.title)}" for k, t in enumerate(done, 1))
        add_body(doc, f"经查阅资料、听取汇报，以下问题已整改到位：{listed}。", fonts=fonts)

    add_heading1(doc, f"{cn_number(2)}、尚未整改到位的问题", fonts=fonts)
    left = [t for t in targets if visit.followups[t.key].value != FollowUpResult.DONE]
    for k, t in enumerate(left, 1):
        result = visit.followups[t.key]
        add_body(doc, f"{k}.{_line(t.title)}（{label(result.value)}）。{_line(result.evidence)}。", fonts=fonts)
    if not left:
        add_body(doc, "本次查看的问题均已整改到位。", fonts=fonts)

    add_heading1(doc, f"{cn_number(3)}、下一步要求", fonts=fonts)
    asks = []
    if left:
        asks.append("对部分整改和未整改的问题，逐项分析原因，重新明确整改措施、整改时限和责任人，完成一项、销号一项。")
    if any(t.weaklax is not None for t in left):
        asks.append("继续抓好软弱涣散党组织整顿，按照整顿方案推进，整顿完成后申请验收。")
    asks.append("巩固已整改成果，把整改中的好做法形成制度，防止问题反弹。")
    for k, text in enumerate(asks, 1):
        add_body(doc, f"{k}.{text}", fonts=fonts)
    if left:
        add_body(
            doc, f"请于收到本意见后{settings.memo_report_back_days}日内将整改落实情况书面报送{signer}。", fonts=fonts
        )
    add_signature(doc, signer, today, fonts=fonts, sealed=settings.memo_sealed)
    set_properties(doc, title=f"{name}回头看反馈意见", author=signer, when=today)
    return to_bytes(doc)


def memo_filename(branch_name: str, visit: Visit) -> str:
    return safe_filename(f"{branch_name}回头看反馈意见-{visit.date:%Y%m%d}-{visit.id[:8]}")


def write_followup_memo(
    store: Store, visit: Visit, *, path: Path | None = None, out_dir: Path | None = None, force: bool = False
) -> Path:
    """Write the memo of a completed 回头看 (dated today) and return where it went (`out_dir` is made if missing)."""
    payload = render(store, visit, clock.today())
    if path is None:
        folder = Path(out_dir or Path.cwd())
        ensure_dir(folder)
        path = folder / memo_filename(store.branch(visit.branch_id).name, visit)
    path = Path(path).expanduser().absolute()
    write_new_file(path, payload, force=force)
    return path
