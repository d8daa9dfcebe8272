"""The one entry point for a pair of articles: ``compare(source, derived) -> Comparison``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from retold.article import Article
from retold.errors import EmptyInputError, InputError, ModelUnavailableError

if TYPE_CHECKING:
    from retold.align import Passage
    from retold.segment import Sentence
    from retold.similarity import SentenceFeatures
    from retold.verdict import Verdict


@dataclass(slots=True)
class Comparison:
    """Everything retold found about one (source, derived) pair.

    ``passages`` cover every sentence of both texts exactly once. ``facts`` is filled by the facts stage
    (quotes, entities, numbers, attributions) or left ``None`` when it was not run. ``notes`` are sentences
    for people, e.g. that the lexical path was used because the language is not covered by the model.
    """

    source: Article
    derived: Article
    verdict: Verdict
    passages: list[Passage]
    method: str = "semantic"
    notes: list[str] = field(default_factory=list)
    facts: Any = None
    id: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (docs/json-schema.md)."""
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source.metadata(),
            "derived": self.derived.metadata(),
            "verdict": self.verdict.to_dict(),
            "method": self.method,
            "notes": list(self.notes),
            "passages": [p.to_dict() for p in self.passages],
        }
        if self.facts is not None:
            data["facts"] = self.facts.to_dict()
        return data


# A single article larger than this is refused with a clear error: news articles run to ~60 KB
# (10,000 words); 5 MB is 80 long articles. Beyond it, embedding every sentence takes minutes and the
# job is a collection job (`retold index`), not a pair comparison.
# Quick reject (Comparer._far_apart): two articles go the lexical way, without encoding every sentence,
# when no two sentences share more than 2 content words and the best cosine between their first 4
# sentences is under 0.4. Set on the calibration data (Clough tasks a-b, AI-rephrased h000-h049): no
# pair there passes both tests, and over all 400 AI-set pairs and 95 Clough pairs the only one that
# would is a title-only generation (g099, lead cosine 0.46), kept out by the 0.4. Two unrelated
# 1,000-word BBC articles (benchmarks/bench_speed.py pair b) share at most 2 words per sentence pair and
# their leads 0.35; the lexical path gives them the same verdict (unrelated) in 0.03 s, not 0.3 s.
# Short articles (under 8 sentences a side) are always read whole: MRPC's single sentences never pass.
QUICK_REJECT_MAX_SHARED_WORDS = 2
QUICK_REJECT_LEAD = 4
QUICK_REJECT_MAX_LEAD_COSINE = 0.4
QUICK_REJECT_MIN_SENTENCES = 8
MAX_ARTICLE_CHARS = 5_000_000


def _credit_lines(article: Article) -> list[str]:
    """Datelines, bylines and credit lines: where an article names the outlet it took a report from."""
    return [b.span.text for b in article.boilerplate if b.kind in ("dateline", "byline", "credit")]


def _as_article(value: Article | str, role: str) -> Article:
    if isinstance(value, Article):
        return value
    if isinstance(value, str):
        from retold.read import article_from_text

        return article_from_text(value, id=role)
    raise TypeError(f"compare() takes an Article or a str as the {role}, not {type(value).__name__}")


class Comparer:
    """Compares pairs of articles, keeping the embedding model (and spaCy) loaded between pairs.

    Args:
        lexical_only: never load the embedding model; align on wording alone.
        facts: run the facts stage (quotes, entities, numbers, attributions).
        verify: let the sentence-pair cross-encoder judge the sentence pairs the feature scorer is unsure
            of (semantic path only). Off by default: it decides borderline sentence pairs better (MRPC
            test F1 0.853 against 0.838 in the aligner) but links more same-topic sentences, and the verdict thresholds
            are calibrated without it (with it, Clough & Stevenson F1 fell from 0.964 to 0.930: four
            independent answers judged partially derived). See docs/benchmarks.md.
    """

    def __init__(self, *, lexical_only: bool = False, facts: bool = True, verify: bool = False) -> None:
        self.lexical_only = lexical_only
        self.facts = facts
        self.verify = verify
        self._encoder: Any = None
        self._verifier: Any = None

    def _load_verifier(self) -> Any:
        if self._verifier is None:
            from retold.pairclass import load_pair_classifier

            self._verifier = load_pair_classifier()
        return self._verifier

    def _load_encoder(self) -> Any:
        if self._encoder is None:
            from retold.embed import load_encoder

            self._encoder = load_encoder()
        return self._encoder

    def compare(self, source: Article | str, derived: Article | str, *, id: Any = None) -> Comparison:
        """Align ``derived`` to ``source``, label every passage, and give the verdict."""
        from retold.align import align_passages
        from retold.embed import covers_language
        from retold.segment import detect_language, has_content, split_sentences
        from retold.similarity import SentenceFeatures, document_evidence, load_scorer
        from retold.verdict import content_size, credited_direction, judge

        source_article = _as_article(source, "source")
        derived_article = _as_article(derived, "derived")
        for article, role in ((source_article, "source"), (derived_article, "derived")):
            if len(article.text) > MAX_ARTICLE_CHARS:
                raise InputError(
                    f"{article.id or role}: {len(article.text):,} characters is too long for one article "
                    f"(limit {MAX_ARTICLE_CHARS:,}); split it, or index it as a collection with `retold index`"
                )
            if article.language is None:
                article.language = detect_language(article.text[:20_000])
        source_sentences = split_sentences(source_article)
        derived_sentences = split_sentences(derived_article)
        for sentences, article, role in (
            (source_sentences, source_article, "source"),
            (derived_sentences, derived_article, "derived"),
        ):
            if not sentences:
                raise EmptyInputError(
                    f"{article.id or role}: no article text to compare (only headers or boilerplate)"
                )
            if not has_content(article):
                raise EmptyInputError(
                    f"{article.id or role}: no words to compare (only punctuation or symbols)"
                )

        notes: list[str] = []
        semantic = not self.lexical_only
        if semantic:
            uncovered = [
                f"{role} ({a.language or 'unknown language'})"
                for role, a in (("source", source_article), ("derived", derived_article))
                if not covers_language(a.language)
            ]
            if uncovered:
                semantic = False
                notes.append(
                    "lexical alignment only: the embedding model covers English, not the "
                    + " and ".join(uncovered)
                )
        else:
            notes.append("lexical alignment only (--lexical-only)")

        source_features = [SentenceFeatures.of(s.text) for s in source_sentences]
        derived_features = [SentenceFeatures.of(s.text) for s in derived_sentences]
        if semantic:
            far_apart = self._far_apart(
                source_sentences, derived_sentences, source_features, derived_features
            )
            if far_apart is not None:
                semantic = False
                notes.append(
                    "lexical alignment only: no two sentences share more than "
                    f"{QUICK_REJECT_MAX_SHARED_WORDS} content words and the opening sentences are far "
                    f"apart in meaning (best cosine {far_apart:.2f}), so the model did not read the rest"
                )
        source_embeddings = derived_embeddings = None
        if semantic:
            source_embeddings, derived_embeddings = self._embed(
                source_sentences, derived_sentences, source_features, derived_features
            )
            similarity = _centroid_cosine(source_embeddings, derived_embeddings)
        else:
            similarity = _word_cosine(source_sentences, derived_sentences)

        best_cosines = None
        if source_embeddings is not None and derived_embeddings is not None:
            best_cosines = _best_cosines(source_embeddings, derived_embeddings)
        document = document_evidence(
            [s.text for s in source_sentences],
            [s.text for s in derived_sentences],
            best_cosines,
            headlines=[a.title for a in (source_article, derived_article) if a.title],
        )
        passages = align_passages(
            source_article,
            source_sentences,
            derived_article,
            derived_sentences,
            load_scorer(semantic),
            source_embeddings,
            derived_embeddings,
            source_features=source_features,
            derived_features=derived_features,
            lexical_scorer=load_scorer(False),
            verifier=self._load_verifier() if semantic and self.verify else None,
        )
        verdict = judge(
            passages,
            source_chars=sum(content_size(s.text) for s in source_sentences),
            derived_chars=sum(content_size(s.text) for s in derived_sentences),
            similarity=similarity,
            document=document,
            semantic=semantic,
            source_date=source_article.date,
            derived_date=derived_article.date,
            credit=credited_direction(
                source_article.outlet,
                _credit_lines(source_article),
                derived_article.outlet,
                _credit_lines(derived_article),
            ),
        )
        comparison = Comparison(
            source=source_article,
            derived=derived_article,
            verdict=verdict,
            passages=passages,
            method="semantic" if semantic else "lexical",
            notes=notes,
            id=id,
        )
        if self.facts and verdict.label == "unrelated":
            # Nothing to diff between two different stories; spaCy would read ~2,000 words for nothing.
            notes.append("facts not compared: the articles are unrelated")
        elif self.facts:
            comparison.facts = self._facts(source_article, derived_article, passages, notes)
        return comparison

    def _far_apart(
        self,
        source_sentences: list[Sentence],
        derived_sentences: list[Sentence],
        source_features: list[SentenceFeatures],
        derived_features: list[SentenceFeatures],
    ) -> float | None:
        """The best cosine between the two leads when the articles are plainly about different things.

        Encoding every sentence is most of a comparison's cost, and two unrelated articles have the
        most sentences to encode and nothing to align. When no source sentence shares more than
        QUICK_REJECT_MAX_SHARED_WORDS content words with any derived sentence (so nothing can align
        by wording) and the first QUICK_REJECT_LEAD sentences of each side are far apart in meaning,
        the pair goes the lexical way. Returns None (read everything) otherwise.
        """
        if min(len(source_sentences), len(derived_sentences)) < QUICK_REJECT_MIN_SENTENCES:
            return None
        sharing: dict[str, list[int]] = {}
        for index, features in enumerate(source_features):
            for word in features.content:
                sharing.setdefault(word, []).append(index)
        for features in derived_features:
            counts: dict[int, int] = {}
            for word in features.content:
                for index in sharing.get(word, ()):
                    counts[index] = counts.get(index, 0) + 1
            if counts and max(counts.values()) > QUICK_REJECT_MAX_SHARED_WORDS:
                return None
        encoder = self._load_encoder()
        leads = encoder.encode(
            [s.text for s in source_sentences[:QUICK_REJECT_LEAD]]
            + [s.text for s in derived_sentences[:QUICK_REJECT_LEAD]]
        )
        best = float((leads[:QUICK_REJECT_LEAD] @ leads[QUICK_REJECT_LEAD:].T).max())
        return best if best < QUICK_REJECT_MAX_LEAD_COSINE else None

    def _embed(
        self,
        source_sentences: list[Sentence],
        derived_sentences: list[Sentence],
        source_features: list[SentenceFeatures],
        derived_features: list[SentenceFeatures],
    ) -> tuple[Any, Any]:
        """Sentence embeddings of both sides; sentences settled by their wording are left as zero rows.

        The model is most of the cost of a comparison; a sentence with a (near-)identical counterpart
        will be verbatim or edited whatever it says (``align.settled_by_wording``), so a light copy
        costs almost no encoding.
        """
        import numpy as np

        from retold.align import settled_by_wording

        settled_source, settled_derived = settled_by_wording(source_features, derived_features)
        texts = [s.text for i, s in enumerate(source_sentences) if i not in settled_source]
        texts += [s.text for j, s in enumerate(derived_sentences) if j not in settled_derived]
        encoder = self._load_encoder()
        encoded = iter(encoder.encode(texts) if texts else [])

        def fill(sentences: list[Sentence], settled: set[int]) -> Any:
            rows = np.zeros((len(sentences), encoder.dimensions), dtype=np.float32)
            for index in range(len(sentences)):
                if index not in settled:
                    rows[index] = next(encoded)
            return rows

        source_rows = fill(source_sentences, settled_source)
        return source_rows, fill(derived_sentences, settled_derived)

    def _facts(self, source: Article, derived: Article, passages: list[Passage], notes: list[str]) -> Any:
        from retold.factdiff import compare_facts

        language = source.language if source.language == derived.language else None
        try:
            return compare_facts(source, derived, passages, language=language)
        except ModelUnavailableError as error:
            notes.append(f"facts not compared: {error}")
            return None


def _best_cosines(source_embeddings: Any, derived_embeddings: Any) -> list[float]:
    """Per derived sentence, the cosine to its closest source sentence; 1.0 for a sentence left
    unencoded because its wording settled it (a verbatim or near-verbatim counterpart)."""
    import numpy as np

    encoded_source = source_embeddings[np.any(source_embeddings != 0, axis=1)]
    best = []
    for row in derived_embeddings:
        if not np.any(row):
            best.append(1.0)
        elif len(encoded_source):
            best.append(float((encoded_source @ row).max()))
        else:
            best.append(0.0)
    return best


def _centroid_cosine(a: Any, b: Any) -> float:
    """Cosine of the mean sentence embeddings; rows left at zero (sentences with an identical
    counterpart, not encoded) are skipped, and a side made only of such sentences counts as identical."""
    import numpy as np

    a, b = a[np.any(a != 0, axis=1)], b[np.any(b != 0, axis=1)]
    if not len(a) or not len(b):
        return 1.0
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    denominator = float(np.linalg.norm(ca) * np.linalg.norm(cb))
    return float(ca @ cb) / denominator if denominator else 0.0


def _word_cosine(source_sentences: Any, derived_sentences: Any) -> float:
    from collections import Counter
    from math import sqrt

    from retold.similarity import STOPWORDS, words

    def bag(sentences: Any) -> Counter[str]:
        return Counter(w for s in sentences for w in words(s.text) if w not in STOPWORDS)

    a, b = bag(source_sentences), bag(derived_sentences)
    dot = sum(count * b[word] for word, count in a.items())
    norm = sqrt(sum(v * v for v in a.values())) * sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


_shared: dict[tuple[bool, bool, bool], Comparer] = {}


def compare(
    source: Article | str,
    derived: Article | str,
    *,
    lexical_only: bool = False,
    facts: bool = True,
    verify: bool = False,
) -> Comparison:
    """Compare two articles: is ``derived`` a copy or rewrite of ``source``, passage by passage?

    Both may be ``Article`` objects (see ``retold.read_article``) or plain strings. The model is loaded
    once per process and reused.

        >>> retold.compare(open("wire.txt").read(), open("copy.txt").read()).verdict.label
        'wholly_derived'
    """
    key = (lexical_only, facts, verify)
    if key not in _shared:
        _shared[key] = Comparer(lexical_only=lexical_only, facts=facts, verify=verify)
    return _shared[key].compare(source, derived)
