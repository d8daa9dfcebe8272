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


READ_BY_SPACY = ner._read


@pytest.fixture
def read(monkeypatch):
    """The sentences spaCy is asked to read in this process, in order (the cache starts empty)."""
    ner.forget()
    sentences_read: list[str] = []
    monkeypatch.setattr(
        ner, "_read", lambda sentences, *a: sentences_read.extend(sentences) or READ_BY_SPACY(sentences, *a)
    )
    yield sentences_read
    ner.forget()


def test_a_light_edit_that_keeps_its_names_takes_the_originals_entities(read):
    original = "Carlos Mendez told the Interior Ministry in Lisbon on Tuesday that the dam would hold."
    edited = "Carlos Mendez also told the Interior Ministry in Lisbon on Tuesday that the dam would hold."
    moved_original, moved_edit = ner.sentence_entities([original, edited])
    assert read == [original], "the edit should not be read again"
    assert [edited[a:b] for a, b, _ in moved_edit] == [original[a:b] for a, b, _ in moved_original]
    assert moved_edit == READ_BY_SPACY([edited])[0]  # what spaCy would have said


def test_an_edit_that_changes_a_name_is_read_again():
    assert (
        ner._edits_keeping_names(
            [
                "Carlos Mendez met the minister in Lisbon on Tuesday.",
                "Carlos Méndez met the minister in Lisbon on Tuesday.",
            ],
            [
                "Carlos Mendez met the minister in Lisbon on Tuesday.",
                "Carlos Méndez met the minister in Lisbon on Tuesday.",
            ],
        )
        == {}
    )
    # Same names, but not a light edit of each other: read both.
    assert (
        ner._edits_keeping_names(
            ["Ana Ruiz won.", "Ana Ruiz said the vote in the assembly had been rigged from the start."],
            ["Ana Ruiz won.", "Ana Ruiz said the vote in the assembly had been rigged from the start."],
        )
        == {}
    )


def test_names_key_ignores_a_capitalised_function_word_but_not_a_name():
    assert ner._names_key("The Senate voted 52-48.") == ("Senate", "52", "48")
    assert ner._names_key("Thompson said no.") == ("Thompson",)
    assert ner._names_key("US exports rose.") == ("US",)  # "us" in capitals is a name
    assert ner._names_key("It rained all morning.") == ()
    # Function words that are also names stay, or "Said argued that..." would never be read.
    assert ner._names_key("Said argued that orientalism shaped colonial policy.") == ("Said",)
    assert ner._names_key("May told the house that talks would go on.") == ("May",)


def test_a_sentence_without_capitals_or_figures_is_not_read(read):
    nameless = "the researchers then attached mako shark teeth to a custom-made guillotine."
    opening = "They started breeding programs with other zebras that had quagga-like stripes."
    named = "Carlos Mendez told the Interior Ministry in Lisbon that the dam would hold."
    found = ner.sentence_entities([nameless, opening, named])
    assert read == [named]
    assert found[:2] == [[], []]
    assert found[2], "the named sentence is read as before"


def test_entities_not_found_in_the_edit_are_not_moved():
    assert ner._move_entities([(0, 9, "PERSON")], "Ana Ruiz said it.", "Ms Ruiz said it.") is None
    assert ner._move_entities([(0, 8, "PERSON")], "Ana Ruiz said it.", "Then Ana Ruiz said it.") == [
        (5, 13, "PERSON")
    ]
