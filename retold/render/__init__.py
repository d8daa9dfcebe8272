"""The three outputs of ``retold compare``: terminal (rich), JSON, and one self-contained HTML file.

    render_json(comparison) -> str                         exactly ``comparison.to_dict()`` as JSON
    render_terminal(comparison, console) -> None           verdict, side-by-side passages, facts
    render_html(comparison) -> str                         one offline HTML file, passages linked both ways

All three read the same objects and share what is defined here: the label palette (so a colour means
the same in the terminal and in the browser) and the order in which facts are shown (altered quotations
first: a changed quotation is the most serious thing a rewrite can do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retold.align import Passage
    from retold.comparison import Comparison

__all__ = [
    "LABEL_COLOURS",
    "anchor_before",
    "PASSAGE_LABELS",
    "facts_of",
    "ordered_numbers",
    "ordered_quotes",
    "render_html",
    "render_json",
    "render_terminal",
]

# The passage labels in the order a reader meets them: the closest copy first, then looser reuse,
# then what only one side has.
PASSAGE_LABELS: tuple[str, ...] = ("verbatim", "edited", "paraphrased", "added", "dropped")

# One colour per label, used by both the terminal and the HTML report. Taken from the Okabe-Ito
# palette (distinguishable with the common colour-vision deficiencies) and picked at mid lightness so
# that each reads as text on both a dark and a light terminal background: vermillion for verbatim (the
# strongest finding), orange for edited, reddish purple for paraphrased, sky blue for added text, and a
# neutral grey for dropped text (it is absent from the derived article, so it should recede).
LABEL_COLOURS: dict[str, str] = {
    "verbatim": "#D55E00",
    "edited": "#E69F00",
    "paraphrased": "#CC79A7",
    "added": "#56B4E9",
    "dropped": "#999999",
}

# Word-diff colours: the conventional red for what was removed and green for what was put in. Green is
# Okabe-Ito's bluish green, so it stays apart from the sky blue of `added`.
DELETE_COLOUR = "#E0443E"
INSERT_COLOUR = "#009E73"

# A 16-colour terminal (TERM=xterm, the Linux console) has no hex colours: rich maps each to the nearest
# standard one, and the palette above collapses there (verbatim and edited both become yellow,
# paraphrased and dropped both white). The terminal view uses these named ones instead, in the same
# order of warmth: red for the closest copy, yellow for edited, magenta for paraphrased, cyan for added,
# grey for dropped. Red stays the word diff's deletion colour: deletions appear only in edited (yellow)
# passages, and in altered quotes.
STANDARD_LABEL_COLOURS: dict[str, str] = {
    "verbatim": "red",
    "edited": "yellow",
    "paraphrased": "magenta",
    "added": "cyan",
    "dropped": "bright_black",
}
STANDARD_DELETE_COLOUR = "bright_red"
STANDARD_INSERT_COLOUR = "green"

# Quote statuses, most serious first: a changed quotation puts words in someone's mouth; a dropped or
# trimmed one loses what they said; added and moved ones are new or rearranged material.
_QUOTE_ORDER = ("altered", "trimmed", "dropped", "added", "moved", "unchanged")
_NUMBER_ORDER = ("changed", "dropped", "added", "unchanged")


def facts_of(comparison: Comparison) -> dict[str, Any] | None:
    """The facts dict of the JSON schema, or ``None`` when the facts stage did not run."""
    facts = comparison.facts
    if facts is None:
        return None
    if isinstance(facts, dict):
        return facts
    data = facts.to_dict()
    return data if isinstance(data, dict) else None


def _by_status(items: list[dict[str, Any]], order: tuple[str, ...]) -> list[dict[str, Any]]:
    rank = {status: i for i, status in enumerate(order)}
    # sorted() is stable, so items keep the facts stage's order within one status.
    return sorted(items, key=lambda item: rank.get(str(item.get("status")), len(order)))


def ordered_quotes(facts: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The quotes of a facts dict, altered ones first, unchanged ones last."""
    return _by_status(list((facts or {}).get("quotes") or []), _QUOTE_ORDER)


def ordered_numbers(facts: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The numbers of a facts dict, changed ones first, unchanged ones last."""
    return _by_status(list((facts or {}).get("numbers") or []), _NUMBER_ORDER)


def anchor_before(passage: Passage, passages: list[Passage], side: str) -> Passage | None:
    """The passage present on both sides that sat last before ``passage`` on ``side``, or ``None``.

    Used to place a dropped passage (``side="source"``) or an added one (``side="derived"``) next to
    where it would have stood in the other article.
    """
    start = _start(passage, side)
    before = [p for p in passages if p.source and p.derived and _start(p, side) < start]
    return max(before, key=lambda p: (_start(p, side), p.id), default=None)


def _start(passage: Passage, side: str) -> int:
    spans = passage.source if side == "source" else passage.derived
    return min((s.start for s in spans), default=0)


def __getattr__(name: str) -> Any:  # lazy: the renderers load only when one is asked for
    if name == "render_json":
        from retold.render.json import render_json

        return render_json
    if name == "render_terminal":
        from retold.render.terminal import render_terminal

        return render_terminal
    if name == "render_html":
        from retold.render.html import render_html

        return render_html
    raise AttributeError(f"module 'retold.render' has no attribute {name!r}")
