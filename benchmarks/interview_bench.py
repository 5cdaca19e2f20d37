"""The interview against complete generated incidents: how many questions, how fast each is chosen.

    python benchmarks/interview_bench.py [--incidents 1000] [--regime beijing] [--seed 3]

For each regime: the incidents' facts are hidden, the interview asks and is answered from the
hidden file (every fact known), and it must end with the verdict and outcome `check` gives on the
complete file.  Reports the mean and max number of fact questions asked against the number of
deciding facts the regime reads; of the fact questions, the share whose answer changed the set of
possible (verdict, outcome) pairs and the number that were moot when asked (no answer could change
that set: never, by construction); and the time to choose each next question (mean, 95th
percentile, max).  Aim: on average at most a third of the deciding facts; ≤ 20 ms a question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate  # noqa: E402

from rongcuo_asp.factfile import parse_fact_text  # noqa: E402
from rongcuo_asp.interview import UNKNOWN, Interview, answer_from  # noqa: E402
from rongcuo_asp.reasoner import solver  # noqa: E402
from rongcuo_asp.repeats import derive_repeats  # noqa: E402
from rongcuo_asp.results import check_file, known_facts  # noqa: E402
from rongcuo_asp.vocabulary import vocabulary  # noqa: E402

KEEP = ("case(", "subject(", "incident(")


def run(regime: str, incidents: int, seed: int) -> dict:
    asked: list[int] = []
    choose: list[float] = []
    changed = moot = 0
    s = solver(regime)
    for n in range(incidents):
        text = generate(1, seed=seed, known=1.0, offset=n)
        hidden = parse_fact_text(text.encode())
        [inc] = hidden.incidents.values()
        known = known_facts(hidden, inc, derive_repeats(hidden))
        session = Interview("".join(line + "\n" for line in text.splitlines() if line.startswith(KEEP)), "bench.lp", regime)
        count = 0
        while True:
            start = time.perf_counter()
            q = session.next_question()
            choose.append(time.perf_counter() - start)
            if q is None:
                break
            count += q.key is not None
            if q.key is not None and q.key in known:
                now = session.known(session.ff.incidents[q.incident])
                moot += q.key not in s.relevant_unknown(now)
                changed += s.possible(now) != s.possible({**now, q.key: known[q.key]})
            session.answer(q, answer_from(q, known) if q.key else UNKNOWN)
        asked.append(count)
        [got], [want] = check_file(session.ff, regime), check_file(hidden, regime)
        assert (got["verdict"], got["outcome"]) == (want["verdict"], want["outcome"]), text
    deciding = len(solver(regime).deciding)
    choose.sort()
    return {
        "regime": regime,
        "deciding": deciding,
        "mean": statistics.mean(asked),
        "max": max(asked),
        "share": statistics.mean(asked) / deciding,
        "changed": changed / max(1, sum(asked)),
        "moot": moot,
        "ms_mean": 1000 * statistics.mean(choose),
        "ms_p95": 1000 * choose[int(0.95 * (len(choose) - 1))],
        "ms_max": 1000 * choose[-1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--regime", choices=list(vocabulary().regimes))
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    head = f"{'regime':14} {'deciding':>8} {'asked mean':>10} {'max':>4} {'share':>6} {'changed':>7} {'moot':>4}"
    print(head + f" {'choose ms mean':>14} {'p95':>6} {'max':>6}")
    for regime in [args.regime] if args.regime else list(vocabulary().regimes):
        r = run(regime, args.incidents, args.seed)
        print(
            f"{r['regime']:14} {r['deciding']:8d} {r['mean']:10.1f} {r['max']:4d} {r['share']:6.2f}"
            f" {r['changed']:7.2f} {r['moot']:4d}"
            f" {r['ms_mean']:14.1f} {r['ms_p95']:6.1f} {r['ms_max']:6.1f}"
        )


if __name__ == "__main__":
    main()
