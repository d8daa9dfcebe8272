"""Tests for retold/align.py: the passage contract (property tests), alignment behaviour, word_diff."""

from __future__ import annotations

import pytest
from conftest import passage_problems, verdict_problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold.align import Passage, align_passages, word_diff
from retold.errors import EmptyInputError
from retold.read import article_from_text
from retold.segment import has_content, split_sentences
from retold.similarity import SentenceFeatures, load_scorer, normalize

# Fictional news sentences (the Lowmill bridge story), each with its own content words so that two of
# them never align with each other. Each has a split point "|": the halves join with ", and" into one
# sentence, or stand as two sentences.
STORY = [
    "The Lowmill town council voted on Tuesday night to close the old stone bridge | engineers will inspect its cracked arches next week.",
    "Mayor Ottilie Brandt told residents that the closure could last until the spring | a temporary footbridge is planned for March.",
    "Traffic will be diverted through Ashcombe along the B4012 road | buses will add eleven minutes to every journey.",
    "Shopkeepers on Mill Street fear losing customers during the busy winter season | several have asked the council for rate relief.",
    "The bridge was built in 1843 by a local quarry owner | it carried horse carts between the two halves of the town.",
    "A survey in August found water damage beneath three of its five spans | the report was published on the council website.",
    "Repair costs are estimated at 2.4 million crowns | the regional government has promised to pay half.",
    "Schoolchildren from the northern estates will travel by a dedicated minibus | parents welcomed the arrangement at a packed meeting.",
    "Police will patrol the riverbank to stop people climbing the barriers | fines of up to 500 crowns can be issued.",
    "Local historians have started a campaign to restore the original parapet | they have collected over 4,000 signatures.",
]
ADDED = [
    "Elsewhere in the region, a new cycling path opened beside the canal at Westbury.",
    "The weather service expects heavy frost across the valley on Thursday.",
    "Tickets for the winter market in Brackenford sold out within an hour.",
]


def whole(sentence: str) -> str:
    left, right = sentence.split(" | ")
    return f"{left}, and {right}"


def halves(sentence: str) -> tuple[str, str]:
    left, right = sentence.split(" | ")
    return f"{left}.", right[0].upper() + right[1:]


def edit(sentence: str) -> str:
    """One word changed, as a copy editor would."""
    for old, new in (("told", "informed"), ("voted", "decided"), ("will", "would"), ("found", "revealed")):
        if f" {old} " in sentence:
            return sentence.replace(f" {old} ", f" {new} ", 1)
    return sentence.replace(" the ", " that ", 1)


def layout(sentences: list[str], breaks: list[bool]) -> str:
    """Sentences as paragraphs: a blank line after sentence i when breaks[i]."""
    parts = []
    for i, s in enumerate(sentences):
        parts.append(s)
        if i < len(sentences) - 1:
            parts.append("\n\n" if breaks[i % len(breaks)] else " ")
    return "".join(parts)


@st.composite
def story_pair(draw, *, splits: bool = False):
    """A source from STORY and a derived text made from it by the edits of a news rewrite."""
    indices = draw(st.lists(st.sampled_from(range(len(STORY))), min_size=1, max_size=7, unique=True))
    source = [whole(STORY[i]) for i in indices]
    ops = ["keep", "edit", "drop"] + (["split", "merge"] if splits else [])
    derived: list[str] = []
    i = 0
    while i < len(indices):
        op = draw(st.sampled_from(ops))
        sentence = STORY[indices[i]]
        if op == "keep":
            derived.append(whole(sentence))
        elif op == "edit":
            derived.append(edit(whole(sentence)))
        elif op == "split":
            derived.extend(halves(sentence))
        elif op == "merge" and i + 1 < len(indices):
            derived.append(whole(sentence)[:-1] + "; " + whole(STORY[indices[i + 1]]))
            i += 1
        elif op == "merge":
            derived.append(whole(sentence))
        i += 1
    derived += draw(st.lists(st.sampled_from(ADDED), max_size=2, unique=True))
    if not derived:
        derived = [ADDED[0]]
    derived = draw(st.permutations(derived))
    breaks = draw(st.lists(st.booleans(), min_size=1, max_size=4))
    return layout(source, breaks), layout(derived, breaks)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(story_pair())
def test_passages_cover_every_sentence_once(lexical_comparer, pair):
    source, derived = pair
    result = lexical_comparer.compare(source, derived)
    assert passage_problems(result) == []
    assert verdict_problems(result.verdict) == []


@FAST
@given(story_pair(splits=True))
def test_passages_cover_every_sentence_once_with_splits_and_merges(lexical_comparer, pair):
    source, derived = pair
    result = lexical_comparer.compare(source, derived)
    assert passage_problems(result) == []
    # reuse/coverage stay within [0, 1] even when a passage joins adjacent sentences (test_verdict.py).
    assert verdict_problems(result.verdict, at_most_one=False) == []


# Any text at all: letters, digits, sentence ends, quotes, newlines, other scripts.
_ALPHABET = st.sampled_from(list("abcdefghij KLMNOP  0123..!?\n\"“”'’,;:-—()éüß日本語مرحبا۔"))


@FAST
@given(st.text(_ALPHABET, min_size=1, max_size=300), st.text(_ALPHABET, min_size=1, max_size=300))
def test_passage_contract_holds_on_any_text(lexical_comparer, source, derived):
    try:
        result = lexical_comparer.compare(source, derived)
    except EmptyInputError as error:
        # Only when a side really has no sentence, or no word, to compare.
        empty = [
            t
            for t in (source, derived)
            if not split_sentences(article_from_text(t)) or not has_content(article_from_text(t))
        ]
        assert empty, f"EmptyInputError for texts with sentences: {error}"
        return
    assert passage_problems(result) == []
    assert verdict_problems(result.verdict, at_most_one=False) == []


@FAST
@given(story_pair(splits=True))
def test_text_compared_with_itself_is_all_verbatim(lexical_comparer, pair):
    text = pair[0]
    result = lexical_comparer.compare(text, text)
    assert {p.label for p in result.passages} == {"verbatim"}
    assert result.verdict.label == "wholly_derived"
    assert result.verdict.reuse == pytest.approx(1.0)
    assert result.verdict.coverage == pytest.approx(1.0)


@pytest.mark.parametrize("index", [0, 4])
def test_text_compared_with_itself_is_all_verbatim_semantic(comparer, index):
    text = layout([whole(s) for s in STORY[index : index + 5]], [True, False])
    result = comparer.compare(text, text)
    assert result.method == "semantic"
    assert {p.label for p in result.passages} == {"verbatim"}
    assert result.verdict.label == "wholly_derived"
    assert passage_problems(result) == []


def test_repeated_sentence_compared_with_itself_is_verbatim(lexical_comparer):
    text = "The bridge will stay closed until March. The bridge will stay closed until March."
    result = lexical_comparer.compare(text, text)
    assert {p.label for p in result.passages} == {"verbatim"}
    assert passage_problems(result) == []


def test_many_repeated_lines_compared_with_themselves_are_verbatim(lexical_comparer):
    # A list of repeated lines, as in a live blog ("Advertisement." between items) or a table.
    text = "\n\n".join(["Officials said the water was rising fast."] * 8)
    result = lexical_comparer.compare(text, text)
    assert {p.label for p in result.passages} == {"verbatim"}
    assert result.verdict.label == "wholly_derived"


def test_a_text_that_repeats_itself_is_aligned_in_linear_work(lexical_comparer):
    # 3,000 copies of one line (a page of "Advertisement.", a log): pairing every copy with every copy
    # took 279 s and 13 GB for 4,000. Each sentence now meets only its nearest copies on the other side.
    from retold.align import MAX_POSTINGS, SAME_TEXT_CANDIDATES, AlignmentInput, _candidate_pairs

    text = "\n".join(["Advertisement. Officials said the water was rising fast."] * 1500)
    sentences = split_sentences(article_from_text(text))
    side = AlignmentInput.of(sentences, None)
    pairs = _candidate_pairs(side, side, len(sentences), len(sentences))
    assert len(pairs) <= len(sentences) * (SAME_TEXT_CANDIDATES + 2 * MAX_POSTINGS)
    result = lexical_comparer.compare(text, text)
    assert {p.label for p in result.passages} == {"verbatim"} and len(result.passages) == 3000
    # Repeats pair up in order: the k-th copy with the k-th copy.
    assert all(p.source[0].start == p.derived[0].start for p in result.passages)


# ---- alignment behaviour on small fixtures ---------------------------------------------------------


def labels(result) -> list[str]:
    return [p.label for p in result.passages]


def passage_with(result, side: str, needle: str) -> Passage:
    found = [p for p in result.passages if any(needle in span.text for span in getattr(p, side))]
    assert len(found) == 1, f"{needle!r} is in {len(found)} passages: {result.passages}"
    return found[0]


def test_a_paragraph_run_twice_is_verbatim_twice(lexical_comparer):
    first, second, third = (whole(s) for s in STORY[:3])
    result = lexical_comparer.compare(
        f"{first}\n\n{second}\n\n{third}", f"{first}\n\n{second}\n\n{first}\n\n{third}"
    )
    assert labels(result) == ["verbatim"] * 3
    assert result.verdict.reuse_verbatim == 1.0


def test_reordered_copy_is_all_verbatim(lexical_comparer):
    sentences = [whole(s) for s in STORY[:5]]
    result = lexical_comparer.compare(" ".join(sentences), "\n\n".join(reversed(sentences)))
    assert labels(result) == ["verbatim"] * 5
    assert result.verdict.label == "wholly_derived"


@pytest.mark.parametrize(
    ("source", "copy"),
    [
        # Typed dashes and ellipses for typographic ones: the same wording.
        ("The plan — approved on Monday — would cost $45 million… and take years.",
         "The plan -- approved on Monday -- would cost $45 million... and take years."),
        # Markdown's emphasis, quote and list marks, kept by one copy and dropped by the other.
        ("The council voted 7-2 on **Monday** to approve the $45 million budget.",
         "The council voted 7-2 on Monday to approve the $45 million budget."),
        ('> "This budget protects the services residents rely on," Mayor John Peters said.',
         '"This budget protects the services residents rely on," Mayor John Peters said.'),
        ("- The plan includes $3 million for road repairs and 12 new firefighters.",
         "The plan includes $3 million for road repairs and 12 new firefighters."),
    ],
)  # fmt: skip
def test_typography_and_markdown_marks_do_not_change_the_wording(lexical_comparer, source, copy):
    result = lexical_comparer.compare(source, copy)
    assert labels(result) == ["verbatim"]
    assert normalize("snake_case, 3*4 and -5 degrees") == "snake_case, 3*4 and -5 degrees"
    assert normalize("- 3 points") != normalize("+ 3 points") != normalize("3 points")  # signs, not marks


@pytest.mark.parametrize("mode", ["lexical", "semantic"])
def test_split_sentence_is_one_passage(comparer, lexical_comparer, mode):
    used = comparer if mode == "semantic" else lexical_comparer
    first, second = halves(STORY[2])
    source = whole(STORY[0]) + " " + whole(STORY[2]) + " " + whole(STORY[4])
    derived = whole(STORY[0]) + " " + first + " " + second + " " + whole(STORY[4])
    result = used.compare(source, derived)
    passage = passage_with(result, "derived", first)
    assert passage is passage_with(result, "derived", second)
    assert passage.label in ("edited", "paraphrased")
    assert [s.text for s in passage.source] == [whole(STORY[2])]
    assert passage_problems(result) == []


@pytest.mark.parametrize("mode", ["lexical", "semantic"])
def test_merged_sentences_are_one_passage(comparer, lexical_comparer, mode):
    used = comparer if mode == "semantic" else lexical_comparer
    first, second = halves(STORY[6])
    source = whole(STORY[1]) + " " + first + " " + second + " " + whole(STORY[3])
    derived = whole(STORY[1]) + " " + whole(STORY[6]) + " " + whole(STORY[3])
    result = used.compare(source, derived)
    passage = passage_with(result, "source", first)
    assert passage is passage_with(result, "source", second)
    assert [s.text for s in passage.derived] == [whole(STORY[6])]
    assert passage.label in ("edited", "paraphrased")


def test_word_change_is_edited_with_a_diff(lexical_comparer):
    source = whole(STORY[1]) + " " + whole(STORY[3])
    changed = whole(STORY[1]).replace("told residents", "informed residents")
    result = lexical_comparer.compare(source, changed + " " + whole(STORY[3]))
    passage = passage_with(result, "derived", "informed residents")
    assert passage.label == "edited"
    assert ("delete", " told") in passage.diff
    assert ("insert", " informed") in passage.diff
    assert passage_with(result, "derived", "Shopkeepers").label == "verbatim"
    assert passage_with(result, "derived", "Shopkeepers").diff is None


def test_paraphrase_is_paraphrased_on_the_semantic_path(comparer):
    source = (
        "Mayor Ottilie Brandt said the bridge would stay shut until the spring. "
        "Shopkeepers on Mill Street fear losing customers during the winter."
    )
    derived = (
        "The bridge will remain closed until spring, Mayor Ottilie Brandt said. "
        "Shopkeepers on Mill Street fear losing customers during the winter."
    )
    result = comparer.compare(source, derived)
    assert result.method == "semantic"
    passage = passage_with(result, "derived", "remain closed")
    assert passage.label == "paraphrased"
    assert passage.diff is None
    assert [s.text for s in passage.source] == [
        "Mayor Ottilie Brandt said the bridge would stay shut until the spring."
    ]


def test_unrelated_sentences_are_added_and_dropped(lexical_comparer):
    kept = whole(STORY[5])
    result = lexical_comparer.compare(kept + " " + whole(STORY[8]), ADDED[1] + " " + kept)
    assert passage_with(result, "derived", "weather service").label == "added"
    assert passage_with(result, "derived", "weather service").source == []
    assert passage_with(result, "source", "Police will patrol").label == "dropped"
    assert passage_with(result, "source", "Police will patrol").derived == []
    assert passage_with(result, "derived", "A survey").label == "verbatim"


def test_align_passages_on_no_derived_sentences_drops_everything():
    source = article_from_text(whole(STORY[0]) + " " + whole(STORY[1]))
    derived = article_from_text("")
    passages = align_passages(source, split_sentences(source), derived, [], load_scorer(False))
    assert [p.label for p in passages] == ["dropped", "dropped"]
    assert [p.id for p in passages] == [0, 1]


def test_passage_to_dict_has_the_documented_keys(lexical_comparer):
    changed = whole(STORY[1]).replace("told", "informed")
    result = lexical_comparer.compare(whole(STORY[1]), changed)
    (passage,) = result.passages
    data = passage.to_dict()
    assert set(data) == {"id", "label", "score", "source", "derived", "diff"}
    assert set(data["source"][0]) == {"start", "end", "text"}
    assert all(set(d) == {"op", "text"} for d in data["diff"])


@pytest.mark.parametrize(
    ("source", "derived"),
    [
        (
            "Les syndicats restent sceptiques ! Ils attendent.",
            "Les syndicats restent sceptiques! Ils attendent.",
        ),
        ("Le ministre a déclaré\u202f: « Nous restons. »", "Le ministre a déclaré: «Nous restons.»"),
        (
            "Pourquoi\u00a0? Personne ne le sait ; pas même lui.",
            "Pourquoi? Personne ne le sait; pas même lui.",
        ),
        # Spacing between characters that are all the same is no edit either.
        ("Turnout was 61 % on Sunday (a record).", "Turnout was 61% on Sunday ( a record ) ."),
    ],
)
def test_a_difference_in_spacing_only_is_verbatim(lexical_comparer, source, derived):
    result = lexical_comparer.compare(source, derived)
    assert result.passages and {(p.label, p.diff) for p in result.passages} == {("verbatim", None)}


def test_the_word_diff_of_text_without_spaces_marks_the_changed_characters():
    # As one \p{L}+ run, the whole Chinese clause was marked changed for two digits.
    diff = word_diff("将在明年投资１２亿元建设新的地铁线路。", "将在明年投资１５亿元建设新的地铁线路。")
    assert [(op, text) for op, text in diff if op != "equal"] == [("delete", "１２"), ("insert", "１５")]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Er sagte es.", "»Wir bleiben.«"),  # German: » opens, « closes
        ("Il a déclaré :", "« Nous restons. »"),  # French: « opens, » closes, both padded
        ("Is it over ?", "Nobody knows !"),
    ],
)
def test_joined_sentence_features_equal_those_of_the_joined_text(first, second):
    # The aligner joins neighbours' features instead of re-reading the text; French spacing rules must
    # not make the two differ (a German opening » kept its space only in one of them).
    joined = SentenceFeatures.joined(SentenceFeatures.of(first), SentenceFeatures.of(second))
    assert joined == SentenceFeatures.of(first + " " + second)


# ---- word_diff ---------------------------------------------------------------------------------------


def squash(text: str) -> str:
    return " ".join(text.split())


def assert_reconstructs(source: str, derived: str) -> None:
    diff = word_diff(source, derived)
    assert {op for op, _ in diff} <= {"equal", "delete", "insert"}
    assert all(text for _, text in diff)
    # "equal" pieces carry the derived wording; the source side matches up to case and quote style.
    # Whitespace is left out of the comparison: each piece carries the whitespace before it.
    assert squash("".join(t for op, t in diff if op != "delete")) == squash(derived)
    # Spaces out before normalising: "— —" and "——" differ under normalize's rule for dashes typed as "--".
    assert normalize(unspaced("".join(t for op, t in diff if op != "insert"))) == normalize(unspaced(source))


def unspaced(text: str) -> str:
    return "".join(text.split())


def test_word_diff_of_a_word_change():
    diff = word_diff("The dam gave way on Monday.", "The dam collapsed on Monday.")
    assert diff == [
        ("equal", "The dam"),
        ("delete", " gave way"),
        ("insert", " collapsed"),
        ("equal", " on Monday."),
    ]
    assert_reconstructs("The dam gave way on Monday.", "The dam collapsed on Monday.")


def test_word_diff_ignores_case_and_quote_style():
    diff = word_diff("He said “we will rebuild” today.", 'He said "We will rebuild" today.')
    assert [op for op, _ in diff] == ["equal"]


def test_word_diff_of_identical_and_empty_texts():
    assert word_diff("Four people died.", "Four people died.") == [("equal", "Four people died.")]
    assert word_diff("", "") == []
    assert word_diff("", "Four died.") == [("insert", "Four died.")]
    assert word_diff("Four died.", "") == [("delete", "Four died.")]


def test_word_diff_keeps_the_space_before_a_deleted_phrase():
    diff = word_diff("Four people died on Monday in Lowmill.", "Four people died on Monday.")
    # Today: "Four people died on Mondayin Lowmill." -- what the terminal view shows struck through.
    assert squash("".join(t for op, t in diff if op != "insert")) == "Four people died on Monday in Lowmill."


_WORDS = st.sampled_from(
    [
        "the",
        "dam",
        "Dam",
        "gave",
        "way",
        "collapsed",
        "4",
        "four",
        "2,300",
        "“quote”",
        '"quote"',
        "Mr.",
        "—",
        ",",
        ".",
    ]
)
_GAPS = st.sampled_from([" ", "  ", "\n", "\n\n", "\t"])


@st.composite
def spaced(draw) -> str:
    tokens = draw(st.lists(_WORDS, max_size=12))
    return "".join(t + draw(_GAPS) for t in tokens).strip()


@settings(max_examples=200, deadline=None)
@given(spaced(), spaced())
def test_word_diff_reconstructs_both_texts(source, derived):
    assert_reconstructs(source, derived)


# ---- the other half of a split or merge ----------------------------------------------------------

SPLIT_SOURCE = (
    "Tomas Adeyemi, chief engineer of the water authority, said the reservoir had risen by more than two "
    "metres since Saturday, when a storm dropped 140 millimetres of rain on the hills in 36 hours. "
    "Schools in the valley will stay closed until Friday."
)
SPLIT_DERIVED = (
    "The reservoir had climbed by over two metres since Saturday. That day a storm dumped 140 millimetres "
    "of rain on the surrounding hills in 36 hours, according to Tomas Adeyemi, the water authority's chief "
    "engineer. Schools in the valley will stay closed until Friday."
)
MERGE_SOURCE = (
    "The Harwick Reservoir supplies drinking water to about 90,000 people in Port Elias and the surrounding "
    "district. The water authority said supplies were safe for now but asked residents to limit their use."
)
MERGE_DERIVED = (
    "The Harwick Reservoir provides drinking water to around 90,000 people in Port Elias and the surrounding "
    "district, and the water authority said supplies were safe for now but urged residents to cut back on use."
)


def test_a_split_whose_first_half_is_linked_takes_its_second_half(comparer):
    # The first derived sentence is a fragment of the source sentence and links alone; the second, which
    # carries the storm and the attribution, must join it, not be reported as added.
    result = comparer.compare(SPLIT_SOURCE, SPLIT_DERIVED)
    passage = passage_with(result, "derived", "That day a storm")
    assert passage.label == "paraphrased"
    assert "The reservoir had climbed" in passage.derived[0].text and "Adeyemi" in passage.source[0].text
    assert passage_with(result, "derived", "Schools in the valley").label == "verbatim"  # not absorbed
    assert passage_problems(result) == []


def test_a_merge_whose_first_half_is_linked_takes_its_second_half(comparer):
    result = comparer.compare(MERGE_SOURCE, MERGE_DERIVED)
    passage = passage_with(result, "source", "The water authority said")
    assert passage.label in ("edited", "paraphrased")
    assert [p.label for p in result.passages if p.label in ("added", "dropped")] == []


def test_invisible_characters_do_not_change_the_wording(lexical_comparer):
    # A copy pasted through a CMS: zero-width spaces, a word joiner, a soft hyphen, a BOM.
    text = "The dam broke on Monday after heavy rain. Four people died, officials said."
    copy = (
        "The\u200b dam broke on Mon\u00adday after heavy\u2060 rain. \ufeffFour people died, officials said."
    )
    result = lexical_comparer.compare(text, copy)
    assert [p.label for p in result.passages] == ["verbatim", "verbatim"]
    assert word_diff("heavy rain", "heavy\u200b rain") == [("equal", "heavy\u200b rain")]
