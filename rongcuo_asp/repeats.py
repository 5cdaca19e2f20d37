"""The cross-incident pre-pass: repeats derived from `matter` and `occurred` dates (encodings/repeat.lp)."""

from __future__ import annotations

from dataclasses import dataclass, field

import clingo

from .encoding import shared_part
from .factfile import FactFile


@dataclass
class Repeats:
    derived: dict[str, bool] = field(default_factory=dict)  # incident -> derived repeated_error
    earlier: dict[str, list[str]] = field(default_factory=dict)  # later incident -> earlier ones
    unsettled: set[str] = field(default_factory=set)


def derive_repeats(ff: FactFile) -> Repeats:
    out = Repeats()
    with_matter = [i for i in ff.incidents.values() if i.matter is not None]
    if len(with_matter) < 2:
        return out
    facts = []
    for inc in with_matter:
        assert inc.matter is not None
        facts.append(f"incident({inc.subject},{inc.id}). matter({inc.id},{inc.matter.value!s}).")
        if "occurred" in inc.dates:
            facts.append(f'date({inc.id},occurred,"{inc.dates["occurred"].value.isoformat()}").')
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], shared_part("repeat.lp") + "\n".join(facts))
    ctl.ground([("base", [])])
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            for sym in model.symbols(shown=True):
                args = [a.name for a in sym.arguments]
                if sym.name == "derived":
                    out.derived[args[0]] = args[1] == "true"
                elif sym.name == "repeat_of":
                    out.earlier.setdefault(args[0], []).append(args[1])
                elif sym.name == "unsettled":
                    out.unsettled.add(args[0])
    out.unsettled -= {i for i, v in out.derived.items() if v}
    return out
