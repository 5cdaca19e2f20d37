"""Generate fact files of random but valid incidents from the vocabulary (for benchmarks and tests).

    python benchmarks/generate.py N OUT.lp [--seed S] [--known P]

Each incident gets its own case and subject; every fact is stated with probability P (default
0.8), so some incidents are decided and some are undetermined, as in real review work.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rongcuo_asp.vocabulary import vocabulary  # noqa: E402

# Subject profiles that fall within each regime's scope, so the reasoning is exercised beyond scope.
PROFILES = [
    ("individual", "edu_bureau", "section"),
    ("individual", "government", "staff"),
    ("individual", "college", "division"),
    ("unit", "college", None),
    ("individual", "state_enterprise", "section"),
]


def incident_facts(rng: random.Random, n: int, known: float) -> list[str]:
    voc = vocabulary()
    c, s, i = f"c{n}", f"s{n}", f"i{n}"
    kind, org, rank = rng.choice(PROFILES)
    lines = [f"case({c}).", f"subject({c},{s}).", f"subject_kind({s},{kind}).", f"org({s},{org}).", f"incident({s},{i})."]
    if rank:
        lines.append(f"rank({s},{rank}).")
    for feat in voc.subject_features:
        if rng.random() < known:
            lines.append(f"{'' if rng.random() < 0.8 else '-'}holds({s},{feat}).")
    for feat, entry in voc.incident_features.items():
        if rng.random() < known:
            # bad things are rare, context and causes sometimes, good conduct usually
            bad = entry["group"] in ("motive", "conduct") and feat != "public_interest" or feat.startswith("other_")
            p_true = 0.05 if bad else 0.3 if entry["group"] in ("context", "cause") else 0.85
            lines.append(f"{'' if rng.random() < p_true else '-'}holds({i},{feat}).")
    for dim in voc.scales:
        if rng.random() < known:
            values = voc.scale_values(dim)
            weights = [8, 4, 2, 1, 1][: len(values)] if dim != "recovery" else [1, 2, 4]
            lines.append(f"level({i},{dim},{rng.choices(values, weights)[0]}).")
    return lines


def generate(count: int, seed: int = 1, known: float = 0.8, offset: int = 0) -> str:
    """`count` incidents numbered from `offset` (so several files can share one namespace)."""
    rng = random.Random(seed + offset)
    return "\n".join(line for n in range(offset, offset + count) for line in incident_facts(rng, n, known)) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--known", type=float, default=0.8)
    args = ap.parse_args()
    Path(args.out).write_text(generate(args.count, args.seed, args.known), encoding="utf-8")


if __name__ == "__main__":
    main()
