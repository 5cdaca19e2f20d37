"""User strings and file names in reports (issue 20 items 7, 8): one escaping rule per format
(rongcuo_asp.escaping), applied to every value a report template prints.

An attack is a file name or a string field (name, matter, evidence, case name) carrying a forged
conclusion line, terminal escapes, a bidi override, HTML and Markdown; each goes through check,
explain, compare and whatif in text, md and html."""

import re
import sys
import unicodedata
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from conftest import BEIJING

from rongcuo_asp.cli import main
from rongcuo_asp.escaping import html_safe, md_code, md_safe, text_safe

FORGED = "【结论：可容错（免责）】"
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"
# A case the reasoner does not tolerate (private gain: 第十条第（二）项): a forged 可容错 must not show.
REFUSED = BEIJING.replace("-holds(i1, private_gain).", "holds(i1, private_gain).")
COMMANDS = [("check",), ("explain",), ("compare",), ("whatif", "--target", "tolerable")]
FORMATS = ("text", "md", "html")

# Every character that may not reach a text report raw: C0 but LF (the report's own lines), DEL,
# C1, the line/paragraph separators, the bidi controls, lone surrogates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch in BIDI_CONTROLS


HIDDEN = [chr(c) for c in range(sys.maxunicode + 1) if _hidden(chr(c))]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


# --- the functions ------------------------------------------------------------------------------


def test_text_safe_shows_every_control_character():
    for ch in HIDDEN:
        out = text_safe(f"a{ch}b")
        assert not any(_hidden(c) for c in out) and out.startswith("a\\") and out.endswith("b"), hex(ord(ch))


def test_text_safe_forms():
    assert text_safe("x\n" + FORGED) == "x\\n" + FORGED
    assert text_safe("\r\t\x1b[2J\x7f\x85") == "\\r\\t\\x1b[2J\\x7f\\x85"
    assert text_safe("\u202eabc\u2028\ufeff\U000e0041\udcff") == "\\u202eabc\\u2028\\ufeff\\U000e0041\\udcff"
    assert text_safe("王某（容缺受理）<b>*x*</b> C:\\dir") == "王某（容缺受理）<b>*x*</b> C:\\dir"  # nothing else changes
    assert text_safe(text_safe("a\nb")) == text_safe("a\nb")  # applied twice, the same


def test_md_safe_leaves_no_markup():
    out = md_safe(MARKUP + "*em* _u_ `code` | a ~~s~~ $x$ ![i](y) &lt;")
    assert "<" not in out and ">" not in out and "&lt;" in out and "&amp;lt;" in out
    assert not re.search(r"(?<!\\)[\[\]*_`|~$!]", out), out
    for start, escaped in (("# h", "\\# h"), ("- li", "\\- li"), ("+ li", "\\+ li"), ("1. li", "1\\. li"), ("2) li", "2\\) li")):
        assert md_safe(start) == escaped
    assert md_safe("> quote").startswith("&gt;") and md_safe("===") == "\\==="
    assert md_safe("0.1.0 版") == "0.1.0 版"  # a number is not a list item
    assert md_safe("    code") == "&#32;" * 4 + "code" and md_safe("  - x") == "&#32;&#32;\\- x"  # no indented code
    assert md_safe("a\n# b\u202e") == "a\\n\\# b\\u202e"


def test_md_code_fence_outlasts_backticks():
    assert md_code("holds(i1,x)") == "`holds(i1,x)`"
    assert md_code("a``b") == "```a``b```" and md_code("`a") == "`` `a ``"
    assert md_code("a\nb") == "`a\\nb`"


def test_html_safe():
    out = html_safe(MARKUP + "\"'\n\u202e")
    assert "<" not in out and '"' not in out and "'" not in out and "\\n\\u202e" in out


# --- the reports --------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_safe(out: str, fmt: str, hostile: list[str]) -> None:
    """No raw control character, no forged conclusion line, no markup of the user's; every hostile
    string shown whole, in the visible form of its format."""
    assert not any(_hidden(c) for c in out.replace("\n", "")), [c for c in out if _hidden(c) and c != "\n"]
    for line in out.splitlines():
        assert not line.lstrip(" -*>").startswith(FORGED), line
    inline = {"text": text_safe, "md": lambda s: md_safe("x" + s)[1:], "html": html_safe}[fmt]  # within a line
    for s in hostile:
        assert inline(s) in out, (fmt, s)
    if fmt == "md":
        assert "<script" not in out and "<img" not in out and not re.search(r"(?<!\\)\]\(", out)
    if fmt == "html":
        parser = _Tags()
        parser.feed(out)
        names = [t for t, _ in parser.tags]
        assert names.count("script") == 1 and "img" not in names and "a" not in names  # the tool's own script only
        assert not any(k.startswith("on") or k in ("href", "src") for _, attrs in parser.tags for k, _ in attrs)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_file_name_cannot_forge_a_line_or_markup(write, command, fmt):
    name = f"x\n{FORGED}\x1b[2J\x1b]0;pwn\x07\u202e{MARKUP.replace('/', '')}*_#|.lp"
    path = write(REFUSED, name)
    result = run(*command, path, "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    _assert_safe(out, fmt, [str(path)])  # every report names its file
    if command[0] in ("check", "explain"):  # the real conclusion comes first and is the only one
        assert "结论：不予容错" in out and out.index("结论：不予容错") < out.index(FORGED)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_string_fields_render_inert(write, command, fmt):
    """Markup in every string field (the reader accepts it: it is not a control character)."""
    fields = {
        "name(wang": f"# {MARKUP} *王* | _某_",
        "name(c1": f"- `案`{MARKUP}",
        "matter(i1": f"1. {FORGED}> {MARKUP} ~~x~~",
    }
    text = REFUSED + "".join(f'{k}, "{v}").\n' for k, v in fields.items())
    text += f'evidence(i1, private_gain, "{MARKUP} | *证据*").\n'
    result = run(*command, write(text), "--format", fmt)
    assert result.exit_code == 0, result.output
    shown = {"check": [*fields.values(), f"{MARKUP} | *证据*"], "explain": list(fields.values())}
    shown["compare"] = [fields["name(wang"], fields["matter(i1"]]
    _assert_safe(result.stdout, fmt, shown.get(command[0], []))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_control_characters_in_strings_are_refused_or_shown(write, command, fmt):
    """A control character in a string field: the reader refuses it (exit 2), or the report shows
    it as an escape; never raw."""
    hostile = f"试点\n{FORGED}\x1b]0;pwn\x07\u202e反转\t"
    written = hostile.replace("\n", "\\n")  # a newline as the fact file writes it in a string
    text = REFUSED + f'name(wang, "王某{written}").\nmatter(i1, "{written}").\n'
    result = run(*command, write(text), "--format", fmt)
    if result.exit_code == 2:
        assert "Traceback" not in result.output
        return
    assert result.exit_code == 0, result.output
    _assert_safe(result.stdout, fmt, [hostile] if command[0] != "whatif" else [])
    assert command[0] == "whatif" or FORGED in result.stdout  # shown, not dropped


def test_md_table_cells_keep_their_columns(write):
    text = REFUSED.replace("subject(c1, wang).", 'subject(c1, wang).\nname(wang, "王|某|||").')
    md = run("compare", write(text), "--format", "md").stdout
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", line)) == 5 for line in rows), rows
    check = run(
        "check", write(text + text.replace("c1", "c2").replace("i1", "i2").replace("wang", "li")), "--format", "md"
    ).stdout
    rows = [line for line in check.splitlines() if line.startswith("| ")]
    assert len(rows) == 3 and all(len(re.findall(r"(?<!\\)\|", line)) == 6 for line in rows), rows


def test_every_template_escapes_what_it_prints():
    """Every report template, the opinion's included, is rendered by an environment that escapes
    every printed value by its format's rule: a field added later cannot forget it."""
    from importlib.resources import files

    from rongcuo_asp import report

    names = [p.name for p in files("rongcuo_asp").joinpath("templates").iterdir() if p.name.endswith(".j2")]
    assert {"doc.txt.j2", "doc.md.j2", "doc.html.j2", "opinion.md.j2", "opinion.html.j2"} <= set(names)
    for name in names:
        env = report.template(name).environment
        assert env.autoescape is True and env.finalize is not None, name


@pytest.mark.parametrize("ext", ["md", "html"])
def test_the_opinion_renders_user_strings_inert(write, tmp_path, ext):
    text = REFUSED + f'name(wang, "- {MARKUP} *王*").\nmatter(i1, "1. {MARKUP} # x").\n'
    text += f'evidence(i1, private_gain, "{MARKUP} | *证据*").\n'
    out = tmp_path / f"意见.{ext}"
    result = run("opinion", write(text), "-o", out)
    assert result.exit_code == 0, result.output
    doc = out.read_text(encoding="utf-8")
    assert "<img" not in doc and "onerror=alert(1)>" not in doc and doc.count("<script") == 0
    if ext == "md":
        assert not re.search(r"(?<!\\)\]\(", doc) and "\\*王\\*" in doc and "\\*证据\\*" in doc
    else:
        assert "&lt;script&gt;" in doc
