"""Every use of python-docx's private members, in one place.

python-docx has no public handle on a paragraph's or a section's XML element,
which the page-number field and the line grid need. tests/test_docx_compat.py
checks both against the installed python-docx, so an upgrade that changes
them fails there, not when a memo is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # python-docx is imported lazily: the CLI starts without it
    from docx.oxml.section import CT_SectPr
    from docx.oxml.text.paragraph import CT_P
    from docx.section import Section
    from docx.text.paragraph import Paragraph


def paragraph_element(para: Paragraph) -> CT_P:
    """The `<w:p>` element behind a paragraph."""
    return para._p


def section_element(section: Section) -> CT_SectPr:
    """The `<w:sectPr>` element behind a section."""
    return section._sectPr
