"""Verdict: is the derived article a copy, a rewrite, an independent report, or unrelated?

(Interface first; the rules land with the calibration run.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

VerdictLabel = Literal["wholly_derived", "partially_derived", "same_story", "unrelated"]
Direction = Literal["source_first", "derived_first", "unknown"]
DERIVED_LABELS: tuple[VerdictLabel, ...] = ("wholly_derived", "partially_derived")


@dataclass(slots=True)
class Verdict:
    """The answer for one pair, with the figures and sentences that justify it.

    ``reuse`` is the share of the derived text's content characters that were taken from the source,
    split by how (``reuse_verbatim + reuse_edited + reuse_paraphrased == reuse``); ``coverage`` is the
    share of the source's content characters that reappear in the derived text.
    """

    label: VerdictLabel
    reuse: float
    coverage: float
    direction: Direction = "unknown"
    reuse_verbatim: float = 0.0
    reuse_edited: float = 0.0
    reuse_paraphrased: float = 0.0
    similarity: float = 0.0
    evidence: list[str] = field(default_factory=list)

    @property
    def is_derived(self) -> bool:
        return self.label in DERIVED_LABELS

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "reuse": round(self.reuse, 4),
            "coverage": round(self.coverage, 4),
            "direction": self.direction,
            "reuse_by_label": {
                "verbatim": round(self.reuse_verbatim, 4),
                "edited": round(self.reuse_edited, 4),
                "paraphrased": round(self.reuse_paraphrased, 4),
            },
            "similarity": round(self.similarity, 4),
            "evidence": list(self.evidence),
        }
