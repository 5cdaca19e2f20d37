"""Repeats at scale (issue 20 item 12, end to end): each incident's repeat finding names the
incident it repeats (the nearest earlier one of the subject and matter) and how many earlier ones
there are, so n incidents of one matter give n - 1 repeat entries, not n²/2."""

from __future__ import annotations

import datetime

from conftest import BEIJING
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo_asp.documents import _conflict_text
from rongcuo_asp.factfile import parse_fact_text
from rongcuo_asp.repeats import derive_repeats
from rongcuo_asp.results import check_file

# BEIJING's case and subject facts, and its incident's facts as a template for many
_HEAD, _INCIDENT = BEIJING.split("incident(wang, i1).")
_FACTS = "".join(line for line in _INCIDENT.splitlines(keepends=True) if not line.startswith(("matter(", "date(")))


def _one_matter(n: int) -> str:
    day = datetime.date(2000, 1, 1)
    parts = [_HEAD]
    for k in range(1, n + 1):
        when = (day + datetime.timedelta(days=k)).isoformat()
        parts.append(f'incident(wang, i{k}).\nmatter(i{k}, "同一事").\ndate(i{k}, occurred, "{when}").\n')
        parts.append(_FACTS.replace("(i1,", f"(i{k},"))
    return "".join(parts)


def test_two_thousand_incidents_of_one_matter_give_conflicts_linear_in_their_number():
    n = 2000
    results = check_file(parse_fact_text(_one_matter(n).encode()), None)
    assert len(results) == n
    repeats = [c for r in results for c in r["conflicts"] if c["kind"] == "repeat"]
    assert len(repeats) == n - 1  # before: n(n-1)/2 = 1 999 000 entries
    assert sum(len(r["conflicts"]) for r in results) < 3 * n
    by = {c["incident"]: c for c in repeats}
    assert "i1" not in by
    for k in (2, 3, n):  # each names the incident it repeats and how many came before
        assert {"repeats": f"i{k - 1}", "earlier_count": k - 1, "matter": "同一事"}.items() <= by[f"i{k}"].items()
        assert {"article": "第九条第（一）项", "effect": "factor"}.items() <= by[f"i{k}"].items()
    assert _conflict_text(by[f"i{n}"]) == (
        f"同一事由重复：i{n} 重复 i{n - 1}（事由 同一事，此前同一事由共 {n - 1} 次）；依第九条第（一）项列为不利因素。"
    )
    assert _conflict_text(by["i2"]) == "同一事由重复：i2 重复 i1（事由 同一事）；依第九条第（一）项列为不利因素。"


def test_the_nearest_earlier_is_by_date_then_the_files_order():
    text = _HEAD + "".join(
        f'incident(wang, {i}).\nmatter({i}, "同一事").\ndate({i}, occurred, "{d}").\n'
        for i, d in [("i1", "2024-03-01"), ("i2", "2024-01-01"), ("i3", "2024-01-01"), ("i4", "2024-02-01"), ("i5", "2024-01-01")]
    )
    reps = derive_repeats(parse_fact_text(text.encode()), extra=[])
    # i1 is the latest; i4 comes after the three of 2024-01-01, of which i5 is the last written
    assert reps.earlier.nearest("i1") == ("i4", 4)
    assert reps.earlier.nearest("i4") == ("i5", 3)
    assert [reps.earlier.nearest(i) for i in ("i2", "i3", "i5")] == [None] * 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["s1", "s2"]),
            st.sampled_from(['"a"', "b"]),
            st.sampled_from([None, "2024-01-01", "2024-01-02", "2024-01-03"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_nearest_is_the_last_of_the_full_list_on_the_latest_date(incidents):
    lines = ["case(c1).", "subject(c1,s1).", "subject(c1,s2)."]
    for n, (subject, matter, day) in enumerate(incidents):
        lines += [f"incident({subject},i{n}).", f"matter(i{n},{matter})."] + ([f'date(i{n},occurred,"{day}").'] if day else [])
    ff = parse_fact_text("\n".join(lines).encode())
    reps = derive_repeats(ff, extra=[])
    for inc in ff.incidents.values():
        full = reps.earlier.get(inc.id, [])  # the file's order
        if not full:
            assert reps.earlier.nearest(inc.id) is None
            continue
        latest = max(ff.incidents[i].dates["occurred"].value for i in full)
        assert reps.earlier.nearest(inc.id) == (
            [i for i in full if ff.incidents[i].dates["occurred"].value == latest][-1],
            len(full),
        )
