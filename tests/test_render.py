"""Tests for retold/render: JSON, terminal and HTML outputs of one hand-built Comparison."""

from __future__ import annotations

import html
import io
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from retold.align import Passage
from retold.article import Article, Boilerplate
from retold.comparison import Comparison
from retold.render import ordered_quotes, render_html, render_json, render_terminal
from retold.render.terminal import reading_order
from retold.verdict import Verdict

SOURCE_TEXT = (
    "WASHINGTON (AP) —\n"
    "By Jane Doe\n\n"
    "The mayor said five people died in the fire on Tuesday. "
    '"We are heartbroken," she said. '
    "Firefighters arrived within minutes. "
    "The cause is under investigation. "
    "Officials will hold a briefing on Friday.\n"
)
DERIVED_TEXT = (
    "The mayor said five people died in the fire on Tuesday. "
    '"We are devastated," the mayor said. '
    "Crews were on scene within minutes. "
    "Neighbours described hearing a loud bang. "
    "Officials will hold a briefing on Friday.\n"
)

# (label, source sentence or None, derived sentence or None)
PASSAGES = [
    (
        "verbatim",
        "The mayor said five people died in the fire on Tuesday.",
        "The mayor said five people died in the fire on Tuesday.",
    ),
    ("edited", '"We are heartbroken," she said.', '"We are devastated," the mayor said.'),
    ("paraphrased", "Firefighters arrived within minutes.", "Crews were on scene within minutes."),
    ("dropped", "The cause is under investigation.", None),
    ("added", None, "Neighbours described hearing a loud bang."),
    ("verbatim", "Officials will hold a briefing on Friday.", "Officials will hold a briefing on Friday."),
]
EDIT_DIFF = [
    ("equal", '"We are '),
    ("delete", "heartbroken,"),
    ("insert", "devastated,"),
    ("equal", '" '),
    ("delete", "she"),
    ("insert", "the mayor"),
    ("equal", " said."),
]


class FactsStub:
    """Stands in for the facts stage's result: the renderers only ever call ``to_dict()``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


FACTS = {
    "quotes": [
        {
            "status": "unchanged",
            "speaker": "Chief Ray",
            "source": {"start": 0, "end": 5, "text": "Stay away"},
            "derived": {"start": 0, "end": 5, "text": "Stay away"},
            "passage": None,
        },
        {
            "status": "altered",
            "speaker": "the mayor",
            "source": {"start": 87, "end": 105, "text": "We are heartbroken"},
            "derived": {"start": 57, "end": 74, "text": "We are devastated"},
            "diff": [
                {"op": "equal", "text": "We are "},
                {"op": "delete", "text": "heartbroken"},
                {"op": "insert", "text": "devastated"},
            ],
            "passage": 1,
        },
    ],
    "entities": [
        {"status": "shared", "name": "Washington", "type": "GPE", "mentions": []},
        {"status": "added", "name": "Neighbours Association", "type": "ORG", "mentions": []},
    ],
    "numbers": [
        {
            "status": "changed",
            "source": {"start": 0, "end": 4, "text": "five"},
            "derived": {"start": 0, "end": 3, "text": "six"},
        },
    ],
    "attributions": [],
    "notes": ["Quotes were matched by speaker."],
}


def make_comparison(
    source_text: str = SOURCE_TEXT,
    derived_text: str = DERIVED_TEXT,
    passages: list[tuple[str, str | None, str | None]] = PASSAGES,
    facts: Any = None,
    title: str = "Fire kills five",
) -> Comparison:
    """A Comparison built by hand, the way compare() builds one: spans point into the texts."""
    source = Article(source_text, id="wire.txt", title=title, date="2024-03-01", outlet="AP")
    derived = Article(derived_text, id="copy.txt", title="Five dead in blaze", date="2024-03-02")
    dateline = source_text.find("WASHINGTON (AP) —")
    if dateline >= 0:
        source.boilerplate.append(Boilerplate("dateline", source.span(dateline, dateline + 17)))
        byline = source_text.index("By Jane Doe")
        source.boilerplate.append(Boilerplate("byline", source.span(byline, byline + 11)))
    built = []
    cursors = {"source": 0, "derived": 0}
    for pid, (label, s_text, d_text) in enumerate(passages):
        spans = {}
        for side, article, piece in (("source", source, s_text), ("derived", derived, d_text)):
            if piece is None:
                spans[side] = []
                continue
            start = article.text.index(piece, cursors[side])
            cursors[side] = start + len(piece)
            spans[side] = [article.span(start, start + len(piece))]
        diff = EDIT_DIFF if label == "edited" and s_text == PASSAGES[1][1] else None
        built.append(
            Passage(label, 0.9 if label != "added" else 0.0, spans["source"], spans["derived"], diff, pid)
        )  # type: ignore[arg-type]
    verdict = Verdict(
        "wholly_derived",
        reuse=0.8,
        coverage=0.7,
        direction="source_first",
        reuse_verbatim=0.5,
        reuse_edited=0.2,
        reuse_paraphrased=0.1,
        similarity=0.85,
        evidence=[
            "80% of the derived text was taken from the source.",
            "The source was published a day earlier.",
        ],
    )
    return Comparison(source, derived, verdict, built, method="semantic", facts=facts, id="pair-1")


# ---- JSON -----------------------------------------------------------------------------------------


def test_json_is_exactly_to_dict() -> None:
    comparison = make_comparison(facts=FactsStub(FACTS))
    data = json.loads(render_json(comparison))
    assert data == json.loads(json.dumps(comparison.to_dict()))
    assert "\n" not in render_json(comparison)


def test_json_has_the_stable_fields() -> None:
    data = json.loads(render_json(make_comparison(facts=FactsStub(FACTS))))
    assert {"id", "source", "derived", "verdict", "passages", "facts"} <= set(data)
    assert {"id", "title", "date"} <= set(data["source"])
    assert {"label", "reuse", "coverage", "direction", "evidence"} <= set(data["verdict"])
    assert data["verdict"]["label"] in {"wholly_derived", "partially_derived", "same_story", "unrelated"}
    assert data["verdict"]["direction"] in {"source_first", "derived_first", "unknown"}
    for passage in data["passages"]:
        assert {"label", "score", "source", "derived"} <= set(passage)
        for span in passage["source"] + passage["derived"]:
            assert set(span) == {"start", "end", "text"}
    by_label = {p["label"]: p for p in data["passages"]}
    assert by_label["added"]["source"] == []
    assert by_label["dropped"]["derived"] == []
    assert by_label["edited"]["diff"][1] == {"op": "delete", "text": "heartbroken,"}


def test_json_keeps_non_ascii_text_and_omits_absent_facts() -> None:
    comparison = make_comparison(
        "Le maire a dit : « Nous sommes effondrés ».",
        "Le maire a dit : « Nous sommes effondrés ».",
        [
            (
                "verbatim",
                "Le maire a dit : « Nous sommes effondrés ».",
                "Le maire a dit : « Nous sommes effondrés ».",
            )
        ],
    )
    text = render_json(comparison)
    assert "effondrés" in text
    assert "facts" not in json.loads(text)


def test_json_schema_doc_names_every_emitted_field() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "json-schema.md").read_text(encoding="utf-8")
    data = json.loads(render_json(make_comparison(facts=FactsStub(FACTS))))
    fields = set(data) | set(data["source"]) | set(data["verdict"]) | set(data["passages"][1])
    fields |= set(data["facts"]) | set(data["verdict"]["reuse_by_label"])
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert not missing, f"docs/json-schema.md does not document {missing}"


# ---- shared ordering ------------------------------------------------------------------------------


def test_altered_quotes_come_first() -> None:
    assert [q["status"] for q in ordered_quotes(FACTS)] == ["altered", "unchanged"]
    assert ordered_quotes(None) == []


def test_reading_order_puts_dropped_passages_where_they_sat_in_the_source() -> None:
    comparison = make_comparison()
    assert [p.label for p in reading_order(comparison.passages)] == [
        "verbatim",
        "edited",
        "paraphrased",
        "dropped",
        "added",
        "verbatim",
    ]


def test_reading_order_puts_a_dropped_opening_first() -> None:
    comparison = make_comparison(
        "Lead sentence here. Kept sentence.",
        "Kept sentence.",
        [("dropped", "Lead sentence here.", None), ("verbatim", "Kept sentence.", "Kept sentence.")],
    )
    assert [p.label for p in reading_order(comparison.passages)] == ["dropped", "verbatim"]


# ---- terminal -------------------------------------------------------------------------------------


def _terminal(comparison: Comparison, width: int = 120, color: bool = True) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, color_system="truecolor" if color else None
    )
    render_terminal(comparison, console)
    return buffer.getvalue()


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_terminal_shows_verdict_labels_and_facts() -> None:
    output = _terminal(make_comparison(facts=FactsStub(FACTS)))
    plain = _strip_ansi(output)
    assert "Wholly derived" in plain
    assert "80%" in plain and "verbatim 50%" in plain and "70%" in plain
    assert "the source came first" in plain
    assert "published a day earlier" in plain
    for label in ("verbatim", "edited", "paraphrased", "added", "dropped"):
        assert label in plain
    assert "ALTERED" in plain and "1 quotation was altered" in plain
    assert plain.index("ALTERED") < plain.index("Numbers")
    assert "\x1b[" in output  # coloured when the console has colour
    assert "\x1b[9" in output or ";9m" in output or "\x1b[9;" in output  # deletions are struck through


def test_terminal_narrow_width_does_not_crash_and_keeps_the_words() -> None:
    plain = _strip_ansi(_terminal(make_comparison(facts=FactsStub(FACTS)), width=60))
    assert "Wholly derived" in plain
    assert "Neighbours described hearing a loud bang." in plain
    assert max(len(line) for line in plain.splitlines()) <= 60


def test_terminal_without_colour_uses_diff_markers() -> None:
    output = _terminal(make_comparison(facts=FactsStub(FACTS)), color=False)
    assert "\x1b[" not in output
    assert "[-heartbroken,-]" in output and "{+devastated,+}" in output
    assert "[-heartbroken-]" in output  # the altered quote's diff too


def test_terminal_keeps_the_five_labels_apart_on_a_16_colour_terminal() -> None:
    # TERM=xterm: rich maps hex colours to the nearest standard one, where verbatim and edited both
    # became yellow and paraphrased and dropped both white.
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=True, color_system="standard")
    render_terminal(make_comparison(), console)
    legend = next(line for line in buffer.getvalue().splitlines() if "Passages:" in line)
    codes = {
        label: re.search(r"\x1b\[([0-9;]+)m■\u00a0" + label, legend).group(1)
        for label in ("verbatim", "edited", "paraphrased", "added", "dropped")
    }
    assert len(set(codes.values())) == 5, codes


def test_terminal_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    render_terminal(make_comparison(), Console(file=buffer, width=100, force_terminal=True))
    output = buffer.getvalue()
    assert "[-heartbroken,-]" in output
    assert "\x1b[38;" not in output  # no foreground colours


def test_terminal_prints_markup_in_articles_as_text() -> None:
    comparison = make_comparison(title="[/bold] [red]Breaking[/red]")
    comparison.verdict.evidence.append("[link=x]evidence[/link]")
    plain = _strip_ansi(_terminal(comparison))
    assert "[/bold] [red]Breaking[/red]" in plain and "[link=x]evidence[/link]" in plain


def test_terminal_notes_the_lexical_path() -> None:
    comparison = make_comparison()
    comparison.method = "lexical"
    comparison.notes.append("Language 'xx' is not covered by the embedding model.")
    plain = _strip_ansi(_terminal(comparison))
    assert "lexical only" in plain and "not covered by the embedding model" in plain


# ---- HTML -----------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    """Collects every tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(document: str) -> _Collector:
    collector = _Collector()
    collector.feed(document)
    return collector


def test_html_is_self_contained() -> None:
    document = render_html(make_comparison(facts=FactsStub(FACTS)))
    parsed = _parse(document)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, f"<{tag}> loads {attrs['src']}"
        # Only links inside the page itself ("#texts"): nothing to fetch.
        assert "href" not in attrs or attrs["href"].startswith("#"), f"<{tag}> links to {attrs['href']}"
    assert not re.search(r"https?://|url\(|@import", document)
    assert document.count("<script>") == 1 and "<style>" in document


def test_html_escapes_article_text_and_metadata() -> None:
    evil = "<script>alert(1)</script>"
    comparison = make_comparison(
        f"Intro. {evil} & more.",
        f"Intro. {evil} & more.",
        [("verbatim", "Intro.", "Intro."), ("verbatim", f"{evil} & more.", f"{evil} & more.")],
        title='"><img src=x onerror=alert(2)>',
        facts=FactsStub(
            {
                "quotes": [
                    {
                        "status": "altered",
                        "speaker": evil,
                        "source": None,
                        "derived": None,
                        "diff": [{"op": "insert", "text": evil}],
                        "passage": 1,
                    }
                ]
            }
        ),
    )
    comparison.verdict.evidence.append(evil)
    document = render_html(comparison)
    assert "<script>alert(1)" not in document
    assert "<img src=x" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in document
    assert evil in "".join(_parse(document).text)  # it still reads as text


def test_html_links_every_passage_on_both_sides() -> None:
    comparison = make_comparison(facts=FactsStub(FACTS))
    parsed = _parse(render_html(comparison))
    sides: dict[str, set[str]] = {"source": set(), "derived": set()}
    for _, attrs in parsed.tags:
        if "data-pid" in attrs:
            assert attrs["data-side"] in sides
            assert attrs["data-label"] in {"verbatim", "edited", "paraphrased", "added", "dropped"}
            sides[str(attrs["data-side"])].add(str(attrs["data-pid"]))
    ids = {str(p.id) for p in comparison.passages}
    assert sides["source"] == ids
    assert sides["derived"] == ids


def test_html_renders_the_full_texts_with_boilerplate_greyed() -> None:
    comparison = make_comparison(facts=FactsStub(FACTS))
    parsed = _parse(render_html(comparison))
    visible = "".join(parsed.text)
    assert SOURCE_TEXT in visible and DERIVED_TEXT in visible
    kinds = {
        attrs.get("data-kind"): attrs.get("title") for tag, attrs in parsed.tags if attrs.get("class") == "bp"
    }
    assert kinds["dateline"] == "dateline: not compared"
    assert kinds["byline"] == "byline: not compared"


def test_html_shows_the_edit_diff_inline_and_facts_altered_first() -> None:
    document = render_html(make_comparison(facts=FactsStub(FACTS)))
    assert "<del>heartbroken,</del>" in document and "<ins>devastated,</ins>" in document
    facts = document[document.index('id="facts"') :]
    assert facts.index("status-altered") < facts.index("status-unchanged")
    assert "<del>heartbroken</del><ins>devastated</ins>" in facts
    # The facts fold away, and a link skips them to the texts.
    assert '<details class="facts" id="facts" open>' in document and 'href="#texts"' in facts
    assert 'id="texts"' in document
    assert 'data-goto="1"' in facts
    # The legend counts passages per label.
    legend = document[document.index('id="legend"') :]
    assert "verbatim <b>2</b>" in legend and "dropped <b>1</b>" in legend


def test_an_altered_quote_given_to_another_speaker_names_the_source_speaker_in_every_view() -> None:
    quotes = [dict(FACTS["quotes"][1], speaker="Ann Lee", source_speaker="the mayor")]  # type: ignore[arg-type]
    comparison = make_comparison(facts=FactsStub(dict(FACTS, quotes=quotes)))
    assert "(the source gives it to the mayor)" in _strip_ansi(_terminal(comparison, width=200))
    assert "(the source gives it to the mayor)" in render_html(comparison)


def test_html_without_facts_or_passages() -> None:
    comparison = make_comparison(
        "Nothing alike.",
        "Something else entirely.",
        [
            ("dropped", "Nothing alike.", None),
            ("added", None, "Something else entirely."),
        ],
    )
    comparison.verdict.label = "unrelated"
    document = render_html(comparison)
    assert 'id="facts"' not in document
    assert "Unrelated" in document


# ---- property: the report shows every character of both texts, exactly once ------------------------


@st.composite
def _texts_with_passages(draw: st.DrawFn) -> Comparison:
    text = draw(st.text(alphabet=st.sampled_from(list("ab <>&\"'\n.é")), min_size=1, max_size=60))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))) | {0, len(text)})
    labels = ("verbatim", "edited", "paraphrased", "added", "dropped")
    source, derived = Article(text, id="a"), Article(text, id="b")
    passages = []
    for pid, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        if draw(st.booleans()):
            continue  # text between passages
        label = draw(st.sampled_from(labels))
        span = source.span(start, end)
        diff = (
            [("equal", span.text[:1]), ("delete", span.text[1:]), ("insert", "x")]
            if label == "edited"
            else None
        )
        passages.append(
            Passage(
                label,
                0.5,
                [] if label == "added" else [span],
                [] if label == "dropped" else [span],
                diff,
                pid,
            )
        )
    if draw(st.booleans()):
        end = draw(st.integers(0, len(text)))
        source.boilerplate.append(Boilerplate("dateline", source.span(0, end)))
    return Comparison(source, derived, Verdict("unrelated", 0.0, 0.0), passages)


@settings(max_examples=60, deadline=None)
@given(_texts_with_passages())
def test_html_panes_hold_exactly_the_article_texts(comparison: Comparison) -> None:
    document = render_html(comparison)
    panes = re.findall(r'<div class="text"[^>]*>(.*?)</div></div></div>', document, flags=re.S)
    assert len(panes) == 2
    for pane, article in zip(panes, (comparison.source, comparison.derived), strict=True):
        assert html.unescape(re.sub(r"<[^>]+>", "", pane)) == article.text


# ---- with the real facts stage ----------------------------------------------------------------------


def test_renders_the_facts_stage_output() -> None:
    """The renderers read what retold.factdiff really produces, altered quotes first in every view."""
    pytest.importorskip("spacy", reason="the facts stage needs spaCy (pip install 'retold[facts]')")
    from retold.factdiff import compare_facts

    source_sentences = [
        "Mayor Ana Ruiz spoke on Tuesday.",
        '"We will rebuild every single home in this town," Ruiz said.',
        "Twelve families lost their houses.",
    ]
    derived_sentences = [
        "Mayor Ana Ruiz spoke on Tuesday.",
        '"We will rebuild some of the homes in this town," Ruiz said.',
        "Fifteen families lost their houses.",
    ]
    comparison = make_comparison(
        " ".join(source_sentences),
        " ".join(derived_sentences),
        [("verbatim", source_sentences[0], derived_sentences[0])]
        + [("edited", s, d) for s, d in zip(source_sentences[1:], derived_sentences[1:], strict=True)],
    )
    comparison.facts = compare_facts(
        comparison.source, comparison.derived, comparison.passages, language="en"
    )
    facts = comparison.facts.to_dict()
    assert any(q["status"] == "altered" for q in facts["quotes"]), facts["quotes"]

    assert json.loads(render_json(comparison))["facts"] == json.loads(json.dumps(facts))
    terminal = _strip_ansi(_terminal(comparison))
    assert "ALTERED" in terminal and "quotation was altered" in terminal
    assert "CHANGED “Twelve” → “Fifteen”" in terminal
    document = render_html(comparison)
    facts_html = document[document.index('id="facts"') :]
    assert facts_html.index("status-altered") < facts_html.index("<h2>Numbers")
    assert "<del>" in facts_html and "<ins>" in facts_html
