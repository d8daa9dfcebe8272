"""Tests for retold.stories: grouping, origin, derivation forest, template guard."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.stories import (
    CONFIDENCE_DATES,
    CONFIDENCE_NONE,
    CONFIDENCE_TEXT,
    Link,
    direction_confidence,
    facts_agreement,
    group_stories,
    is_template_link,
    story_id,
)


def link(s, d, label="wholly_derived", reuse=0.9, conf=0.7, **kw):
    return Link(s, d, label, reuse, conf, **kw)


def test_chain_and_independent_report_form_one_story_with_origin():
    links = [
        link("wire", "paper", reuse=0.95, conf=0.9),
        link("paper", "blog", "partially_derived", 0.4, 0.9),
        link("wire", "blog", "partially_derived", 0.3, 0.9),
        link("wire", "rival", "same_story", 0.0, 0.5),
        link("x", "y", "unrelated", 0.0, 0.5),
    ]
    [story] = group_stories(links)
    assert story.articles == ["blog", "paper", "rival", "wire"]
    assert story.origin == "wire"
    parents = {m.id: m.parent for m in story.members}
    # The blog took more from the paper (0.4) than from the wire (0.3): the paper is its parent.
    assert parents == {"wire": None, "paper": "wire", "blog": "paper", "rival": None}
    assert {(e.source, e.derived, e.label) for e in story.edges} == {
        ("wire", "paper", "wholly_derived"),
        ("paper", "blog", "partially_derived"),
        ("wire", "rival", "same_story"),
    }
    blog = next(m for m in story.members if m.id == "blog")
    assert blog.reuse == 0.4 and abs(blog.added - 0.6) < 1e-9


def test_unlinked_and_unrelated_articles_are_not_stories():
    assert group_stories([link("a", "b", "unrelated", 0.0)]) == []


def test_template_reuse_does_not_merge_events():
    earnings = link("acme-q1", "bolt-q1", reuse=0.8, facts_agree=0.1)
    weekly = link("cocoa-w1", "cocoa-w2", reuse=0.7, source_date="1987-02-01", derived_date="1987-02-08")
    assert is_template_link(earnings) and is_template_link(weekly)
    assert group_stories([earnings, weekly]) == []
    same_day = link("a", "b", source_date="1987-02-01T10:00:00", derived_date="1987-02-01T15:00:00")
    assert not is_template_link(same_day)


def test_facts_agreement():
    assert (
        facts_agreement("Shr 12 cts vs 10 cts, net 1,200 vs 900", "Shr 12 cts vs 10 cts, net 1200 vs 900")
        == 1.0
    )
    assert facts_agreement("Shr 12 cts vs 10 cts net 1.2 mln", "Shr 40 cts vs 33 cts net 7.7 mln") == 0.0
    assert facts_agreement("two numbers 1 2", "other 3 4") == 1.0  # too few figures to disagree


def test_direction_confidence():
    assert direction_confidence("2020-01-01", "2020-01-02", "unknown") == CONFIDENCE_DATES
    assert direction_confidence(None, None, "source_first") == CONFIDENCE_TEXT
    assert direction_confidence("2020-01-01", "2020-01-01", "unknown") == CONFIDENCE_NONE


def test_cycles_are_broken_by_the_stronger_edge():
    links = [link("a", "b", conf=0.9), link("b", "a", conf=0.5)]
    [story] = group_stories(links)
    assert story.origin == "a"
    assert [(e.source, e.derived) for e in story.edges] == [("a", "b")]


def test_story_id_is_stable_and_order_free():
    assert story_id(["b", "a"]) == story_id(["a", "b"]) != story_id(["a", "c"])


ids = st.sampled_from(list("abcdefgh"))
labels = st.sampled_from(["wholly_derived", "partially_derived", "same_story", "unrelated"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ids, ids, labels, st.floats(0, 1), st.floats(0, 1)), max_size=20))
def test_forest_invariants(raw):
    links = [Link(s, d, lab, r, c) for s, d, lab, r, c in raw if s != d]
    stories = group_stories(links)
    seen: set[str] = set()
    for story in stories:
        members = set(story.articles)
        assert len(members) >= 2 and not (members & seen)
        seen |= members
        assert story.origin in members
        # Every member but the origin has exactly one incoming edge, and edges stay inside the story.
        incoming = [e.derived for e in story.edges]
        assert len(incoming) == len(set(incoming))
        assert story.origin not in incoming
        assert all(e.source in members and e.derived in members for e in story.edges)
        # Following parents never loops.
        parent = {m.id: m.parent for m in story.members}
        for m in members:
            steps, node = 0, m
            while parent[node] is not None:
                node, steps = parent[node], steps + 1
                assert steps <= len(members)


def test_names_disagreeing_mark_a_template_and_same_story_links_are_never_templates():
    chemical = "Chemical Bank of New York said it raised its prime rate to 7-3/4 pct, effective today."
    marine = "Marine Midland Banks Inc said it raised its prime rate to 7-3/4 pct, effective today."
    assert facts_agreement(chemical, marine) < 0.5
    assert facts_agreement(chemical, chemical + " Other banks are expected to follow.") == 1.0
    story = link("a", "b", "same_story", 0.1, facts_agree=0.0)
    assert not is_template_link(story)
    assert [s.articles for s in group_stories([story])] == [["a", "b"]]


def test_a_chain_is_claimed_only_when_clearly_stronger_than_the_direct_link():
    near_tie = [
        link("orig", "r1", reuse=0.56, conf=0.7),
        link("r1", "r2", "partially_derived", 0.61, 0.7),
        link("orig", "r2", reuse=0.60, conf=0.7),
    ]
    [story] = group_stories(near_tie)
    assert {m.id: m.parent for m in story.members}["r2"] == "orig"
    clear_chain = [
        link("wire", "paper", reuse=0.9, conf=0.9),
        link("paper", "blog", reuse=0.95, conf=0.9),
        link("wire", "blog", "partially_derived", 0.4, 0.9),
    ]
    [story] = group_stories(clear_chain)
    assert {m.id: m.parent for m in story.members}["blog"] == "paper"
