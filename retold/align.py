"""Alignment: which sentences of the derived text come from which sentences of the source.

Many-to-many and order-independent. Every sentence pair that could match (top candidates by embedding
cosine and by shared content words, from both sides) is scored by the calibrated pair scorer
(``retold.similarity``). Each sentence links to its best counterpart when that pair passes the scorer's
threshold, from both sides, and a derived sentence that is a fragment of a longer source sentence (or
the reverse) links to it by word containment: a split gives one source sentence two derived partners, a
merge the reverse. The connected groups of linked sentences are the aligned passages, labelled by how
much wording they keep (verbatim / edited / paraphrased). Sentences left alone are ``added`` (derived)
or ``dropped`` (source). So every sentence of both texts lies in exactly one passage.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import regex

from retold.article import Article, Span
from retold.segment import INVISIBLE_CHARACTERS, UNSPACED_SCRIPTS, Sentence, has_unspaced
from retold.similarity import (
    PairScorer,
    SentenceFeatures,
    fold_token,
    pair_features,
    word_edit_similarity,
)

PassageLabel = Literal["verbatim", "edited", "paraphrased", "added", "dropped"]
ALIGNED_LABELS: tuple[PassageLabel, ...] = ("verbatim", "edited", "paraphrased")


@dataclass(slots=True)
class Passage:
    """A group of source sentences and derived sentences that carry the same content.

    ``added`` passages have no source spans, ``dropped`` ones no derived spans. ``diff`` is the
    word-level diff (source → derived) for ``edited`` passages: a list of ``(op, text)`` with op in
    ``equal``, ``delete`` (only in the source) and ``insert`` (only in the derived text).
    """

    label: PassageLabel
    score: float
    source: list[Span] = field(default_factory=list)
    derived: list[Span] = field(default_factory=list)
    diff: list[tuple[str, str]] | None = None
    id: int = 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "score": round(float(self.score), 4),
            "source": [s.to_dict() for s in self.source],
            "derived": [s.to_dict() for s in self.derived],
        }
        if self.diff is not None:
            data["diff"] = [{"op": op, "text": text} for op, text in self.diff]
        return data


# How many counterparts per sentence are scored, by each kind of evidence. Splits and merges rarely
# involve more than 2-3 sentences, and the scorer is the expensive step; 4 + 4 found every gold
# link on the bundled examples and the Clough & Stevenson 'cut'/'light' answers.
CANDIDATES_BY_COSINE = 4
CANDIDATES_BY_WORDS = 4
# A fragment link: at least this share of a short sentence's content words appear in the longer one,
# and at least FRAGMENT_MIN_WORDS of them. 0.8 keeps an edited fragment ("the dam, built in 1962, ...")
# while a sentence that merely shares the story's names (typically 30-50% here) stays out.
FRAGMENT_CONTAINMENT = 0.8
FRAGMENT_MIN_WORDS = 4
# ... and it is a fragment only when clearly shorter, as half of a split sentence is. Without this, a
# sentence and the same sentence with a clause added ("..., adding that talks would resume") linked as
# a fragment: the commonest kind of MRPC negative.
FRAGMENT_MAX_LENGTH_RATIO = 0.7
# A passage is "edited" (same wording with small changes) when at least this share of its words are kept
# in order (Indel similarity over word sequences). Below it the wording is the rewriter's own:
# "paraphrased". 0.6 separates Clough & Stevenson 'light' from 'heavy' revisions best at sentence level
# on the calibration tasks (a, b), see docs/benchmarks.md.
EDITED_MIN_SIMILARITY = 0.6
# A sentence left unlinked is tried against each of its best few candidates joined with a neighbour: the
# best-scoring single candidate is often a look-alike sentence elsewhere (the same figure or place),
# not the half of the split; 3 found the splits of the bundled rewrite.
SPLIT_CENTRES = 3
# A sentence keeping this share of its words in order with a lexical candidate is settled by its wording
# (it will be verbatim or edited) and is not encoded: the model is most of the cost of a comparison and
# adds nothing there. 0.8 is above EDITED_MIN_SIMILARITY with a margin, so a settled pair is never one
# the model would have had to judge.
SETTLED_BY_WORDING = 0.8
# The band of feature-scorer probabilities where the cross-encoder (retold.pairclass) decides instead:
# chosen on the MRPC dev split carved from train (benchmarks/stack_pair_decision.py; dev F1 0.870 vs
# 0.824 for the feature scorer alone; 59% of dev pairs fell in the band). Outside it the feature scorer
# is confident enough.
VERIFY_LOW = 0.17
VERIFY_HIGH = 0.84
# A sentence text or content word found in more sentences than this is looked up only in the ones nearest
# in relative position (_nearest_in_order). News articles stay far under it (a word in 64 sentences of
# one article is rare), so their candidates are the same; it bounds the work on texts that repeat.
MAX_POSTINGS = 64
# ... and a sentence repeated word for word (a line of page furniture, a refrain) is paired with this many
# of its copies on the other side, the nearest in position: repeats pair up in order.
SAME_TEXT_CANDIDATES = 4
# A group larger than this on either side is a chain of look-alike sentences (lists, repeated
# boilerplate), not one rewrite: it is cut back to its mutual-best links.
MAX_GROUP_SIDE = 6

# A word, or one visible character; invisible ones (zero-width space, word joiner, BOM, soft hyphen) are
# no token, so a copy that carries them diffs as equal (they stay in the pieces' text). In scripts written
# without spaces each character is a word, as in segment.word_spans: as one run, a changed figure in a
# Chinese clause marked the whole clause.
_WORD_CHARACTER = rf"[[\p{{L}}\p{{M}}\p{{N}}]--[{UNSPACED_SCRIPTS}]]"
_TOKEN = regex.compile(
    rf"[{UNSPACED_SCRIPTS}]\p{{M}}*|{_WORD_CHARACTER}+(?:['’.,]{_WORD_CHARACTER}+)*|[^\s{INVISIBLE_CHARACTERS}]",
    regex.VERSION1,
)
# The same tokens for text with no character of those scripts, at a third of the cost (the set
# difference is the slow part, and most edited passages are such text).
_SPACED_TOKEN = regex.compile(
    rf"[\p{{L}}\p{{M}}\p{{N}}]+(?:['’.,][\p{{L}}\p{{M}}\p{{N}}]+)*|[^\s{INVISIBLE_CHARACTERS}]"
)


@dataclass(slots=True)
class AlignmentInput:
    """The sentences of one side and what the scorer needs of them."""

    sentences: Sequence[Sentence]
    features: list[SentenceFeatures]
    embeddings: np.ndarray | None

    @classmethod
    def of(cls, sentences: Sequence[Sentence], embeddings: np.ndarray | None) -> AlignmentInput:
        return cls(sentences, [SentenceFeatures.of(s.text) for s in sentences], embeddings)


def settled_by_wording(
    source: Sequence[SentenceFeatures], derived: Sequence[SentenceFeatures]
) -> tuple[set[int], set[int]]:
    """Sentences whose wording alone settles their alignment, so the embedding model need not read them.

    A sentence is settled when a lexical candidate on the other side keeps at least
    SETTLED_BY_WORDING of its words in order: that pair will be verbatim or edited whatever the model
    says. Returns (settled source indices, settled derived indices).
    """
    src = AlignmentInput([], list(source), None)
    der = AlignmentInput([], list(derived), None)
    settled_source: set[int] = set()
    settled_derived: set[int] = set()
    for i, j in _candidate_pairs(src, der, len(source), len(derived)):
        if i in settled_source and j in settled_derived:
            continue
        if source[i].normalized == derived[j].normalized or (
            word_edit_similarity(source[i], derived[j]) >= SETTLED_BY_WORDING
        ):
            settled_source.add(i)
            settled_derived.add(j)
    return settled_source, settled_derived


def _candidate_pairs(source: AlignmentInput, derived: AlignmentInput, n: int, m: int) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    if source.embeddings is not None and derived.embeddings is not None and n and m:
        cosine = derived.embeddings @ source.embeddings.T  # (m, n)
        k = min(CANDIDATES_BY_COSINE, n)
        for j, row in enumerate(cosine):
            for i in np.argpartition(-row, k - 1)[:k]:
                pairs.add((int(i), j))
        k = min(CANDIDATES_BY_COSINE, m)
        for i, column in enumerate(cosine.T):
            for j in np.argpartition(-column, k - 1)[:k]:
                pairs.add((i, int(j)))
    # Same wording (after case and quote folding): always a candidate, even without content words.
    by_text: dict[str, list[int]] = {}
    for i, features in enumerate(source.features):
        by_text.setdefault(features.normalized, []).append(i)
    for j, features in enumerate(derived.features):
        same = by_text.get(features.normalized, [])
        for i in _nearest_in_order(same, j * n / max(m, 1), SAME_TEXT_CANDIDATES):
            pairs.add((i, j))
    # Shared content words, through an inverted index (never all pairs).
    postings: dict[str, list[int]] = {}
    for i, features in enumerate(source.features):
        for word in features.content:
            postings.setdefault(word, []).append(i)
    by_source: dict[int, list[tuple[int, int]]] = {}
    for j, features in enumerate(derived.features):
        counts: dict[int, int] = {}
        for word in features.content:
            for i in _nearest_in_order(postings.get(word, []), j * n / max(m, 1)):
                counts[i] = counts.get(i, 0) + 1
        best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES_BY_WORDS]
        for i, shared in best:
            pairs.add((i, j))
            by_source.setdefault(i, []).append((shared, j))
    for i, hits in by_source.items():
        for _, j in sorted(hits, key=lambda item: (-item[0], item[1]))[:CANDIDATES_BY_WORDS]:
            pairs.add((i, j))
    return pairs


def _nearest_in_order(indices: list[int], position: float, limit: int = MAX_POSTINGS) -> Sequence[int]:
    """``indices`` (ascending), or only the ``limit`` of them nearest ``position`` when there are more.

    A sentence or word that recurs hundreds of times (a long text repeating itself, a list, word salad)
    would otherwise pair every occurrence with every other: quadratic, minutes for a 1 MB text. Among
    equals the aligner prefers the nearest relative position anyway, so the far ones add nothing.
    """
    if len(indices) <= limit:
        return indices
    centre = bisect.bisect_left(indices, position)
    lo = max(0, min(centre - limit // 2, len(indices) - limit))
    return indices[lo : lo + limit]


def _is_fragment(short: SentenceFeatures, long: SentenceFeatures) -> bool:
    if len(short.content) < FRAGMENT_MIN_WORDS or len(short.words) > FRAGMENT_MAX_LENGTH_RATIO * len(
        long.words
    ):
        return False
    return len(short.content & long.content) / len(short.content) >= FRAGMENT_CONTAINMENT


def _components(n: int, m: int, edges: set[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    parent = list(range(n + m))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        parent[find(i)] = find(n + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i, j in sorted(edges):
        root = find(i)
        src, der = groups.setdefault(root, ([], []))
        if i not in src:
            src.append(i)
        if j not in der:
            der.append(j)
    return [(sorted(src), sorted(der)) for src, der in groups.values()]


def _merge_spans(article: Article, sentences: Sequence[Sentence], indices: list[int]) -> list[Span]:
    """Spans of the given sentences; runs of consecutive sentences separated only by whitespace are joined."""
    spans: list[Span] = []
    run_start = run_end = -1
    previous = -2
    for index in indices:
        sentence = sentences[index]
        joinable = (
            index == previous + 1 and run_end >= 0 and not article.text[run_end : sentence.start].strip()
        )
        if joinable:
            run_end = sentence.end
        else:
            if run_end >= 0:
                spans.append(article.span(run_start, run_end))
            run_start, run_end = sentence.start, sentence.end
        previous = index
    if run_end >= 0:
        spans.append(article.span(run_start, run_end))
    return spans


def word_diff(source_text: str, derived_text: str) -> list[tuple[str, str]]:
    """Word-level diff: ``(op, text)`` with op ``equal`` (derived wording), ``delete``, ``insert``.

    Tokens are compared case-folded with typographic quotes made plain; each piece carries the whitespace
    before its first token, so joining equal + insert pieces gives the derived text and equal + delete
    pieces the source text (up to whitespace).
    """
    token = _TOKEN if has_unspaced(source_text, derived_text) else _SPACED_TOKEN
    source_tokens = [(m.start(), m.end()) for m in token.finditer(source_text)]
    derived_tokens = [(m.start(), m.end()) for m in token.finditer(derived_text)]
    source_keys = [fold_token(source_text[a:b]) for a, b in source_tokens]
    derived_keys = [fold_token(derived_text[a:b]) for a, b in derived_tokens]
    matcher = difflib.SequenceMatcher(a=source_keys, b=derived_keys, autojunk=False)

    def piece(text: str, tokens: list[tuple[int, int]], first: int, last: int) -> str:
        # Each token carries the whitespace before it, so a deleted or inserted phrase keeps its space.
        if first >= last:
            return ""
        start = tokens[first - 1][1] if first > 0 else tokens[first][0]
        return text[start : tokens[last - 1][1]]

    diff: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            diff.append(("equal", piece(derived_text, derived_tokens, b1, b2)))
            continue
        if op in ("delete", "replace"):
            diff.append(("delete", piece(source_text, source_tokens, a1, a2)))
        if op in ("insert", "replace"):
            diff.append(("insert", piece(derived_text, derived_tokens, b1, b2)))
    return [(op, text) for op, text in diff if text]


def align_passages(
    source: Article,
    source_sentences: Sequence[Sentence],
    derived: Article,
    derived_sentences: Sequence[Sentence],
    scorer: PairScorer,
    source_embeddings: np.ndarray | None = None,
    derived_embeddings: np.ndarray | None = None,
    *,
    source_features: list[SentenceFeatures] | None = None,
    derived_features: list[SentenceFeatures] | None = None,
    lexical_scorer: PairScorer | None = None,
    verifier: Any = None,
) -> list[Passage]:
    """Align two segmented articles into passages that cover every sentence of both exactly once.

    Embeddings (rows of unit length, one per sentence) add the semantic evidence; without them the
    alignment is lexical and ``scorer`` must be the lexical scorer. A zero row marks a sentence that was
    not encoded (settled by its wording); its pairs are scored by ``lexical_scorer``. ``verifier`` (a
    ``retold.pairclass.PairClassifier``) re-judges the pairs the feature scorer is unsure of.
    """
    src = AlignmentInput(
        source_sentences,
        source_features or [SentenceFeatures.of(s.text) for s in source_sentences],
        source_embeddings,
    )
    der = AlignmentInput(
        derived_sentences,
        derived_features or [SentenceFeatures.of(s.text) for s in derived_sentences],
        derived_embeddings,
    )
    n, m = len(src.sentences), len(der.sentences)

    candidates = sorted(_candidate_pairs(src, der, n, m))
    probability: dict[tuple[int, int], float] = {}
    if candidates:
        semantic_rows, lexical_rows = [], []
        for i, j in candidates:
            cosine = 0.0
            if src.embeddings is not None and der.embeddings is not None:
                a, b = src.embeddings[i], der.embeddings[j]
                if lexical_scorer is not None and not (a.any() and b.any()):
                    lexical_rows.append((i, j, pair_features(src.features[i], der.features[j], 0.0)))
                    continue
                cosine = float(a @ b)
            semantic_rows.append((i, j, pair_features(src.features[i], der.features[j], cosine)))
        for rows, pair_scorer in ((semantic_rows, scorer), (lexical_rows, lexical_scorer)):
            if not rows or pair_scorer is None:
                continue
            scores = pair_scorer.probability([row for _, _, row in rows])
            for (i, j, _), score in zip(rows, scores, strict=True):
                same_words = src.features[i].normalized == der.features[j].normalized
                probability[(i, j)] = 1.0 if same_words else float(score)

    if verifier is not None:
        _verify_decisive_pairs(src, der, probability, scorer, verifier)

    # Best counterpart of each sentence; among equal scores (a repeated sentence, a duplicated line) the
    # one at the nearest relative position, so repeats pair up in order instead of all on the first.
    best_for_derived: dict[int, tuple[float, int]] = {}
    best_for_source: dict[int, tuple[float, int]] = {}
    rank_derived: dict[int, tuple[float, float]] = {}
    rank_source: dict[int, tuple[float, float]] = {}
    for (i, j), p in probability.items():
        rank = (p, -abs(i / max(n, 1) - j / max(m, 1)))
        if j not in rank_derived or rank > rank_derived[j]:
            rank_derived[j], best_for_derived[j] = rank, (p, i)
        if i not in rank_source or rank > rank_source[i]:
            rank_source[i], best_for_source[i] = rank, (p, j)

    edges: set[tuple[int, int]] = set()
    for j, (p, i) in best_for_derived.items():
        if p >= scorer.threshold:
            edges.add((i, j))
    for i, (p, j) in best_for_source.items():
        if p >= scorer.threshold:
            edges.add((i, j))
    # Splits and merges that the scorer and the cross-encoder, both judging whole-sentence equivalence,
    # reject by design: half of a split sentence is not equivalent to the whole, but it is taken from it.
    for i, j in probability:
        if _is_fragment(der.features[j], src.features[i]) or _is_fragment(src.features[i], der.features[j]):
            edges.add((i, j))

    edges |= _split_and_merge_links(src, der, edges, probability, scorer)

    passages: list[Passage] = []
    aligned_source: set[int] = set()
    aligned_derived: set[int] = set()
    for src_ids, der_ids in _components(n, m, edges):
        if len(src_ids) > MAX_GROUP_SIDE or len(der_ids) > MAX_GROUP_SIDE:
            mutual = {
                (i, j)
                for (i, j) in edges
                if i in src_ids
                and best_for_derived.get(j, (0, -1))[1] == i
                and best_for_source.get(i, (0, -1))[1] == j
            }
            groups = _components(n, m, mutual)
        else:
            groups = [(src_ids, der_ids)]
        for group_src, group_der in groups:
            passages.append(_aligned_passage(source, src, group_src, derived, der, group_der, probability))
            aligned_source.update(group_src)
            aligned_derived.update(group_der)

    for j in range(m):
        if j not in aligned_derived:
            score = best_for_derived.get(j, (0.0, -1))[0]
            passages.append(Passage("added", score, [], _merge_spans(derived, der.sentences, [j])))
    for i in range(n):
        if i not in aligned_source:
            score = best_for_source.get(i, (0.0, -1))[0]
            passages.append(Passage("dropped", score, _merge_spans(source, src.sentences, [i]), []))

    def position(passage: Passage) -> tuple[int, int]:
        if passage.derived:
            return (0, passage.derived[0].start)
        return (1, passage.source[0].start)

    passages.sort(key=position)
    for number, passage in enumerate(passages):
        passage.id = number
    return passages


def _verify_decisive_pairs(
    src: AlignmentInput,
    der: AlignmentInput,
    probability: dict[tuple[int, int], float],
    scorer: PairScorer,
    verifier: Any,
) -> set[tuple[int, int]]:
    """Let the cross-encoder decide the pairs that decide links and that the feature scorer is unsure of.

    Only each sentence's best candidate is a deciding pair, and only one whose feature probability lies in
    [VERIFY_LOW, VERIFY_HIGH] is sent on: the cross-encoder runs ~30-60 pairs/s here against thousands for
    the feature scorer. Its verdict is written back on the feature scale (just above or below the
    scorer's threshold) so the linking rules stay as they are. Returns the pairs it rejected.
    """
    best: dict[tuple[str, int], tuple[float, tuple[int, int]]] = {}
    for pair, p in probability.items():
        i, j = pair
        for key in (("s", i), ("d", j)):
            if p > best.get(key, (-1.0, pair))[0]:
                best[key] = (p, pair)
    unsure = sorted(
        {
            pair
            for p, pair in best.values()
            if VERIFY_LOW <= p <= VERIFY_HIGH
            and src.features[pair[0]].normalized != der.features[pair[1]].normalized
        }
    )
    rejected: set[tuple[int, int]] = set()
    if not unsure:
        return rejected
    scores = verifier.score([(src.sentences[i].text, der.sentences[j].text) for i, j in unsure])
    for pair, score in zip(unsure, scores, strict=True):
        if float(score) >= verifier.threshold:
            probability[pair] = max(probability[pair], scorer.threshold)
        else:
            probability[pair] = min(probability[pair], scorer.threshold - 1e-6)
            rejected.add(pair)
    return rejected


def _split_and_merge_links(
    src: AlignmentInput,
    der: AlignmentInput,
    edges: set[tuple[int, int]],
    probability: dict[tuple[int, int], float],
    scorer: PairScorer,
) -> set[tuple[int, int]]:
    """Links for a sentence rewritten as two adjacent sentences on the other side (or two merged into one).

    Each half scores low against the whole (the scorer was fitted on whole-sentence pairs), so a sentence
    left unlinked is tried against its best candidate joined with an unlinked neighbour, as sentence
    aligners do with 1-2 beads. The joined embedding is the length-weighted mean of the two (no extra
    encoding); the lexical features are computed on the joined text.
    """
    linked_source = {i for i, _ in edges}
    linked_derived = {j for _, j in edges}
    added: set[tuple[int, int]] = set()
    ranked: dict[tuple[str, int], list[tuple[float, int]]] = {}
    for (i, j), p in probability.items():
        ranked.setdefault(("s", i), []).append((p, j))
        ranked.setdefault(("d", j), []).append((p, i))
    centres = {
        key: [index for _, index in sorted(options, key=lambda o: (-o[0], o[1]))[:SPLIT_CENTRES]]
        for key, options in ranked.items()
    }

    joined_features: dict[tuple[int, int, int], SentenceFeatures] = {}

    def joined_probabilities(
        one: AlignmentInput, index: int, other: AlignmentInput, pairs: list[tuple[int, int]]
    ) -> np.ndarray:
        rows = []
        for first, second in pairs:
            # The same neighbour pair is tried for many sentences of the other side: join it once.
            key = (id(other), first, second)
            features = joined_features.get(key)
            if features is None:
                features = SentenceFeatures.joined(other.features[first], other.features[second])
                joined_features[key] = features
            cosine = 0.0
            if one.embeddings is not None and other.embeddings is not None:
                weights = (
                    max(len(other.features[first].words), 1),
                    max(len(other.features[second].words), 1),
                )
                vector = other.embeddings[first] * weights[0] + other.embeddings[second] * weights[1]
                norm = float(np.linalg.norm(vector))
                cosine = float(one.embeddings[index] @ vector) / norm if norm else 0.0
            if one is src:
                rows.append(pair_features(one.features[index], features, cosine))
            else:
                rows.append(pair_features(features, one.features[index], cosine))
        return scorer.probability(rows)

    for one, other, key, linked_one, linked_other in (
        (src, der, "s", linked_source, linked_derived),
        (der, src, "d", linked_derived, linked_source),
    ):
        for index in range(len(one.sentences)):
            if index in linked_one or (key, index) not in centres:
                continue
            options = [
                pair
                for centre in centres[(key, index)]
                if centre not in linked_other
                for pair in ((centre - 1, centre), (centre, centre + 1))
                if min(pair) >= 0
                and max(pair) < len(other.sentences)
                and not any(x in linked_other for x in pair)
            ]
            if not options:
                continue
            best: tuple[float, tuple[int, int]] | None = None
            for pair, p in zip(options, joined_probabilities(one, index, other, options), strict=True):
                if p >= scorer.threshold and (best is None or p > best[0]):
                    best = (float(p), pair)
            if best is None:
                continue
            p, pair = best
            for partner in pair:
                link = (index, partner) if key == "s" else (partner, index)
                added.add(link)
                probability[link] = max(probability.get(link, 0.0), p)
                linked_other.add(partner)
            linked_one.add(index)

    # The other half of a split whose first half is already linked: a sentence left alone next to a
    # sentence that is linked to one counterpart is tried together with it against that counterpart.
    # A whole-sentence link or a fragment link often takes one half ("The reservoir had climbed by
    # over two metres" from a sentence that goes on to the storm and the engineer who said so); the
    # loop above only joins sentences that are both unlinked. The join must score above the link it
    # extends: next to a verbatim copy, any added sentence would otherwise ride along on its wording.
    partners: dict[tuple[str, int], set[int]] = {}
    for i, j in edges | added:
        partners.setdefault(("s", i), set()).add(j)
        partners.setdefault(("d", j), set()).add(i)
    for one, other, key, linked_one, _linked_other in (
        (src, der, "s", linked_source, linked_derived),
        (der, src, "d", linked_derived, linked_source),
    ):
        other_key = "d" if key == "s" else "s"
        for index in range(len(one.sentences)):
            if index in linked_one:
                continue
            tries = [
                (counterpart, neighbour)
                for neighbour in (index - 1, index + 1)
                if 0 <= neighbour < len(one.sentences) and len(partners.get((key, neighbour), ())) == 1
                for counterpart in partners[(key, neighbour)]
                if len(partners.get((other_key, counterpart), ())) == 1
            ]
            best_join: tuple[float, int] | None = None
            for counterpart, neighbour in tries:
                pair = (min(index, neighbour), max(index, neighbour))
                (p,) = joined_probabilities(other, counterpart, one, [pair])
                extended = (neighbour, counterpart) if key == "s" else (counterpart, neighbour)
                if (
                    p >= scorer.threshold
                    and p > probability.get(extended, 0.0)
                    and (best_join is None or p > best_join[0])
                ):
                    best_join = (float(p), counterpart)
            if best_join is None:
                continue
            p, counterpart = best_join
            link = (index, counterpart) if key == "s" else (counterpart, index)
            added.add(link)
            probability[link] = max(probability.get(link, 0.0), p)
            linked_one.add(index)
            partners.setdefault((key, index), set()).add(counterpart)
            partners[(other_key, counterpart)].add(index)
    return added


def _repeats(src: AlignmentInput, src_ids: list[int], der: AlignmentInput, der_ids: list[int]) -> bool:
    """One side is one sentence and the other repeats it word for word (a copy that runs a paragraph
    twice): each copy is verbatim, though the two joined are not the one sentence."""
    if len(src_ids) == 1 and len(der_ids) > 1:
        one, many = src.features[src_ids[0]].normalized, [der.features[j].normalized for j in der_ids]
    elif len(der_ids) == 1 and len(src_ids) > 1:
        one, many = der.features[der_ids[0]].normalized, [src.features[i].normalized for i in src_ids]
    else:
        return False
    return all(text == one for text in many)


def _aligned_passage(
    source: Article,
    src: AlignmentInput,
    src_ids: list[int],
    derived: Article,
    der: AlignmentInput,
    der_ids: list[int],
    probability: dict[tuple[int, int], float],
) -> Passage:
    source_text = " ".join(src.sentences[i].text for i in src_ids)
    derived_text = " ".join(der.sentences[j].text for j in der_ids)
    source_features = SentenceFeatures.of(source_text)
    derived_features = SentenceFeatures.of(derived_text)
    inside = [probability[(i, j)] for i in src_ids for j in der_ids if (i, j) in probability]
    score = max(inside) if inside else 0.0
    diff = None
    if source_features.normalized == derived_features.normalized or _repeats(src, src_ids, der, der_ids):
        label: PassageLabel = "verbatim"
        score = 1.0
    elif word_edit_similarity(source_features, derived_features) >= EDITED_MIN_SIMILARITY:
        label = "edited"
        score = max(score, word_edit_similarity(source_features, derived_features))
        diff = word_diff(source_text, derived_text)
        if all(op == "equal" for op, _ in diff):
            # Every character agrees up to case and quote style and only the spacing differs ("U. S." and
            # "U.S."): the same wording. As "edited" its diff had no change to show, and its equal pieces,
            # which carry the derived text, were shown as the source too.
            label, score, diff = "verbatim", 1.0, None
    else:
        label = "paraphrased"
    return Passage(
        label,
        score,
        _merge_spans(source, src.sentences, src_ids),
        _merge_spans(derived, der.sentences, der_ids),
        diff,
    )
