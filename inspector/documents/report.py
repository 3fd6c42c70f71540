"""The committee's 通报 on the guidance of a period, in the official format.

Every number comes from one `inspector.report.figures.Figures`; the charts
(`inspector.report.charts`) draw the same object, so text, tables and
pictures agree. Sections: 总体情况, 指导覆盖, 主要问题 with typical cases,
整改落实, 软弱涣散党组织整顿, 党员组织关系排查, 下一步工作.
"""

from __future__ import annotations

from datetime import date

from inspector import labels
from inspector.documents import officialdoc as od
from inspector.documents.memo import cn_number
from inspector.ledger.summary import percent
from inspector.models import Disposition, FindingStatus, MemberKind, WeakLaxStatus
from inspector.report.figures import Figures
from inspector.settings import MemoFonts

TABLE_SIZE = 12.0  # 小四
_UNSETTLED = frozenset({WeakLaxStatus.IDENTIFIED, WeakLaxStatus.RECTIFYING})


def report_title(fig: Figures) -> list[str]:
    """关于2016年第三季度“两学一做”学习教育现场指导情况的通报, in title lines."""
    return od.title_lines(["关于", fig.period.label, "“两学一做”", "学习教育", "现场指导", "情况的", "通报"])


class _Writer:
    def __init__(self, fonts: MemoFonts) -> None:
        self.fonts = fonts
        self.doc = od.new_document(fonts)
        self.sections = 0
        self.pictures = 0

    def h1(self, text: str) -> None:
        self.sections += 1
        od.add_heading1(self.doc, f"{cn_number(self.sections)}、{text}", fonts=self.fonts)

    def p(self, text: str) -> None:
        od.add_body(self.doc, text, fonts=self.fonts)

    def table(self, columns: list[tuple[str, float, str]], rows: list[list[object]]) -> None:
        od.add_table(self.doc, [od.Column(t, w, a) for t, w, a in columns], rows, fonts=self.fonts, size=TABLE_SIZE)

    def picture(self, png: bytes, caption: str) -> None:
        from inspector.report.charts import WIDTH_MM

        self.pictures += 1
        od.add_picture(self.doc, png, WIDTH_MM, f"图{self.pictures}　{caption}", fonts=self.fonts)


def build_document(fig: Figures, *, committee: str, when: date, fonts: MemoFonts, sealed: bool = True):
    """The 通报 as a python-docx Document (charts drawn here, so a missing CJK font fails before anything is written)."""
    from inspector.report import charts

    pictures = (charts.sector_chart(fig), charts.category_chart(fig), charts.month_chart(fig))
    w = _Writer(fonts)
    od.add_title(w.doc, report_title(fig), fonts=fonts)
    od.add_paragraph(w.doc, "各党支部：", od.PLAIN, fonts=fonts)
    f = fig.findings
    w.p(
        f"按照“两学一做”学习教育方案关于基层党委对所属党支部开展全覆盖、全过程现场指导的要求，"
        f"{fig.period.label}党委共对{fig.visited}个党支部开展现场指导{fig.visits}次，"
        f"发现问题{f.total}个，已整改销号{f.closed}个。现将有关情况通报如下。"
    )
    w.h1("总体情况")
    w.p(
        f"全委共有党支部{fig.branches}个，本期已指导{fig.visited}个，覆盖率{percent(fig.visited, fig.branches)}，"
        + (f"尚有{fig.not_visited}个党支部未开展现场指导。" if fig.not_visited else "实现全覆盖。")
        + f"本期发现问题{f.total}个，截至{od.chinese_date(fig.as_of)}已销号{f.closed}个，销号率{percent(f.closed, f.total)}；"
        f"逾期未完成{f.overdue}个，逾期率{percent(f.overdue, f.total)}。"
    )
    w.h1("指导覆盖情况")
    w.p("分领域看，各领域党支部的现场指导覆盖和问题整改情况见表1、图1。")
    od.add_paragraph(
        w.doc, "表1　分领域现场指导和整改情况", od.TABLE_HEAD, fonts=fonts, font="heading1", size=TABLE_SIZE
    )
    w.table(
        [
            ("领域", 36, "left"),
            ("党支部数", 20, "center"),
            ("已指导", 18, "center"),
            ("覆盖率", 20, "center"),
            ("发现问题", 20, "center"),
            ("已销号", 18, "center"),
            ("销号率", 24, "center"),
        ],
        [
            [
                labels.label(s.sector),
                s.branches,
                s.visited,
                percent(s.visited, s.branches),
                s.findings.total,
                s.findings.closed,
                percent(s.findings.closed, s.findings.total),
            ]
            for s in fig.by_sector.values()
        ],
    )
    w.picture(pictures[0], "分领域指导覆盖率和整改销号率")
    extra = 1 if fig.by_guide else 0  # the 指导员 table is 表2 when there is one
    if fig.by_guide:
        w.p("分指导员看，各指导员联系党支部的现场指导覆盖和问题整改情况见表2。")
        od.add_paragraph(
            w.doc, "表2　分指导员现场指导和整改情况", od.TABLE_HEAD, fonts=fonts, font="heading1", size=TABLE_SIZE
        )
        w.table(
            [
                ("指导员", 36, "left"),
                ("联系党支部", 20, "center"),
                ("已指导", 18, "center"),
                ("覆盖率", 20, "center"),
                ("发现问题", 20, "center"),
                ("已销号", 18, "center"),
                ("销号率", 24, "center"),
            ],
            [
                [
                    g.person,
                    g.branches,
                    g.visited,
                    percent(g.visited, g.branches),
                    g.findings.total,
                    g.findings.closed,
                    percent(g.findings.closed, g.findings.total),
                ]
                for g in fig.by_guide
            ],
        )
    w.h1("发现的主要问题")
    if f.total:
        top = sorted(fig.by_category.items(), key=lambda kv: -kv[1].total)[:3]
        w.p(
            "从问题类别看，"
            + "、".join(f"{labels.label(c)}方面{n.total}个（占{percent(n.total, f.total)}）" for c, n in top)
            + f"较为集中，分类情况见表{2 + extra}、图2。"
        )
        od.add_paragraph(
            w.doc, f"表{2 + extra}　发现问题分类情况", od.TABLE_HEAD, fonts=fonts, font="heading1", size=TABLE_SIZE
        )
        w.table(
            [
                ("问题类别", 52, "left"),
                ("问题数", 26, "center"),
                ("占比", 26, "center"),
                ("已销号", 26, "center"),
                ("逾期", 26, "center"),
            ],
            [
                [labels.label(c), n.total, percent(n.total, f.total), n.closed, n.overdue]
                for c, n in fig.by_category.items()
            ],
        )
        w.picture(pictures[1], "发现问题分类情况")
        if fig.cases:
            w.p("典型问题举例如下：")
            for i, case in enumerate(fig.cases, 1):
                w.p(
                    f"（{cn_number(i)}）{labels.label(case.category)}方面。{case.branch}{_stop(case.description)}目前{case.status}。"
                )
    else:
        w.p("本期现场指导未发现问题。")
    w.h1("整改落实情况")
    w.p(
        f"本期发现的{f.total}个问题中，已销号{f.closed}个，"
        + "、".join(f"{labels.label(s)}{n}个" for s, n in f.by_status.items() if n and s is not FindingStatus.CLOSED)
        + f"。全委目前逾期未完成的问题共{fig.overdue_all}个（含以前各期发现的），请有关党支部抓紧整改。"
        "各月发现问题和验收销号情况见图3。"
    )
    w.picture(pictures[2], "各月发现问题和验收销号情况")
    w.h1("软弱涣散基层党组织整顿情况")
    if fig.weaklax:
        unsettled = sum(1 for x in fig.weaklax if x.status in _UNSETTLED)
        w.p(
            f"目前认定为软弱涣散的党组织{len(fig.weaklax)}个，其中正在整顿{unsettled}个，各党组织整顿阶段见表{3 + extra}。"
        )
        od.add_paragraph(
            w.doc,
            f"表{3 + extra}　软弱涣散党组织整顿情况",
            od.TABLE_HEAD,
            fonts=fonts,
            font="heading1",
            size=TABLE_SIZE,
        )
        w.table(
            [("党组织", 84, "left"), ("领域", 36, "center"), ("整顿阶段", 36, "center")],
            [[x.branch, labels.label(x.sector), labels.label(x.status)] for x in fig.weaklax],
        )
    else:
        w.p("目前没有认定为软弱涣散的党组织。")
    w.h1("党员组织关系排查情况")
    found = sum(fig.members.values())
    if found:
        w.p(
            "本期排查出"
            + "、".join(f"{labels.label(k)}{n}名" for k, n in fig.members.items() if n)
            + "。处置情况："
            + "、".join(f"{labels.label(d)}{n}名" for d, n in fig.outcomes.items() if n)
            + "。"
        )
    else:
        w.p("本期未排查出口袋党员、失联党员。")
    w.h1("下一步工作")
    for text in next_steps(fig):
        w.p(text)
    od.add_signature(w.doc, committee or "中共××党委", when, fonts=fonts, sealed=sealed)
    od.set_properties(w.doc, title="".join(report_title(fig)), author=committee, when=when)
    return w.doc


def _stop(text: str) -> str:
    """A description as a sentence of the paragraph: ended with 。 unless it already ends a sentence."""
    text = text.strip().replace("\n", "，")
    return text if text.endswith(("。", "！", "？", "；")) else text + "。"


def next_steps(fig: Figures) -> list[str]:
    """What the committee asks next, one paragraph per open matter the figures show."""
    f = fig.findings
    steps = []
    if fig.not_visited:
        steps.append(
            f"（一）抓紧补齐指导空白。对尚未开展现场指导的{fig.not_visited}个党支部，尽快安排指导，确保全覆盖。"
        )
    if f.open:
        steps.append(
            f"（{cn_number(len(steps) + 1)}）督促问题整改。对未销号的{f.open}个问题逐项对账，"
            "完成一项、销号一项；逾期问题由责任领导说明原因、限期整改。"
        )
    if any(x.status in _UNSETTLED for x in fig.weaklax):
        steps.append(
            f"（{cn_number(len(steps) + 1)}）持续整顿软弱涣散党组织。按整顿方案的时限要求推进，成熟一个、验收一个。"
        )
    if fig.outcomes.get(Disposition.PENDING) or fig.members.get(MemberKind.LOST_CONTACT):
        steps.append(f"（{cn_number(len(steps) + 1)}）做好党员组织关系排查后续处置，对排查中的党员逐一明确处置方式。")
    steps.append(f"（{cn_number(len(steps) + 1)}）巩固学习教育成果，把好的做法坚持下来，推动“两学一做”学习教育常态化。")
    return steps


def render(fig: Figures, *, committee: str, when: date, fonts: MemoFonts, sealed: bool = True) -> bytes:
    return od.to_bytes(build_document(fig, committee=committee, when=when, fonts=fonts, sealed=sealed))
