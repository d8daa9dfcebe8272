"""Tests for retold.stories: grouping, origin, derivation forest, template guard."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.stories import (
    CONFIDENCE_DATES,
    CONFIDENCE_NONE,
    CONFIDENCE_TEXT,
    STORY_WINDOW_DAYS,
    Link,
    days_apart,
    direction_confidence,
    facts_agreement,
    group_stories,
    instant,
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


def test_an_independent_report_stored_first_is_attached_with_its_figures_turned_round():
    # The rival report was filed before the paper: the pair is stored rival -> paper (dated, 0.9), and
    # 12% of the paper is found in the rival, 20% of the rival in the paper.
    links = [
        link("wire", "paper", reuse=0.95, conf=0.9),
        link("rival", "paper", "same_story", 0.12, 0.9, coverage=0.2),
    ]
    [story] = group_stories(links)
    [attached] = [e for e in story.edges if e.label == "same_story"]
    # Shown hanging from the paper: the share of the rival found in the paper, and "the paper came
    # first" only as sure as the dates' opposite.
    assert (attached.source, attached.derived) == ("paper", "rival")
    assert attached.reuse == 0.2 and attached.confidence == pytest.approx(0.1)


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
    # A bare day against a time on that day is a tie, not the day's midnight.
    assert direction_confidence("2025-11-03", "2025-11-03T14:20:00Z", "unknown") == CONFIDENCE_NONE
    assert direction_confidence("2025-11-03T14:20:00Z", "2025-11-03", "source_first") == CONFIDENCE_TEXT
    assert direction_confidence("2025-11-03T08:00:00Z", "2025-11-03T10:00:00Z", "unknown") == CONFIDENCE_DATES


def test_cycles_are_broken_by_the_stronger_edge():
    links = [link("a", "b", conf=0.9), link("b", "a", conf=0.5)]
    [story] = group_stories(links)
    assert story.origin == "a"
    assert [(e.source, e.derived) for e in story.edges] == [("a", "b")]


def test_story_id_is_stable_and_order_free():
    assert story_id(["b", "a"]) == story_id(["a", "b"]) != story_id(["a", "c"])


def test_days_apart_reads_timestamps_without_offset_as_utc():
    assert instant("2020-01-01T02:00:00+02:00") == instant("2020-01-01T00:00:00") == instant("2020-01-01")
    assert days_apart("2020-01-01T12:00:00+00:00", "2020-01-02") == 0.5
    assert days_apart("2020-01-01", "not a date") is None and instant(None) is None


def test_undated_articles_do_not_bridge_events_dated_apart():
    # Two shootings a year apart, each with an undated write-up about it; each write-up is also
    # judged same_story (weakly) with the other shooting's report and write-up.
    links = [
        link("shooting-2019", "writeup-2019", "same_story", 0.0, similarity=0.9),
        link("shooting-2020", "writeup-2020", "same_story", 0.0, similarity=0.88),
        link("shooting-2020", "writeup-2019", "same_story", 0.0, similarity=0.52),
        link("writeup-2019", "writeup-2020", "same_story", 0.0, similarity=0.51),
    ]
    dates = {"shooting-2019": "2019-04-28", "shooting-2020": "2020-05-02"}
    stories = group_stories(links, dates)
    assert sorted(s.articles for s in stories) == [
        ["shooting-2019", "writeup-2019"],
        ["shooting-2020", "writeup-2020"],
    ]
    # Two days apart they are one event (a vote and its aftermath): one story.
    close = {"shooting-2019": "2019-04-28", "shooting-2020": "2019-04-30"}
    [story] = group_stories(links, close)
    assert len(story.articles) == 4


def test_an_undated_article_joins_the_story_it_resembles_most():
    links = [
        link("vote-june", "copy-june", reuse=0.9, source_date="2017-06-13", derived_date="2017-06-13"),
        link("vote-dec", "copy-dec", reuse=0.9, source_date="2017-12-02", derived_date="2017-12-02"),
        link("vote-june", "essay", "same_story", 0.0, similarity=0.55, source_date="2017-06-13"),
        link("vote-dec", "essay", "same_story", 0.0, similarity=0.8, source_date="2017-12-02"),
    ]
    stories = group_stories(links)
    assert sorted(s.articles for s in stories) == [
        ["copy-dec", "essay", "vote-dec"],
        ["copy-june", "vote-june"],
    ]


def test_undated_sibling_rewrites_hang_under_their_source():
    # Two short rewrites of one long report share more passages with each other than with it, and
    # their order is a guess (or a containment hint): each is still a child of the report.
    for sibling_confidence in (CONFIDENCE_NONE, CONFIDENCE_TEXT):
        links = [
            link("report", "rewrite-1", reuse=0.6, conf=CONFIDENCE_NONE),
            link("report", "rewrite-2", "partially_derived", 0.28, CONFIDENCE_NONE),
            link("rewrite-1", "rewrite-2", "partially_derived", 0.53, sibling_confidence),
        ]
        [story] = group_stories(links)
        assert {m.id: m.parent for m in story.members} == {
            "report": None,
            "rewrite-1": "report",
            "rewrite-2": "report",
        }


def test_a_near_copy_of_a_rewrite_stays_under_it_and_dates_still_support_chains():
    # rewrite-2 is wholly taken from rewrite-1 but only partly from the report: the chain is the
    # better account even without dates.
    twin = [
        link("report", "rewrite-1", reuse=0.6, conf=CONFIDENCE_NONE),
        link("report", "rewrite-2", "partially_derived", 0.3, CONFIDENCE_NONE),
        link("rewrite-1", "rewrite-2", "wholly_derived", 0.95, CONFIDENCE_NONE),
    ]
    [story] = group_stories(twin)
    assert {m.id: m.parent for m in story.members}["rewrite-2"] == "rewrite-1"
    # Dated in that order, a blog that took clearly more from the paper than from the wire hangs
    # under the paper, though both links are wholly derived.
    dated = [
        link("wire", "paper", reuse=0.9, conf=CONFIDENCE_DATES),
        link("paper", "blog", reuse=1.0, conf=CONFIDENCE_DATES),
        link("wire", "blog", reuse=0.75, conf=CONFIDENCE_DATES),
    ]
    [story] = group_stories(dated)
    assert {m.id: m.parent for m in story.members}["blog"] == "paper"


ids = st.sampled_from(list("abcdefgh"))
labels = st.sampled_from(["wholly_derived", "partially_derived", "same_story", "unrelated"])
days = st.one_of(st.none(), st.integers(0, 30).map(lambda d: f"2020-01-{1 + d:02d}"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(ids, ids, labels, st.floats(0, 1), st.floats(0, 1)), max_size=20),
    st.dictionaries(ids, days),
)
def test_forest_invariants(raw, dates):
    links = [Link(s, d, lab, r, c) for s, d, lab, r, c in raw if s != d]
    stories = group_stories(links, dates)
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
        # No two events in one story: its dated articles leave no gap longer than the story window.
        when = sorted(d for a in members if (d := instant(dates.get(a))) is not None)
        assert all((b - a).days <= STORY_WINDOW_DAYS for a, b in zip(when, when[1:], strict=False))


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


def test_a_bare_day_does_not_win_the_origin_over_a_time_on_that_day():
    # Two independent reports of one day: the bare day "2025-11-03" is not that day's midnight, so it is
    # no earlier than 14:20Z; the tie goes to the first id, not to the article dated only by its day.
    links = [link("a-wire", "b-copy", "same_story", 0.0, 0.5)]
    dates = {"a-wire": "2025-11-03T14:20:00Z", "b-copy": "2025-11-03"}
    [story] = group_stories(links, dates)
    assert story.origin == "a-wire"
    [story] = group_stories([link("b-copy", "a-wire", "same_story", 0.0, 0.5)], dates)
    assert story.origin == "a-wire"
