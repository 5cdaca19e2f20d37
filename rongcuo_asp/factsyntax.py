"""Fact-file syntax: tokens and ground facts, with every syntax error named by line.

The file is tokenised and parsed here, never handed to clingo as a program, so `#script`,
`#include` and friends cannot run: they are refused with file and line like every other error.
A fast path reads the usual layout (one plain fact a line); anything else takes the full parser.
"""

from __future__ import annotations

import re
from functools import cache

from .escaping import HIDDEN
from .factmodel import Fact, Term

MAX_STATEMENTS = 1_000_000  # about 40 000 fully described incidents; split larger collections
MAX_STRING_CHARS = 4096
MAX_NAME_CHARS = 256
MAX_NUMBER_DIGITS = 18
MAX_ERRORS = 20
MAX_LINES = 4 * MAX_STATEMENTS  # room for comments and blank lines; more is no case file
MAX_STATEMENT_TOKENS = 64  # a fact has at most 12: -pred(a,b,c,d).
_FAST_LINE_CHARS = 16 * 1024  # longer lines take the full parser, which bounds every token

# Characters no string may hold, escaped or not (the same rule for every string field): C0 controls
# (TAB and newline too), DEL, C1 controls, the line and paragraph separators and the bidirectional
# controls, any of which would let a name or a matter start a line of its own, hide or reorder text
# in a report, or break a spreadsheet or a .docx.  A single character class: a linear scan.
FORBIDDEN = HIDDEN  # every character the reports would have to show as an escape (escaping.HIDDEN)
_CONTROL_NAMES = {"\t": "制表符", "\n": "换行符", "\r": "回车符", "\x00": "空字符（NUL）", "\x1b": "转义符（ESC）"}

# Patterns only the slower paths use are compiled on first use (start-up of a one-case check).
# No alternative repeats a group per character (a string or a block comment is scanned by hand),
# so no token costs memory in proportion to its length.
_TOKEN = r"""(?P<ws>(?:[ \t\r\n\f\v\ufeff]+|%(?!\*)[^\n]*|%\*(?s:.)*?\*%){1,4096})|(?P<block>%\*)|(?P<string>")|(?P<number>\d+)
    |(?P<name>_*[A-Za-z][A-Za-z0-9_']*|_+)
    |(?P<directive>\#[A-Za-z_]*)|(?P<rule>:-|:~)|(?P<punct>[().,\-])|(?P<other>.)"""
_STRING_RUN = r'(?:[^"\\\n]+|\\(?s:.))*'  # escapes included: bounded by the string limit (endpos)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "。": ".", "．": ".", "：": ":", "－": "-", "“": '"', "”": '"'}


def forbidden_character(text: str) -> str | None:
    """Why `text` may not be a string of a fact file (its first forbidden character), or None."""
    m = FORBIDDEN.search(text)
    if m is None:
        return None
    c = m.group()
    name = _CONTROL_NAMES.get(c) or (
        "控制字符"
        if ord(c) <= 0x9F or c in "\u2028\u2029"
        else "双向文本控制符"
        if c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        else "不可见字符或非字符"
    )
    return (
        f"字符串中不允许 U+{ord(c):04X}（{name}，第 {m.start() + 1} 个字符）：字符串须写在一行之内，"
        "不得包含换行、制表符等控制字符、双向文本控制符或不可见字符"
    )


def too_many_statements() -> str:
    return f"事实过多（上限 {MAX_STATEMENTS:,} 条）：请将案件拆分为多个文件（rongcuo batch 可处理目录）"


class TooManyStatements(Exception):
    """The file has more than MAX_STATEMENTS facts; `line` is where the first one too many is."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _what(value: str) -> str:
    """An unexpected token as a reviewer reads it, with the fix for full-width punctuation."""
    if value in _FULL_WIDTH:
        return f"全角符号 {value!r}：请使用半角符号 {_FULL_WIDTH[value]!r}"
    if value.isalpha() and not value.isascii():
        return (
            f"非英文字符 {value!r}：标识符只能用英文字母、数字和下划线（如 lin、c1、i1）；"
            '中文写作带双引号的字符串，人名、单位名用 name(lin, "林某")，事由如 matter(i1, "容缺受理")'
        )
    return repr(value)


def _bad_escape(raw: str) -> str | None:
    """A backslash the language does not define (clingo's strings know \\\\, \\" and \\n; \\t is read
    and refused as a TAB): refused, never dropped (a path "D:\\案卷" would silently lose it)."""
    if "\\" not in raw:
        return None
    for m in re.finditer(r"\\(.?)", raw[1:-1], re.S):
        # an escaped control character is read as itself: the forbidden-character check names it
        if m.group(1) not in ("\\", '"', "n", "t") and m.group(1) and forbidden_character(m.group(1)) is None:
            shown = f"\\{m.group(1)}"
            return f'字符串中的 {shown} 不是可用的转义：反斜杠须写作 \\\\（如 "D:\\\\案卷\\\\笔录.pdf"），双引号须写作 \\"'
    return None


def _unescape(raw: str) -> str:
    """A string token's text: \\n and \\t are a newline and a TAB (both refused later), any other
    escaped character is itself (only an escaped quote or backslash, or a control character the
    forbidden-character check refuses: _bad_escape refuses the rest first).  Done with str.replace
    (no call per escape): escaped backslashes stand in as NUL, which no accepted string holds,
    while the other backslashes are dropped."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    pairs = body.replace("\\\\", "\0")
    if "\0" in body or "\\n" in pairs or "\\t" in pairs:
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body, flags=re.S)
    return pairs.replace("\\", "").replace("\0", "\\")


_NAME = r"[a-z][A-Za-z0-9_]*"
_STR = r'"[^"\\\n]*"'
_ARG = rf"[ \t]*(?:{_NAME}|{_STR})[ \t]*"
_SIMPLE_FACT = rf"[ \t]*(-?)({_NAME})\(({_ARG}(?:,{_ARG}){{0,3}})\)[ \t]*\."
_SIMPLE_LINE = rf"(?:{_SIMPLE_FACT})*[ \t]*(?:%(?!\*)[^\n]*)?"
_SIMPLE_ARG = rf"[ \t]*({_NAME}|{_STR})[ \t]*(?:,|$)"


@cache
def _re(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


_ONE_ARG = rf"({_NAME}|{_STR})"
_PLAIN_FACT = rf"(-?)({_NAME})\({_ONE_ARG}(?:,{_ONE_ARG})?(?:,{_ONE_ARG})?(?:,{_ONE_ARG})?\)\."
_NC_ARG = rf"(?:{_NAME}|{_STR})"
# The commonest layout of all: every line one fact with no blanks, a % comment, or empty.  One
# search finds the first line that is none of these (none: the whole file is plain), then the
# fact lines are read one match at a time (memory for the facts only, not for every line).
_NOT_PLAIN_LINE = re.compile(
    rf"^(?!(?:-?{_NAME}\({_NC_ARG}(?:,{_NC_ARG})?(?:,{_NC_ARG})?(?:,{_NC_ARG})?\)\.|%(?!\*)[^\n]*)?$)", re.M
)
_PLAIN_FACT_LINE = re.compile(rf"^{_PLAIN_FACT}$", re.M)


# What the statement count skips: runs without a period, quote or %, % comments, block comments
# (up to 4096 of them a match); a string (at most the longest one allowed, all escaped).  For
# every file the parser accepts, the periods left are exactly its statements; a file it refuses
# anyway may be counted otherwise.
_NOT_A_PERIOD = rf'(?:[^."%]+|%(?!\*)[^\n]*|%\*(?s:.)*?\*%){{1,4096}}|"(?:[^"\\\n]|\\.){{0,{2 * MAX_STRING_CHARS}}}"'


def count_statements(text: str) -> None:
    """TooManyStatements, with the line of the first one too many, before anything is parsed."""
    if text.count(".") <= MAX_STATEMENTS:
        return
    skip, size, pos, n = _re(_NOT_A_PERIOD).match, len(text), 0, 0
    while pos < size:
        if text[pos] == ".":
            n += 1
            if n > MAX_STATEMENTS:
                raise TooManyStatements(text.count("\n", 0, pos) + 1)
            pos += 1
        elif (m := skip(text, pos)) and m.end() > pos:
            pos = m.end()
        elif text.startswith("%*", pos):
            return  # a block comment never closed: the parser reports it
        else:
            pos += 1  # a quote that opens no string: on


class _Unusual(Exception):
    """The fast path steps aside: the full parser reads (and reports) this file."""


def _term(raw: str, seen: dict[str, Term]) -> Term:
    """The term of a raw argument; a file repeats few names many times, so each is made once."""
    term = seen.get(raw)
    if term is None:
        if raw[0] == '"':
            if len(raw) > MAX_STRING_CHARS + 2 or FORBIDDEN.search(raw):
                raise _Unusual
            term = Term("string", raw[1:-1])
        else:
            if len(raw) > MAX_NAME_CHARS:
                raise _Unusual
            term = Term("const", raw)
        seen[raw] = term
    return term


def simple_facts(text: str) -> list[Fact] | None:
    """Fast path for the usual layout (whole facts on a line, plain names and strings, % comments).

    Returns None at the first line it does not fully understand; the streaming parser then reads
    the whole file, so both paths accept exactly the same files and give the same facts.  More
    than MAX_STATEMENTS facts: TooManyStatements, as soon as the first one too many is read.
    """
    count_statements(text)
    try:
        if _NOT_PLAIN_LINE.search(text) is None:
            return _plain_file(text)
        if text.count("\n") > MAX_STATEMENTS:
            return None  # line by line in Python would take long: the full parser's tokens are cheaper
        return _simple_lines(text)
    except _Unusual:
        return None


def _plain_file(text: str) -> list[Fact]:
    out: list[Fact] = []
    seen: dict[str, Term] = {}
    append, make, get, count = out.append, Fact._make, seen.get, text.count
    number, at = 1, 0
    for m in _PLAIN_FACT_LINE.finditer(text):
        number += count("\n", at, m.start())
        at = m.start()
        sign, pred, a, b, c, d = m.groups()
        if len(pred) > MAX_NAME_CHARS:
            raise _Unusual
        args = [t if (t := get(x)) else _term(x, seen) for x in (a, b, c, d) if x]
        append(make((pred, tuple(args), sign == "-", number)))
        if len(out) > MAX_STATEMENTS:
            raise TooManyStatements(number)
    return out


def _simple_lines(text: str) -> list[Fact]:
    out: list[Fact] = []
    seen: dict[str, Term] = {}
    append = out.append
    simple_line, simple_fact, simple_arg = _re(_SIMPLE_LINE), _re(_SIMPLE_FACT), _re(_SIMPLE_ARG)
    number, pos, size = 0, 0, len(text)
    while pos <= size:
        number += 1
        end = text.find("\n", pos)
        end = size if end < 0 else end
        if end - pos > _FAST_LINE_CHARS or not simple_line.fullmatch(text, pos, end):
            raise _Unusual
        while m := simple_fact.match(text, pos, end):  # facts from the line start; the rest is a comment
            pos = m.end()
            if len(m.group(2)) > MAX_NAME_CHARS:
                raise _Unusual  # the full parser reports it with its line
            raw = simple_arg.findall(m.group(3))
            append(Fact(m.group(2), tuple([_term(a, seen) for a in raw]), m.group(1) == "-", number))
            if len(out) > MAX_STATEMENTS:
                raise TooManyStatements(number)
        pos = end + 1
    return out


class Parser:
    """Tokens -> Fact statements, one statement at a time; syntax errors recorded with their line."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.problems: list[tuple[int | None, str]] = []
        self.tokens: list[tuple[str, str, int]] = []  # the statement being parsed
        self.pos = 0

    def _stream(self):
        """(kind, value, line) of every token but blanks and comments.  Strings and block comments
        are scanned by hand: a string over its limit is reported and the rest of its line skipped."""
        text, size, line, pos = self.text, len(self.text), 1, 0
        token, run = _re(_TOKEN, re.X).match, _re(_STRING_RUN).match
        limit = 2 * MAX_STRING_CHARS + 2  # raw characters of the longest string allowed (all escaped)
        while pos < size:
            m = token(text, pos)
            assert m is not None  # `other` matches any character but a newline, `ws` a newline
            kind, end = m.lastgroup, m.end()
            if kind == "string":
                end = pos + 1
                while True:
                    if end - pos <= limit:
                        end = run(text, end, min(size, pos + limit + 1)).end()
                    if end - pos > limit:
                        yield "toolong", text[pos : pos + 20], line
                        newline = text.find("\n", end)
                        end = size if newline < 0 else newline
                        break
                    c = text[end] if end < size else ""
                    if c == '"':
                        end += 1
                        yield "string", text[pos:end], line
                        break
                    if c == "\\" and end + 1 < size:
                        end += 2
                        continue
                    yield "badstring", '"', line  # unclosed on its line: go on after the quote
                    end = pos + 1
                    break
            elif kind == "block":
                close = text.find("*%", pos + 2)
                if close < 0:
                    yield "badblock", "%*", line
                    return
                end = close + 2
            elif kind != "ws":  # blanks and % comments, up to 4096 runs of them a token
                value = m.group()
                if kind == "name":
                    kind = "var" if value.lstrip("_")[:1].isupper() or not value.strip("_") else "ident"
                yield kind, value, line
            line += text.count("\n", pos, end)
            pos = end

    def error(self, line: int | None, text: str) -> None:
        self.problems.append((line, text))

    def facts(self) -> list[Fact]:
        out: list[Fact] = []
        stream = self._stream()
        statement: list[tuple[str, str, int]] = []
        for tok in stream:
            kind, value, line = tok
            if len(self.problems) >= MAX_ERRORS:
                break
            if kind in ("directive", "badblock"):
                self.tokens, self.pos = [tok], 0
                self._refuse(kind, value, line)
                if value == "#script" or kind == "badblock":  # nothing after it is a fact file any more
                    break
                statement = []
                for n, rest in enumerate(stream):  # the rest of the directive, up to its '.'
                    if rest[0] == "punct" and rest[1] == ".":
                        break
                    if n > MAX_STATEMENT_TOKENS:
                        return out
                continue
            if kind in ("ident", "var", "number") and len(value) > (MAX_NUMBER_DIGITS if kind == "number" else MAX_NAME_CHARS):
                self.error(line, f"{'数字' if kind == 'number' else '名称'}过长（{len(value)} 个字符）")
                statement = []
                continue
            if kind == "toolong":
                self.error(line, f"字符串过长（上限 {MAX_STRING_CHARS} 个字符）")
                statement = []
                continue
            statement.append(tok)
            if len(statement) > MAX_STATEMENT_TOKENS:
                depth = sum(t[1] == "(" for t in statement) - sum(t[1] == ")" for t in statement)
                why = "参数中嵌套了函数项，或括号未闭合" if depth > 1 else "缺少结尾的句点 '.'？"
                self.error(statement[0][2], f'不是基本事实：语句过长（{why}）；事实形如 谓词(常量, "字符串", …).')
                return out  # nothing after it can be read as facts reliably
            if kind == "punct" and value == ".":
                self.tokens, self.pos = statement, 0
                fact = self._statement()
                if fact is not None:
                    out.append(fact)
                    if len(out) > MAX_STATEMENTS:
                        self.error(line, too_many_statements())
                        break
                statement = []
        if statement and len(self.problems) < MAX_ERRORS:
            self.tokens, self.pos = statement, 0
            self._statement()
        return out

    def _skip_statement(self) -> None:
        while self.pos < len(self.tokens):
            kind, value, _ = self.tokens[self.pos]
            self.pos += 1
            if kind == "punct" and value == ".":
                return

    def _refuse(self, kind: str, value: str, line: int) -> bool:
        """Refuse tokens that make a statement something other than a ground fact."""
        if kind == "directive":
            what = value if value != "#" else "#"
            self.error(
                line, f"不允许指令 {what}：事实文件只能包含基本事实（不得包含 #script、#include、#external、#program、#const 等）"
            )
            if value in ("#script",):  # nothing after a script block is a fact file any more
                self.pos = len(self.tokens)
            else:
                self._skip_statement()
            return True
        if kind == "rule":
            self.error(line, "不允许规则或约束（:-）：事实文件只能包含基本事实")
            self._skip_statement()
            return True
        if kind == "var":
            if value.strip("_"):
                hint = f"标识符须以小写字母开头：{value}（可写作 {value[0].lower() + value[1:]}）"
            else:
                hint = "不允许匿名变量 _：事实必须是不含变量的基本事实"
            self.error(line, hint)
            self._skip_statement()
            return True
        if kind == "badstring":
            self.error(line, "字符串未闭合")
            self._skip_statement()
            return True
        if kind == "badblock":
            self.error(line, "块注释 %* 未闭合")
            self.pos = len(self.tokens)
            return True
        return False

    def _next(self):
        if self.pos >= len(self.tokens):
            return ("eof", "", self.tokens[-1][2] if self.tokens else 1)
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def _statement(self) -> Fact | None:
        for kind, value, line in self.tokens[self.pos :]:  # a rule anywhere in the statement is a rule
            if kind == "rule":
                self.error(line, "不允许规则或约束（:-）：事实文件只能包含基本事实")
                self._skip_statement()
                return None
            if kind in ("directive", "badstring", "badblock") or (kind == "punct" and value == "."):
                break
        kind, value, line = self._next()
        negated = False
        if kind == "punct" and value == "-":
            negated = True
            kind, value, line = self._next()
        if self._refuse(kind, value, line):
            return None
        if kind != "ident":
            self.error(line, f"不是基本事实：意外的 {_what(value)}")
            self._skip_statement()
            return None
        pred, args = value, []
        close_line: int | None = None
        kind, value, tline = self._next()
        if kind == "punct" and value == "(":
            while True:
                kind, value, tline = self._next()
                if self._refuse(kind, value, tline):
                    return None
                if kind == "ident":
                    args.append(Term("const", value))
                elif kind == "string":
                    if (why := _bad_escape(value)) is not None:
                        self.error(tline, why)
                        self._skip_statement()
                        return None
                    text = _unescape(value)
                    if len(text) > MAX_STRING_CHARS:
                        self.error(tline, f"字符串过长（{len(text)} 个字符，上限 {MAX_STRING_CHARS}）")
                        self._skip_statement()
                        return None
                    if (why := forbidden_character(text)) is not None:
                        self.error(tline, why)
                        self._skip_statement()
                        return None
                    args.append(Term("string", text))
                elif kind == "number":
                    args.append(Term("number", value))
                elif kind == "eof":
                    self.error(tline, f"{pred}(…) 不完整：缺少 ')' 与结尾的句点 '.'")
                    return None
                else:
                    self.error(tline, f"{pred}/…：参数应为常量或字符串，而不是 {_what(value)}")
                    self._skip_statement()
                    return None
                kind, value, tline = self._next()
                if kind == "punct" and value == ",":
                    continue
                if kind == "punct" and value == ")":
                    close_line = tline
                    kind, value, tline = self._next()
                    break
                if self._refuse(kind, value, tline):
                    return None
                what = "嵌套的函数项" if value == "(" else _what(value)
                self.error(tline, f'{pred}(…)：参数中不允许 {what}；事实只能是 谓词(常量, "字符串", …).')
                self._skip_statement()
                return None
        if kind == "punct" and value == ".":
            return Fact(pred, tuple(args), negated, line)
        if self._refuse(kind, value, tline):
            return None
        if kind == "eof":
            self.error(line, f"{pred}(…) 缺少结尾的句点 '.'")
        elif kind == "ident" and close_line is not None and tline > close_line:
            # the next fact begins on a later line: the period is missing on this fact's own line
            self.error(close_line, f"{pred}(…) 缺少结尾的句点 '.'")
            self._skip_statement()
        else:
            self.error(tline, f"不是基本事实：{pred}(…) 之后意外的 {_what(value)}（只允许以 '.' 结尾的单个事实）")
            self._skip_statement()
        return None
