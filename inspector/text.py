"""One policy for text that users type or import.

Stored text is shown in terminals, printed by commands and written into Word
files, so it must not carry what a terminal or a layout engine acts on:
C0 and C1 control characters (ESC starts a terminal command sequence, NUL
truncates strings in C libraries), DEL, bidirectional overrides and isolates
(U+202E makes "exe.txt" read "txt.exe"), lone surrogates and non-characters.
Newlines survive in multi-line fields (a tab becomes a space there); in
single-line fields every line break becomes a space. Everything else, CJK
extension characters such as 𠮷 and emoji included, is kept as typed.

`show_controls` is the other half: for output that must not be changed
(a listing of what a damaged file holds), controls are made visible.
"""

from __future__ import annotations

import re

# C0 except \n, DEL, C1; bidi embeddings/overrides/isolates and marks;
# lone surrogates; the non-characters U+FFFE/U+FFFF.
_CONTROLS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Anything `clean` would change, so most text (already clean) costs one search.
_NEEDS_CLEANING = re.compile(_CONTROLS.pattern[:-1] + "\u2028\u2029]")


def _join_surrogate_pairs(text: str) -> str:
    """A character that arrived as a UTF-16 surrogate pair is one real character."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").replace("\ufffd", "")


def is_clean(text: str, *, multiline: bool = False) -> bool:
    """Whether `clean` would leave `text` as it is, cheaply: most stored text
    is printable (no control, format or line-break character at all)."""
    if text.isprintable():
        return True
    return not _NEEDS_CLEANING.search(text) and (multiline or "\n" not in text)


def clean(text: str, *, multiline: bool = False) -> str:
    """`text` as it may be stored: see the module docstring."""
    if is_clean(text, multiline=multiline):
        return text
    text = _join_surrogate_pairs(text)
    if multiline:
        text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    else:
        text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _CONTROLS.sub("", text)


def show_controls(text: str) -> str:
    """`text` with every control character written out (\\x1b, \\u202e), for terminal output."""
    return _CONTROLS.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


# Characters JSON leaves as they are but a terminal acts on (DEL, C1, bidi),
# inside JSON strings only.
_JSON_UNESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_safe(text: str) -> bool:
    """Whether `text` holds none of what `escape_json` escapes: most text is
    printable, which one pass in C tells (a county listing has ~250,000 texts)."""
    return text.isprintable() or not _JSON_UNESCAPED.search(text)


def escape_json(text: str) -> str:
    """JSON `text` with the controls JSON itself does not escape written as \\uXXXX (still the same JSON)."""
    return _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
