"""HTML output: one self-contained file with both articles side by side, every passage linked both ways.

The file has no external reference at all (no CDN, no web font, no link out): CSS and JS are read from
``report.css``/``report.js`` next to this module and inlined. Every piece of article text and metadata
goes through :func:`html.escape`, so an article cannot inject markup into its own report.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from retold.render import (
    LABEL_COLOURS,
    PASSAGE_LABELS,
    anchor_before,
    facts_of,
    ordered_numbers,
    ordered_quotes,
)
from retold.render.terminal import DIRECTION_NAMES, VERDICT_LABELS, VERDICT_NAMES

if TYPE_CHECKING:
    from retold.align import Passage
    from retold.article import Article
    from retold.comparison import Comparison

# Background alphas for a passage at rest and when highlighted: light enough at rest that long runs of
# colour stay readable as text, strong enough on hover to find the counterpart at a glance.
SOFT_ALPHA = 0.16
STRONG_ALPHA = 0.45

BOILERPLATE_NAMES = {
    "header": "file header",
    "title": "title",
    "dateline": "dateline",
    "byline": "byline",
    "credit": "credit line",
}


def render_html(comparison: Comparison, *, back_links: Sequence[tuple[str, str]] = ()) -> str:
    """The whole report as one HTML document (UTF-8, inline CSS and JS, works offline).

    ``back_links``: ``(href, text)`` links shown above the title (a stories report's pair page links
    back to its story and to the index).
    """
    facts = facts_of(comparison)
    title = f"retold: {_name(comparison.source, 'source')} (source) → {_name(comparison.derived, 'derived')} (derived)"
    nav = " · ".join(f'<a href="{_e(href)}">{_e(text)}</a>' for href, text in back_links)
    body = "\n".join(
        ([f'<nav class="back">{nav}</nav>'] if nav else [])
        + [
            f"<h1>{_e(title)}</h1>",
            _verdict_block(comparison, facts),
            _facts_block(comparison, facts),
            _legend(comparison),
            _columns(comparison),
        ]
    )
    css = _asset("report.css") + _label_css()
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n"
    )


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _asset(name: str) -> str:
    return resources.files("retold.render").joinpath(name).read_text(encoding="utf-8")


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _label_css() -> str:
    rules = []
    for label, colour in LABEL_COLOURS.items():
        rules.append(
            f".p-{label}, .sw-{label} {{ --c: {colour}; --soft: {_rgba(colour, SOFT_ALPHA)}; "
            f"--strong: {_rgba(colour, STRONG_ALPHA)}; }}\n"
        )
    for verdict, label in VERDICT_LABELS.items():
        rules.append(f".verdict-{verdict} {{ --c: {LABEL_COLOURS[label]}; }}\n")
    return "".join(rules)


def _name(article: Article, fallback: str) -> str:
    return article.title or article.id or fallback


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


# ---- verdict and metadata -------------------------------------------------------------------------


def _verdict_block(comparison: Comparison, facts: dict[str, Any] | None) -> str:
    verdict = comparison.verdict
    bar = "".join(
        f'<span class="sw-{label}" style="width:{100 * share:.1f}%" title="{label} {_percent(share)}"></span>'
        for label, share in (
            ("verbatim", verdict.reuse_verbatim),
            ("edited", verdict.reuse_edited),
            ("paraphrased", verdict.reuse_paraphrased),
        )
    )
    split = " · ".join(
        f"{label} {_percent(share)}"
        for label, share in (
            ("verbatim", verdict.reuse_verbatim),
            ("edited", verdict.reuse_edited),
            ("paraphrased", verdict.reuse_paraphrased),
        )
    )
    altered = [q for q in ordered_quotes(facts) if q.get("status") == "altered"]
    alert = ""
    if altered:
        noun = "quotation was" if len(altered) == 1 else "quotations were"
        alert = f'<p><span class="status status-altered">{len(altered)} {noun} altered</span></p>'
    evidence = "".join(f"<li>{_e(sentence)}</li>" for sentence in verdict.evidence)
    notes = list(comparison.notes)
    if comparison.method != "semantic":
        notes.insert(
            0,
            f"{comparison.method} only: heavy rewording (a paraphrase that keeps few words) is not detected on this path",
        )
    notes_html = "".join(f"<li>{_e(note)}</li>" for note in notes)
    return (
        f'<section class="verdict verdict-{_e(verdict.label)}" id="verdict">\n<div>'
        f'<span class="label">{_e(VERDICT_NAMES.get(verdict.label, verdict.label))}</span>'
        f"{alert}<dl>"
        f"<dt>Reuse</dt><dd>{_percent(verdict.reuse)} of the derived text"
        f'<div class="bar">{bar}</div><span class="muted">{split}</span></dd>'
        f"<dt>Coverage</dt><dd>{_percent(verdict.coverage)} of the source reappears</dd>"
        f"<dt>Direction</dt><dd>{_e(DIRECTION_NAMES.get(verdict.direction, verdict.direction))}</dd>"
        f"<dt>Method</dt><dd>{_e(comparison.method)}</dd>"
        "</dl></div>\n<div>"
        + (f'<ul class="evidence">{evidence}</ul>' if evidence else "")
        + (f'<ul class="notes">{notes_html}</ul>' if notes_html else "")
        + _metadata_table(comparison)
        + "</div>\n</section>"
    )


def _metadata_table(comparison: Comparison) -> str:
    rows = []
    for field in ("title", "outlet", "date", "byline", "url", "id", "language"):
        source = getattr(comparison.source, field)
        derived = getattr(comparison.derived, field)
        if source is None and derived is None:
            continue
        rows.append(f"<tr><th>{field}</th><td>{_e(source or '–')}</td><td>{_e(derived or '–')}</td></tr>")
    head = '<tr><th></th><th class="muted">source</th><th class="muted">derived</th></tr>'
    return f'<table class="meta">{head}{"".join(rows)}</table>'


# ---- facts ----------------------------------------------------------------------------------------


def _facts_block(comparison: Comparison, facts: dict[str, Any] | None) -> str:
    if facts is None:
        return ""
    sections: list[str] = []
    quotes = ordered_quotes(facts)
    changed = [q for q in quotes if q.get("status") != "unchanged"]
    unchanged = [q for q in quotes if q.get("status") == "unchanged"]
    if quotes:
        items = "".join(_quote_item(comparison, q) for q in changed)
        sections.append(
            f'<h2>Quotes <span class="muted">({len(quotes)}, {len(unchanged)} unchanged)</span></h2>'
            + (f"<ul>{items}</ul>" if items else "")
        )
        if unchanged:
            rest = "".join(_quote_item(comparison, q) for q in unchanged)
            sections.append(f"<details><summary>Unchanged quotes</summary><ul>{rest}</ul></details>")
    numbers = [n for n in ordered_numbers(facts) if n.get("status") != "unchanged"]
    if numbers:
        items = "".join(_change_item(comparison, n) for n in numbers)
        sections.append(f"<h2>Numbers</h2><ul>{items}</ul>")
    entities = facts.get("entities") or []
    entity_items = []
    for status in ("added", "dropped"):
        names = [e for e in entities if e.get("status") == status]
        if names:
            listed = ", ".join(
                f'{_e(e.get("name"))} <span class="muted">{_e(e.get("type"))}</span>' for e in names
            )
            entity_items.append(f'<li><span class="status status-{status}">{status}</span> {listed}</li>')
    shared = sum(1 for e in entities if e.get("status") == "shared")
    if entity_items or shared:
        sections.append(
            f'<h2>Names <span class="muted">({shared} shared)</span></h2><ul>{"".join(entity_items)}</ul>'
        )
    attributions = [
        a for a in facts.get("attributions") or [] if a.get("status") not in ("unchanged", "shared")
    ]
    if attributions:
        items = "".join(_change_item(comparison, a) for a in attributions)
        sections.append(f"<h2>Attributions</h2><ul>{items}</ul>")
    notes = "".join(f"<li>{_e(n)}</li>" for n in facts.get("notes") or [])
    if notes:
        sections.append(f'<ul class="notes">{notes}</ul>')
    if not sections:
        sections.append("<p>No quotes, numbers or names changed.</p>")
    # Open, but it folds away: with hundreds of findings the two texts would start pages down.
    return (
        '<details class="facts" id="facts" open>\n<summary>Facts</summary>\n'
        + "\n".join(sections)
        + '\n<p class="skip"><a href="#texts">↓ the two texts</a></p>\n</details>'
    )


def _quote_item(comparison: Comparison, quote: dict[str, Any]) -> str:
    status = str(quote.get("status"))
    speaker = f"<strong>{_e(quote['speaker'])}</strong>: " if quote.get("speaker") else ""
    if status == "altered" and quote.get("diff"):
        body = "".join(_diff_piece(d.get("op"), d.get("text", "")) for d in quote["diff"])
        text = f'<span class="quote">“{body}”</span>'
        if quote.get("source_speaker"):
            text += f' <span class="muted">(the source gives it to {_e(quote["source_speaker"])})</span>'
    else:
        text = _before_after(quote)
    return (
        f'<li><span class="status status-{_e(status)}">{_e(status)}</span> {speaker}{text}'
        f"{_goto(comparison, quote)}</li>"
    )


def _change_item(comparison: Comparison, item: dict[str, Any]) -> str:
    status = str(item.get("status"))
    return (
        f'<li><span class="status status-{_e(status)}">{_e(status)}</span> '
        f"{_before_after(item)}{_goto(comparison, item)}</li>"
    )


def _diff_piece(op: Any, text: str) -> str:
    if op == "delete":
        return f"<del>{_e(text)}</del>"
    if op == "insert":
        return f"<ins>{_e(text)}</ins>"
    return _e(text)


def _before_after(item: dict[str, Any]) -> str:
    source, derived = _quoted(item, "source"), _quoted(item, "derived")
    if source and derived:
        return f"{source} → {derived}"
    return source or derived


def _quoted(item: dict[str, Any], side: str) -> str:
    """One side of a fact as “text”, with who said it where the facts stage knows (attributions)."""
    where = item.get(side) or {}
    if not where.get("text"):
        return ""
    speaker = where.get("speaker") or (item.get("source_speaker") if side == "source" else None)
    who = f' <span class="muted">({_e(speaker)})</span>' if speaker else ""
    return f'<span class="quote">“{_e(where["text"])}”</span>{who}'


def _goto(comparison: Comparison, item: dict[str, Any]) -> str:
    """A button that scrolls both texts to the passage a fact sits in, when that passage is known."""
    pid = _passage_of(comparison, item)
    if pid is None:
        return ""
    return f'<button class="goto" type="button" data-goto="{pid}">passage {pid}</button>'


def _passage_of(comparison: Comparison, item: dict[str, Any]) -> int | None:
    ids = {p.id for p in comparison.passages}
    if isinstance(item.get("passage"), int) and item["passage"] in ids:
        return int(item["passage"])
    # Without an explicit passage, find the one whose span holds the fact (derived side first: that is
    # where a reader checks what the rewrite says).
    for side in ("derived", "source"):
        where = item.get(side)
        if not isinstance(where, dict) or not isinstance(where.get("start"), int):
            continue
        for passage in comparison.passages:
            spans = passage.derived if side == "derived" else passage.source
            if any(s.start <= where["start"] < s.end for s in spans):
                return passage.id
    return None


# ---- legend and texts -----------------------------------------------------------------------------


def _legend(comparison: Comparison) -> str:
    counts: Counter[str] = Counter(p.label for p in comparison.passages)
    items = "".join(
        f'<span class="sw-{label}"><span class="swatch"></span>{label} <b>{counts.get(label, 0)}</b></span>'
        for label in PASSAGE_LABELS
    )
    boilerplate = '<span><span class="swatch bp-swatch"></span>not compared (dateline, byline…)</span>'
    hint = (
        '<span class="hint">Hover or focus (Tab) a passage to see its counterpart; click it or press Enter '
        "to scroll to it.</span>"
    )
    return f'<div class="legend" id="legend">{items}{boilerplate}{hint}</div>'


# Languages written right to left (ISO 639-1), for the text panes' direction.
RIGHT_TO_LEFT_LANGUAGES = frozenset("ar arc dv fa he ks ku ps sd ug ur yi".split())


def _columns(comparison: Comparison) -> str:
    columns = []
    for side, article in (("source", comparison.source), ("derived", comparison.derived)):
        heading = f"{side}: {_name(article, side)}"
        lang = f' lang="{_e(article.language)}"' if article.language else ""
        # A right-to-left article (Urdu, Arabic) reads in its own direction. Its language decides when
        # known: dir="auto" goes by the first strong letter, which in a file with a header block is the
        # Latin "title:".
        direction = "rtl" if article.language in RIGHT_TO_LEFT_LANGUAGES else "auto"
        columns.append(
            f'<div class="column"><h2>{_e(heading)}</h2>'
            f'<div class="pane" id="pane-{side}"><div class="text" dir="{direction}"{lang}>'
            f"{_article_html(comparison, side)}</div></div></div>"
        )
    return '<section class="columns" id="texts">' + "".join(columns) + "</section>"


@dataclass(frozen=True, slots=True)
class _Owner:
    """What one stretch of text belongs to: a passage span, a boilerplate span, or nothing."""

    passage: Passage | None = None
    span_index: int = -1
    boilerplate: str | None = None


def _article_html(comparison: Comparison, side: str) -> str:
    """The article's full text, every passage span wrapped, boilerplate greyed, gaps marked."""
    article = comparison.source if side == "source" else comparison.derived
    text = article.text
    size = len(text)
    owned: list[tuple[int, int, _Owner]] = []
    marks: list[tuple[int, int, str]] = []
    for passage in comparison.passages:
        spans = passage.source if side == "source" else passage.derived
        for index, span in enumerate(spans):
            start, end = max(0, span.start), min(size, span.end)
            if start < end:
                owned.append((start, end, _Owner(passage=passage, span_index=index)))
        if passage.label == "edited" and passage.diff and spans:
            marks += _diff_marks(text, passage, side)
    boilerplate: list[tuple[int, int, str]] = [
        (max(0, b.span.start), min(size, b.span.end), b.kind)
        for b in article.boilerplate
        if b.span.start < b.span.end
    ]
    gaps = _gap_markers(comparison, side)

    cuts = {0, size, *gaps}
    for start, end, _ in owned:
        cuts.update((start, end))
    for start, end, _ in marks:
        cuts.update((start, end))
    for start, end, _ in boilerplate:
        cuts.update((start, end))
    points = sorted(c for c in cuts if 0 <= c <= size)

    out: list[str] = []
    current: _Owner | None = None

    def close() -> None:
        nonlocal current
        if current is not None and (current.passage is not None or current.boilerplate):
            out.append("</span>")
        current = None

    for start, end in zip(points, points[1:] + [size], strict=True):
        if start in gaps:
            close()
            out.extend(gaps.pop(start))
        if start >= end:
            continue
        owner = _owner_at(start, owned, boilerplate)
        if owner != current:
            close()
            out.append(_open_tag(owner, side))
            current = owner
        piece = _e(text[start:end])
        mark = next((tag for s, e, tag in marks if s <= start and end <= e), None)
        out.append(f"<{mark}>{piece}</{mark}>" if mark else piece)
    close()
    for markers in gaps.values():  # offsets past the end of the text
        out.extend(markers)
    return "".join(out)


def _owner_at(
    offset: int, owned: list[tuple[int, int, _Owner]], boilerplate: list[tuple[int, int, str]]
) -> _Owner:
    kind = next((k for s, e, k in boilerplate if s <= offset < e), None)
    for start, end, owner in owned:
        if start <= offset < end:
            return _Owner(owner.passage, owner.span_index, kind)
    return _Owner(boilerplate=kind)


def _open_tag(owner: _Owner, side: str) -> str:
    passage = owner.passage
    if passage is not None:
        tip = f"passage {passage.id}: {passage.label}, score {passage.score:.2f}"
        if owner.boilerplate:
            tip += f" (contains the {BOILERPLATE_NAMES.get(owner.boilerplate, owner.boilerplate)})"
        # Focusable and labelled like a button, so a keyboard user can reach a passage (Tab) and show its
        # counterpart (Enter or Space), and a screen reader says what it is.
        return (
            f'<span class="p p-{_e(passage.label)}" data-pid="{passage.id}" data-side="{side}" '
            f'data-label="{_e(passage.label)}" title="{_e(tip)}" tabindex="0" role="button" '
            f'aria-label="{_e(tip)}">'
        )
    if owner.boilerplate:
        name = BOILERPLATE_NAMES.get(owner.boilerplate, owner.boilerplate)
        return f'<span class="bp" data-kind="{_e(owner.boilerplate)}" title="{_e(name)}: not compared">'
    return ""


def _diff_marks(text: str, passage: Passage, side: str) -> list[tuple[int, int, str]]:
    """Where the word diff's deletions (source side) or insertions (derived side) sit in the text.

    The diff is matched piece by piece, in order, inside the passage's spans; a piece that cannot be
    found (the aligner tokenised differently) is simply left unmarked.
    """
    spans = sorted(passage.source if side == "source" else passage.derived, key=lambda s: s.start)
    changed = "delete" if side == "source" else "insert"
    cursor, limit = spans[0].start, spans[-1].end
    marks = []
    for op, piece in passage.diff or []:
        if op not in ("equal", changed):
            continue
        needle = piece.strip()
        at = text.find(needle, cursor, limit) if needle else -1
        if at < 0:
            continue
        if op == changed:
            marks.append((at, at + len(needle), "del" if side == "source" else "ins"))
        cursor = at + len(needle)
    return marks


def _gap_markers(comparison: Comparison, side: str) -> dict[int, list[str]]:
    """Markers for passages the other side has and this side lacks, where they would have stood.

    A dropped passage is marked in the derived text right after the passage that preceded it in the
    source; an added passage in the source text after the passage that preceded it in the derived text.
    """
    missing = "dropped" if side == "derived" else "added"
    other = "source" if side == "derived" else "derived"
    here = [p for p in comparison.passages if (p.source if side == "source" else p.derived)]
    first = min((s.start for p in here for s in (p.source if side == "source" else p.derived)), default=0)
    markers: dict[int, list[str]] = {}
    for passage in sorted(comparison.passages, key=lambda p: p.id):
        if passage.label != missing:
            continue
        anchor = anchor_before(passage, comparison.passages, other)
        spans = [] if anchor is None else (anchor.source if side == "source" else anchor.derived)
        offset = max((s.end for s in spans), default=first)
        tip = f"passage {passage.id} ({missing}) would stand here; click to see it in the {other}"
        markers.setdefault(offset, []).append(
            f'<span class="p gap gap-{missing} p-{missing}" data-pid="{passage.id}" data-side="{side}" '
            f'data-label="{missing}" title="{_e(tip)}" tabindex="0" role="button" aria-label="{_e(tip)}"></span>'
        )
    return markers
