"""Tests for retold/verdict.py: verdicts on the bundled examples, direction, judge() and its figures."""

from __future__ import annotations

import pytest
from conftest import verdict_problems

from retold.align import Passage
from retold.article import Span
from retold.read import article_from_text, read_article
from retold.similarity import DocumentEvidence
from retold.verdict import infer_direction, judge

# examples/README.md: what retold should say about each example compared with wire-original.txt.
EXPECTED = {
    "copy-light-edit": {"wholly_derived"},
    "rewrite-paraphrased": {"wholly_derived", "partially_derived"},
    "independent-report": {"same_story"},
    "unrelated": {"unrelated"},
    "wire-update": {"wholly_derived"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_examples_get_the_documented_verdict(compare_example, name):
    verdict = compare_example(name).verdict
    assert verdict.label in EXPECTED[name], verdict.evidence
    assert verdict_problems(verdict) == []


@pytest.mark.parametrize("name", ["copy-light-edit", "rewrite-paraphrased", "wire-update"])
def test_derived_examples_are_dated_after_the_source(compare_example, name):
    verdict = compare_example(name).verdict
    assert verdict.direction == "source_first"
    assert any("dated" in line for line in verdict.evidence)


def test_unrelated_has_no_direction(compare_example):
    assert compare_example("unrelated").verdict.direction == "unknown"


def test_copy_light_edit_is_mostly_copied_wording(compare_example):
    result = compare_example("copy-light-edit")
    labels = [p.label for p in result.passages]
    assert labels.count("dropped") == 1 and labels.count("edited") >= 3
    assert result.verdict.reuse_verbatim + result.verdict.reuse_edited > 0.8
    assert all(p.diff for p in result.passages if p.label == "edited")


def test_rewrite_is_mostly_paraphrase(compare_example):
    verdict = compare_example("rewrite-paraphrased").verdict
    assert verdict.reuse_paraphrased > verdict.reuse_verbatim


def test_swapped_dates_say_derived_first(comparer, examples):
    # The copy given as the source: it is dated after the "derived" wire, so the derived came first.
    result = comparer.compare(
        read_article(examples / "copy-light-edit.txt"), read_article(examples / "wire-original.txt")
    )
    assert result.verdict.is_derived
    assert result.verdict.direction == "derived_first"


def body(path) -> str:
    """The article text without its header block (no dates)."""
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_no_dates_and_no_asymmetry_is_unknown(lexical_comparer, examples):
    text = body(examples / "wire-original.txt")
    result = lexical_comparer.compare(text, text)
    assert result.source.date is None and result.derived.date is None
    assert result.verdict.direction == "unknown"
    assert "no dates" in result.verdict.evidence[-1]


def test_no_dates_and_an_expansion_is_source_first(lexical_comparer, examples):
    # The whole wire kept and as much new text added: an expansion reads as the later text.
    wire = body(examples / "wire-original.txt")
    result = lexical_comparer.compare(wire, wire + "\n\n" + body(examples / "unrelated.txt"))
    assert result.verdict.coverage == pytest.approx(1.0)
    assert result.verdict.direction == "source_first"
    # The same pair the other way round is a trimmed copy: no way to tell.
    assert lexical_comparer.compare(result.derived.text, wire).verdict.direction == "unknown"


def test_no_dates_and_a_credited_outlet_gives_the_direction(lexical_comparer, examples):
    # The copy keeps the wire's credit in its dateline; neither text is dated.
    wire = (
        (examples / "wire-original.txt")
        .read_text(encoding="utf-8")
        .replace("date: 2025-11-03T14:20:00Z\n", "")
    )
    copy = (examples / "copy-light-edit.txt").read_text(encoding="utf-8")
    copy = copy.replace("date: 2025-11-03T19:05:00Z\n", "").replace("Nov. 3 —", "Nov. 3 (Meridian Wire) —")
    forward = lexical_comparer.compare(article_from_text(wire), article_from_text(copy)).verdict
    assert forward.direction == "source_first"
    assert "credits the source's outlet: 'PORT ELIAS, Nov. 3 (Meridian Wire) —'" in forward.evidence[-1]
    backward = lexical_comparer.compare(article_from_text(copy), article_from_text(wire)).verdict
    assert backward.direction == "derived_first"


def test_credited_direction_needs_two_known_outlets_and_one_side_naming_the_other():
    from retold.verdict import credited_direction

    dateline = ["PORT ELIAS, Nov. 3 (Meridian Wire) — "]
    assert credited_direction("Meridian Wire", dateline, "Harbour Daily", dateline)[0] == "source_first"
    assert credited_direction("Harbour Daily", ["By Ann Lee"], "Meridian Wire", dateline) is None
    assert credited_direction("Meridian Wire", [], None, dateline) is None  # the copy's outlet unknown
    assert credited_direction("Meridian Wire", dateline, "meridian wire", dateline) is None  # one outlet
    assert credited_direction("AP", [], "Daily", ["(APTOS COUNTY) —"]) is None  # a whole word only
    both = ["Reporting by Harbour Daily and Meridian Wire"]
    assert credited_direction("Meridian Wire", both, "Harbour Daily", both) is None  # each names the other


# ---- infer_direction ---------------------------------------------------------------------------------


def test_direction_from_dates():
    assert infer_direction(reuse=1, coverage=1, source_date="2025-11-03", derived_date="2025-11-04")[0] == (
        "source_first"
    )
    assert infer_direction(reuse=1, coverage=1, source_date="2025-11-04", derived_date="2025-11-03")[0] == (
        "derived_first"
    )


def test_direction_with_one_date_falls_back_to_containment():
    assert infer_direction(reuse=1, coverage=1, source_date="2025-11-03", derived_date=None)[0] == "unknown"
    assert infer_direction(reuse=0.5, coverage=0.9, source_date=None, derived_date="2025-11-03")[0] == (
        "source_first"
    )
    # A trimmed copy: could be either way round.
    assert infer_direction(reuse=0.95, coverage=0.4, source_date=None, derived_date=None)[0] == "unknown"


def test_equal_dates_fall_back_to_containment():
    direction, why = infer_direction(
        reuse=1.0,
        coverage=1.0,
        source_date="2025-11-03T14:20:00+00:00",
        derived_date="2025-11-03T14:20:00+00:00",
    )
    assert direction == "unknown"
    # Both are dated: the evidence says the dates tie, not that there are none.
    assert "do not order them" in why and "no dates" not in why


def test_dates_in_different_time_zones_are_compared_as_instants():
    # normalize_date keeps the offset as written; 10:00 in New York is 40 minutes after 14:20 UTC.
    direction, _ = infer_direction(
        reuse=1.0,
        coverage=1.0,
        source_date="2025-11-03T14:20:00+00:00",
        derived_date="2025-11-03T10:00:00-05:00",
    )
    assert direction == "source_first"


def test_a_day_does_not_order_against_a_time_on_that_day():
    direction, _ = infer_direction(
        reuse=1.0, coverage=1.0, source_date="2025-11-03T14:20:00+00:00", derived_date="2025-11-03"
    )
    assert direction == "unknown"


# ---- judge -----------------------------------------------------------------------------------------


def passage(label: str, derived_chars: int = 0, source_chars: int = 0) -> Passage:
    source = [Span(0, source_chars, "s" * source_chars)] if source_chars else []
    derived = [Span(0, derived_chars, "d" * derived_chars)] if derived_chars else []
    return Passage(label, 1.0, source, derived)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("passages", "similarity", "label"),
    [
        ([passage("verbatim", 80, 80), passage("added", 20)], 0.9, "wholly_derived"),
        ([passage("paraphrased", 80, 80), passage("added", 20)], 0.9, "wholly_derived"),
        ([passage("edited", 30, 30), passage("added", 70)], 0.5, "partially_derived"),
        ([passage("paraphrased", 30, 30), passage("added", 70)], 0.5, "same_story"),
        ([passage("paraphrased", 5, 5), passage("added", 95)], 0.5, "same_story"),
        ([passage("added", 100)], 0.1, "unrelated"),
    ],
)
def test_judge_thresholds(passages, similarity, label):
    verdict = judge(passages, source_chars=100, derived_chars=100, similarity=similarity)
    assert verdict.label == label
    assert verdict_problems(verdict) == []
    assert verdict.is_derived == (label in ("wholly_derived", "partially_derived"))


def test_a_few_shared_words_in_a_one_line_text_are_not_document_evidence():
    # "Interest rates went up." shares two of its three content words with the source: 67% containment,
    # which the document model (fitted on texts of 22 content words and more) reads as taken.
    short = DocumentEvidence(0.67, 0.33, 0.55, derived_content_words=3)
    verdict = judge(
        [passage("added", 100)], source_chars=100, derived_chars=100, similarity=0.5, document=short
    )
    assert verdict.label == "same_story" and verdict.document_probability >= 0.5
    assert any("too few for the document-level evidence" in line for line in verdict.evidence)
    longer = DocumentEvidence(0.67, 0.33, 0.55, derived_content_words=40)
    assert judge([passage("added", 100)], source_chars=100, derived_chars=100, similarity=0.5,
                 document=longer).label == "partially_derived"  # fmt: skip


def test_judge_on_no_passages_is_unrelated():
    verdict = judge([], source_chars=0, derived_chars=0, similarity=0.0)
    assert verdict.label == "unrelated" and verdict.reuse == 0.0 and verdict.direction == "unknown"


def test_verdict_to_dict_has_the_documented_keys(compare_example):
    data = compare_example("copy-light-edit").verdict.to_dict()
    assert {"label", "reuse", "coverage", "direction", "evidence", "reuse_by_label", "similarity"} <= set(
        data
    )
    assert set(data["reuse_by_label"]) == {"verbatim", "edited", "paraphrased"}


def test_reuse_at_most_one_when_a_sentence_is_split(lexical_comparer):
    source = (
        "The river authority said on Monday that the old stone bridge over the Kettle Brook would be closed "
        "to all traffic for at least three weeks while engineers repair its damaged supports."
    )
    derived = (
        "The river authority said on Monday that the old stone bridge over the Kettle Brook would be closed "
        "to all traffic for at least three weeks. Engineers will repair its damaged supports."
    )
    verdict = lexical_comparer.compare(source, derived).verdict
    assert verdict.reuse <= 1.0


def test_reuse_of_a_text_with_a_repeated_sentence_compared_with_itself_is_one(lexical_comparer):
    text = "The dam gave way on Monday morning. The dam gave way on Monday morning."
    verdict = lexical_comparer.compare(text, text).verdict
    assert verdict.reuse == pytest.approx(1.0) and verdict.coverage == pytest.approx(1.0)


def test_boilerplate_does_not_count_as_content():
    article = article_from_text(
        "PORT ELIAS, Nov. 3 (Meridian Wire) — The dam gave way on Monday.\n\n"
        "— Priya Lindqvist contributed to this report."
    )
    from retold.comparison import Comparer

    result = Comparer(lexical_only=True, facts=False).compare(article, "The dam gave way on Monday.")
    assert result.verdict.reuse == pytest.approx(1.0)
    assert result.verdict.coverage == pytest.approx(1.0)


def test_headline_words_do_not_count_as_taken_from_the_source():
    from retold.similarity import document_evidence

    source = ["Flood waters closed the Harbor Bridge on Monday, the city said.", "Repairs cost $2 million."]
    # Written from the headline alone: everything it shares with the source is the headline's words.
    derived = [
        "The Harbor Bridge flood is the worst the city has seen.",
        "Harbor Bridge traffic will divert.",
    ]
    headline = "Flood closes Harbor Bridge"
    without = document_evidence(source, derived)
    with_headline = document_evidence(source, derived, headlines=[headline])
    assert without.body_containment is None and without.to_dict()["body_containment"] == without.containment
    assert with_headline.containment == without.containment  # the share taken still counts every word
    assert with_headline.body_containment is not None and with_headline.body_bigram_containment is not None
    assert with_headline.body_containment < without.containment
    assert with_headline.body_bigram_containment < without.bigram_containment


def test_dates_out_of_range_in_utc_are_a_tie_not_a_crash():
    from retold.verdict import compare_dates

    assert compare_dates("2025-11-03", "0001-01-01T00:00:00+01:00") == 0
    assert compare_dates("9999-12-31T23:00:00-05:00", "2025-11-03") == 0
