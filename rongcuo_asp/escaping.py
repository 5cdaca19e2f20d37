"""How a user string is rendered in each human format: one rule per format, in one place.

A user string is anything the tool did not write itself: a name, a matter, evidence, a case or
subject name, a file name or path, anything from a fact file or the command line.

- text: `text_safe` — every control character is shown as an escape (``\\n``, ``\\x1b``,
  ``\\u202e``), so a user string can never start a line of its own, move the cursor, set a
  terminal's title or reverse the text that follows it.
- Markdown: `md_safe` — `text_safe`, and every character Markdown or HTML gives a meaning is
  escaped, so the string reads as typed: never a tag, link, image, emphasis, table cell,
  heading, quote or list.
- HTML: `html_safe` — `text_safe`, then HTML-escaped (jinja2's autoescape does the second half
  in the templates).

The report environments (report.py) apply their format's rule to every value a template prints
(jinja2 `finalize`), so a new field cannot forget it; only markup a template builds is exempt.
Every other human output (the CLI's messages, `rongcuo test`, the interview, the opinion's .docx,
spreadsheet cells) calls `text_safe` on user strings and file names.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Shown as escapes: C0 (TAB, LF, CR included), DEL, C1; the bidirectional controls (U+061C,
# U+200E/F, U+202A–U+202E, U+2066–U+2069); the line and paragraph separators U+2028/9; the
# invisible format characters (U+200B–U+200D, U+2060–U+206F, U+FEFF, U+FFF9–U+FFFB, the tag
# characters U+E0000–U+E007F); the blank fillers that look like nothing (U+115F, U+1160, U+3164,
# U+FFA0); the noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF: no XML document, so no .docx or
# .xlsx, may hold them); and lone surrogates (a file name that is not valid UTF-8).  The fact-file
# reader refuses every one of them in a string (factsyntax): one set, shown here, refused there.
HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u115f\u1160\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufdd0-\ufdef"
    "\ufeff\uffa0\ufff9-\ufffb\ufffe\uffff\ud800-\udfff\U000e0000-\U000e007f]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(m: re.Match) -> str:
    ch = m.group()
    code = ord(ch)
    if ch in _SHORT:
        return _SHORT[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def text_safe(value: object) -> str:
    """A user string for plain text: control, bidi and invisible characters shown as escapes."""
    return HIDDEN.sub(_visible, str(value))


# Markdown: characters with a meaning anywhere in a line, escaped with a backslash (CommonMark
# allows it before any ASCII punctuation); HTML's three as entities (read by every Markdown
# dialect, and shown as typed); at the start of the string also what opens a block (list item,
# numbered item "1. ", setext underline, indented code), since a template may put the string
# first on its line.
_MD_INLINE = re.compile(r"[\\`*_\[\]{}|#~$!&<>]")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_BLOCK_START = re.compile(r"^( *)(?:([-+=])|(\d+)([.)])(?=\s|$))?")


def _md_block_start(m: re.Match) -> str:
    # leading spaces as entities: they cannot indent a code block; then the marker escaped
    marker = m.group(2) or m.group(4)
    return "&#32;" * len(m.group(1)) + (m.group(3) or "") + ("\\" + marker if marker else "")


def md_safe(value: object) -> str:
    """A user string for Markdown: shown as typed, never markup, a link or HTML."""
    text = _MD_INLINE.sub(lambda m: _MD_ENTITIES.get(m.group(), "\\" + m.group()), str(value))
    text = _MD_BLOCK_START.sub(_md_block_start, text, count=1)
    return text_safe(text)


def md_code(value: object) -> Markup:
    """A value as a Markdown code span (an atom): a fence longer than any run of backticks in it."""
    text = text_safe(value)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def html_safe(value: object) -> Markup:
    """A user string for HTML text or a quoted attribute: control characters shown, then escaped."""
    return escape(text_safe(value))
