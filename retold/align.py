"""Alignment: which sentences of the derived text come from which sentences of the source.

(Interface first; the algorithm lands in the next commit.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from retold.article import Span

PassageLabel = Literal["verbatim", "edited", "paraphrased", "added", "dropped"]
ALIGNED_LABELS: tuple[PassageLabel, ...] = ("verbatim", "edited", "paraphrased")


@dataclass(slots=True)
class Passage:
    """A group of source sentences and derived sentences that carry the same content.

    ``added`` passages have no source spans, ``dropped`` ones no derived spans. ``diff`` is the
    word-level diff (source → derived) for ``edited`` passages: a list of ``(op, text)`` with op in
    ``equal``, ``delete`` (only in the source) and ``insert`` (only in the derived text).
    """

    label: PassageLabel
    score: float
    source: list[Span] = field(default_factory=list)
    derived: list[Span] = field(default_factory=list)
    diff: list[tuple[str, str]] | None = None
    id: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "score": round(float(self.score), 4),
            "source": [s.to_dict() for s in self.source],
            "derived": [s.to_dict() for s in self.derived],
        }
        if self.diff is not None:
            data["diff"] = [{"op": op, "text": text} for op, text in self.diff]
        return data
