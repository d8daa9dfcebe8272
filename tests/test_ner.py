"""The NER door: per-sentence cache and the forked helper process that takes half of a long pair."""

from __future__ import annotations

import os
import signal

import pytest

from retold import ner

SENTENCES = [
    f"{name} met officials of the {body} in {place} on Tuesday, {name.split()[0]} told reporters."
    for name, body, place in [
        ("Carlos Mendez", "Interior Ministry", "Lisbon"),
        ("Ana Ruiz", "World Health Organization", "Geneva"),
        ("Tomas Varga", "European Commission", "Brussels"),
        ("Leila Haddad", "Red Cross", "Beirut"),
    ]
] * 2


@pytest.fixture
def fresh_helper(monkeypatch):
    """A helper started for this test only, with any split worth making, shut down afterwards."""
    monkeypatch.setattr(ner, "_helper", None)
    monkeypatch.setattr(ner, "_helper_failed", False)
    monkeypatch.setattr(ner, "PARALLEL_MIN_SENTENCES", 2)
    monkeypatch.setenv("RETOLD_NER_PROCESSES", "2")
    ner.forget()
    yield
    if ner._helper is not None:
        ner._helper.shutdown(wait=True)
    ner.forget()


def _unique(sentences: list[str]) -> list[str]:
    # Different texts each time, so the cache cannot answer.
    return [f"{sentence} ({index})" for index, sentence in enumerate(sentences)]


def test_helper_process_gives_the_same_entities_as_one_process(fresh_helper):
    sentences = _unique(SENTENCES)
    alone = ner._read(sentences)
    shared = ner.sentence_entities(sentences)
    assert ner._helper is not None, "a long enough batch on 2 cores should use the helper"
    assert shared == alone
    assert any(label == "PERSON" for entities in shared for _, _, label in entities)


def test_one_process_when_asked(fresh_helper, monkeypatch):
    monkeypatch.setenv("RETOLD_NER_PROCESSES", "1")
    sentences = _unique(SENTENCES)
    assert ner.sentence_entities(sentences) == ner._read(sentences)
    assert ner._helper is None


def test_a_dead_helper_falls_back_to_this_process(fresh_helper):
    first = _unique(SENTENCES)
    ner.sentence_entities(first)
    helper = ner._helper
    assert helper is not None
    for pid in list(helper._processes):  # the executor's worker processes
        os.kill(pid, signal.SIGKILL)
    second = [f"{s} again" for s in first]
    assert ner.sentence_entities(second) == ner._read(second)
    assert ner._helper_failed
