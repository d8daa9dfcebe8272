"""Collections: ``Collection(path).add(...)/find(...)/stories()/pairs()`` over one SQLite store.

The flow of ``add``: read inputs → skip what is stored already (same id, same content hash) → MinHash
signatures and band keys, and lead embeddings when paraphrase search is on (``retold.candidates``) →
store the batch (``retold.store``) → candidates of the new articles among themselves and against the
store → the compare engine on candidate pairs only → pairs stored with their verdicts. Stories are
computed from stored pairs on demand (``retold.stories``), so they always match the store.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retold import candidates as cand
from retold.article import Article, Boilerplate, Span
from retold.errors import EmptyInputError, InputError, ModelUnavailableError, StoreError
from retold.read import EXTENSION_FORMATS
from retold.segment import has_content
from retold.store import PairRow, Store, StoredArticle
from retold.stories import Link, Story, direction_confidence, facts_agreement, group_stories
from retold.verdict import compare_dates

# Extensions read when walking a folder; anything else in a folder is ignored (images, .DS_Store).
# What a folder is searched for: every extension retold.read knows (EXTENSION_FORMATS), CSV and WARC.
ARTICLE_EXTENSIONS = (*EXTENSION_FORMATS, ".csv", ".warc", ".warc.gz")
# Articles stored per transaction. Large enough that the vectorised MinHash and executemany amortise,
# small enough that a killed run loses at most this many reads and peak memory stays low.
BATCH_SIZE = 5000
# Paraphrase candidates: lead embeddings (title + first 60 words) at least this similar. Measured on the
# AI-rephrased news set (benchmarks/bench_collection.py ai): rephrasings score 0.65–0.99 against their
# original (median 0.92), title-only generations 0.54–0.97 (median 0.85), while the closest two different
# originals reach 0.59 (99th percentile 0.34); the compare engine then sorts derived from same_story.
MIN_COSINE = 0.5
# Nearest neighbours examined per article in the embedding index.
EMBED_NEIGHBOURS = 10
# Candidate pairs compared per transaction: a kill loses at most this much compare work.
PAIRS_PER_COMMIT = 500

Progress = Callable[
    [str, int, int | None], None
]  # (stage, advance by, more work announced for the stage or None)


@dataclass(slots=True)
class AddReport:
    """What one ``add`` did."""

    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    compared: int = 0
    restored: int = 0  # ids whose text went back to an earlier stored version (current again, not re-stored)
    skipped: list[str] = field(default_factory=list)  # one sentence per input that could not be read
    notes: list[str] = field(default_factory=list)  # sentences for people about the run


@dataclass(slots=True)
class Match:
    """One article related to the article looked up, as ``find`` ranks them."""

    id: str
    role: str  # "source" (it took from this one), "copy" (this one took from it) or "same_story"
    label: str
    reuse: float
    coverage: float
    confidence: float
    title: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "label": self.label,
            "reuse": round(self.reuse, 4),
            "coverage": round(self.coverage, 4),
            "confidence": round(self.confidence, 4),
            "title": self.title,
            "date": self.date,
        }


def content_hash(article: Article) -> str:
    """The hash that decides "same article again": the text and the title."""
    return hashlib.sha256(f"{article.title or ''}\n{article.text}".encode()).hexdigest()


class Collection:
    """An indexed collection of articles in one SQLite file.

    Args:
        path: the store file (created on first ``add``).
        paraphrase: also search lead embeddings for paraphrase candidates (needs the model; about
            20–50 articles/s on 2 cores), not only MinHash for near-verbatim reuse.
        comparer: anything with ``.compare(source, derived) -> Comparison``; by default
            ``retold.comparison.Comparer``, loaded on first use.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = "retold.db",
        *,
        paraphrase: bool = False,
        comparer: Any = None,
        lock_timeout: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.paraphrase = paraphrase
        self._comparer = comparer
        self._encoder: Any = None
        self._comparers: dict[bool, Any] = {}
        self._lock_timeout = lock_timeout
        self._pool: Executor | None = None

    # ---- add ---------------------------------------------------------------------------------------

    def add(
        self,
        sources: Iterable[Article | str | os.PathLike[str]],
        progress: Progress | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> AddReport:
        """Index articles and files/folders (``.txt .html .json .jsonl .csv .warc``), then compare.

        Idempotent: an article already stored with the same text is skipped; a changed text under a
        stored id becomes a new version linked to the old one, also when the id comes twice in one run.
        Inputs that cannot be read are listed in ``AddReport.skipped`` and the rest goes on.
        ``on_wait(seconds)`` is called if another process is indexing into the same store and this one
        waits for it (at most ``seconds``).
        """
        report = AddReport()
        tick = progress or (lambda stage, n, total: None)
        # id -> an earlier stored version whose text the id's latest record in this run has. Applied at the
        # end of the run, so that replaying a file with T1, T2, T1 under one id changes nothing.
        self._restore: dict[str, int] = {}
        with Store(self.path) as store:
            store.check_lsh_layout()
            if self._lock_timeout is None:
                lock = store.writer_lock(on_wait=on_wait)
            else:
                lock = store.writer_lock(self._lock_timeout, on_wait=on_wait)
            with lock, _worker_pool() as pool:
                self._pool = pool
                self._compare_pending(store, report, tick)  # finish what a killed run left
                batch: list[Article] = []
                batch_ids: set[str | None] = set()
                for item in iter_articles(sources, pool):
                    if isinstance(item, InputError):
                        report.skipped.append(str(item))
                        tick("skipped", 1, None)
                        continue
                    if not has_content(item):
                        report.skipped.append(
                            f"{item.id}: no article text to index (only headers or boilerplate)"
                        )
                        tick("skipped", 1, None)
                        continue
                    if item.id in batch_ids:
                        # An id seen earlier in this run: store what came before it first, so the repeat
                        # is judged against it exactly as in a later run (unchanged, or a new version),
                        # never silently dropped.
                        self._store_batch(store, batch, report, tick)
                        batch, batch_ids = [], set()
                    batch.append(item)
                    batch_ids.add(item.id)
                    if len(batch) >= BATCH_SIZE:
                        self._store_batch(store, batch, report, tick)
                        batch, batch_ids = [], set()
                if batch:
                    self._store_batch(store, batch, report, tick)
                self._restore_earlier_versions(store, report)
                self._compare_pending(store, report, tick)
                self._pool = None
            if self.paraphrase and (missing := store.count_without_embedding()):
                report.notes.append(self._unembedded_note(missing))
        return report

    def _unembedded_note(self, missing: int) -> str:
        return (
            f"{missing} articles in {self.path} were indexed without --paraphrase: they have no lead "
            "embedding and are found by shared wording only; to search them by meaning too, index the "
            "collection into a new store with --paraphrase"
        )

    def unembedded_note(self) -> str | None:
        """What a paraphrase search misses in this store (articles indexed without it), or None."""
        with Store(self.path, create=False) as store:
            missing = store.count_without_embedding()
        return self._unembedded_note(missing) if missing else None

    def uncompared_note(self) -> str | None:
        """Why answers from this store may be incomplete: articles stored but not compared yet (an
        index run was stopped, or is running now), or None. Their pairs are not in the store, so find,
        stories and pairs would leave them out without a word."""
        with Store(self.path, create=False) as store:
            pending = store.count_pending()
        if not pending:
            return None
        articles = "article is" if pending == 1 else "articles are"
        return (
            f"{pending} {articles} stored but not compared yet (an index run was stopped, or one is "
            f"running), so answers may miss their pairs; run the `retold index ... --db {self.path}` "
            "command again to finish"
        )

    def _store_batch(self, store: Store, batch: list[Article], report: AddReport, tick: Progress) -> None:
        fresh: dict[str, tuple[Article, str]] = {}
        for article in batch:
            if not article.id:
                raise InputError("an article without an id cannot be indexed; give it an id (or a file name)")
            fresh[article.id] = (article, content_hash(article))  # ids are unique within a batch (add)
        stored = store.current_versions(list(fresh))
        earlier = store.earlier_versions([i for i in fresh if i in stored])
        last = store.last_versions([i for i in fresh if i in stored])  # after a restore, above the current
        todo: list[tuple[Article, str, int | None, int]] = []
        for id_, (article, digest) in fresh.items():
            old = stored.get(id_)
            if old is not None and old[2] == digest:
                report.unchanged += 1
                self._restore.pop(id_, None)
                continue
            if digest in earlier.get(id_, {}):  # a text this id had before: not stored twice
                report.unchanged += 1
                self._restore[id_] = earlier[id_][digest]
                continue
            self._restore.pop(id_, None)
            todo.append((article, digest, old[0] if old else None, last.get(id_, 0) + 1))
        tick("read", len(batch), None)
        if not todo:
            return
        signatures = _signatures([a.text for a, *_ in todo], self._pool)
        keys = cand.lsh_band_keys(signatures)
        embeddings = self._embed([a for a, *_ in todo], tick) if self.paraphrase else None
        first = store.next_doc()
        rows = [
            {
                "doc": first + i, "id": a.id, "version": version, "content_hash": digest, "previous": previous,
                "title": a.title, "date": a.date, "outlet": a.outlet, "url": a.url, "text": a.text,
                "metadata": a.metadata(), "signature": signatures[i],
                "embedding": None if embeddings is None else embeddings[i],
            }
            for i, (a, digest, previous, version) in enumerate(todo)
        ]  # fmt: skip
        with store.transaction():
            store.insert_articles(rows, keys)
        report.added += sum(1 for *_, previous, _v in todo if previous is None)
        report.new_versions += sum(1 for *_, previous, _v in todo if previous is not None)
        tick("stored", len(todo), None)

    def _restore_earlier_versions(self, store: Store, report: AddReport) -> None:
        """Make current again the earlier versions that this run's last record of their id went back to."""
        if not self._restore:
            return
        docs = sorted(self._restore.values())
        signatures = store.signatures(docs)
        with store.transaction():
            for doc in docs:
                store.make_current(doc, cand.lsh_band_keys(signatures[doc][None, :]))
        report.restored += len(docs)
        report.unchanged -= len(docs)
        self._restore = {}

    def _embed(self, articles: list[Article], tick: Progress) -> np.ndarray:
        encoder = self._load_encoder()
        chunks = [cand.lead_chunk(a.text, a.title) for a in articles]
        vectors = []
        tick("embedded", 0, len(chunks))  # announces this batch's work: the bar's total grows by it
        for lo in range(0, len(chunks), 64):
            vectors.append(encoder.encode(chunks[lo : lo + 64]))
            tick("embedded", len(chunks[lo : lo + 64]), None)
        return np.vstack(vectors).astype(np.float32)

    def _compare_pending(self, store: Store, report: AddReport, tick: Progress) -> None:
        pending = store.pending_docs()
        if not pending:
            return
        found = self._candidates(store, pending)
        done = store.compared(found)
        todo = sorted(p for p in found if p not in done)
        tick("compare", 0, len(todo))
        docs = sorted({d for p in todo for d in p})
        articles = {}
        for lo in range(0, len(docs), 2000):
            articles.update(store.articles(docs[lo : lo + 2000]))
        for lo in range(0, len(todo), PAIRS_PER_COMMIT):
            chunk = todo[lo : lo + PAIRS_PER_COMMIT]
            results = self._compare_pairs([(articles[a], articles[b], found[(a, b)]) for a, b in chunk])
            rows = [r for r in results if isinstance(r, PairRow)]
            report.skipped.extend(str(r) for r in results if isinstance(r, InputError))
            with store.transaction():
                store.insert_pairs(rows)
            report.compared += len(rows)
            tick("compare", len(results), None)
        with store.transaction():
            store.mark_compared(pending)

    def _candidates(self, store: Store, docs: list[int]) -> dict[tuple[int, int], tuple[float, float]]:
        """Candidate pairs ``(a, b)``, a < b, touching ``docs``, with their (jaccard, cosine)."""
        sigs = store.signatures(docs)
        matrix = np.vstack([sigs[d] for d in docs])
        keys = cand.lsh_band_keys(matrix)
        found: dict[tuple[int, int], tuple[float, float]] = {}
        for c in cand.minhash_candidates(matrix):
            found[(docs[c.a], docs[c.b])] = (c.jaccard, 0.0)
        outside = store.band_neighbours(docs, keys)
        if outside:
            other = store.signatures(sorted({b for _, b in outside}))
            row_of = {d: i for i, d in enumerate(docs)}
            a_sig = matrix[[row_of[a] for a, _ in outside]]
            b_sig = np.vstack([other[b] for _, b in outside])
            keep, jaccard = cand.is_minhash_candidate(a_sig, b_sig)
            for (a, b), kept, j in zip(outside, keep.tolist(), jaccard.tolist(), strict=True):
                if kept:
                    found[(min(a, b), max(a, b))] = (j, 0.0)
        # Articles with a lead embedding were added with --paraphrase: they are searched by meaning even
        # when the run that finishes comparing them (a resume after Ctrl-C) was started without it.
        if self.paraphrase or store.count_with_embedding(docs):
            all_docs, vectors = store.embeddings()
            if len(all_docs):
                row_of = {int(d): i for i, d in enumerate(all_docs.tolist())}
                mine = [d for d in docs if d in row_of]
                queries = vectors[[row_of[d] for d in mine]]
                for q, i, cosine in cand.nearest_by_cosine(
                    queries, vectors, MIN_COSINE, EMBED_NEIGHBOURS + 1
                ):
                    a, b = mine[q], int(all_docs[i])
                    if a == b:
                        continue
                    key = (min(a, b), max(a, b))
                    found[key] = (found.get(key, (0.0, 0.0))[0], cosine)
        return found

    def _compare_pairs(
        self, work: list[tuple[StoredArticle, StoredArticle, tuple[float, float]]]
    ) -> list[PairRow | InputError]:
        """Compare pairs, lexical ones spread over the worker processes (same answers, in order)."""
        if self._pool is None or self._comparer is not None or len(work) < 2 * WORKERS:
            return [compare_pair(self._get_comparer, x, y, ev) for x, y, ev in work]
        rows: list[PairRow | InputError | None] = [None] * len(work)
        lexical = [i for i, (_, _, ev) in enumerate(work) if not self._is_semantic(ev)]
        tasks = [[work[i] for i in lexical[k::WORKERS]] for k in range(WORKERS)]
        for k, chunk_rows in enumerate(self._pool.map(_compare_in_worker, tasks)):
            for i, row in zip(lexical[k::WORKERS], chunk_rows, strict=True):
                rows[i] = row
        for i, (x, y, ev) in enumerate(work):
            if rows[i] is None:
                rows[i] = compare_pair(self._get_comparer, x, y, ev)
        return [r for r in rows if r is not None]

    def _is_semantic(self, evidence: tuple[float, float]) -> bool:
        return _found_by_embedding_alone(evidence[0])

    def _get_comparer(self, semantic: bool) -> Any:
        if self._comparer is not None:
            return self._comparer
        return _cached_comparer(self._comparers, semantic)

    def _load_encoder(self) -> Any:
        if self._encoder is None:
            from retold.embed import load_encoder

            self._encoder = load_encoder()
        return self._encoder

    # ---- find --------------------------------------------------------------------------------------

    def find(self, article: Article | str | os.PathLike[str], limit: int = 20) -> list[Match]:
        """The sources and copies of an article, indexed or not, best first (most reuse)."""
        if not isinstance(article, Article):
            from retold.read import read_article

            article = read_article(article)
        if not has_content(article):
            raise EmptyInputError(
                f"{article.id or 'the article'}: no article text to look up (only headers or boilerplate)"
            )
        with Store(self.path, create=False) as store:
            stored = store.find_by_hash_and_id(content_hash(article), article.id)
            if stored is not None:  # its pairs are stored: any store retold can read will do
                rows = store.pairs(doc=stored.doc)
                me = stored.doc
            else:  # a look-up by band keys: only in a store made with this retold's LSH settings
                store.check_lsh_layout()
                rows, me = self._find_unindexed(store, article), -1
            others = store.articles(sorted({r.source if r.derived == me else r.derived for r in rows}))
        matches = []
        for r in rows:
            if r.label == "unrelated":
                continue
            other = others[r.derived if r.source == me else r.source]
            role = "same_story" if r.label == "same_story" else ("source" if r.derived == me else "copy")
            matches.append(
                Match(other.id, role, r.label, r.reuse, r.coverage, r.confidence, other.title, other.date)
            )
        matches.sort(key=lambda m: (m.role == "same_story", -m.reuse, m.id))
        return matches[:limit]

    def _find_unindexed(self, store: Store, article: Article) -> list[PairRow]:
        signature = cand.minhash_signatures([article.text])
        keys = cand.lsh_band_keys(signature)
        evidence: dict[int, tuple[float, float]] = {}
        other = store.signatures(sorted({b for _, b in store.band_neighbours([-1], keys)}))
        if other:
            keep, jaccard = cand.is_minhash_candidate(signature, np.vstack(list(other.values())))
            for doc, kept, j in zip(other, keep.tolist(), jaccard.tolist(), strict=True):
                if kept:
                    evidence[doc] = (j, 0.0)
        if self.paraphrase:
            docs, vectors = store.embeddings()
            if len(docs):
                query = self._load_encoder().encode([cand.lead_chunk(article.text, article.title)])
                for _, i, cosine in cand.nearest_by_cosine(query, vectors, MIN_COSINE, EMBED_NEIGHBOURS):
                    doc = int(docs[i])
                    evidence[doc] = (evidence.get(doc, (0.0, 0.0))[0], cosine)
        stored = store.articles(sorted(evidence))
        # The query keeps its metadata: its header, title, dateline and byline are boilerplate here as
        # they are when the same file is indexed (with `{}`, a header block counted as added text).
        me = StoredArticle(-1, article.id or "(query)", 1, "", article.title, article.date, article.outlet,
                           article.url, article.text, article.metadata())  # fmt: skip
        results = [compare_pair(self._get_comparer, me, stored[doc], ev) for doc, ev in evidence.items()]
        return [r for r in results if isinstance(r, PairRow)]

    # ---- stories and pairs -------------------------------------------------------------------------

    def pairs(self, min_reuse: float = 0.0) -> Iterator[dict[str, Any]]:
        """Every compared pair of current articles, as the rows `retold pairs` prints (keys: PAIR_FIELDS)."""
        with Store(self.path, create=False) as store:
            rows = store.pairs(min_reuse=min_reuse)
            ids = store.ids({d for r in rows for d in (r.source, r.derived)})
        for r in rows:
            yield {
                "source": ids[r.source],
                "derived": ids[r.derived],
                "label": r.label,
                "reuse": round(r.reuse, 4),
                "coverage": round(r.coverage, 4),
                "direction": r.direction,
                "confidence": round(r.confidence, 4),
                "jaccard": round(r.jaccard, 4),
                "cosine": round(r.cosine, 4),
                "facts_agree": round(r.facts_agree, 4),
            }

    def stories(self) -> list[Story]:
        """Stories over every compared pair of current articles, largest first."""
        with Store(self.path, create=False) as store:
            rows = store.pairs()
            meta = store.dates({d for r in rows for d in (r.source, r.derived)})
        links = [
            Link(
                meta[r.source][0], meta[r.derived][0], r.label, r.reuse, r.confidence, r.facts_agree,
                meta[r.source][1], meta[r.derived][1], max(r.cosine, r.jaccard), r.coverage,
            )
            for r in rows
        ]  # fmt: skip
        return group_stories(links, {id_: date for id_, date in meta.values()})

    def story(self, story_id: str) -> Story:
        """One story by its id (as `retold stories` lists it)."""
        for story in self.stories():
            if story.id == story_id:
                return story
        raise InputError(
            f"{self.path} has no story {story_id!r}; list the ids with `retold stories --db {self.path}`"
        )

    def titles(self, ids: Iterable[str]) -> dict[str, str | None]:
        """``id -> title`` of current articles."""
        with Store(self.path, create=False) as store:
            return store.titles(list(ids))

    def _both_stored(self, store: Store, source_id: str, derived_id: str) -> tuple[Any, Any]:
        """The two stored articles of a pair, or one clear error naming the id that is not there."""
        a, b = store.find_by_id(source_id), store.find_by_id(derived_id)
        if a is None or b is None:
            missing = source_id if a is None else derived_id
            raise InputError(f"{self.path} holds no article {missing!r}; check the id with `retold pairs`")
        return a, b

    def recompare(self, source_id: str, derived_id: str) -> Any:
        """A fresh ``Comparison`` of two stored articles (for reports that need the full texts)."""
        with Store(self.path, create=False) as store:
            a, b = self._both_stored(store, source_id, derived_id)
            stored = store.pair(a.doc, b.doc)
        semantic = stored is not None and _found_by_embedding_alone(stored.jaccard)
        return self._get_comparer(semantic=semantic).compare(_article(a), _article(b))

    def comparison(self, source_id: str, derived_id: str) -> dict[str, Any]:
        """The stored compare report (``Comparison.to_dict()``) of one pair."""
        with Store(self.path, create=False) as store:
            a, b = self._both_stored(store, source_id, derived_id)
            data = store.comparison(a.doc, b.doc) or store.comparison(b.doc, a.doc)
        if data is None:
            raise InputError(f"{source_id!r} and {derived_id!r} were never compared (no candidate pair)")
        return data


# The keys of each row of Collection.pairs, in order (the CSV header of `retold pairs`, even with no rows).
PAIR_FIELDS = (
    "source", "derived", "label", "reuse", "coverage", "direction", "confidence", "jaccard", "cosine",
    "facts_agree",
)  # fmt: skip


# ---- comparing pairs and worker processes ----------------------------------------------------------

# Worker processes for reading records, MinHash and lexical compares: the machine this was tuned on has
# 2 cores, and more workers than cores only adds copies of the work.
WORKERS = min(2, os.cpu_count() or 1)
# JSONL lines per worker task: large enough to amortise pickling, small enough to keep both busy.
LINES_PER_TASK = 2000


def _found_by_embedding_alone(jaccard: float) -> bool:
    """A pair MinHash did not propose: its Jaccard is the 0.0 the embedding search records (a MinHash
    candidate has a Jaccard estimate of at least MIN_JACCARD, or a containment that needs one above 0)."""
    return jaccard <= 0.0


def compare_pair(
    comparer_for: Callable[[bool], Any], x: StoredArticle, y: StoredArticle, evidence: tuple[float, float]
) -> PairRow | InputError:
    """Compare two stored articles in the likelier direction and return the row to store.

    An article the engine cannot compare (only boilerplate, too long) gives an InputError to report.
    """
    source, derived = _provisional_order(x, y)
    # Lexical alignment for MinHash candidates (they share exact phrases; 25× faster, measured on
    # Reuters pairs: 9 ms vs 237 ms a pair), semantic for pairs the embedding index found alone.
    comparer = comparer_for(_found_by_embedding_alone(evidence[0]))
    try:
        result = comparer.compare(_article(source), _article(derived))
        text_direction = result.verdict.direction
        if text_direction == "derived_first" and not _dated_apart(source, derived):
            source, derived = derived, source
            result = comparer.compare(_article(source), _article(derived))
            text_direction = "source_first"  # the evidence that made us swap
    except InputError as error:
        return InputError(f"{x.id} and {y.id} were not compared: {error}")
    verdict = result.verdict
    return PairRow(
        source=source.doc,
        derived=derived.doc,
        label=verdict.label,
        reuse=float(verdict.reuse),
        coverage=float(verdict.coverage),
        direction=verdict.direction,
        confidence=direction_confidence(source.date, derived.date, text_direction),
        jaccard=evidence[0],
        cosine=evidence[1],
        # Titles count: a notice's company is often named only in its headline.
        facts_agree=facts_agreement(
            f"{source.title or ''}\n{source.text}", f"{derived.title or ''}\n{derived.text}"
        ),
        comparison=result.to_dict(),
    )


def _cached_comparer(cache: dict[bool, Any], semantic: bool) -> Any:
    if semantic not in cache:
        from retold.comparison import Comparer

        # No facts stage here: stories judge template reuse by figures and dates (retold.stories),
        # and spaCy would cost more than the whole alignment.
        cache[semantic] = Comparer(lexical_only=not semantic, facts=False)
    return cache[semantic]


_WORKER_COMPARERS: dict[bool, Any] = {}  # one lexical Comparer per worker process, built on first use


def _compare_in_worker(
    work: list[tuple[StoredArticle, StoredArticle, tuple[float, float]]],
) -> list[PairRow | InputError]:
    return [
        compare_pair(lambda _semantic: _cached_comparer(_WORKER_COMPARERS, False), x, y, ev)
        for x, y, ev in work
    ]


@contextlib.contextmanager
def _worker_pool() -> Iterator[Executor | None]:
    if WORKERS < 2:
        yield None
        return
    import multiprocessing

    # fork: workers start in milliseconds and inherit the imported modules; they never touch the store.
    pool = ProcessPoolExecutor(
        WORKERS,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """Make a worker exit when its parent is killed (kill -9 runs no cleanup that would stop it).

    Ctrl-C reaches every process of the terminal's group; the parent handles it (and shuts the pool
    down), so a worker ignores it instead of printing a KeyboardInterrupt traceback of its own.
    """
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _signatures(texts: list[str], pool: Executor | None) -> np.ndarray:
    """MinHash signatures, split over the workers (a signature does not depend on its batch)."""
    if pool is None or len(texts) < 1000:
        return cand.minhash_signatures(texts)
    step = -(-len(texts) // WORKERS)
    parts = [texts[lo : lo + step] for lo in range(0, len(texts), step)]
    return np.vstack(list(pool.map(cand.minhash_signatures, parts)))


# ---- reading inputs --------------------------------------------------------------------------------


def iter_articles(
    sources: Iterable[Article | str | os.PathLike[str]], pool: Executor | None = None
) -> Iterator[Article | InputError]:
    """Articles from objects, files and folders (recursively); unreadable inputs come as InputError.

    With a worker pool, the records of a JSONL file are parsed in parallel, in file order.
    """
    for source in sources:
        if isinstance(source, Article):
            yield source
            continue
        given = os.fspath(source)
        path = Path(given)
        try:
            is_folder = path.is_dir()
        except OSError:  # inside a folder we may not enter: _read_file names the problem
            is_folder = False
        if not given.strip():  # Path("") is the current folder
            yield InputError("an empty path names no file; give a file or folder")
        elif is_folder:
            yield from _walk_folder(given, pool)
        elif given == "-":
            yield InputError(
                "- (standard input) cannot be indexed; save the records to a .jsonl file and index that"
            )
        else:
            yield from _read_file(given, pool)


def _walk_folder(folder: str, pool: Executor | None) -> Iterator[Article | InputError]:
    """The articles of a folder and its subfolders, in name order. A subfolder that cannot be read is
    reported (os.walk would skip it without a word), and so is a link to a folder, which is not
    followed: a link may lead back up the tree, or out of the collection the user named."""
    from retold import read

    def unreadable(error: OSError) -> None:
        skipped.append(_unreadable(error.filename, error))

    skipped: list[InputError] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable):
        yield from skipped
        skipped.clear()
        dirs.sort()
        for name in [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            dirs.remove(name)
            yield InputError(
                f"{read.printable_path(os.path.join(root, name))} is a link to a folder, which is not "
                "followed; index the folder it leads to by its own path"
            )
        for name in sorted(files):
            if name.lower().endswith(ARTICLE_EXTENSIONS):
                yield from _read_file(os.path.join(root, name), pool)
    yield from skipped


def _read_file(path: str, pool: Executor | None = None) -> Iterator[Article | InputError]:
    from retold import read

    lower = path.lower()
    records = EXTENSION_FORMATS.get(Path(lower).suffix) == "jsonl"
    try:
        read.check_path(path, stdin_hint=False)  # missing, a link loop, a FIFO or device: say so first
        if lower.endswith((".warc", ".warc.gz")):
            yield from _read_warc(path)
        elif lower.endswith(".csv"):
            yield from _read_csv(path)
        elif records and pool is not None:
            yield from _read_jsonl_in_parallel(path, pool)
        elif records:
            yield from read.read_records(path)
        elif lower.endswith(".json"):
            with open(path, "rb") as f:
                head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
            yield from read.read_records(path) if head == b"[" else [read.read_article(path)]
        else:
            yield read.read_article(path)
    except InputError as error:
        yield error
    except OSError as error:
        yield _unreadable(path, error)


def _unreadable(path: str, error: OSError) -> InputError:
    from retold import read

    return InputError(f"{read.printable_path(path)} cannot be read ({error.strerror}); check its permissions")


def _read_jsonl_in_parallel(path: str, pool: Executor) -> Iterator[Article | InputError]:
    """``read_records`` for a JSONL file, with the records parsed by the workers, in file order.

    At most ``2 × WORKERS`` chunks are in flight, so memory stays flat on files of any size.
    """
    from collections import deque

    from retold import read

    name = read.printable_path(path)
    base_dir = str(Path(path).parent)
    in_flight: deque[Any] = deque()
    seen_any = False
    with open(path, "rb") as stream:
        # UTF-16 or binary: one error for the file, not one for every record.
        read.refuse_binary(stream.read(read.SNIFF_BYTES), name, whole_file=False)
        stream.seek(0)
        if stream.read(3) != codecs.BOM_UTF8:
            stream.seek(0)
        number = 1
        while True:
            lines = list(itertools.islice(stream, LINES_PER_TASK))
            if lines:
                in_flight.append(pool.submit(_parse_jsonl_lines, name, number, lines, base_dir))
                number += len(lines)
            while in_flight and (not lines or len(in_flight) >= 2 * WORKERS):
                for item in in_flight.popleft().result():
                    seen_any = True
                    yield item
            if not lines:
                break
    if not seen_any:
        yield InputError(f"{name} holds no records; give a JSONL file with one JSON object a line")


def _parse_jsonl_lines(
    name: str, first: int, lines: list[bytes], base_dir: str
) -> list[Article | InputError]:
    from retold.read import record_from_line

    out: list[Article | InputError] = []
    for number, raw in enumerate(lines, start=first):
        item = record_from_line(raw, f"{name} line {number}", base_dir)
        if item is not None:
            out.append(item)
    return out


def _read_csv(path: str) -> Iterator[Article | InputError]:
    from retold.read import MAX_FILE_BYTES, TEXT_ALIASES, article_from_record, printable_path

    name = printable_path(path)
    # One article's text per field: as long as an article file may be (csv's default is 128 KiB).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = _csv_records(f)
            first = next(rows, None)
            header = first[1] if first is not None and not isinstance(first[1], csv.Error) else None
            if not header or not {"text", *TEXT_ALIASES} & set(header):
                yield InputError(f"{name} has no 'text' column; give the CSV a header row with id,text,...")
                return
            for line, row in rows:
                where = f"{name} line {line}"
                if isinstance(row, csv.Error):
                    yield InputError(
                        f"{where}: a quoted field is not closed ({row}); the record was skipped and reading "
                        "went on at the next line"
                    )
                    continue
                if not row:
                    continue  # a blank line
                record = {k: v for k, v in zip(header, row, strict=False) if k and v}
                try:
                    article = article_from_record(record, where=where)
                except InputError as error:
                    yield error
                    continue
                if article.id is None:
                    article.id = f"{name}#{line}"
                yield article
    except UnicodeDecodeError as error:
        yield InputError(f"{name} is not a readable UTF-8 CSV file ({error}); fix or remove it")


def _csv_records(lines: Iterator[str]) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """``(first line number, fields)`` for each CSV record, or ``(line, error)`` for a broken one.

    A stray quote opens a field that swallows the following lines until the next quote, so the records
    inside it would vanish without a word. The strict reader refuses such a record; it is reported at
    the line it starts on, and reading starts again on the line after that one. A record the strict
    reader refuses within its own line (quotes not doubled inside a field: `b2,"He said "yes" today"`,
    or an unclosed quote on the last line) swallowed nothing: it is read as csv reads it by default.
    """
    numbered = enumerate(lines, start=1)
    again: collections.deque[tuple[int, str]] = collections.deque()  # lines to read once more
    taken: list[tuple[int, str]] = []  # the lines of the record being read

    def feed() -> Iterator[str]:
        while True:
            item = again.popleft() if again else next(numbered, None)
            if item is None:
                return
            taken.append(item)
            yield item[1]

    reader = csv.reader(feed(), strict=True)
    while True:
        taken.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if len(taken) == 1:
                yield taken[0][0], next(csv.reader([taken[0][1]]), [])
            else:
                yield taken[0][0] if taken else 0, error
                again.extendleft(reversed(taken[1:]))
            reader = csv.reader(feed(), strict=True)
            continue
        yield taken[0][0] if taken else 0, row


def _read_warc(path: str) -> Iterator[Article | InputError]:
    from retold.read import printable_path

    name = printable_path(path)
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise ModelUnavailableError(
            f"{name} is a WARC file and warcio is not installed; run: pip install 'retold[collections]'"
        ) from None
    from retold.read import article_from_html

    count = 0
    try:
        with open(path, "rb") as stream:
            # A WARC file opens with a record header, or with gzip's magic number when each record is
            # compressed. warcio reads anything else as nothing, without an error.
            if not stream.read(6).startswith((b"WARC/", b"\x1f\x8b")):
                yield InputError(
                    f"{name} is not a WARC file (it does not start with a WARC record); fix or remove it"
                )
                return
            stream.seek(0)
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type != "response":
                    continue
                content_type = (
                    record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                )
                if "html" not in content_type.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                body = record.content_stream().read()
                count += 1
                if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside this record
                    yield InputError(
                        f"{name} is truncated inside record {count} ({url}); the records before it were read"
                    )
                    return
                try:
                    html = _decode_warc_body(body, content_type)
                    yield article_from_html(html, id=url or f"{name}#{count}", url=url)
                except InputError as error:
                    yield InputError(f"{name} record {count} ({url}): {error}")
            # A file cut inside a record's headers ends the iteration without an error: warcio stops at
            # the last whole record. Bytes after it are what was lost.
            size = os.fstat(stream.fileno()).st_size
            if records.offset < size:
                stream.seek(records.offset)
                if stream.read(64).strip():
                    yield InputError(
                        f"{name} is truncated or corrupt: {size - records.offset:,} bytes after its last whole"
                        " record are not a record; the records before them were read"
                    )
    except ArchiveLoadFailed:
        yield InputError(
            f"{name} is not a WARC file (no WARC record header at record {count + 1}); fix or remove it"
        )
    except Exception:  # warcio raises plain exceptions (AttributeError, ValueError) inside a broken record
        yield InputError(
            f"{name} is truncated or corrupt: record {count + 1} could not be read; "
            + (f"the {count} records before it were read" if count else "no record was read")
        )


_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.I)


def _decode_warc_body(body: bytes, content_type: str) -> str:
    """A WARC response body as text: UTF-8 if it is, else the charset the HTTP header or the page's
    <meta> declares (as for an HTML file), else UTF-8 with bad bytes replaced."""
    from retold.read import declared_html_charset

    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    header = _HTTP_CHARSET.search(content_type)
    for charset in (header.group(1) if header else None, declared_html_charset(body[:4096])):
        if charset:
            try:
                return body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", errors="replace")


def _provisional_order(x: StoredArticle, y: StoredArticle) -> tuple[StoredArticle, StoredArticle]:
    """Earlier date first when both are dated and differ; else the longer text first, whatever the order
    in which they were indexed.

    A repost usually trims its source. The engine reads "the source holds the derived text and more"
    as no evidence either way, but "the derived text keeps the source and adds to it" as an update of
    it: with the article stored first as the source, a trimmed repost indexed before the full report
    became its origin (64 of 100 generated stories), and the answer changed with the file order.
    """
    order = compare_dates(x.date, y.date) if x.date and y.date else 0
    if order:  # instants, not strings: "10:00-05:00" is after "14:20Z"
        return (x, y) if order < 0 else (y, x)
    if len(x.text) != len(y.text):
        return (x, y) if len(x.text) > len(y.text) else (y, x)
    return (x, y) if (x.id, x.doc) <= (y.id, y.doc) else (y, x)


def _dated_apart(a: StoredArticle, b: StoredArticle) -> bool:
    return bool(a.date and b.date and compare_dates(a.date, b.date))


def _article(s: StoredArticle) -> Article:
    boilerplate = [
        Boilerplate(b["kind"], Span(b["start"], b["end"], b["text"]))
        for b in s.metadata.get("boilerplate", [])
    ]
    return Article(
        text=s.text, id=s.id, title=s.title, date=s.date, outlet=s.outlet, url=s.url, boilerplate=boilerplate
    )


__all__ = ["AddReport", "Collection", "Match", "StoreError", "content_hash", "iter_articles"]
