"""Word documents in the party-and-government format GB/T 9704-2012.

The memo and the ledger export share these primitives so that every document
the committee prints has the same page, fonts and page numbers:

* `new_document(fonts, landscape=...)`: A4 with the standard margins
  (天头 37 mm, 订口 28 mm, 版心 156 x 225 mm), a fixed line pitch giving
  22 lines of 28 characters, the styles below, and "— 1 —" page numbers
  (odd pages right, even pages left, one character in).
* Styles carry the Chinese font in `w:eastAsia` (python-docx's `font.name`
  only sets the Latin one); runs repeat it, because WPS and older Word
  versions let a run's own fonts win.
* `clean_text`: strings as XML can hold them (python-docx raises ValueError on
  control characters and lone surrogates, and users paste those).
* `safe_filename` / `write_new_file`: output names that cannot leave their
  folder, written to a temp file then renamed, never over an existing file
  unless forced.

Landscape pages (ledger tables) keep the same 版心 turned on its side:
top 28 mm, bottom 26 mm, left 37 mm, right 35 mm.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import os
import re
import struct
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, unescape

from inspector.documents.docx_compat import paragraph_element, section_element
from inspector.errors import OutputExists, StoreError
from inspector.store.files import new_file_mode
from inspector.text import clean

if TYPE_CHECKING:  # python-docx is imported lazily: the CLI starts without it
    from docx.document import Document
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.text.paragraph import Paragraph

    from inspector.settings import MemoFonts

# --- sizes (points) -----------------------------------------------------
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body and headings
SIZE_4 = 14.0  # 四号: page numbers
SIZE_SMALL_4 = 12.0  # 小四: table text
MM = 72 / 25.4  # points per millimetre

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37.0, 35.0, 28.0, 26.0
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# 版心 height / 22 lines = 28.99 pt; GB/T 9704-2012 layouts are usually set to
# 28.95 pt so that the last line never spills onto the next page in Word.
LINE_PITCH = 28.95
# 28 characters of 16 pt need 15.79 pt each on a 156 mm line: body text is
# set 0.25 pt tighter (character spacing is counted in 1/20 pt).
BODY_CHAR_SPACING = -5
# Page number: about 7 mm under the 版心, i.e. its top edge 28 mm above the
# page bottom; a 14 pt line is ~5 mm tall, so the footer sits 23 mm up.
FOOTER_DISTANCE_MM = 23.0

# Paragraph style names (English, so that the style ids are plain ASCII).
TITLE = "GB Title"
HEADING1 = "GB Heading 1"
HEADING2 = "GB Heading 2"
BODY = "Normal"
PLAIN = "GB Plain"  # no indent: addressee, 附件 mark
SIGNATURE = "GB Signature"
TABLE_TEXT = "GB Table Text"
TABLE_HEAD = "GB Table Head"
PAGE_NUMBER = "GB Page Number"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- text -----------------------------------------------------------------
# Form feeds, vertical tabs and separators in records were always dropped, not made line breaks.
_NOT_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e]")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object) -> str:
    """`value` as a Word file may hold it: the stored-text policy of
    `inspector/text.py` (controls, bidirectional overrides and tabs gone,
    surrogate pairs joined, line ends as \n, which becomes a line break in
    Word), applied again at render for records saved before that policy."""
    if type(value) is str and value.isprintable():  # most text: nothing to remove, one pass in C
        return value
    text = _NOT_BREAKS.sub("", "" if value is None else str(value))
    return _XML_BAD.sub("", clean(text, multiline=True))


def chinese_date(d: date) -> str:
    """2026年11月26日: Arabic numerals, full year, no zero padding (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"


def text_width_em(text: str) -> float:
    """Width in characters of a Chinese font: CJK, full-width and the
    ambiguous ones (“ ” — set in the Chinese font) count 1, others 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


TITLE_LINE_CHARS = 19  # a 2号 line holds 20; one spare for wide punctuation


TITLE_MIN_LINE_CHARS = 4  # a line of 1–3 characters reads as a stray word


def title_shape(lines: Sequence[str]) -> str:
    """ "trapezoid" (widths never shrinking or never growing down the lines),
    "diamond" (three lines, the middle one the widest) or "" (GB/T 9704 7.3.2
    asks for one of the first two)."""
    return _shape([text_width_em(line) for line in lines])


def _shape(widths: Sequence[float]) -> str:
    pairs = list(zip(widths, widths[1:]))
    if all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs):
        return "trapezoid"
    if len(widths) == 3 and widths[1] > max(widths[0], widths[2]):
        return "diamond"
    return ""


def title_lines(segments: Sequence[str], limit: float = TITLE_LINE_CHARS) -> list[str]:
    """Break a title between meaningful segments (no word is split) into
    one line when it fits, else 2–3 lines of trapezoid or diamond shape with
    no line shorter than four characters, as even as possible; a title
    that allows no such shape falls back to the fewest, most even lines (a
    segment longer than a line may then break between any characters)."""
    pieces = [seg for seg in segments if seg]
    # Widths add up character by character: each piece is measured once,
    # not every line of every way of breaking.
    edges = list(itertools.accumulate(map(text_width_em, pieces), initial=0.0))
    if edges[-1] <= limit:
        return ["".join(pieces)]
    chars = list(itertools.accumulate(map(len, pieces), initial=0))
    best: tuple[tuple[int, float, int], list[int]] | None = None
    for count in (2, 3):
        for cuts in itertools.combinations(range(1, len(pieces)), count - 1):
            bounds = [0, *cuts, len(pieces)]
            spans = list(zip(bounds, bounds[1:]))
            widths = [edges[b] - edges[a] for a, b in spans]
            if max(widths) > limit or min(chars[b] - chars[a] for a, b in spans) < TITLE_MIN_LINE_CHARS:
                continue
            if not _shape(widths):
                continue
            # Fewest lines, then most even, then widening downwards (正梯形).
            key = (count, max(widths) - min(widths), 0 if widths[0] <= widths[-1] else 1)
            if best is None or key < best[0]:
                best = (key, bounds)
    if best is None:
        return _even_lines(pieces, limit)
    bounds = best[1]
    return ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])]


def _even_lines(segments: Sequence[str], limit: float) -> list[str]:
    """As few lines as possible, as even as possible, breaking between
    segments (inside one only when it is longer than a line)."""
    pieces: list[str] = []
    for seg in filter(None, segments):
        pieces.extend(seg if text_width_em(seg) > limit else [seg])
    # best[i]: (lines, sum of squared slack, breaks) for the first i pieces
    best: list[tuple[int, float, list[int]] | None] = [(0, 0.0, [])] + [None] * len(pieces)
    for i in range(1, len(pieces) + 1):
        for j in range(i - 1, -1, -1):
            width = text_width_em("".join(pieces[j:i]))
            if width > limit:
                break
            prev = best[j]
            if prev is None:
                continue
            cand = (prev[0] + 1, prev[1] + (limit - width) ** 2, [*prev[2], j])
            held = best[i]
            if held is None or cand[:2] < held[:2]:
                best[i] = cand
    final = best[len(pieces)]
    assert final is not None  # every piece fits a line
    starts = [*final[2], len(pieces)]
    return ["".join(pieces[a:b]) for a, b in zip(starts, starts[1:])]


# --- file names and writing -----------------------------------------------
_WIN_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_NAME_BAD = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\ud800-\udfff]')


def safe_filename(stem: str, suffix: str = ".docx", max_bytes: int = 200) -> str:
    """A file name from user text (a branch name) that stays inside its
    folder on Linux, macOS and Windows: separators and reserved characters
    become ＿, reserved device names are prefixed, length is limited in
    UTF-8 bytes (most file systems allow 255) without splitting a character."""
    name = unicodedata.normalize("NFC", clean_text(stem))
    name = _NAME_BAD.sub("_", name).strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    budget = max_bytes - len(suffix.encode())
    while len(name.encode()) > budget:
        name = name[:-1]
    name = name.rstrip(" .")
    if not name:
        name = "未命名"
    if name.split(".")[0].upper() in _WIN_RESERVED:
        name = "_" + name
    return name + suffix


def write_new_file(path: Path, payload: bytes, *, force: bool = False) -> None:
    """Write `payload` to `path` whole or not at all (`StagedFile`)."""
    staged = StagedFile(path, payload, force=force)
    try:
        staged.place()
    finally:
        staged.discard()


class StagedFile:
    """`payload` in a synced temp file in `path`'s folder; `place` links it
    into place, so the file is whole or absent. An existing file is only
    replaced with `force`. `discard` removes the temp file, placed or not.

    Making one touches no store and little Python: `memo --all` makes a
    memo's in a helper thread while it goes on with the next memo."""

    def __init__(self, path: Path, payload: bytes, *, force: bool = False) -> None:
        self.path = path = Path(path)
        self.payload = payload
        self.force = force
        if not path.parent.is_dir():
            raise StoreError(f"输出目录不存在：{path.parent}")
        if path.exists() and not force:
            raise OutputExists(path)
        fd, self.tmp = tempfile.mkstemp(prefix=".memo-", suffix=".tmp", dir=path.parent)
        try:
            try:
                if hasattr(os, "fchmod"):  # it names people and findings: the data folder's modes, not world-readable
                    os.fchmod(fd, new_file_mode())
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError as exc:
                raise StoreError(f"无法写入文件：{path}（{exc.strerror or exc}）") from exc
            finally:
                os.close(fd)
        except BaseException:
            self.discard()
            raise

    def place(self) -> None:
        try:
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                _link_no_clobber(Path(self.tmp), self.path)
        except OSError as exc:
            raise StoreError(f"无法写入文件：{self.path}（{exc.strerror or exc}）") from exc

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


def _link_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # atomic and fails if the name exists
    except FileExistsError:
        raise OutputExists(path) from None
    except OSError:  # file systems without hard links (FAT, some shares)
        if path.exists():
            raise OutputExists(path) from None
        os.replace(tmp, path)


# --- fonts ------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _rfonts_xml(east_asia: str, latin: str) -> str:
    ea, la = escape(east_asia, {'"': "&quot;"}), escape(latin, {'"': "&quot;"})
    return f'<w:rFonts w:ascii="{la}" w:hAnsi="{la}" w:cs="{la}" w:eastAsia="{ea}" w:hint="eastAsia"/>'


def set_fonts(rpr, east_asia: str, latin: str, size: float | None = None) -> None:
    """Set fonts on a `w:rPr` (of a style or of the document defaults),
    replacing theme fonts, which would otherwise win over the named ones."""
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    # hint: quotes and dashes shared by both scripts take the Chinese font.
    for key, value in (
        ("ascii", latin),
        ("hAnsi", latin),
        ("cs", latin),
        ("eastAsia", east_asia),
        ("hint", "eastAsia"),
    ):
        rfonts.set(qn(f"w:{key}"), value)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = rpr.makeelement(qn(tag), {})
                rpr.append(el)
            el.set(qn("w:val"), str(round(size * 2)))
    _sort_children(rpr, _RPR_ORDER)


@dataclass(frozen=True)
class StyleSpec:
    name: str
    font: str  # attribute of MemoFonts
    size: float
    align: str | None = None  # left/center/right/both
    indent_chars: float = 0  # first-line indent in characters
    exact: float | None = LINE_PITCH
    outline: int | None = None
    keep_next: bool = False
    space_after: float = 0


_STYLES = (
    StyleSpec(TITLE, "title", SIZE_2, align="center", exact=None, keep_next=True, space_after=LINE_PITCH),
    StyleSpec(HEADING1, "heading1", SIZE_3, indent_chars=2, outline=0, keep_next=True),
    StyleSpec(HEADING2, "heading2", SIZE_3, indent_chars=2, outline=1, keep_next=True),
    StyleSpec(PLAIN, "body", SIZE_3),
    StyleSpec(SIGNATURE, "body", SIZE_3, align="right"),
    StyleSpec(TABLE_TEXT, "body", SIZE_SMALL_4, align="left", exact=None),
    StyleSpec(TABLE_HEAD, "heading1", SIZE_SMALL_4, align="center", exact=None),
    StyleSpec(PAGE_NUMBER, "page_number", SIZE_4, exact=None),
)


# --- the document -----------------------------------------------------------
def new_document(fonts: MemoFonts, *, landscape: bool = False) -> Document:
    """An empty A4 document with the GB/T 9704 page, styles and page numbers:
    a copy of the blank parsed once per process (copying its parts costs a
    third of opening the package again, which `memo --all` did per memo)."""
    import copy

    return copy.deepcopy(_blank_parsed(fonts.model_dump_json(), landscape))


@functools.lru_cache(maxsize=8)
def _blank_parsed(fonts_json: str, landscape: bool) -> Document:
    """The blank of `_blank_document` as loaded; only ever copied, never changed."""
    import docx

    return docx.Document(io.BytesIO(_blank_document(fonts_json, landscape)))


@functools.lru_cache(maxsize=8)
def _blank_document(fonts_json: str, landscape: bool) -> bytes:
    """The set-up empty document, made once per process and font set:
    adding the styles costs ~50 ms (python-docx scans every style to check
    a name is free), loading the result ~15 ms."""
    import docx

    from inspector.settings import MemoFonts

    fonts = MemoFonts.model_validate_json(fonts_json)
    doc = docx.Document()
    _slim(doc)
    _page_setup(doc, landscape)
    _styles(doc, fonts)
    _page_numbers(doc, fonts)
    _language_and_font_table(doc, fonts)
    return to_bytes(doc)


# Substitutes Word and LibreOffice use where the official font is not installed.
FONT_SUBSTITUTES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "小标宋": "宋体"}


def _language_and_font_table(doc: Document, fonts: MemoFonts) -> None:
    """Chinese (zh-CN) as the East Asian language, for line breaking and
    punctuation, and a font table naming the memo's fonts with their
    substitutes instead of the template's Japanese and Latin fonts."""
    from docx.oxml.ns import qn

    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
        _sort_children(rpr, _RPR_ORDER)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    names = dict.fromkeys([fonts.body, fonts.title, fonts.heading1, fonts.heading2, fonts.page_number])
    entries = []
    for name in names:
        alt = FONT_SUBSTITUTES.get(name, "")
        entries.append(
            f'<w:font w:name="{escape(name, {chr(34): "&quot;"})}">'
            + (f'<w:altName w:val="{alt}"/>' if alt else "")
            + '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    latin = escape(fonts.latin, {'"': "&quot;"})
    entries.append(f'<w:font w:name="{latin}"><w:charset w:val="00"/><w:family w:val="roman"/></w:font>')
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">{"".join(entries)}</w:fonts>'
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            rel.target_part._blob = xml.encode()


# Styles kept from python-docx's template: the defaults Word expects.
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def _slim(doc: Document) -> None:
    """Drop what python-docx's template carries and a memo never uses: its
    160 unused styles, the latent-style list, the Word 2010 copy of the
    styles and the thumbnail (800 KB of XML that every memo would parse,
    zip and write)."""
    from docx.oxml.ns import qn

    root = doc.styles.element
    for el in list(root):
        if el.tag == qn("w:latentStyles") or (el.tag == qn("w:style") and el.get(qn("w:styleId")) not in _KEEP_STYLES):
            root.remove(el)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                rels.pop(rid)


def _page_setup(doc: Document, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = doc.sections[0]
    top, bottom, left, right = MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM
    width, height = PAGE_W_MM, PAGE_H_MM
    if landscape:
        top, bottom, left, right = MARGIN_LEFT_MM, MARGIN_RIGHT_MM, MARGIN_TOP_MM, MARGIN_BOTTOM_MM
        width, height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE
    else:
        section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)
    # A line grid of 28.95 pt: Word and WPS show 22 lines in page setup. The
    # 28 characters come from the body style's character spacing, not from
    # a character grid: LibreOffice puts a 16 pt glyph on two cells of a
    # 15.8 pt character grid and prints 14 characters a line.
    sect_pr = section_element(section)
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = f'<w:docGrid xmlns:w="{W_NS}" w:type="lines" w:linePitch="{round(LINE_PITCH * 20)}"/>'
    sect_pr.append(parse_xml(grid))


def _styles(doc: Document, fonts: MemoFonts) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    styles = doc.styles
    # Document defaults: no theme fonts anywhere.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        set_fonts(rpr_default.find(qn("w:rPr")), fonts.body, fonts.latin, SIZE_3)
    normal = styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), fonts.body, fonts.latin, SIZE_3)
    rpr = normal.element.get_or_add_rPr()
    rpr.append(parse_xml(f'<w:spacing xmlns:w="{W_NS}" w:val="{BODY_CHAR_SPACING}"/>'))
    _sort_children(rpr, _RPR_ORDER)
    _paragraph_format(normal, StyleSpec(BODY, "body", SIZE_3, align="both", indent_chars=2))
    # No extra space between Chinese and Latin text or digits: 2026年 stays tight.
    ppr = normal.element.get_or_add_pPr()
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        ppr.append(parse_xml(f'<w:{tag} xmlns:w="{W_NS}" w:val="0"/>'))
    _sort_children(ppr, _PPR_ORDER)
    for spec in _STYLES:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        assert style.style_id == style_id(spec.name)
        style.base_style = normal
        style.quick_style = True
        set_fonts(style.element.get_or_add_rPr(), getattr(fonts, spec.font), fonts.latin, spec.size)
        _paragraph_format(style, spec)


def _paragraph_format(style, spec: StyleSpec) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(spec.space_after)
    pf.widow_control = False  # a fixed grid: every page keeps its 22 lines
    if spec.exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(spec.exact)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if spec.align:
        pf.alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[spec.align]
    pf.keep_with_next = spec.keep_next
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.makeelement(qn("w:ind"), {})
        ppr.append(ind)
    # firstLineChars for Word's character grid, firstLine for the rest.
    ind.set(qn("w:firstLineChars"), str(round(spec.indent_chars * 100)))
    ind.set(qn("w:firstLine"), str(round(spec.indent_chars * spec.size * 20)))
    if spec.exact is None:
        # Titles and tables do not snap to the 28.95 pt body grid.
        ppr.append(parse_xml(f'<w:snapToGrid xmlns:w="{W_NS}" w:val="0"/>'))
    if spec.outline is not None:
        ppr.append(parse_xml(f'<w:outlineLvl xmlns:w="{W_NS}" w:val="{spec.outline}"/>'))
    _sort_children(ppr, _PPR_ORDER)


# Children of w:pPr and w:rPr must come in schema order or Word calls the file corrupt.
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _sort_children(parent, order: list[str]) -> None:
    def rank(el) -> int:
        local = el.tag.rsplit("}", 1)[-1]
        return order.index(local) if local in order else len(order)

    for child in sorted(parent, key=rank):  # stable: equal ranks keep their order
        parent.append(child)


def _page_numbers(doc: Document, fonts: MemoFonts) -> None:
    """ "— 1 —" in 4号 宋体: odd pages right, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph_element(para).style = style_id(PAGE_NUMBER)
        para.alignment = align
        pf = para.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            pf.right_indent = Pt(SIZE_4)
        else:
            pf.left_indent = Pt(SIZE_4)
        _page_field(para, fonts)


def _page_field(para: Paragraph, fonts: MemoFonts) -> None:
    from docx.oxml import parse_xml

    rpr = f'<w:rPr>{_rfonts_xml(fonts.page_number, fonts.page_number)}<w:sz w:val="{round(SIZE_4 * 2)}"/></w:rPr>'

    def run(inner: str) -> str:
        return f"<w:r>{rpr}{inner}</w:r>"

    parts = [
        run('<w:t xml:space="preserve">— </w:t>'),
        run('<w:fldChar w:fldCharType="begin"/>'),
        run('<w:instrText xml:space="preserve"> PAGE </w:instrText>'),
        run('<w:fldChar w:fldCharType="separate"/>'),
        run("<w:t>1</w:t>"),
        run('<w:fldChar w:fldCharType="end"/>'),
        run('<w:t xml:space="preserve"> —</w:t>'),
    ]
    for xml in parts:
        paragraph_element(para).append(parse_xml(f'<w:wrap xmlns:w="{W_NS}">{xml}</w:wrap>')[0])


# --- content helpers --------------------------------------------------------
# Each block is made as XML text once (`*_xml` below): the memo's `Body`
# joins them, `add_*` parses them into a python-docx document.
def _append_block(doc: Document, element: BaseOxmlElement) -> None:
    """Add a paragraph or table at the end of the body, before its closing section properties."""
    from docx.oxml.ns import qn

    body = doc.element.body
    closing = body.find(qn("w:sectPr"))
    if closing is None:
        body.append(element)
    else:
        closing.addprevious(element)


def _add_xml(doc: Document, xml: str) -> Paragraph:
    """Append the block `xml` (of the `*_xml` functions) to `doc`."""
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph

    element = parse_xml(f'<w:wrap xmlns:w="{W_NS}">{xml}</w:wrap>')[0]
    _append_block(doc, element)
    return Paragraph(element, doc)


def style_id(name: str) -> str:
    """The id python-docx gives a style it adds (its name without spaces);
    used directly because looking styles up by name scans every style."""
    return name.replace(" ", "")


def twips(points: float) -> int:
    """`points` in twips as python-docx stores a `Pt` length (whole EMUs, then rounded)."""
    return round(int(points * 12700) / 635)


_BREAKS = re.compile(r"(\n|\t)")


def run_xml(text: str, east_asia: str, latin: str, size: float | None = None, *, color: str = "") -> str:
    """A `w:r` of cleaned text with explicit fonts; \n becomes a line break."""
    props = _rfonts_xml(east_asia, latin)
    if color:
        props += f'<w:color w:val="{color}"/>'
    if size is not None:
        props += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    inner = []
    for part in _BREAKS.split(clean_text(text)):
        if part == "\n":
            inner.append("<w:br/>")
        elif part == "\t":
            inner.append("<w:tab/>")
        elif part:
            inner.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(inner)}</w:r>" if inner else ""


def paragraph_xml(
    text: str,
    style: str = BODY,
    *,
    fonts: MemoFonts,
    font: str = "body",
    size: float | None = None,
    props: str = "",
    color: str = "",
) -> str:
    """A `w:p` of cleaned text whose run names its fonts explicitly; `props`
    are paragraph properties after the style, in schema order."""
    run = run_xml(text, getattr(fonts, font), fonts.latin, size, color=color)
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id(style)}"/>{props}</w:pPr>{run}</w:p>'


def blank_xml(props: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id(PLAIN)}"/>{props}</w:pPr></w:p>'


def title_xml(lines: Sequence[str], *, fonts: MemoFonts) -> str:
    """The 2号 小标宋 title, centred; several lines are broken by hand so
    the title keeps a trapezoid shape instead of wrapping anywhere."""
    return paragraph_xml("\n".join(lines), TITLE, fonts=fonts, font="title", size=SIZE_2)


def heading1_xml(text: str, *, fonts: MemoFonts) -> str:
    """一、 level heading in 黑体."""
    return paragraph_xml(text, HEADING1, fonts=fonts, font="heading1", size=SIZE_3)


def heading2_xml(text: str, *, fonts: MemoFonts) -> str:
    """（一） level heading in 楷体."""
    return paragraph_xml(text, HEADING2, fonts=fonts, font="heading2", size=SIZE_3)


def body_xml(text: str, *, fonts: MemoFonts) -> str:
    """A body paragraph: 仿宋 3号, first line indented two characters."""
    return paragraph_xml(text, BODY, fonts=fonts, font="body", size=SIZE_3)


def add_paragraph(
    doc: Document, text: str, style: str = BODY, *, fonts: MemoFonts, font: str = "body", size: float | None = None
) -> Paragraph:
    """A paragraph of cleaned text whose run names its fonts explicitly.

    Built as XML: python-docx's `add_paragraph(style=...)` spends ~4 ms
    per paragraph finding the style by name."""
    return _add_xml(doc, paragraph_xml(text, style, fonts=fonts, font=font, size=size))


def add_title(doc: Document, lines: Sequence[str], *, fonts: MemoFonts) -> Paragraph:
    return _add_xml(doc, title_xml(lines, fonts=fonts))


def add_heading1(doc: Document, text: str, *, fonts: MemoFonts) -> Paragraph:
    return _add_xml(doc, heading1_xml(text, fonts=fonts))


def add_body(doc: Document, text: str, *, fonts: MemoFonts) -> Paragraph:
    return _add_xml(doc, body_xml(text, fonts=fonts))


def add_blank(doc: Document) -> Paragraph:
    return _add_xml(doc, blank_xml())


# 版头 (GB/T 9704-2012 7.2): the issuing organ's mark in red, at most this
# size, shrunk so that a long name stays on one line of the 版心 (156 mm).
MASTHEAD_MAX_SIZE = 30.0
TEXT_WIDTH_PT = 156 / 25.4 * 72
RED = "FF0000"
_CENTRED = '<w:jc w:val="center"/>'


def masthead_xml(issuer: str, number: str, *, fonts: MemoFonts) -> list[str]:
    """The 版头 of a numbered document (GB/T 9704-2012 7.2.4, 7.2.5, 7.2.7):
    the 发文机关标志 (the organ's full name, red 小标宋, centred); the
    发文字号 centred two lines under it (3号 仿宋, a 下行文); a red
    separator line as wide as the 版心 about 4 mm under the number. The
    title follows two lines under the line (7.3.1)."""
    size = min(MASTHEAD_MAX_SIZE, float(int(TEXT_WIDTH_PT * 0.95 / max(1.0, text_width_em(issuer)))))
    pitch = twips(max(LINE_PITCH, size * 1.4))  # a grid line would clip it
    spacing = f'<w:spacing w:lineRule="exact" w:line="{pitch}"/>'
    mark = paragraph_xml(issuer, PLAIN, fonts=fonts, font="title", size=size, props=spacing + _CENTRED, color=RED)
    # The border sits under the line box; 4 pt more puts it ~4 mm under the glyphs.
    border = f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{RED}"/></w:pBdr>'
    line = paragraph_xml(number, PLAIN, fonts=fonts, size=SIZE_3, props=border + _CENTRED)
    return [mark, blank_xml(), blank_xml(), line, blank_xml(), blank_xml()]


#: A paragraph's properties open with its style; keepNext comes next in schema order.
_STYLE_THEN = re.compile(r'(<w:p><w:pPr><w:pStyle w:val="[^"]*"/>)(<w:keepNext(?: w:val="0")?/>)?')
_TEXT_RUNS = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|(<w:br/>)|(<w:tab/>)")


def _ends_keep_together(text: str) -> bool:
    """The signature block keeps with it the paragraphs up to this one: the
    last of the body proper (a 附件说明 and blank lines travel along)."""
    return bool(text.strip()) and not text.startswith("附件：")


def _signature_lines(signer: str, on: date, *, fonts: MemoFonts, sealed: bool) -> list[str]:
    """A blank line, the signer and the date. Sealed (GB/T 9704 7.3.5.1):
    the date four characters from the right, the signer centred over it.
    Unsealed (7.3.5.2): the signer two characters from the right, the date
    on the next line starting two characters to the right of the signer; a
    longer date keeps two characters from the right and pushes the signer."""
    when = chinese_date(on)
    ls, ld = text_width_em(signer), text_width_em(when)
    if sealed:
        date_in = 4.0
        signer_in = max(0.0, date_in + (ld - ls) / 2)
    else:
        date_in = max(2.0, ls - ld)
        signer_in = date_in + ld + 2 - ls
    out = [blank_xml("<w:keepNext/>")]
    for text, chars, keep in ((signer, signer_in, "<w:keepNext/>"), (when, date_in, '<w:keepNext w:val="0"/>')):
        indent = f'<w:ind w:right="{twips(chars * SIZE_3)}"/>'
        out.append(paragraph_xml(text, SIGNATURE, fonts=fonts, props=keep + indent))
    return out


def add_signature(doc: Document, signer: str, on: date, *, fonts: MemoFonts, sealed: bool = True) -> None:
    """Signer and date after one blank line (`_signature_lines`)."""
    # No page may hold the signature alone (GB/T 9704 7.3.5): the last lines
    # of the body and the 附件说明 travel with it to the next page.
    for para in reversed(doc.paragraphs):
        para.paragraph_format.keep_with_next = True
        if _ends_keep_together(para.text):
            break
    for xml in _signature_lines(signer, on, fonts=fonts, sealed=sealed):
        _add_xml(doc, xml)


# Rows with more text than this may break across pages (a row taller than a
# page that may not break is clipped by Word).
CANT_SPLIT_CHARS = 300


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "left"  # left / center


def add_table(
    doc: Document,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    fonts: MemoFonts,
    size: float = SIZE_SMALL_4,
) -> None:
    """A bordered table whose header row repeats on every page (`table_xml`)."""
    for xml in table_xml(columns, rows, fonts=fonts, size=size):
        _add_xml(doc, xml)


def table_xml(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], *, fonts: MemoFonts, size: float = SIZE_SMALL_4
) -> list[str]:
    """The table and the paragraph Word needs after it.

    Built as one XML string and parsed once: python-docx's cell API is
    quadratic in the row count and the ledger exports thousands of rows."""
    sz = round(size * 2)
    body_rpr = f'<w:rPr>{_rfonts_xml(fonts.body, fonts.latin)}<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/></w:rPr>'
    head_rpr = f'<w:rPr>{_rfonts_xml(fonts.heading1, fonts.latin)}<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/></w:rPr>'
    widths = [round(c.width_mm * MM * 20) for c in columns]
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    head_ids, text_ids = style_id(TABLE_HEAD), style_id(TABLE_TEXT)

    def cell(text: object, width: int, style_id: str, rpr: str, align: str) -> str:
        paras = clean_text(text).split("\n") or [""]
        jc = f'<w:jc w:val="{align}"/>' if align != "left" else ""
        body = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{jc}</w:pPr>'
            + (f'<w:r>{rpr}<w:t xml:space="preserve">{escape(p)}</w:t></w:r>' if p else "")
            + "</w:p>"
            for p in paras
        )
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>'

    out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
    out.extend(cell(c.title, w, head_ids, head_rpr, "center") for c, w in zip(columns, widths))
    out.append("</w:tr>")
    for row in rows:
        cells = [clean_text(v) for v in row]
        # Short rows stay on one page; a very long one must be free to break.
        keep = "<w:trPr><w:cantSplit/></w:trPr>" if sum(map(len, cells)) <= CANT_SPLIT_CHARS else ""
        out.append(f"<w:tr>{keep}")
        out.extend(
            cell(value, w, text_ids, body_rpr, "center" if c.align == "center" else "left")
            for value, c, w in zip(cells, columns, widths)
        )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    # Word wants a paragraph after a table that ends a document or section;
    # one point high, so that a table filling its last page leaves no blank page after it.
    after = blank_xml(
        '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
    )
    return ["".join(out), after]


def set_properties(doc: Document, *, title: str, author: str, when: date) -> None:
    _fill_properties(doc.core_properties, title=title, author=author, when=when)


def _fill_properties(props: CoreProperties, *, title: str, author: str, when: date) -> None:
    props.title = clean_text(title)
    props.author = clean_text(author)
    props.last_modified_by = clean_text(author)
    stamp = datetime(when.year, when.month, when.day)
    props.created = props.modified = stamp
    props.revision = 1


def to_bytes(doc: Document) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


class Body:
    """A portrait document written as XML text into the blank's package
    (`_Package`): its blocks come from the `*_xml` functions. A memo costs
    its own text only: building it with python-docx copied, serialised and
    zipped the whole package again, two thirds of `memo --all`'s time."""

    def __init__(self, fonts: MemoFonts) -> None:
        self.fonts = fonts
        self.blank = _blank_package(fonts.model_dump_json())
        self.blocks: list[str] = []
        self.section_end = self.blank.section

    def add(self, *blocks: str) -> None:
        self.blocks.extend(blocks)

    def _paragraphs_backwards(self) -> Iterator[int]:
        return (i for i in range(len(self.blocks) - 1, -1, -1) if self.blocks[i].startswith("<w:p>"))

    def signature(self, signer: str, on: date, *, sealed: bool = True) -> None:
        """Signer and date after one blank line (`_signature_lines`), as `add_signature` adds them."""
        for i in self._paragraphs_backwards():
            self.blocks[i] = _keep_with_next(self.blocks[i])
            if _ends_keep_together(_text_of(self.blocks[i])):
                break
        self.add(*_signature_lines(signer, on, fonts=self.fonts, sealed=sealed))

    def annex_mark(self, text: str = "附件") -> None:
        """ "附件" at the top left of a new page, in 3号 黑体 (GB/T 9704 8).

        The annex is a section of its own (a new page; footers and page numbers
        carry on) without the body's line grid: on the grid LibreOffice gives
        the paragraph Word needs after the annex table a full line, which is a
        blank last page whenever the table fills its page. The body's section
        ends with its last paragraph (an empty one added for it could spill
        onto a page of its own)."""
        last = next(self._paragraphs_backwards())
        para = self.blocks[last]
        cut = para.index("</w:pPr>")
        self.blocks[last] = para[:cut] + self.section_end + para[cut:]
        self.section_end = self.blank.annex_section
        self.add(paragraph_xml(text, PLAIN, fonts=self.fonts, font="heading1", size=SIZE_3))

    def to_bytes(self, *, title: str, author: str, when: date) -> bytes:
        """The .docx, with `set_properties`' core properties."""
        document = "".join([self.blank.head, *self.blocks, self.section_end, self.blank.tail])
        return self.blank.package(document.encode(), title=title, author=author, when=when)


def _keep_with_next(para: str) -> str:
    found = _STYLE_THEN.match(para)
    assert found is not None, "every paragraph of the *_xml functions opens with its style"
    return found[1] + "<w:keepNext/>" + para[found.end() :]


def _text_of(para: str) -> str:
    """A paragraph's text as python-docx reads it (line breaks and tabs included)."""
    return "".join("\n" if br else "\t" if tab else unescape(t) for t, br, tab in _TEXT_RUNS.findall(para))


@dataclass(frozen=True)
class _Package:
    """The blank document (`_blank_document`) taken apart once per process:
    its document.xml around the body, the body's section properties with and
    without the annex's changes, its core properties cut where each
    document's own go (`_core_pieces`), and every other part deflated once,
    to be copied into each document as it is."""

    head: str
    section: str
    annex_section: str
    tail: str
    core: tuple[bytes, ...]
    parts: tuple[tuple[str, bytes, int, int], ...]  # name, deflated data (b"" where per document), CRC, size

    def package(self, document: bytes, *, title: str, author: str, when: date) -> bytes:
        own = {DOCUMENT_PART: document, CORE_PART: self.core_xml(title=title, author=author, when=when)}
        entries = []
        for name, data, crc, size in self.parts:
            if name in own:
                data, crc, size = _deflated(own[name], _OWN_PART_LEVEL), zlib.crc32(own[name]), len(own[name])
            entries.append((name, data, crc, size))
        return _zip(entries)

    def core_xml(self, *, title: str, author: str, when: date) -> bytes:
        """The core properties `_fill_properties` gives, as lxml writes them."""
        own = {
            _CORE_TITLE: _xml_text(title),
            _CORE_AUTHOR: _xml_text(author),
            _CORE_DAY: f"{datetime(when.year, when.month, when.day):%Y-%m-%d}".encode(),
        }
        return b"".join(own.get(piece, piece) for piece in self.core)


#: Stand-ins for a document's own core properties, cut out of the blank's
#: (python-docx's blank holds none of them).
_CORE_TITLE, _CORE_AUTHOR, _CORE_DAY = b"@@title@@", b"@@author@@", b"1901-02-03"
_CORE_SLOTS = re.compile(b"(" + b"|".join(map(re.escape, (_CORE_TITLE, _CORE_AUTHOR, _CORE_DAY))) + b")")
#: A memo's own parts are deflated fast: the default level took a tenth of
#: rendering one for 600 bytes less (of ~12 KB); the parts stay the same.
_OWN_PART_LEVEL = 1


def _core_pieces(core: bytes) -> tuple[bytes, ...]:
    """The blank's core properties filled with the stand-ins, cut at them."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml

    props = parse_xml(core)
    stand_in = date(*map(int, _CORE_DAY.split(b"-")))
    _fill_properties(CoreProperties(props), title=_CORE_TITLE.decode(), author=_CORE_AUTHOR.decode(), when=stand_in)
    return tuple(_CORE_SLOTS.split(serialize_part_xml(props)))


def _xml_text(text: str) -> bytes:
    """Text as lxml writes it in an element (`clean_text` leaves no carriage return or control)."""
    return escape(clean_text(text)).encode()


DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"
_SECTION = re.compile(r"<w:sectPr[ >].*</w:sectPr>", re.S)
_NOT_IN_ANNEX = re.compile(r"<w:(?:headerReference|footerReference|docGrid)\b[^>]*/>")


@functools.lru_cache(maxsize=8)
def _blank_package(fonts_json: str) -> _Package:
    with zipfile.ZipFile(io.BytesIO(_blank_document(fonts_json, False))) as blank:
        contents = {info.filename: blank.read(info) for info in blank.infolist()}
    document = contents[DOCUMENT_PART].decode()
    section = _SECTION.search(document)
    assert section is not None, "python-docx's blank ends its body with section properties"
    head, tail = document[: section.start()], document[section.end() :]
    assert head.endswith("<w:body>") and tail == "</w:body></w:document>", "the blank's body is empty"
    parts = tuple(
        (name, b"" if name in (DOCUMENT_PART, CORE_PART) else _deflated(data), zlib.crc32(data), len(data))
        for name, data in contents.items()
    )
    # Footers carry on from the body's section into the annex's.
    annex = _NOT_IN_ANNEX.sub("", section[0])
    return _Package(head, section[0], annex, tail, _core_pieces(contents[CORE_PART]), parts)


def _deflated(data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> bytes:
    """`data` deflated as zipfile's ZIP_DEFLATED does (raw, by default at its level)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _zip(entries: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of deflated entries (name, data, CRC, size), with the
    headers zipfile writes for `writestr` (Unix, mode 0600, the local time)."""
    now = time.localtime()
    stamp_time = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
    stamp_date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
    out, directory, offset = [], [], 0
    for name, data, crc, size in entries:
        raw = name.encode()
        stamp = (8, stamp_time, stamp_date, crc, len(data), size, len(raw))
        local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, *stamp, 0) + raw
        directory.append(
            struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, *stamp, 0, 0, 0, 0, 0o600 << 16, offset) + raw
        )
        out += [local, data]
        offset += len(local) + len(data)
    listing = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(listing), offset, 0)
    return b"".join([*out, listing, end])


def add_picture(doc: Document, png: bytes, width_mm: float, caption: str, *, fonts: MemoFonts) -> None:
    """A picture centred on a line of its own with its caption below. The
    line is single-spaced: the body's exact line pitch would crop the picture."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm

    para = add_blank(doc)
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    add_paragraph(doc, caption, TABLE_HEAD, fonts=fonts, font="heading1", size=SIZE_SMALL_4)
