"""The fact vocabulary, read from the one data file ``vocabulary.json``.

Loader, validator, the template program, reports and ``rongcuo vocabulary`` all read it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path


@dataclass(frozen=True, eq=False)
class Vocabulary:
    data: dict

    @property
    def regimes(self) -> dict[str, dict]:
        return self.data["regimes"]

    @property
    def predicates(self) -> dict[str, dict]:
        return self.data["predicates"]

    @property
    def incident_features(self) -> dict[str, dict]:
        return self.data["incident_features"]

    @property
    def subject_features(self) -> dict[str, dict]:
        return self.data["subject_features"]

    @property
    def scales(self) -> dict[str, dict]:
        return self.data["scales"]

    def scale_values(self, dimension: str) -> list[str]:
        return self._scale_values[dimension]

    @cached_property
    def _scale_values(self) -> dict[str, list[str]]:  # read for every level/3 fact: built once
        return {d: [v for v, _ in s["values"]] for d, s in self.scales.items()}

    def ordered_values(self, name: str) -> list[str]:
        """The values of an ordered scale in ascending order: a dimension's, or the ranks' (`rank`),
        as at_least/at_most in the encodings compare them."""
        return self.ranks if name == "rank" else self.scale_values(name)

    @cached_property
    def ranks(self) -> list[str]:
        return [r for r, _ in self.data["ranks"]]

    @property
    def orgs(self) -> dict[str, str]:
        return self.data["orgs"]

    @property
    def subject_kinds(self) -> dict[str, str]:
        return self.data["subject_kinds"]

    @property
    def events(self) -> dict[str, str]:
        return self.data["events"]

    @property
    def verdicts(self) -> dict[str, str]:
        return self.data["verdicts"]

    @property
    def outcomes(self) -> dict[str, str]:
        return self.data["outcomes"]

    @property
    def atoms(self) -> dict[str, dict]:
        """The derived atoms' table (role, effect, citing, deciding, failed, shown, reserved, arity)."""
        return {a: e for a, e in self.data["atoms"].items() if not a.startswith("_")}

    def atoms_with(self, flag: str) -> tuple[str, ...]:
        """The atoms whose entry sets `flag` (citing, deciding, shown, reserved, effect, failed)."""
        return tuple(a for a, e in self.atoms.items() if e.get(flag))

    @cached_property
    def citing_predicates(self) -> dict[str, str]:
        """Predicates whose rules cite an article, with the role they play."""
        return {a: self.atoms[a]["role"] for a in self.atoms_with("citing")}

    @cached_property
    def ground_atoms(self) -> dict[str, tuple[str, str]]:
        """Shown atoms that are grounds: their role and effect (for / against tolerance)."""
        return {a: (self.atoms[a]["role"], self.atoms[a]["effect"]) for a in self.atoms_with("effect")}

    @cached_property
    def role_order(self) -> list[str]:
        """The roles grounds play, in the law's order (the roles table's order)."""
        used = {role for role, _ in self.ground_atoms.values()}
        return [r for r in self.data["roles"] if r in used]

    def show_statements(self) -> str:
        """The #show statements of every shown atom (the reasoner reads these)."""
        return "\n".join(f"#show {a}/{self.atoms[a]['arity']}." for a in self.atoms_with("shown")) + "\n"

    def label(self, kind: str, name: str, regime: str | None = None) -> str:
        """Chinese label of a name of one kind (feature, org, rank, scale value 'dim.value', ...).
        A feature may have a regime's own wording (taken from its text): `zh_by_regime`."""
        if kind == "feature":
            entry = self.incident_features.get(name) or self.subject_features.get(name)
            if not entry:
                return name
            return entry.get("zh_by_regime", {}).get(regime) or entry["zh"]
        if kind == "rank":
            return dict(self.data["ranks"]).get(name, name)
        if kind == "dimension":
            return self.scales[name]["zh"] if name in self.scales else name
        if kind == "value":
            dim, _, value = name.partition(".")
            return dict(self.scales[dim]["values"]).get(value, value) if dim in self.scales else name
        table = {
            "org": "orgs",
            "subject_kind": "subject_kinds",
            "event": "events",
            "verdict": "verdicts",
            "outcome": "outcomes",
            "role": "roles",
            "factor_kind": "factor_kinds",
            "treatment": "treatments",
            "group": "feature_groups",
            "step": "procedure_steps",
            "status": "procedure_statuses",
        }[kind]
        return self.data[table].get(name, name)

    def asp_facts(self) -> str:
        """The vocabulary as ASP facts for the template program (one place, generated)."""
        out = [f"incident_feature({f})." for f in self.incident_features]
        out += [f"subject_feature({f})." for f in self.subject_features]
        for dim in self.scales:
            out.append(f"dimension({dim}).")
            out += [f"scale({dim},{v},{n})." for n, v in enumerate(self.scale_values(dim))]
        out += [f"scale(rank,{r},{n})." for n, r in enumerate(self.ranks)]
        out += [f"org_value({o})." for o in self.orgs]
        out += [f"kind_value({k})." for k in self.subject_kinds]
        return "\n".join(out) + "\n"


@cache
def vocabulary() -> Vocabulary:
    # beside this module (package data); importlib.resources would import its readers and zipfile
    text = Path(__file__).with_name("vocabulary.json").read_text(encoding="utf-8")
    return Vocabulary(json.loads(text))
