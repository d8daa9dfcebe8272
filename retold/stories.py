"""Stories: groups of articles about one event, with an origin and a derivation forest.

Pure functions over compared pairs (``Link``): no store, no I/O. A story is a connected group of
articles joined by derived or same_story links. Within it, each article gets at most one parent (the
source it most likely took from), which makes a forest; the origin is the root of its largest tree.

Template reuse (the same wording around different facts: earnings tables, daily market notices) is
still reuse in ``retold pairs``, but such a link does not join stories: ``is_template_link`` keeps
it out when the pair's numbers disagree or its dates are days apart. Nor do two dated events join
through undated articles: links are taken strongest first, and one that would put articles dated
more than ``STORY_WINDOW_DAYS`` apart (with no dated article between them) into one story is left out.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import regex

from retold.verdict import compare_dates, parse_date

DERIVED = ("wholly_derived", "partially_derived")
LINKING = (*DERIVED, "same_story")

# Two reports of one event are filed within days of each other; a same-wording pair dated further
# apart is a recurring notice (weekly crop reviews, monthly earnings), not one story. Reuters-21578's
# rewritten follow-ups fall within one day of their first version. The same window keeps two dated
# events apart when only undated articles link them: on the AI-rephrased news set, title-only
# generations (undated) are judged same_story with originals about other shootings 1-3 years away
# (h009, h018, h038) and other Senate votes 6 months away (h046, h052).
STORY_WINDOW_DAYS = 3.0
# A pair shares the event's facts when at least this share of the smaller text's figures (and names)
# appear in the other. Rewrites keep most; templated earnings and dividend notices share almost none
# (Reuters-21578: "<bank> raises prime rate to 7-3/4 pct" notices of different banks agree on the
# figures but share none of the names).
MIN_FACTS_AGREE = 0.5
# A chain B ← A ← O is preferred over the direct link B ← O only when B took this much more of A than
# of O. AI-rephrased news: the two rephrasings of one original take about as much from each other as
# from the original (0.61 vs 0.609), and chaining them claimed derivations nobody made. Without dates
# behind A → B the margin is not enough (see ``_prefer_direct_links``).
CHAIN_MARGIN = 0.1
# Below this many numbers in either text there is too little to say the facts disagree.
MIN_NUMBERS = 3

# Edge confidence by the evidence for its direction. Dates are strong (only clock/timezone errors
# reverse them); the compare engine's text evidence (who has the more complete version) is weaker;
# with neither, the order is a guess.
CONFIDENCE_DATES = 0.9
CONFIDENCE_TEXT = 0.7
CONFIDENCE_NONE = 0.5

_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
_NAME = regex.compile(r"\b\p{Lu}[\p{Ll}\p{Lu}'’-]+")
# Capitalised words that open sentences or name months and days, not the actors of a story.
_NOT_NAMES = set(
    "the a an in on at for of to and but or it its he she they we i this that these those there here "
    "his her their our as by with from after before when while if said says mr mrs ms dr "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# Below this many names in either text there is too little to say the actors differ.
MIN_NAMES = 3

DateRange = tuple[datetime, datetime] | None  # earliest and latest date in a group; None: undated


@dataclass(frozen=True, slots=True)
class Link:
    """One compared pair, oriented source → derived, as the stories stage needs it."""

    source: str
    derived: str
    label: str
    reuse: float
    confidence: float
    facts_agree: float = 1.0
    source_date: str | None = None
    derived_date: str | None = None
    # Candidate similarity (lead-embedding cosine or MinHash Jaccard): ranks same_story links.
    similarity: float = 0.0
    coverage: float = 0.0  # share of the source's content that reappears in the derived article


@dataclass(slots=True)
class Member:
    """One article of a story: where it sits in the forest and what it took and added."""

    id: str
    parent: str | None
    label: str | None
    reuse: float  # share of this article's content taken from its parent (0 for a root)
    added: float  # share of its content not taken from its parent
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "label": self.label,
            "reuse": round(self.reuse, 4),
            "added": round(self.added, 4),
            "date": self.date,
        }


@dataclass(slots=True)
class Story:
    """A group of linked articles, its origin and the edges of its derivation forest."""

    id: str
    articles: list[str]
    origin: str | None
    edges: list[Link]
    members: list[Member] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (docs/collections.md)."""
        return {
            "id": self.id,
            "articles": list(self.articles),
            "origin": self.origin,
            "edges": [
                {
                    "source": e.source,
                    "derived": e.derived,
                    "label": e.label,
                    "reuse": round(e.reuse, 4),
                    "confidence": round(e.confidence, 4),
                }
                for e in self.edges
            ],
            "members": [m.to_dict() for m in self.members],
        }


def numbers_of(text: str) -> set[str]:
    """The figures a text states, with thousands separators removed ("1,750" and "1750" agree)."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def names_of(text: str) -> set[str]:
    """Capitalised words that are not common sentence openers: a rough set of the names a text cites."""
    return {w for w in _NAME.findall(text) if w.lower() not in _NOT_NAMES}


def _agreement(a: set[str], b: set[str], minimum: int) -> float:
    if min(len(a), len(b)) < minimum:
        return 1.0
    return len(a & b) / min(len(a), len(b))


def facts_agreement(source_text: str, derived_text: str) -> float:
    """How far two texts state the same facts: the lower of their figure and name agreements.

    Each is the share of the smaller set found in the other (1.0 when either text has too few to
    tell). A rewrite keeps most figures and names of what it took; a template filled for another
    event (another company's dividend, another bank's rate rise) keeps the wording and changes them.
    """
    numbers = _agreement(numbers_of(source_text), numbers_of(derived_text), MIN_NUMBERS)
    names = _agreement(names_of(source_text), names_of(derived_text), MIN_NAMES)
    return min(numbers, names)


def instant(date: str | None) -> datetime | None:
    """An ISO date or timestamp as a naive UTC datetime (no offset means UTC), or None if unreadable."""
    parsed = parse_date(date) if date else None
    return None if parsed is None else parsed[0].astimezone(UTC).replace(tzinfo=None)


def days_apart(a: str | None, b: str | None) -> float | None:
    """Days between two ISO dates, or None when either is missing or unreadable."""
    da, db = instant(a), instant(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


def is_template_link(link: Link) -> bool:
    """True when a reuse link joins two different events (same wording, other facts or other days).

    Only derived links are judged: a same_story verdict already says "one event, written apart".
    """
    if link.label not in DERIVED:
        return False
    if link.facts_agree < MIN_FACTS_AGREE:
        return True
    apart = days_apart(link.source_date, link.derived_date)
    return apart is not None and apart > STORY_WINDOW_DAYS


def direction_confidence(source_date: str | None, derived_date: str | None, text_direction: str) -> float:
    """How sure we are that ``source`` came first: from dates when they differ, else from the text.

    Dates differ as ``compare_dates`` orders them: a bare day against a time on that day is a tie, not
    the day's midnight (which made a copy dated "2025-11-03" the origin of a wire dated 14:20Z at 0.9).
    """
    if source_date and derived_date and compare_dates(source_date, derived_date) != 0:
        return CONFIDENCE_DATES
    if text_direction in ("source_first", "derived_first"):
        return CONFIDENCE_TEXT
    return CONFIDENCE_NONE


def story_id(articles: Iterable[str]) -> str:
    """A stable id from the member ids: the same group gets the same id in every run."""
    digest = hashlib.sha1("\n".join(sorted(articles)).encode("utf-8")).hexdigest()
    return f"story-{digest[:10]}"


def group_stories(links: Sequence[Link], dates: dict[str, str | None] | None = None) -> list[Story]:
    """Group linked articles into stories, each with its origin and derivation forest.

    Links join groups strongest first (derived by reuse, then same_story by similarity); a link that
    would join two groups whose dated articles are more than ``STORY_WINDOW_DAYS`` apart is left out,
    so an undated article joins the story it resembles most and does not bridge two events.

    Args:
        links: compared pairs oriented source → derived (labels other than derived/same_story ignored).
        dates: article id → ISO date, used to order roots and keep events apart; dates carried on the
            links fill in ids it lacks.

    Returns stories with two or more articles, largest first, then by id.
    """
    dates = dict(dates or {})
    for link in links:
        dates.setdefault(link.source, link.source_date)
        dates.setdefault(link.derived, link.derived_date)
    usable = sorted(
        (link for link in links if link.label in LINKING and not is_template_link(link)), key=_join_order
    )
    parent_of: dict[str, str] = {}
    span: dict[str, DateRange] = {}  # group root → the range of its dated articles
    for link in usable:
        for article in (link.source, link.derived):
            if article not in parent_of:
                parent_of[article] = article
                when = instant(dates.get(article))
                span[article] = None if when is None else (when, when)
        ra, rb = _find(parent_of, link.source), _find(parent_of, link.derived)
        if ra == rb or _events_apart(span[ra], span[rb]):
            continue
        root, other = min(ra, rb), max(ra, rb)
        parent_of[other] = root
        span[root] = _merged(span[ra], span[rb])
    groups: dict[str, list[str]] = {}
    for article in parent_of:
        groups.setdefault(_find(parent_of, article), []).append(article)
    by_group: dict[str, list[Link]] = {}
    for link in usable:
        root = _find(parent_of, link.source)
        if root == _find(parent_of, link.derived):
            by_group.setdefault(root, []).append(link)

    stories = [
        _forest(sorted(members), by_group[root], dates)
        for root, members in groups.items()
        if len(members) > 1
    ]
    stories.sort(key=lambda s: (-len(s.articles), s.id))
    return stories


def _join_order(link: Link) -> tuple[int, float, float, str, str]:
    """Strongest first: derived links by reuse; same_story links (little reuse) by similarity."""
    if link.label in DERIVED:
        return (0, -link.reuse, -link.similarity, link.source, link.derived)
    return (1, -link.similarity, -link.reuse, link.source, link.derived)


def _events_apart(a: DateRange, b: DateRange) -> bool:
    """True when two groups' date ranges are more than the story window apart (undated: never)."""
    if a is None or b is None:
        return False
    gap = max(a[0], b[0]) - min(a[1], b[1])  # negative when the ranges overlap
    return gap.total_seconds() / 86400.0 > STORY_WINDOW_DAYS


def _merged(a: DateRange, b: DateRange) -> DateRange:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))


def _forest(articles: list[str], links: list[Link], dates: dict[str, str | None]) -> Story:
    # Strongest evidence first: derived before same_story, then the surer direction, then more reuse.
    ranked = sorted(
        links,
        key=lambda e: (e.label not in DERIVED, -e.confidence, -e.reuse, e.source, e.derived),
    )
    parent: dict[str, Link] = {}
    for link in ranked:
        if link.label not in DERIVED or link.derived in parent:
            continue
        if _is_ancestor(parent, link.derived, link.source):
            continue  # taking this edge would close a cycle: the stronger edges already decided
        parent[link.derived] = link

    _prefer_direct_links(parent, ranked)

    roots = [a for a in articles if a not in parent]
    tree_size = dict.fromkeys(roots, 0)
    for a in articles:
        tree_size[_root_of(parent, a)] += 1

    # The origin is the root of the largest tree; among equals the earliest dated (as compare_dates
    # orders dates: a bare day ties with a time on that day, it is not that day's midnight), then the
    # dated before the undated, then the first id.
    def earlier(a: str, b: str) -> int:
        if tree_size[a] != tree_size[b]:
            return tree_size[b] - tree_size[a]
        date_a, date_b = dates.get(a), dates.get(b)
        order = compare_dates(date_a, date_b) if date_a and date_b else 0
        if order == 0 and bool(date_a) != bool(date_b):
            order = -1 if date_a else 1
        return order or (a > b) - (a < b)

    origin = min(roots, key=functools.cmp_to_key(earlier))

    # Other roots are independent reports (or trees whose link in was a weaker, unused edge): join each
    # to the story by its strongest link to another tree, same_story links first.
    edges = [parent[a] for a in articles if a in parent]
    for root in roots:
        if root == origin:
            continue
        tie = next(
            (
                e
                for e in ranked
                if root in (e.source, e.derived) and _root_of(parent, e.source) != _root_of(parent, e.derived)
            ),
            None,
        )
        if tie is not None:
            other = tie.source if tie.derived == root else tie.derived
            if tie.derived == root:
                edges.append(Link(other, root, "same_story", tie.reuse, tie.confidence))
            else:  # shown hanging from the tree, against the pair's own order: its figures turned round too
                edges.append(Link(other, root, "same_story", tie.coverage, 1.0 - tie.confidence))
    members = []
    for a in articles:
        found = parent.get(a)
        reuse = found.reuse if found else 0.0
        members.append(
            Member(
                a,
                found.source if found else None,
                found.label if found else None,
                reuse,
                1.0 - reuse,
                dates.get(a),
            )
        )
    return Story(story_id(articles), articles, origin, edges, members)


def _prefer_direct_links(parent: dict[str, Link], ranked: list[Link]) -> None:
    """Re-attach an article to an earlier ancestor when that direct link explains as much.

    Two rewrites of one original are similar to each other too; "B copied A, which copied O" is only
    claimed when B's link to A is clearly stronger than its own link to O. Without dates behind
    A → B, its direction is a guess or the engine's containment hint, and two summaries of one source
    share more passages with each other than with the long source (AI-rephrased news: 28 of 200
    rephrasings hung under their sibling): there the chain is kept only when A → B is the stronger
    verdict (wholly derived against partially derived from O).
    """
    direct: dict[tuple[str, str], Link] = {}
    for link in ranked:
        if link.label in DERIVED:
            direct.setdefault((link.source, link.derived), link)
    for article in sorted(parent):
        chosen = parent[article]
        node = chosen.source
        while node in parent:
            node = parent[node].source
            alt = direct.get((node, article))
            if alt is not None and _explains_as_much(alt, chosen):
                parent[article] = alt
        # (re-pointing to an ancestor of the current parent never closes a cycle)


def _explains_as_much(direct: Link, chained: Link) -> bool:
    """Whether the direct link from an ancestor is as good an account of the article as the chain."""
    if direct.reuse >= chained.reuse - CHAIN_MARGIN and direct.confidence >= chained.confidence:
        return True
    dated_chain = chained.confidence >= CONFIDENCE_DATES
    return not dated_chain and _VERDICT_STRENGTH[direct.label] >= _VERDICT_STRENGTH[chained.label]


_VERDICT_STRENGTH = {"wholly_derived": 2, "partially_derived": 1}


def _find(parent_of: dict[str, str], a: str) -> str:
    while parent_of[a] != a:
        parent_of[a] = parent_of[parent_of[a]]
        a = parent_of[a]
    return a


def _is_ancestor(parent: dict[str, Link], candidate: str, of: str) -> bool:
    node: str | None = of
    while node is not None:
        if node == candidate:
            return True
        node = parent[node].source if node in parent else None
    return False


def _root_of(parent: dict[str, Link], a: str) -> str:
    while a in parent:
        a = parent[a].source
    return a
