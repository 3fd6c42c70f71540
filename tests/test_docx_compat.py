"""The python-docx internals inspector/documents/docx_compat.py relies on, checked against the installed python-docx."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from inspector.documents.docx_compat import paragraph_element, section_element


def test_paragraph_element_is_the_paragraphs_xml():
    doc = Document()
    para = doc.add_paragraph("第一段")
    element = paragraph_element(para)
    assert element.tag == qn("w:p")
    assert element.getparent() is doc.element.body
    element.style = "Title"  # what the page-number footer sets
    assert para.style.name == "Title"


def test_section_element_is_the_sections_xml():
    doc = Document()
    section = doc.sections[0]
    element = section_element(section)
    assert element.tag == qn("w:sectPr")
    section.page_width = Mm(100)
    assert element.find(qn("w:pgSz")).get(qn("w:w")) == str(round(Mm(100).twips))
