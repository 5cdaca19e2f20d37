"""Fact-file syntax: tokens and ground facts, with every syntax error named by line.

The file is tokenised and parsed here, never handed to clingo as a program, so `#script`,
`#include` and friends cannot run: they are refused with file and line like every other error.
A fast path reads the usual layout (one plain fact a line); anything else takes the full parser.
"""

from __future__ import annotations

import re
from functools import cache

from .factmodel import Fact, Term

MAX_STATEMENTS = 1_000_000  # about 40 000 fully described incidents; split larger collections
MAX_STRING_CHARS = 4096
MAX_NAME_CHARS = 256
MAX_NUMBER_DIGITS = 18
MAX_ERRORS = 20

# Patterns only the slower paths use are compiled on first use (start-up of a one-case check).
_TOKEN = r"""(?P<nl>\n)|(?P<ws>[ \t\r\f\v\ufeff]+)|(?P<block>%\*.*?\*%)|(?P<badblock>%\*)|(?P<comment>%[^\n]*)
    |(?P<string>"(?:[^"\\\n]|\\.)*")|(?P<badstring>")|(?P<number>\d+)
    |(?P<ident>_*[a-z][A-Za-z0-9_']*)|(?P<var>_*[A-Z][A-Za-z0-9_']*|_)
    |(?P<directive>\#[A-Za-z_]*)|(?P<rule>:-|:~)|(?P<punct>[().,\-])|(?P<other>.)"""
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "。": ".", "．": ".", "：": ":", "－": "-", "“": '"', "”": '"'}


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


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw[1:-1])


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
# The commonest layout of all: every line one fact with no blanks, a % comment, or empty.  One
# findall reads a whole such file, a row per line (so a row's index is its line number).
_PLAIN_FILE = re.compile(
    rf"^(?:(-?)({_NAME})\({_ONE_ARG}(?:,{_ONE_ARG})?(?:,{_ONE_ARG})?(?:,{_ONE_ARG})?\)\.|%(?!\*)[^\n]*)?$", re.M
)


def _term(raw: str, seen: dict[str, Term]) -> Term:
    """The term of a raw argument; a file repeats few names many times, so each is made once."""
    term = seen.get(raw)
    if term is None:
        seen[raw] = term = Term("string", raw[1:-1]) if raw[0] == '"' else Term("const", raw)
    return term


def simple_facts(text: str) -> list[Fact] | None:
    """Fast path for the usual layout (whole facts on a line, plain names and strings, % comments).

    Returns None at the first line it does not fully understand; the streaming parser then reads
    the whole file, so both paths accept exactly the same files and give the same facts.
    """
    out: list[Fact] = []
    seen: dict[str, Term] = {}
    append = out.append
    rows = _PLAIN_FILE.findall(text)
    if len(rows) == text.count("\n") + 1 and len(text) < MAX_NAME_CHARS * len(rows):
        make, get = Fact._make, seen.get
        for number, (sign, pred, a, b, c, d) in enumerate(rows, start=1):
            if pred:
                args = [t if (t := get(x)) else _term(x, seen) for x in (a, b, c, d) if x]
                append(make((pred, tuple(args), sign == "-", number)))
        if max(map(len, text.split("\n"))) <= MAX_NAME_CHARS:  # no argument can be over its limit
            return out if len(out) <= MAX_STATEMENTS else None
        out.clear()
    for number, line in enumerate(text.split("\n"), start=1):
        if not _re(_SIMPLE_LINE).fullmatch(line):
            return None
        pos = 0
        while m := _re(_SIMPLE_FACT).match(line, pos):  # facts from the line start; the rest is a comment
            pos = m.end()
            raw = _re(_SIMPLE_ARG).findall(m.group(3))
            if any(len(a) > (MAX_STRING_CHARS + 2 if a[0] == '"' else MAX_NAME_CHARS) for a in [m.group(2), *raw]):
                return None  # the full parser reports it with its line
            append(Fact(m.group(2), tuple([_term(a, seen) for a in raw]), m.group(1) == "-", number))
    if len(out) > MAX_STATEMENTS:
        return None
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
        line = 1
        for m in _re(_TOKEN, re.S | re.X).finditer(self.text):
            kind, value = m.lastgroup, m.group()
            if kind not in ("nl", "ws", "comment", "block"):
                yield kind, value, line
            line += value.count("\n")

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
                for rest in stream:  # the rest of the directive, up to its '.'
                    if rest[0] == "punct" and rest[1] == ".":
                        break
                continue
            if kind in ("ident", "var", "number") and len(value) > (MAX_NUMBER_DIGITS if kind == "number" else MAX_NAME_CHARS):
                self.error(line, f"{'数字' if kind == 'number' else '名称'}过长（{len(value)} 个字符）")
                statement = []
                continue
            statement.append(tok)
            if kind == "punct" and value == ".":
                self.tokens, self.pos = statement, 0
                fact = self._statement()
                if fact is not None:
                    out.append(fact)
                    if len(out) > MAX_STATEMENTS:
                        limit = f"事实过多（上限 {MAX_STATEMENTS:,} 条）"
                        self.error(line, f"{limit}：请将案件拆分为多个文件（rongcuo batch 可处理目录）")
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
                    text = _unescape(value)
                    if len(text) > MAX_STRING_CHARS:
                        self.error(tline, f"字符串过长（{len(text)} 个字符，上限 {MAX_STRING_CHARS}）")
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
