"""Terminal output: the verdict, the passages side by side in reading order, then the facts.

Everything a colour says is also said in words (the label column, ``[-deleted-]``/``{+inserted+}``
word-diff markers when the console has no colour), so the output reads the same piped to a file or
under ``NO_COLOR``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.color import ColorSystem
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retold.render import (
    DELETE_COLOUR,
    INSERT_COLOUR,
    LABEL_COLOURS,
    PASSAGE_LABELS,
    STANDARD_DELETE_COLOUR,
    STANDARD_INSERT_COLOUR,
    STANDARD_LABEL_COLOURS,
    anchor_before,
    facts_of,
    ordered_numbers,
    ordered_quotes,
)

if TYPE_CHECKING:
    from retold.align import Passage
    from retold.article import Article
    from retold.comparison import Comparison

VERDICT_NAMES = {
    "wholly_derived": "Wholly derived",
    "partially_derived": "Partially derived",
    "same_story": "Same story, independent report",
    "unrelated": "Unrelated",
}
# Each verdict borrows the colour of the passage label it is closest to.
VERDICT_LABELS = {
    "wholly_derived": "verbatim",
    "partially_derived": "edited",
    "same_story": "added",
    "unrelated": "dropped",
}
DIRECTION_NAMES = {
    "source_first": "the source came first",
    "derived_first": "the derived article came first (the pair may be the wrong way round)",
    "unknown": "unknown",
}

# Below this width a side-by-side table leaves too few columns per text to read (two text columns of
# ~25 characters at 60 columns), so passages are stacked: source line, then derived line.
SIDE_BY_SIDE_MIN_WIDTH = 90


@dataclass(frozen=True, slots=True)
class Palette:
    """The colours of one console: the shared hex palette, or named colours on a 16-colour terminal
    (where the hex ones collapse); ``plain`` when the console shows no colour at all, so the word diff
    is spelled out with markers instead."""

    labels: dict[str, str]
    delete: str
    insert: str
    plain: bool

    @classmethod
    def of(cls, console: Console) -> Palette:
        plain = console.no_color or console.color_system is None
        if console.color_system in (ColorSystem.STANDARD, ColorSystem.WINDOWS):
            return cls(STANDARD_LABEL_COLOURS, STANDARD_DELETE_COLOUR, STANDARD_INSERT_COLOUR, plain)
        return cls(LABEL_COLOURS, DELETE_COLOUR, INSERT_COLOUR, plain)

    def label(self, label: str) -> str:
        return self.labels.get(label, "")

    def verdict(self, label: str) -> str:
        return self.label(VERDICT_LABELS.get(label, ""))


def render_terminal(comparison: Comparison, console: Console) -> None:
    """Print the comparison: verdict on top, passages side by side, then facts (altered quotes first)."""
    palette = Palette.of(console)
    facts = facts_of(comparison)
    console.print(_verdict_panel(comparison, facts, palette))
    console.print(_legend(comparison.passages, palette))
    if console.width >= SIDE_BY_SIDE_MIN_WIDTH:
        console.print(_passage_table(comparison, palette))
    else:
        console.print(_passage_stack(comparison, palette))
    if facts is not None:
        console.print(_facts_panel(facts, palette))


# ---- verdict --------------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def _describe(article: Article, fallback: str) -> str:
    parts = [article.title or article.id or fallback]
    parts += [p for p in (article.outlet, article.date) if p]
    return " · ".join(parts)


def _verdict_panel(comparison: Comparison, facts: dict[str, Any] | None, palette: Palette) -> Panel:
    verdict = comparison.verdict
    colour = palette.verdict(verdict.label)
    lines: list[Text] = [
        Text.assemble(
            (VERDICT_NAMES.get(verdict.label, verdict.label), f"bold {colour}"), f"  ({verdict.label})"
        ),
        Text.assemble(
            ("Reuse ", "bold"),
            _percent(verdict.reuse),
            " of the derived text: ",
            (f"verbatim {_percent(verdict.reuse_verbatim)}", palette.label("verbatim")),
            " · ",
            (f"edited {_percent(verdict.reuse_edited)}", palette.label("edited")),
            " · ",
            (f"paraphrased {_percent(verdict.reuse_paraphrased)}", palette.label("paraphrased")),
        ),
        Text.assemble(("Coverage ", "bold"), _percent(verdict.coverage), " of the source reappears"),
        Text.assemble(("Direction ", "bold"), DIRECTION_NAMES.get(verdict.direction, verdict.direction)),
        Text.assemble(("Source  ", "bold"), _describe(comparison.source, "source")),
        Text.assemble(("Derived ", "bold"), _describe(comparison.derived, "derived")),
    ]
    altered = [q for q in ordered_quotes(facts) if q.get("status") == "altered"]
    if altered:
        noun = "quotation was" if len(altered) == 1 else "quotations were"
        lines.append(
            Text(f"! {len(altered)} {noun} altered (see Facts below)", style=f"bold {palette.delete}")
        )
    for sentence in verdict.evidence:
        lines.append(Text(f"• {sentence}"))
    notes = list(comparison.notes)
    if comparison.method != "semantic":
        notes.insert(
            0,
            f"{comparison.method} only: heavy rewording (a paraphrase that keeps few words) is not detected on this path",
        )
    for note in notes:
        lines.append(Text(f"Note: {note}", style="italic"))
    return Panel(Group(*lines), title="retold verdict", title_align="left", border_style=colour or "none")


def _legend(passages: list[Passage], palette: Palette) -> Text:
    counts: Counter[str] = Counter(p.label for p in passages)
    legend = Text("Passages: ")
    for i, label in enumerate(PASSAGE_LABELS):
        if i:
            legend.append("  ")
        # Non-breaking spaces keep each swatch, label and count together when the legend wraps.
        legend.append(f"■\u00a0{label}\u00a0{counts.get(label, 0)}", style=palette.label(label))
    return legend


# ---- passages -------------------------------------------------------------------------------------


def reading_order(passages: list[Passage]) -> list[Passage]:
    """Passages in the order of the derived text, each dropped one right after the kept passage that
    preceded it in the source (so a reader sees the gap where the text was cut)."""
    present = sorted(
        (p for p in passages if p.derived), key=lambda p: (min(s.start for s in p.derived), p.id)
    )
    dropped = sorted(
        (p for p in passages if not p.derived),
        key=lambda p: (min((s.start for s in p.source), default=0), p.id),
    )
    leading: list[Passage] = []
    after: dict[int, list[Passage]] = {}
    for passage in dropped:
        anchor = anchor_before(passage, passages, "source")
        if anchor is None:
            leading.append(passage)
        else:
            after.setdefault(id(anchor), []).append(passage)
    ordered = leading
    for passage in present:
        ordered.append(passage)
        ordered.extend(after.get(id(passage), []))
    return ordered


def _side_texts(passage: Passage, palette: Palette) -> tuple[Text, Text]:
    colour = palette.label(passage.label)
    if passage.label == "edited" and passage.diff:
        return _diff_texts(passage.diff, colour, palette)
    source = Text(" ".join(s.text.strip() for s in passage.source), style=colour)
    derived = Text(" ".join(s.text.strip() for s in passage.derived), style=colour)
    return source, derived


def _diff_texts(
    diff: list[tuple[str, str]] | list[dict[str, str]], colour: str, palette: Palette
) -> tuple[Text, Text]:
    """The source side with deletions struck in red, the derived side with insertions in green."""
    source, derived = Text(style=colour), Text(style=colour)
    for op, piece in _ops(diff):
        if op == "equal":
            source.append(piece)
            derived.append(piece)
        elif op == "delete":
            source.append(f"[-{piece}-]" if palette.plain else piece, style=f"strike {palette.delete}")
        elif op == "insert":
            derived.append(f"{{+{piece}+}}" if palette.plain else piece, style=f"bold {palette.insert}")
    return source, derived


def _ops(diff: Any) -> list[tuple[str, str]]:
    """Diff entries as ``(op, text)``, whether they came as tuples (Passage) or dicts (facts JSON)."""
    return [(d["op"], d["text"]) if isinstance(d, dict) else (d[0], d[1]) for d in diff or []]


def _score(passage: Passage) -> str:
    """The alignment score, shown only where there is an alignment (added/dropped have no partner)."""
    return f"{passage.score:.2f}" if passage.source and passage.derived else ""


def _label_cell(passage: Passage, palette: Palette) -> Text:
    return Text.assemble((passage.label, f"bold {palette.label(passage.label)}"), f"\n{_score(passage)}")


def _passage_table(comparison: Comparison, palette: Palette) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False, padding=(0, 1))
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column("label", no_wrap=True)
    # Headers as Text, not str: a str is parsed as rich markup, and a title may hold "[/b]".
    table.add_column(Text(f"source: {_describe(comparison.source, 'source')}"), ratio=1, overflow="fold")
    table.add_column(Text(f"derived: {_describe(comparison.derived, 'derived')}"), ratio=1, overflow="fold")
    for passage in reading_order(comparison.passages):
        source, derived = _side_texts(passage, palette)
        table.add_row(str(passage.id), _label_cell(passage, palette), source, derived, end_section=True)
    return table


def _passage_stack(comparison: Comparison, palette: Palette) -> Group:
    rows: list[Text] = []
    for passage in reading_order(comparison.passages):
        source, derived = _side_texts(passage, palette)
        colour = palette.label(passage.label)
        rows.append(
            Text.assemble((f"#{passage.id} {passage.label}", f"bold {colour}"), f" {_score(passage)}")
        )
        if passage.source:
            rows.append(Text.assemble(("  S: ", "dim"), source))
        if passage.derived:
            rows.append(Text.assemble(("  D: ", "dim"), derived))
    return Group(*rows)


# ---- facts ----------------------------------------------------------------------------------------


def _facts_panel(facts: dict[str, Any], palette: Palette) -> Panel:
    lines: list[Text] = []
    quotes = ordered_quotes(facts)
    changed_quotes = [q for q in quotes if q.get("status") != "unchanged"]
    if quotes:
        lines.append(
            Text(f"Quotes: {len(quotes)}, {len(quotes) - len(changed_quotes)} unchanged", style="bold")
        )
    for quote in changed_quotes:
        lines.append(_quote_line(quote, palette))
    numbers = [n for n in ordered_numbers(facts) if n.get("status") != "unchanged"]
    if numbers:
        lines.append(Text("Numbers", style="bold"))
        for number in numbers:
            lines.append(_change_line(number))
    entities = facts.get("entities") or []
    for status in ("added", "dropped"):
        names = [f"{e.get('name')} ({e.get('type')})" for e in entities if e.get("status") == status]
        if names:
            lines.append(Text.assemble((f"Entities {status}: ", "bold"), ", ".join(names)))
    attributions = [
        a for a in facts.get("attributions") or [] if a.get("status") not in ("unchanged", "shared")
    ]
    if attributions:
        lines.append(Text("Attributions", style="bold"))
        for attribution in attributions:
            lines.append(_change_line(attribution))
    for note in facts.get("notes") or []:
        lines.append(Text(f"Note: {note}", style="italic"))
    if not lines:
        lines.append(Text("No quotes, numbers or names changed."))
    return Panel(Group(*lines), title="Facts", title_align="left")


def _quote_line(quote: dict[str, Any], palette: Palette) -> Text:
    status = str(quote.get("status"))
    serious = status in ("altered", "trimmed", "dropped")
    line = Text.assemble(
        (f"  {status.upper()} ", f"bold {palette.delete}" if serious else "bold"),
        (f"{quote.get('speaker')}: " if quote.get("speaker") else "", "italic"),
    )
    if status == "altered" and quote.get("diff"):
        source, derived = _diff_texts(quote["diff"], "", palette)
        line.append_text(Text.assemble("“", source, "” → “", derived, "”"))
        if quote.get("source_speaker"):
            line.append(f" (the source gives it to {quote['source_speaker']})", style="italic")
    else:
        line.append_text(_before_after(quote))
    if quote.get("passage") is not None:
        line.append(f"  (passage {quote['passage']})", style="dim")
    return line


def _before_after(item: dict[str, Any]) -> Text:
    source, derived = (_quoted(item, "source"), _quoted(item, "derived"))
    if source and derived:
        return Text(f"{source} → {derived}")
    return Text(source or derived)


def _quoted(item: dict[str, Any], side: str) -> str:
    """One side of a fact as “text”, with who said it where the facts stage knows (attributions)."""
    where = item.get(side) or {}
    if not where.get("text"):
        return ""
    speaker = where.get("speaker") or (item.get("source_speaker") if side == "source" else None)
    return f"“{where['text']}”" + (f" ({speaker})" if speaker else "")


def _change_line(item: dict[str, Any]) -> Text:
    return Text.assemble((f"  {str(item.get('status')).upper()} ", "bold"), _before_after(item))
