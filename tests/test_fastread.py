"""The fast reader (fastread.py, with factfile.fast_fact_file for its other lines) gives the strict
reader's facts or steps aside: never another fact, line or order, never a file the strict reader
refuses.  Besides these tests, conftest.py
checks every file any test reads through the fast reader against the strict one."""

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo_asp.factfile import FactFileError, fast_fact_file, parse_fact_text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


def strict(text: str):
    """The strict reader's FactFile, or its refusal."""
    try:
        return parse_fact_text(text.encode("utf-8"), "x.lp", fast=False)
    except FactFileError as exc:
        return exc


def agree(text: str) -> bool:
    """True when the fast reader accepted the text (and then gave exactly the strict reader's file)."""
    fast = fast_fact_file(text, "x.lp")
    if fast is None:
        return False
    slow = strict(text)
    assert not isinstance(slow, FactFileError), f"the fast reader accepts what the strict one refuses:\n{slow}"
    assert repr(fast) == repr(slow)  # values, lines and the order of every dict and list
    return True


def test_every_file_under_facts():
    files = sorted((REPO / "facts").rglob("*.lp"))
    assert len(files) > 100
    for f in files:
        agree(f.read_text(encoding="utf-8"))


@pytest.mark.parametrize("known", [1.0, 0.8, 0.3])
def test_generated_batches_take_the_fast_path(known):
    """Not vacuous: the layout batches are written in is read by the fast reader, with names,
    matters, dates and evidence too."""
    assert agree(generate(60, seed=11, known=known))
    assert agree(realistic(generate(60, seed=11, known=known)))


def test_comments_and_empty_lines_keep_line_numbers():
    text = "% 案件\n\ncase(c1).\nsubject(c1,s).\n% x\nincident(s,i1).\n\n-holds(i1,private_gain).\n"
    assert agree(text)
    ff = fast_fact_file(text, "x.lp")
    assert ff is not None and ff.incidents["i1"].holds["private_gain"].line == 8


def realistic(text: str) -> str:
    """A batch as an office writes it: each incident with names, a matter, dates and evidence."""
    out = []
    for line in text.splitlines():
        out.append(line)
        if m := re.fullmatch(r"incident\((\w+),(\w+)\)\.", line):
            s, i = m.groups()
            out += [f'name({s},"王某{i}").', f'matter({i},"容缺受理试点").', f'date({i},occurred,"2024-03-05").']
            out.append(f'date({i},decision_made,"2024-06-01").')
        elif (m := re.fullmatch(r"-?holds\((i\d+),(\w+)\)\.", line)) and len(m.group(2)) % 5 == 0:
            out.append(f'evidence({m.group(1)},{m.group(2)},"询问笔录第3页").')
    return "\n".join(out) + "\n"


BASE = generate(3, seed=2, known=0.9).splitlines()
REAL = realistic(generate(2, seed=4, known=1.0)).splitlines()

# Mutations of a valid file's lines: each of these is refused, or read otherwise, by the strict reader.
MUTANTS = [
    lambda s: "-" + s if not s.startswith("-") else s[1:],  # classical negation of another predicate, or a sign flipped
    lambda s: s + " ",
    lambda s: s + "\r",
    lambda s: " " + s,
    lambda s: s.replace(",", ", ", 1),
    lambda s: s.replace("(", "(X", 1),
    lambda s: s.replace("(", "(_", 1),
    lambda s: s.replace("i0", "i9"),
    lambda s: s.replace("s0", "s1"),
    lambda s: s.replace("c0", "c1"),
    lambda s: s.replace("i0", "s0"),
    lambda s: s.replace("i0", "c0"),
    lambda s: s.replace(")", ",x)", 1),
    lambda s: s.replace(",", ")", 1),
    lambda s: s[:-1],
    lambda s: s + " % 注释",
    lambda s: s.replace("beijing", "beijng"),
    lambda s: s.replace("government", "goverment"),
    lambda s: s.replace("holds", "hold"),
    lambda s: s.replace("level", "levels"),
    lambda s: s.replace("(", "(" + "a" * 256, 1),
    lambda s: s.replace("(", "(" + "a" * 255, 1),
    lambda s: "\ufeff" + s,
    lambda s: "%*" + s,
    lambda s: s + "\nholds(i0,remedied).\n-holds(i0,remedied).",
    lambda s: s + "\nlevel(i0,harm,minor).\nlevel(i0,harm,major).",
    lambda s: s + "\norg(s0,party).",
    lambda s: s + "\nrank(s0,nonesuch).",
    lambda s: s + "\nsubject(c1,s0).\ncase(c1).",
    lambda s: s + "\nincident(s1,i0).",
    lambda s: s + "\nregime(c9,beijing).",
    lambda s: s + '\nmatter(i0,"容缺受理").',
    lambda s: s + "\nlevel_at_most(i0,harm,major).",
    lambda s: s + "\nexpect(i0,beijing,tolerable).",
    lambda s: s + "\n#script (python) x #end.",
    lambda s: s + "\nholds(s0,remedied).",
    lambda s: s + "\nholds(i0,public_official).",
    lambda s: s + "\nlevel(i0,recovery,minor).",
    lambda s: s + "\ncase(c0,x).",
    lambda s: s + "\nsubject(c0).",
    lambda s: "",
]


# Mutations of the whole file: an identifier renamed everywhere, a value replaced everywhere.
WHOLE = [
    lambda t: t.replace("i0", "c0"),
    lambda t: t.replace("i0", "s1"),
    lambda t: t.replace("s0", "c1"),
    lambda t: t.replace("s0", "i1"),
    lambda t: t.replace("c0", "zz"),
    lambda t: re.sub(r"org\((\w+),\w+\)", r"org(\1,nonesuch)", t),
    lambda t: re.sub(r"rank\((\w+),\w+\)", r"rank(\1,nonesuch)", t),
    lambda t: re.sub(r"subject_kind\((\w+),\w+\)", r"subject_kind(\1,nonesuch)", t),
    lambda t: re.sub(r"level\((\w+),(\w+),\w+\)", r"level(\1,\2,nonesuch)", t),
    lambda t: t + "\nregime(c0,nowhere).",
    lambda t: t + "\nregime(c0,beijing).\nregime(c0,youxian).\nregime(c0,beijing).",
]


def test_whole_file_mutations():
    text = "\n".join(BASE)
    assert agree(text)
    results = [agree(mutant(text)) for mutant in WHOLE]
    assert results[4] and results[-1]  # a harmless rename, a second regime: still the fast path


# Mutations of the lines a realistic batch adds (strings, dates, ranges, evidence).
REAL_MUTANTS = [
    lambda s: s.replace('"', "", 2),
    lambda s: s.replace('",', '" ,'),
    lambda s: s.replace('")', '"\x01")'),
    lambda s: s.replace('")', '\u202e")'),
    lambda s: s.replace('")', '\\x")'),
    lambda s: s.replace("2024-03-05", "2024-02-30"),
    lambda s: s.replace("2024-03-05", "2024/03/05"),
    lambda s: s.replace("occurred", "happened"),
    lambda s: s + f"\nlevel_at_most({s[s.find('(') + 1 : s.find(',')]},harm,general).",
    lambda s: s + f"\nlevel_at_least({s[s.find('(') + 1 : s.find(',')]},recovery,partial).",
    lambda s: s + "\nlevel_at_most(i0,harm,huge).",
    lambda s: s.replace("询问笔录第3页", ""),
    lambda s: s.replace("evidence(i", "evidence(j"),
    lambda s: s.replace("name(s", "name(i"),
    lambda s: s.replace("name(s", "name(c"),
    lambda s: s.replace("王某", "王某" * 2100),
    lambda s: s + ' name(s0,"李某").',
    lambda s: s + "\ncase(c0). % x",
    lambda s: s + '\nmatter(i0,"另一事由").',
    lambda s: s + "\nexpect(i0,beijing,tolerable).",
    lambda s: s + "\nexpect(i0,beijing,undetermined,exempt).",
    lambda s: s + '\nexpect_ground(i0,beijing,"第九十九条").',
    lambda s: s + "\nmatter(i0,12).",
    lambda s: s + '\npost(s0,"科长").',
    lambda s: s + '\npost(i0,"科长").',
    lambda s: "%* " + s,
    lambda s: s + " *%",
    lambda s: s.replace(".", ". %* x", 1),
]


def test_mutated_batches():
    rng = random.Random(5)
    accepted = 0
    for n in range(len(BASE)):
        for mutant in MUTANTS:
            lines = list(BASE)
            lines[n] = mutant(lines[n])
            accepted += agree("\n".join(lines))
    for n in [n for n, line in enumerate(REAL) if '"' in line or not line.startswith(("holds", "-holds", "level"))]:
        for mutant in MUTANTS + REAL_MUTANTS:
            lines = list(REAL)
            lines[n] = mutant(lines[n])
            accepted += agree("\n".join(lines))
    for base in (BASE, REAL):
        for _ in range(300):  # lines dropped, repeated and moved: declarations after their use
            lines = list(base)
            for _ in range(rng.randint(1, 4)):
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                op = rng.choice(("drop", "repeat", "move"))
                if op == "drop" and len(lines) > 1:
                    del lines[i]
                elif op == "repeat":
                    lines.insert(j, lines[i])
                else:
                    lines.insert(j, lines.pop(i))
            accepted += agree("\n".join(lines))
    assert accepted > 100  # the harmless mutations (an id renamed throughout, a move) stay on the fast path


_LINES = st.sampled_from(
    [
        "case(c1).",
        "case(c2).",
        "regime(c1,beijing).",
        "regime(c1,nowhere).",
        "subject(c1,s).",
        "subject(c2,s).",
        "subject(c1,i1).",
        "incident(s,i1).",
        "incident(t,i1).",
        "incident(s,c1).",
        "subject_kind(s,individual).",
        "subject_kind(s,unit).",
        "org(s,government).",
        "rank(s,staff).",
        "-holds(i1,private_gain).",
        "holds(i1,private_gain).",
        "holds(s,public_official).",
        "holds(i1,public_official).",
        "-org(s,government).",
        "holds(i2,remedied).",
        "level(i1,harm,minor).",
        "level(i1,harm,major).",
        "level(i1,harm,large).",
        "level(i1,harms,minor).",
        "level(i1,harm).",
        "case(c1) .",
        "% note",
        "%* block *%",
        "",
        "holds(i1,Remedied).",
        'name(s,"王某").',
        'name(c1,"某案").',
        'name(s,"李某").',
        'name(i1,"x").',
        'matter(i1,"事由").',
        "matter(i1,shiyou).",
        'date(i1,occurred,"2024-03-05").',
        'date(i1,occurred,"2024-03-06").',
        "level_at_most(i1,harm,general).",
        "level_at_least(i1,harm,major).",
        'evidence(i1,private_gain,"笔录").',
        'evidence(i1,harm,"鉴定").',
        'evidence(s,public_official,"任职文件").',
        "expect(i1,beijing,not_tolerable).",
        'name(s,"王某"). matter(i1,"事由").',
        'name(s,"a\\b").',
        'name(s, "王某").',
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=14), st.booleans())
def test_any_layout(lines, final_newline):
    agree("\n".join(lines) + ("\n" if final_newline else ""))
