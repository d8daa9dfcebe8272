"""Tests for retold/comparison.py: compare() and Comparer, the language path, notes, limits, JSON form."""

from __future__ import annotations

import pytest
from conftest import passage_problems, verdict_problems

import retold
from retold.comparison import MAX_ARTICLE_CHARS, Comparer, Comparison
from retold.errors import EmptyInputError, InputError
from retold.read import article_from_text, read_article

NAMES = ["copy-light-edit", "rewrite-paraphrased", "independent-report", "unrelated", "wire-update"]


@pytest.mark.parametrize("name", NAMES)
def test_examples_keep_the_passage_contract(compare_example, name):
    result = compare_example(name)
    if name == "unrelated":  # plainly about something else: the quick reject (comparison._far_apart)
        assert result.method == "lexical"
        assert len(result.notes) == 1 and "the model did not read the rest" in result.notes[0]
    else:
        assert result.method == "semantic"
        assert result.notes == []
    assert passage_problems(result) == []
    assert verdict_problems(result.verdict, at_most_one=False) == []


def test_urdu_pair_takes_the_lexical_path_with_a_note(comparer, examples):
    result = comparer.compare(
        read_article(examples / "urdu-original.txt"), read_article(examples / "urdu-copy.txt")
    )
    assert result.method == "lexical"
    assert result.source.language == "ur" and result.derived.language == "ur"
    assert len(result.notes) == 1
    assert "lexical alignment only" in result.notes[0] and "(ur)" in result.notes[0]
    assert result.verdict.label == "wholly_derived"
    assert passage_problems(result) == []
    assert {p.label for p in result.passages} >= {"added", "dropped"}


def test_short_english_sentences_with_few_function_words_take_the_model(comparer):
    # One function word in twelve: the word lists cannot tell the language, the n-gram model can.
    result = comparer.compare(
        article_from_text("BioReliance's stock closed down 2 cents yesterday at $47.98 per share.", id="a"),
        article_from_text(
            "Shares of BioReliance sold at $47.98 at the close of market yesterday, down 2 cents.", id="b"
        ),
    )
    assert result.source.language == "en" and result.derived.language == "en"
    assert result.method == "semantic" and result.notes == []


def test_lexical_only_adds_its_note(lexical_comparer, examples):
    result = lexical_comparer.compare(
        read_article(examples / "wire-original.txt"), read_article(examples / "copy-light-edit.txt")
    )
    assert result.method == "lexical"
    assert result.notes == ["lexical alignment only (--lexical-only)"]
    assert result.verdict.label == "wholly_derived"


def test_compare_takes_plain_strings():
    result = retold.compare(
        "The mayor said five people died in the flood.",
        "The mayor said five people died in the flood.",
        lexical_only=True,
        facts=False,
    )
    assert isinstance(result, Comparison)
    assert result.verdict.label == "wholly_derived"
    assert [p.label for p in result.passages] == ["verbatim"]


def test_compare_rejects_other_types():
    with pytest.raises(TypeError, match="Article or a str"):
        Comparer(lexical_only=True, facts=False).compare(b"bytes", "text")  # type: ignore[arg-type]


def test_an_article_that_is_only_a_header_is_refused(lexical_comparer):
    header_only = article_from_text("title: Dam gives way\ndate: 2025-11-03\n\n", id="header.txt")
    with pytest.raises(EmptyInputError, match="header.txt: no article text to compare"):
        lexical_comparer.compare(header_only, "The dam gave way on Monday.")


def test_an_overlong_article_is_refused_before_any_work(lexical_comparer):
    long = article_from_text("Rain fell. " * (MAX_ARTICLE_CHARS // 11 + 1), id="long.txt")
    with pytest.raises(InputError, match=r"long.txt: 5,000,00\d characters is too long .*limit 5,000,000"):
        lexical_comparer.compare("The dam gave way on Monday.", long)


def test_one_sentence_articles(comparer):
    result = comparer.compare("The dam gave way on Monday.", "The dam collapsed on Monday.")
    assert [p.label for p in result.passages] == ["edited"]
    assert result.verdict.is_derived


def test_to_dict_is_the_documented_json(compare_example):
    import json

    data = json.loads(json.dumps(compare_example("copy-light-edit").to_dict()))
    assert {"id", "source", "derived", "verdict", "method", "notes", "passages"} <= set(data)
    assert "text" not in data["source"]
    assert {"label", "reuse", "coverage", "direction", "evidence"} <= set(data["verdict"])
    for p in data["passages"]:
        assert {"id", "label", "score", "source", "derived"} <= set(p)


def test_the_facts_stage_runs_by_default_and_can_be_left_out(examples):
    source = read_article(examples / "wire-original.txt")
    derived = read_article(examples / "rewrite-paraphrased.txt")
    assert Comparer(lexical_only=True, facts=False).compare(source, derived).facts is None
    with_facts = Comparer(lexical_only=True).compare(source, derived)
    assert with_facts.facts is not None or any("facts not compared" in n for n in with_facts.notes)
    assert "facts" in with_facts.to_dict() or with_facts.facts is None


def test_the_paraphrased_example_has_the_facts_its_readme_promises(examples):
    """examples/README.md: one altered quote, one changed number, one dropped attribution."""
    pytest.importorskip("spacy", reason="the facts stage needs spaCy")
    source = read_article(examples / "wire-original.txt")
    derived = read_article(examples / "rewrite-paraphrased.txt")
    facts = Comparer().compare(source, derived).to_dict()["facts"]
    assert [q["status"] for q in facts["quotes"]].count("altered") == 1
    changed = [
        (n["source"]["text"], n["derived"]["text"]) for n in facts["numbers"] if n["status"] == "changed"
    ]
    assert changed == [("2,300", "3,200")]
    dropped = [a["source"]["text"] for a in facts["attributions"] if a["status"] == "dropped"]
    assert dropped == ["The authority said"]


def test_verbatim_copy_needs_no_encoding(comparer):
    """Sentences with an identical counterpart are settled without the model (comparison._embed)."""
    text = "The dam gave way on Monday. Four people died. Eleven are missing."
    result = comparer.compare(text, text)
    assert result.method == "semantic"
    assert result.verdict.similarity == pytest.approx(1.0)


def test_plainly_unrelated_articles_skip_the_model(comparer, examples):
    """Nothing shared by wording and leads far apart: the lexical path answers (comparison._far_apart)."""
    result = comparer.compare(
        read_article(examples / "wire-original.txt"), read_article(examples / "unrelated.txt")
    )
    assert result.verdict.label == "unrelated"
    assert result.method == "lexical"
    assert any("the model did not read the rest" in note for note in result.notes)


@pytest.mark.parametrize("other", ["independent-report.txt", "rewrite-paraphrased.txt", "wire-update.txt"])
def test_articles_about_one_event_are_read_by_the_model(comparer, examples, other):
    result = comparer.compare(read_article(examples / "wire-original.txt"), read_article(examples / other))
    assert result.method == "semantic"
    assert not any("did not read the rest" in note for note in result.notes)


def test_short_articles_are_always_read_whole(comparer):
    # Unrelated, nothing shared, but under QUICK_REJECT_MIN_SENTENCES: the model decides.
    result = comparer.compare(
        "Heavy rain is due on Friday across the northern hills. Farmers were told to move their herds.",
        "The striker signed a three-year contract with the club. He scored twice in his first match.",
    )
    assert result.method == "semantic", result.notes


# A wire update swaps a sentence between two copied paragraphs for a new one on the same subject. The
# new sentence is `added` and the old one `dropped`: linked as one passage (as a "same slot" rule once
# did), the facts stage would pair them and report a fresh quote as altered, another day as a changed
# date, another speaker as a changed attribution.
SWAPS = {
    "a new quote from the same speaker": (
        '"The water came through Lowmill in less than twenty minutes. Some people simply had no time to '
        'reach high ground," Brandt said.',
        '"The boats came back to Lowmill at first light. Some of the people we reached had spent the night '
        'on their roofs," Brandt said.',
    ),
    "another forecast": (
        "Forecasters expect more rain on Tuesday night, though less than fell over the weekend.",
        "Forecasters said dry weather was expected from Thursday, with sunshine over the weekend.",
    ),
    "another speaker's claim": (
        "Fire Chief Daniel Brandt said crews had pulled 63 people from rooftops and upper floors by midday, "
        "using six boats and a helicopter lent by the coast guard.",
        "Police said crews had pulled looters from empty houses by midday, using a helicopter lent by the "
        "coast guard.",
    ),
}


@pytest.mark.parametrize("swap", list(SWAPS))
def test_a_new_sentence_in_place_of_an_old_one_is_added_not_a_changed_fact(examples, swap):
    pytest.importorskip("spacy", reason="the facts stage needs spaCy")
    old, new = SWAPS[swap]
    text = (examples / "wire-original.txt").read_text(encoding="utf-8")
    assert old in text
    result = retold.compare(
        read_article(examples / "wire-original.txt"), article_from_text(text.replace(old, new))
    )
    assert [p.label for p in result.passages if any(new[:40] in s.text for s in p.derived)] == ["added"]
    facts = result.facts.to_dict()
    assert [
        q["status"] for q in facts["quotes"] if q["status"] not in ("unchanged", "dropped", "added")
    ] == []
    assert [n for n in facts["numbers"] if n["status"] == "changed"] == []
    assert [a for a in facts["attributions"] if a["status"] == "changed"] == []


def test_unrelated_japanese_articles_share_particles_not_content(lexical_comparer):
    # Both texts are full of の が は た: counted as content words, they made the pair look like one story.
    source = (
        "名古屋市は火曜日、市内の全ての小学校に新しい給食センターから食事を届けると発表した。"
        "事業費は約８０億円で、来年の春に稼働する予定だ。市長は「子どもたちの健康を守りたい」と話した。"
        "センターでは一日に四万食を作ることができる。"
    )
    unrelated = (
        "北海道の山で珍しい花が見つかった。地元の写真家が週末に撮影したものだ。"
        "花は白くて小さく、雪が解けた後にだけ咲くという。研究者は来月、現地を調べることにしている。"
    )
    result = lexical_comparer.compare(article_from_text(source, id="a"), article_from_text(unrelated, id="b"))
    assert result.verdict.label == "unrelated"
    copy = lexical_comparer.compare(article_from_text(source, id="a"), article_from_text(source, id="c"))
    assert copy.verdict.label == "wholly_derived"
