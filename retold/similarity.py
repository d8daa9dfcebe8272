"""Sentence-pair similarity: lexical evidence, semantic evidence, and one calibrated score.

Each candidate pair of sentences gets a feature vector (word overlap, containment, bigram overlap, edit
similarity over words and characters, a number-mismatch flag, length ratio, and the embedding cosine when a
model is loaded). A logistic model over those features gives the probability that the two sentences carry
the same content. A changed number is deliberately *not* a feature: a rewrite that changes a figure is
still the same passage, and the change is what the facts stage reports (with the feature, MRPC test F1
was 0.8319; without it 0.8315, so alignment loses nothing by leaving it to the facts stage). Its weights live in ``retold/data/sentence_pair_scorer.json`` and were fitted on the
MRPC *train* split by ``benchmarks/train_sentence_scorer.py`` (the test split is only read by the
benchmark). Two weight sets: one with the embedding cosine, one lexical-only for ``--lexical-only`` and for
languages the model does not cover.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from retold.segment import INVISIBLE_CHARACTERS, word_spans

# Function words of English news: overlap in these says little about shared content. Of other languages
# only the single-character function words of Chinese and Japanese are added (below).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "but",
        "nor",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "him",
        "them",
        "us",
        "said",
        "says",
        "say",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "do",
        "does",
        "did",
        "not",
        "no",
        "so",
        "than",
        "then",
        "there",
        "here",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "also",
        "into",
        "over",
        "after",
        "before",
        "about",
        "up",
        "out",
    ]
)
# Chinese and Japanese are tokenised one character per word (segment.word_spans), so their grammar comes
# through as "words" too: hiragana are mostly particles and inflections (の が は を た), and these Chinese
# characters are function words or pronouns. Counted as content, they made two unrelated Japanese articles
# share 48% of their "content words" and look like the same story.
_HIRAGANA = "".join(map(chr, range(0x3041, 0x3097))) + "\u309d\u309e"
_CHINESE_FUNCTION_CHARACTERS = (
    "的了是在和也有这那就都而与及等我他她们个一不为以于对中上下来到说将被把从之其"
    "這個們為於對來說將從與"  # the same in traditional characters
)
STOPWORDS |= frozenset(_HIRAGANA + _CHINESE_FUNCTION_CHARACTERS)
_DIGIT = regex.compile(r"\p{Nd}")
_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "…": "..."}
    | dict.fromkeys("–—―‒−", "-")
    # An exact copy that carries invisible characters is still the same wording.
    | dict.fromkeys(INVISIBLE_CHARACTERS, None)
)
# What a copy changes without changing a word: "--" typed for a dash, and Markdown's emphasis, heading,
# quote and list marks ("**Monday**", "# Title", "> quote", "- item"), which a post keeps or drops. A
# mark before a figure is a sign ("- 3 points", "> 50 people") and stays.
_TYPED_DASH = regex.compile(r"-{2,}")
_MARKDOWN = regex.compile(
    r"(?<![\w*_])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*_])|^(?:#{1,6}|>|[-*+])\s+(?!\d)"
)
# French sets a space (often a no-break or narrow no-break one) before ! ? : ; » › and after « ‹, where
# English and many copies set none: "sceptiques !" and "sceptiques!" are the same wording. German uses
# the same marks the other way round ("sagte »Wir bleiben« und"): a » that opens (a word right after it)
# and a « that closes (right after a word) keep their word spaces.
_SPACE_AROUND_FRENCH_PUNCTUATION = regex.compile(
    r"\s+(?=[!?:;]|[\u00bb\u203a](?!\w))|(?<=(?:^|\s)[\u00ab\u2039])\s+"
)

_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE_CHARACTERS, None))

FEATURES = (
    "cosine",
    "jaccard",
    "containment_min",
    "containment_max",
    "content_jaccard",
    "bigram_jaccard",
    "length_ratio",
    "word_edit_similarity",
    "char_ratio",
    "token_set_ratio",
    "token_sort_ratio",
)
LEXICAL_FEATURES = FEATURES[1:]


def normalize(text: str) -> str:
    """Case-folded text with typographic quotes, dashes and ellipses made plain, Markdown marks left out
    and whitespace collapsed (and dropped before ! ? : ; » › and after « ‹, as French spacing sets it):
    two texts equal under it have the same wording."""
    plain = (
        _MARKDOWN.sub("", text.strip()) if "*" in text or "_" in text or text.lstrip()[:1] in "#>-+" else text
    )
    plain = _SPACE_AROUND_FRENCH_PUNCTUATION.sub("", plain)
    return " ".join(_TYPED_DASH.sub("-", plain.translate(_QUOTES)).casefold().split())


def fold_token(token: str) -> str:
    """``normalize`` for one word or punctuation token (as the word diff splits text): quotes, dashes and
    ellipses made plain and case folded; the whole-text steps (Markdown marks, typed dashes, spaces)
    cannot apply to a single token, and this runs for every token of every edited passage."""
    return token.translate(_QUOTES).casefold()


def words(text: str) -> list[str]:
    """Case-folded word tokens (any script)."""
    folded = text.casefold().translate(_INVISIBLE)
    return [folded[start:end].replace("’", "'") for start, end in word_spans(folded)]


@dataclass(slots=True)
class SentenceFeatures:
    """What the scorer needs of one sentence, computed once and reused for every pair it is in."""

    text: str
    normalized: str
    words: list[str]
    word_set: frozenset[str]
    content: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> SentenceFeatures:
        tokens = words(text)
        word_set = frozenset(tokens)
        return cls(
            text=text,
            normalized=normalize(text),
            words=tokens,
            word_set=word_set,
            content=word_set - STOPWORDS,
            bigrams=frozenset(zip(tokens, tokens[1:], strict=False)),
            numbers=frozenset(w for w in word_set if _DIGIT.search(w)),
        )

    @classmethod
    def joined(cls, first: SentenceFeatures, second: SentenceFeatures) -> SentenceFeatures:
        """The features of ``first.text + " " + second.text``, from the two parts without re-reading them.

        Equal to ``of`` on the joined text (a space never joins two word tokens), at a fraction of the
        cost: the aligner tries ~100 joins per article pair.
        """
        tokens = first.words + second.words
        bridge = {(first.words[-1], second.words[0])} if first.words and second.words else set()
        return cls(
            text=first.text + " " + second.text,
            normalized=" ".join(part for part in (first.normalized, second.normalized) if part),
            words=tokens,
            word_set=first.word_set | second.word_set,
            content=first.content | second.content,
            bigrams=first.bigrams | second.bigrams | bridge,
            numbers=first.numbers | second.numbers,
        )


def _overlap(a: frozenset, b: frozenset) -> tuple[int, float]:
    """Size of the intersection and the Jaccard similarity.

    |a ∪ b| comes from the intersection: building the union sets made pair_features, which runs ~1,000
    times per article pair, 30% slower (11.6 µs against 8.9 µs a call on pair d of bench_speed.py).
    """
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared, (shared / union if union else 0.0)


def pair_features(a: SentenceFeatures, b: SentenceFeatures, cosine: float = 0.0) -> list[float]:
    """The feature vector of FEATURES for one pair (``cosine`` is 0 on the lexical path)."""
    shared, word_jaccard = _overlap(a.word_set, b.word_set)
    containment_a = shared / len(a.word_set) if a.word_set else 0.0
    containment_b = shared / len(b.word_set) if b.word_set else 0.0
    return [
        cosine,
        word_jaccard,
        min(containment_a, containment_b),
        max(containment_a, containment_b),
        _overlap(a.content, b.content)[1],
        _overlap(a.bigrams, b.bigrams)[1],
        min(len(a.words), len(b.words)) / max(len(a.words), len(b.words), 1),
        Indel.normalized_similarity(a.words, b.words),
        fuzz.ratio(a.normalized, b.normalized) / 100.0,
        fuzz.token_set_ratio(a.normalized, b.normalized) / 100.0,
        fuzz.token_sort_ratio(a.normalized, b.normalized) / 100.0,
    ]


def word_edit_similarity(a: SentenceFeatures, b: SentenceFeatures) -> float:
    """Share of words kept in order (Indel similarity over word sequences): 1.0 for the same wording."""
    return Indel.normalized_similarity(a.words, b.words)


@dataclass(frozen=True, slots=True)
class PairScorer:
    """Logistic model over pair features: ``probability(features) -> P(same content)``."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float

    def probability(self, rows: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
        matrix = np.asarray(rows, dtype=np.float64)
        if matrix.size == 0:
            return np.zeros(0)
        if matrix.shape[1] != len(self.features):  # lexical scorer: drop the cosine column
            matrix = matrix[:, 1:]
        z = ((matrix - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=2)
def load_scorer(semantic: bool) -> PairScorer:
    """The calibrated scorer (with or without the embedding cosine)."""
    data = json.loads(resources.files("retold.data").joinpath("sentence_pair_scorer.json").read_text())
    entry = data["semantic" if semantic else "lexical"]
    return PairScorer(
        features=tuple(entry["features"]),
        weights=np.array(entry["weights"]),
        bias=float(entry["bias"]),
        mean=np.array(entry["mean"]),
        scale=np.array(entry["scale"]),
        threshold=float(entry["threshold"]),
    )


@dataclass(frozen=True, slots=True)
class DocumentEvidence:
    """Document-level signs that the derived text was written from the source, whatever the sentences say.

    ``containment``: share of the derived text's content-word tokens that occur in the source;
    ``bigram_containment``: share of its distinct word bigrams that occur in the source (the classic
    n-gram containment of reuse detection); ``mean_best_cosine``: the mean, over derived sentences, of the
    cosine to their most similar source sentence (0 on the lexical path). A summary or an AI rewrite keeps
    the source's specific vocabulary and each of its sentences has a close source sentence, even where no
    sentence pair is a full paraphrase; a text written from the headline alone does not.

    ``body_containment`` and ``body_bigram_containment`` are the same two shares with the words of both
    headlines left out (equal to them when no title is known). The document model reads these: a text
    written from the headline alone shares the headline's words with the source by construction, so they
    say nothing about whether the body was taken. Counted in, they made 3 of the 200 title-only
    generations of the AI-rephrased set, and 14 of the 200 ordered pairs of sibling generations, look
    derived on this evidence alone.
    """

    containment: float
    bigram_containment: float
    mean_best_cosine: float = 0.0
    body_containment: float | None = None  # None: the same as containment (no headlines)
    body_bigram_containment: float | None = None
    derived_content_words: int | None = None  # how many content words the shares are of (None: unknown)

    def to_dict(self) -> dict[str, float]:
        body = self.containment if self.body_containment is None else self.body_containment
        body_bigrams = (
            self.bigram_containment if self.body_bigram_containment is None else self.body_bigram_containment
        )
        return {
            "containment": round(self.containment, 4),
            "bigram_containment": round(self.bigram_containment, 4),
            "mean_best_cosine": round(self.mean_best_cosine, 4),
            "body_containment": round(body, 4),
            "body_bigram_containment": round(body_bigrams, 4),
        } | (
            {}
            if self.derived_content_words is None
            else {"derived_content_words": self.derived_content_words}
        )


def document_evidence(
    source_sentences: Sequence[str],
    derived_sentences: Sequence[str],
    best_cosines: Sequence[float] | None = None,
    headlines: Sequence[str] = (),
) -> DocumentEvidence:
    """DocumentEvidence of a pair from its sentence texts and, on the semantic path, best cosines.

    ``headlines``: the titles of both articles, where known (see DocumentEvidence for their use).
    """
    source_words = [words(s) for s in source_sentences]
    derived_words = [words(s) for s in derived_sentences]
    source_vocabulary = {w for ws in source_words for w in ws if w not in STOPWORDS}
    source_bigrams = {pair for ws in source_words for pair in zip(ws, ws[1:], strict=False)}
    derived_bigrams = {pair for ws in derived_words for pair in zip(ws, ws[1:], strict=False)}
    derived_content = [w for ws in derived_words for w in ws if w not in STOPWORDS]
    containment = _share_in(derived_content, source_vocabulary)
    bigram_containment = _share_in(derived_bigrams, source_bigrams)
    headline_words = {w for title in headlines for w in words(title)}
    body_containment = body_bigram_containment = None
    if headline_words:
        body_containment = _share_in(
            [w for w in derived_content if w not in headline_words], source_vocabulary
        )
        body_bigram_containment = _share_in(
            [p for p in derived_bigrams if not (p[0] in headline_words and p[1] in headline_words)],
            source_bigrams,
        )
    mean_best = float(np.mean(best_cosines)) if best_cosines is not None and len(best_cosines) else 0.0
    return DocumentEvidence(
        containment,
        bigram_containment,
        mean_best,
        body_containment,
        body_bigram_containment,
        len(derived_content),
    )


def _share_in(items: Iterable[Any], reference: set[Any] | frozenset[Any]) -> float:
    items = list(items)
    return sum(1 for item in items if item in reference) / len(items) if items else 0.0
