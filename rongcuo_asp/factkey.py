"""Case facts as the reasoner and the reports name them: a typed key, and a fact's text that
carries its key and value (so reports never parse a fact back out of its text)."""

from __future__ import annotations

from typing import NamedTuple


class FactKey(NamedTuple):
    """One case fact of the generic incident, whatever its value: a feature of the incident
    (holds, i, F) or of the subject (holds, s, F), a scale dimension of the incident (level, i, D),
    or an attribute of the subject (org / rank / subject_kind, s, the same name)."""

    kind: str  # holds | level | org | rank | subject_kind
    holder: str  # i (the incident) | s (the subject)
    name: str  # the feature, the dimension, or the attribute

    @classmethod
    def feature(cls, holder: str, name: str) -> FactKey:
        return cls("holds", holder, name)

    @classmethod
    def level(cls, dimension: str) -> FactKey:
        return cls("level", "i", dimension)

    @classmethod
    def attribute(cls, name: str) -> FactKey:
        return cls(name, "s", name)

    @property
    def term(self) -> str:
        """The key as an ASP term: h(i,remedied), h(s,public_official), l(harm), org."""
        if self.kind == "holds":
            return f"h({self.holder},{self.name})"
        return f"l({self.name})" if self.kind == "level" else self.kind

    def text(self, incident: str, subject: str) -> str:
        """The fact without its value as a report names it: holds(i1,remedied), level(i1,harm), org(s1)."""
        holder = incident if self.holder == "i" else subject
        if self.kind == "holds":
            return f"holds({holder},{self.name})"
        return f"level({holder},{self.name})" if self.kind == "level" else f"{self.kind}({holder})"


class FactText(str):
    """A fact as JSON and the fact file write it (`-holds(i1,private_gain)`, `level(i1,harm)`),
    carrying its key and value: reports word it from these, JSON sees only the string.
    `value` is None for a fact still unknown (a fact to verify)."""

    key: FactKey
    value: object

    def __new__(cls, text: str, key: FactKey, value: object) -> FactText:
        self = super().__new__(cls, text)
        self.key, self.value = key, value
        return self
