"""The one entry point for a pair of articles: ``compare(source, derived) -> Comparison``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retold.article import Article

if TYPE_CHECKING:
    from retold.align import Passage
    from retold.verdict import Verdict


@dataclass(slots=True)
class Comparison:
    """Everything retold found about one (source, derived) pair.

    ``passages`` cover every sentence of both texts exactly once. ``facts`` is filled by the facts stage
    (quotes, entities, numbers, attributions) or left ``None`` when it was not run. ``notes`` are sentences
    for people, e.g. that the lexical path was used because the language is not covered by the model.
    """

    source: Article
    derived: Article
    verdict: Verdict
    passages: list[Passage]
    method: str = "semantic"
    notes: list[str] = field(default_factory=list)
    facts: Any = None
    id: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (docs/json-schema.md)."""
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source.metadata(),
            "derived": self.derived.metadata(),
            "verdict": self.verdict.to_dict(),
            "method": self.method,
            "notes": list(self.notes),
            "passages": [p.to_dict() for p in self.passages],
        }
        if self.facts is not None:
            data["facts"] = self.facts.to_dict()
        return data
