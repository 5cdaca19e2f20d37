"""The loader refuses everything that is not a ground fact of the vocabulary, naming file and line."""

import pytest
from conftest import BEIJING
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo_asp.factfile import FactFileError, parse_fact_text, read_fact_file


def refusal(text: str | bytes) -> str:
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(FactFileError) as info:
        parse_fact_text(raw, "bad.lp")
    return info.value.message()


def test_valid_file_is_read():
    ff = parse_fact_text(BEIJING.encode(), "ok.lp")
    inc = ff.incidents["i1"]
    assert inc.subject == "wang" and ff.subjects["wang"].case == "c1"
    assert inc.holds["remedied"].value is True and inc.holds["private_gain"].value is False
    assert inc.levels["harm"].value == "minor"
    assert "collusion" not in inc.holds  # absent stays absent (unknown), never false


@pytest.mark.parametrize(
    "line, needle",
    [
        ("a(X) :- b.", "不允许规则或约束"),
        (":- holds(i1, remedied).", "不允许规则或约束"),
        ("holds(i1, X).", "标识符须以小写字母开头：X（可写作 x）"),
        ("subject(c1，s1).", "全角符号 '，'：请使用半角符号"),
        ('#include "/etc/passwd".', "#include"),
        ("#external holds(i1, remedied).", "#external"),
        ("#program base.", "#program"),
        ("#const n = 3.", "#const"),
        ("#show holds/2.", "#show"),
        ("holds(i1; i2, remedied).", "参数中不允许 ';'"),
        ("{ holds(i1, remedied) }.", "意外的"),
        ("holds(i1, f(x)).", "嵌套的函数项"),
        ("holds(i1, remedied)", "缺少结尾的句点"),
        ("foo(i1).", "未知谓词 foo/1"),
        ("hold(i1, remedied).", "是否指 holds"),
        ("holds(i1, remedy).", "是否指 remedied"),
        ("holds(i1, leadership_member).", "是当事人的特征"),
        ("holds(i1).", "参数个数错误"),
        ("level(i1, harm, huge).", "超出量表"),
        ("level(i1, harmm, minor).", "是否指 harm"),
        ("org(wang, ministry).", "未知的机关单位类型"),
        ("rank(wang, general).", "未知的职级"),
        ('date(i1, occurred, "2024-02-30").', "不存在的日期"),
        ('date(i1, occurred, "2024/02/03").', "日期格式错误"),
        ('date(i1, happened, "2024-02-03").', "未知的日期事件"),
        ("-level(i1, harm, minor).", "经典否定只用于 holds/2"),
        ("holds(i9, remedied).", "i9 既不是已声明的失误错误"),
        ("expect(i1, shanghai, tolerable).", "未知的办法 shanghai"),
        ("expect(i1, beijing, fine).", "未知的结论 fine"),
        ('holds(i1, "remedied).', "字符串未闭合"),
        ("holds(i1, " + "f(" * 40 + "x" + ")" * 41 + ".", "语句过长（参数中嵌套了函数项，或括号未闭合）"),
        ("holds(i1, x) " * 20, "语句过长（缺少结尾的句点 '.'？）"),
        ('matter(i1, "D:\\案卷\\笔录.pdf").', "字符串中的 \\案 不是可用的转义：反斜杠须写作 \\\\"),
        ('matter(i1, "x\\ry").', "字符串中的 \\r 不是可用的转义"),
    ],
)
def test_refusals_name_the_line(line, needle):
    text = BEIJING + line + "\n"
    message = refusal(text)
    bad_line = text.count("\n")
    assert f"bad.lp:{bad_line}:" in message and needle in message, message


def test_a_missing_period_is_blamed_on_its_own_line():
    message = refusal(BEIJING + "incident(wang, i2)\nholds(i2, remedied).\n")
    assert "bad.lp:19: incident(…) 缺少结尾的句点" in message, message


def test_a_non_utf8_byte_is_counted_from_one():
    from rongcuo_asp.factfile import FactFileError, parse_fact_text

    with pytest.raises(FactFileError, match="第 1 个字节无法解码"):
        parse_fact_text("中文".encode("gbk"), "gbk.lp")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(encoding):
    from rongcuo_asp.factfile import FactFileError, parse_fact_text

    with pytest.raises(FactFileError, match="可能是 UTF-16 编码") as refused:
        parse_fact_text(BEIJING.encode(encoding), "notepad.lp")
    assert "GBK" not in str(refused.value)


def test_script_block_is_refused_not_run():
    message = refusal(BEIJING + '#script (python)\nimport os\nos.system("touch /tmp/pwned")\n#end.\n')
    assert "#script" in message and "bad.lp:19:" in message


def test_contradiction_names_both_lines():
    message = refusal(BEIJING + "-holds(i1, remedied).\n")
    assert "第 16 行" in message and "第 19 行" in message and "bad.lp:19:" in message


def test_two_levels_of_one_dimension_conflict():
    message = refusal(BEIJING + "level(i1, harm, major).\n")
    assert "矛盾" in message and "第 17 行" in message


def test_two_orgs_conflict():
    assert "矛盾" in refusal(BEIJING + "org(wang, court).\n")


def test_a_subject_may_not_share_its_cases_identifier():
    """subject(c1, c1) was read, and name(c1, …) then named the person and the case at once."""
    text = BEIJING.replace("subject(c1, wang).", "subject(c1, c1).").replace("(wang", "(c1")
    assert "bad.lp:3: 标识符 c1 已用作案件，不能再作当事人的标识" in refusal(text)
    plain = "case(c1).\nsubject(c1,c1).\nincident(c1,i1).\n"  # the batch layout: the fast reader steps aside
    assert "标识符 c1 已用作案件" in refusal(plain)


def test_incident_of_two_subjects_conflicts():
    text = BEIJING + "subject(c1, li).\nincident(li, i1).\n"
    assert "已在第 7 行归属当事人 wang" in refusal(text)


def test_non_utf8_names_the_line():
    message = refusal(BEIJING.encode() + "holds(i1, ctx_reform). % 改革\n".encode("gbk"))
    assert "UTF-8" in message and "bad.lp:19:" in message


def test_empty_and_comment_only_files_are_refused():
    assert "文件为空" in refusal(b"")
    assert "文件为空" in refusal(b"% only a comment\n%* and a block *%\n")


def test_file_without_case_is_refused():
    assert "bad.lp:2: regime/2：案件 c1 未声明" in refusal("% nothing\nregime(c1, beijing).\n")


def test_undeclared_references_are_refused():
    assert "未用 case(c9) 声明" in refusal("case(c1).\nsubject(c9, s).\n")
    assert "未用 subject(C,s9) 声明" in refusal("case(c1).\nincident(s9, i1).\n")


def test_unterminated_block_comment():
    assert "块注释 %* 未闭合" in refusal(BEIJING + "%* open\n")


def test_overlong_string_is_refused():
    assert "字符串过长" in refusal(BEIJING + f'matter(i1, "{"长" * 5000}").\n')


def test_errors_are_sorted_and_bounded():
    text = BEIJING + "".join(f"holds(i1, nope{n}).\n" for n in range(50))
    message = refusal(text)
    lines = [int(x.split(":")[1]) for x in message.splitlines()]
    assert lines == sorted(lines) and len(lines) == 20


def test_missing_file(tmp_path):
    with pytest.raises(FactFileError) as info:
        read_fact_file(tmp_path / "nope.lp")
    assert "无法读取文件" in info.value.message()


def test_comments_and_layout_are_free():
    text = "%* header\n*% case(c1). regime(c1,beijing). % trailing\nsubject(c1,\n  wang).\n"
    ff = parse_fact_text(text.encode())
    assert ff.subjects["wang"].line == 3


@pytest.mark.parametrize(
    "text",
    [
        "case(c1). % holds(i1, remedied).\n",
        'case(c1). subject(c1,s). incident(s,i1). matter(i1,"a%b"). % holds(i1,remedied).\n',
        'case(c1). subject(c1,s). incident(s,i1). matter(i1,"x"). %* holds(i1,remedied).\n*%\n',
        "case(c1).\nsubject( c1 , s ) . incident(s,i1).   -holds(i1,private_gain).\n",
        "case(c1). subject(c1,s). incident(s,i1). matter(i1, 12).\n",
    ],
)
def test_fast_path_and_full_parser_agree(text):
    from rongcuo_asp.factsyntax import Parser, simple_facts

    fast = simple_facts(text)
    full = Parser("x.lp", text).facts()
    assert fast is None or fast == full
    ff = parse_fact_text(text.encode())
    assert "remedied" not in ff.incidents.get("i1", type("X", (), {"holds": {}})).holds  # never read from a comment


_LINES = st.sampled_from(
    [
        "case(c1).",
        "regime(c1,beijing).",
        "subject(c1,s).",
        "incident(s,i1).",
        "-holds(i1,private_gain).",
        "holds(i1,remedied).",
        "level(i1,harm,minor).",
        'matter(i1,"a%b").',
        'date(i1,occurred,"2024-01-02").',
        "matter(i1,12).",
        "holds(i1,remedied). holds(s,public_official).",
        "holds( i1 , remedied ) .",
        "case(c1). % holds(i1,remedied).",
        "% holds(i1,remedied).",
        "%* holds(i1,remedied). *%",
        "%* open",
        "*%",
        "",
        "   ",
        "holds(i1,remedied).\r",
        "\ufeffcase(c1).",
        "holds(i1,f(x)).",
        "#script (python) x *%",
        "holds(i1," + "x" * 300 + ").",
        'matter(i1,"' + "y" * 300 + '").',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=12), st.booleans())
def test_fast_paths_agree_with_the_full_parser(lines, final_newline):
    """Whatever layout a file has, the fast paths give the full parser's facts (lines included) or step aside."""
    from rongcuo_asp.factsyntax import Parser, simple_facts

    text = "\n".join(lines) + ("\n" if final_newline else "")
    full = Parser("x.lp", text)
    facts = full.facts()
    fast = simple_facts(text)
    assert fast is None or (fast == facts and not full.problems)
    plain = all(line in ("case(c1).", "incident(s,i1).", "-holds(i1,private_gain).", "", 'matter(i1,"a%b").') for line in lines)
    if plain:
        assert fast is not None  # the whole-file path reads what it should


@pytest.mark.parametrize(
    "line, needle",
    [
        ("expect(i1, beijing, undetermined, exempt).", "结论 undetermined 没有处理程度"),
        ('expect_ground(i1, beijing, "第九十九条").', "beijing 的编码没有引用 第九十九条"),
        ('expect_ground(i1, youxian, "第十三条第（一）项").', "youxian 的编码没有引用"),
        ('expect_missing(i1, beijing, "holds(i1,remedyed)").', "是否指 remedied"),
        ('expect_missing(i1, beijing, "holds(i2,remedied)").', "无法识别的事实"),
        ('expect_missing(i1, beijing, "level(i1,harms)").', "无法识别的事实"),
        ("expect_procedure(i1, beijing, aplication, late).", "未知的程序步骤 aplication"),
        ("expect_procedure(i1, beijing, feedback, tardy).", "未知的时限状态 tardy"),
    ],
)
def test_expectations_are_validated_when_read(line, needle):
    message = refusal(BEIJING + line + "\n")
    assert f"bad.lp:{BEIJING.count(chr(10)) + 1}:" in message and needle in message, message


def test_expect_missing_is_read_as_a_fact():
    ff = parse_fact_text((BEIJING + 'expect_missing(i1, beijing, "holds( i1 , remedied )").\n').encode(), "ok.lp")
    assert ff.incidents["i1"].expect_missing[0][1] == "holds(i1,remedied)"


def test_the_escapes_of_the_language_are_read():
    ff = parse_fact_text((BEIJING + 'matter(i1, "a\\\\b \\"q\\"").\n').encode(), "ok.lp")
    assert ff.incidents["i1"].matter.value.value == 'a\\b "q"'


def test_an_empty_path_is_named_as_such():
    from click.testing import CliRunner

    from rongcuo_asp.cli import main

    result = CliRunner().invoke(main, ["check", ""])
    assert result.exit_code == 2 and result.output.startswith("（空路径）: 无法读取文件"), result.output
