"""Facts: the quotations, speakers, named entities, numbers and attributions in one article's text.

Every function here is pure: text in, dataclasses with character offsets into that text out. Quotations
and numbers use script-agnostic rules (quote marks, digits), so they work in any language; speakers,
attributions, spelled-out numbers, month and weekday names follow English rules; named entities come from
spaCy's pretrained English pipeline, through retold.ner (the heavy dependency behind one door).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from retold import ner
from retold.article import Span
from retold.segment import TITLES

NumberKind = Literal["number", "money", "percent", "date", "weekday", "time", "score", "ordinal"]
EntityType = Literal["person", "organization", "place"]


# spaCy labels kept, mapped to the three kinds the issue asks for. NORP (nationalities) and the numeric
# labels are left out: numbers come from the rules below, which also work outside English.
_ENTITY_LABELS: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: the quoted words (without the marks) and who the text says spoke them.

    ``speaker`` is the name as written ("Ana Ruiz", "the statement", "a security official"); a pronoun
    ("he said") is replaced by the nearest named speaker before it. ``None`` when no attribution is found.
    ``attribution`` is the attribution phrase that gives the quotation its speaker in the text ("he said",
    not the earlier "Ana Ruiz said" it is resolved to), where it is one of ``extract_attributions``.
    """

    span: Span
    speaker: str | None = None
    speaker_span: Span | None = None
    attribution: Span | None = None


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One mention of a person, organisation or place, as found by spaCy."""

    span: Span
    type: EntityType


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number, amount of money, percentage, date, weekday, time of day, score or ordinal ("87th").

    ``value`` is a normalised form that compares equal across spellings: ``("number", 5.0)`` for both
    "5" and "five"; dates are ``(year, month, day, part)`` with ``None`` for what the text leaves out.
    """

    span: Span
    kind: NumberKind
    value: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Attribution:
    """A phrase that attributes a claim: "a security official said", "according to the ministry"."""

    span: Span
    speaker: str


@dataclass(slots=True)
class ArticleFacts:
    """Everything ``extract_facts`` found in one text; ``notes`` say what could not be extracted."""

    quotes: list[Quote] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Quotations

# Opening mark -> closing marks it may pair with. „ closes with “ (German) or ” (Polish, Romanian).
# Straight ASCII quotes are handled apart: the same mark opens and closes. Single quotes are left out:
# ’ is also the apostrophe, and telling the two apart costs more false quotations than it finds.
_OPEN_TO_CLOSE: dict[str, str] = {
    "“": "”",
    "„": "“”",
    "«": "»",
    "‹": "›",
    "「": "」",
    "『": "』",
}
_CLOSERS = "”“»›」』"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def extract_quotes(
    text: str,
    *,
    language: str = "en",
    attributions: list[Attribution] | None = None,
    entities: list[EntityMention] | None = None,
) -> list[Quote]:
    """Every direct quotation in ``text``, with its speaker where the text names one.

    A quotation may span sentences; one left open at the end of a paragraph and reopened at the start of
    the next (the newspaper convention for long quotes) is one quotation. Spans cover the words between
    the marks. Speakers are found with English rules only; elsewhere they are ``None``. With ``entities``
    (the text's), "he said" / "she said" may also stand for a person named after the last named speaker
    ("Manager Petra Lindqvist was less impressed. "...," she said.").
    """
    ranges = _quote_ranges(text)
    if language != "en":
        return [Quote(_inner_span(text, s, e)) for s, e in ranges]
    if attributions is None:  # extract_facts passes the ones it extracted: the patterns are the costly part
        attributions = extract_attributions(text)
    quotes: list[Quote] = []
    last_named: tuple[str, Span] | None = None
    previous_end = -1
    previous_speaker: tuple[str, Span] | None = None
    previous_attribution: Span | None = None
    attribution_starts = {a.span.start for a in attributions}
    persons = [e for e in entities or [] if e.type == "person" and not _inside(e.span.start, ranges)]
    layout: _Layout | None = None  # split once per text, on the first "he said" that needs it
    for start, end in ranges:
        found = _speaker_for(text, start, end, attributions)
        attribution = found[1] if found is not None and found[1].start in attribution_starts else None
        if (
            found is None
            and previous_speaker is not None
            and _only_attribution_between(text, previous_end, start)
        ):
            # "A," she said. "B." -- B is still hers
            found, attribution = previous_speaker, previous_attribution
        if found is not None and is_pronoun(found[0]):
            resolved = _nearest_named_before(text, found[1].start, attributions, last_named)
            if found[0].lower() in ("he", "she") and persons:
                # Splitting the text for every "he said" made a 182 KB article's quotations take 143 s.
                layout = layout or _Layout.of(text)
                resolved = _person_named_since(layout, found[1].start, resolved, persons)
            found = resolved
        speaker, speaker_span = found if found is not None else (None, None)
        quotes.append(Quote(_inner_span(text, start, end), speaker, speaker_span, attribution))
        if found is not None and not is_nominal(found[0]):
            last_named = found
        previous_end, previous_speaker, previous_attribution = end, found, attribution
    return quotes


def _inside(position: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether ``position`` lies in one of ``ranges`` (sorted, not overlapping, as _quote_ranges gives
    them): by bisection, since every attribution and person of a long article asks."""
    index = bisect_right(ranges, position, key=lambda r: r[0]) - 1
    return index >= 0 and position < ranges[index][1]


def _inner_span(text: str, start: int, end: int) -> Span:
    """The quoted words between the marks, without the spaces French sets inside them ("« Nos enfants
    ... »", often no-break ones), which showed as stray padding in the report."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


@lru_cache(maxsize=2)
def _quote_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """Character ranges of quoted words, paragraph by paragraph, merging paragraph-continued quotes;
    sorted by start. Cached: attributions and quotations of one text both need them, and the scan goes
    character by character."""
    ranges: list[tuple[int, int]] = []
    carried: int | None = None  # start of a quote left open at the end of the previous paragraph
    for paragraph_start, paragraph_end in _paragraphs(text):
        closed, still_open = _quotes_in_paragraph(text, paragraph_start, paragraph_end)
        if carried is not None:
            first_open = _first_nonspace(text, paragraph_start, paragraph_end)
            if closed and closed[0][0] == first_open + 1:
                closed[0] = (carried, closed[0][1])
            elif still_open is not None and still_open == first_open + 1:
                still_open = carried
        carried = still_open
        ranges.extend(r for r in closed if _WORD.search(text, r[0], r[1]))
    return tuple(ranges)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _first_nonspace(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _quotes_in_paragraph(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed quotations in ``text[start:end]`` and where a quotation left open there begins."""
    closed: list[tuple[int, int]] = []
    open_at: int | None = None
    closers = ""
    for i in range(start, end):
        char = text[i]
        if open_at is None:
            if char == '"':
                open_at, closers = i + 1, '"'
            elif char in _OPEN_TO_CLOSE:
                open_at, closers = i + 1, _OPEN_TO_CLOSE[char]
        elif char in closers:
            closed.append((open_at, i))
            open_at = None
    return closed, open_at


def interrupted(text: str, first: Quote, second: Quote) -> bool:
    """Whether ``second`` goes on the sentence of ``first`` after its attribution: '"The film," she said,
    "changed my life."' is one quotation, written in two pieces."""
    return (
        first.span.text.rstrip().endswith(",")
        and second.span.text[:1].islower()
        and _only_attribution_between(text, first.span.end, second.span.start)
    )


def _only_attribution_between(text: str, end: int, start: int) -> bool:
    """True when only punctuation and one short attribution clause separate two quotations."""
    if end < 0:
        return False
    gap = text[end:start]
    return "\n\n" not in gap and len(gap) <= 80 and not re.search(r"[.!?:]\s+\w", gap)


# ---------------------------------------------------------------------------------------------------
# Speakers and attributions

_SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|noted|notes|explained|explains|asked|insisted|"
    "warned|wrote|writes|declared|continued|recalled|argued|argues|claimed|claims|replied|announced|"
    "acknowledged|tweeted|posted|remarked|observed|conceded|admitted|urged|promised|vowed|confirmed|"
    "denied|countered|responded|suggested|predicted|cautioned|emphasized|emphasised|stressed|concluded|pledged|"
    "recounted|shouted|identified|reported|described|called|alleged|testified|maintained|estimated|estimates?"
)
# A name: up to six capitalised words (titles included: "Prime Minister Mohammed Shia al-Sudani"), with
# lower-case particles of Arabic, Dutch, Spanish... names between them. Initials such as "J." pass.
# Abbreviated titles keep their period ("said Dr. Anil Varma" is Anil Varma's, not "Dr"'s).
# The titles are the segmenter's: a period after them never ends a sentence either.
_TITLE_ABBREVIATION = rf"(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})\."
_NAME_WORD = rf"(?:{_TITLE_ABBREVIATION}|[A-Z](?:\.(?:[A-Z]\.)*|[\w'’-]*)|(?:al|el|ad|as)-[A-Z][\w'’-]*)"
_NAME = (
    rf"(?:[Tt]he\s+)?{_NAME_WORD}(?:\s+(?:(?:al|el|bin|ibn|de|da|van|von|der|la|le|du|del|dos|di)\s+)?"
    rf"{_NAME_WORD}){{0,5}}"
)
# A described source: "the statement", "a senior security official", "police", "one witness".
# Its last word is a noun, never a function word: the AI-rephrased hand check found "a poll by" and "a
# two-thirds majority of the" taken as speakers.
_FUNCTION_WORD = r"(?:of|by|the|to|in|for|on|at|and|or|a|an|with|from|that|who|which)\b"
# Auxiliaries end a described source: in "X, said the company would pay" the company is what was said
# about, not who said it (the review's "the company would pay" as a speaker).
_AUXILIARY = r"(?:would|will|had|has|have|was|were|is|are|could|should|may|might|must|did|does|do|can)\b"
# A possessive is a determiner too: "Greaves's barrister said", "the company's spokesman", "his lawyer"
# (the review's "Greaves's barrister said" was no attribution).
_POSSESSIVE = rf"(?:{_NAME}(?<=['’]s|s['’])|[Tt]he\s+[a-z][\w-]*['’]s|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)"
# Nor pronouns and linking words: on BBC text "The company's shares tumbled after it said" and "Mr
# Brown's plan when he said" were speakers.
_LINKING_WORD = (
    r"(?:he|she|it|they|we|you|i|him|them|when|after|amid|as|while|because|before|since|until|if|though"
    r"|although|but|and|or|where|whereas|so|then|once|despite)\b"
)
_NOMINAL = (
    rf"(?:\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|{_POSSESSIVE})\s+"
    rf"(?:(?!{_AUXILIARY}|{_LINKING_WORD})[a-z][\w-]*\s+){{0,3}}"
    rf"(?!{_FUNCTION_WORD}|{_AUXILIARY}|{_LINKING_WORD})[a-z][\w-]*|police)"
)
# Lower-case words describing a named speaker: "county emergency manager Lidia Brenner", "club chairman
# Nils Berg". Not function words, so "said on Monday" does not make Monday a speaker.
_DESCRIPTION = rf"(?:(?!{_FUNCTION_WORD}|{_AUXILIARY})[a-z][\w-]*\s+){{1,4}}"
# A word of its own: "he states" inside "the states" is no attribution.
_PRONOUN = r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e)\b"
_SPEAKER = rf"(?:{_NOMINAL}|{_PRONOUN}|{_NAME})"
# Between a speaker and the verb: the perfect and an adverb ("has also said", "later told").
_VERB_LEAD = r"(?:(?:has|have|had)\s+)?(?:also\s+|later\s+|then\s+)?"
# "X said", "X, 45, said"; in the perfect too: "Unions have called", "the ministry has also said".
_SPEAKER_VERB = re.compile(
    rf"(?P<speaker>{_SPEAKER})(?:,\s+(?P<appositive>[^,\"“”]{{1,60}}),)?\s+"
    rf"{_VERB_LEAD}(?:{_SPEECH_VERBS})\b"
)
# A name set off by commas right before the verb: "Their mother, Ingrid Lund, said". Only a name that
# follows a comma: in "Talks will resume in the spring, said the mediator" the spring is no speaker.
_APPOSITIVE_SPEAKER = re.compile(
    rf"(?<=,\s)(?P<speaker>{_NAME}),\s+{_VERB_LEAD}"
    rf"(?:{_SPEECH_VERBS})\b"
)
# Before the name: a description ("club chairman"), or an organisation and a title ("Miami Dolphins
# owner Stephen Ross", "Westline Rail chief executive Oskar Lindahl": the person speaks, not the club).
_BEFORE_NAME = rf"(?:(?:{_NAME}\s+(?=[a-z]))?{_DESCRIPTION}(?={_NAME_WORD}))?"
_VERB_SPEAKER = re.compile(
    rf"(?<=[,\"”])\s*(?:{_SPEECH_VERBS})\s+{_BEFORE_NAME}(?P<speaker>{_NOMINAL}|{_NAME})\b(?!\s+{_AUXILIARY})"
)
# "The emergency office put the number of people evacuated at 3,200": the news form of attributing a
# figure. Only with a counting noun, so "the company put its plant up for sale" is not an attribution.
_PUT_FIGURE_AT = re.compile(
    rf"(?P<speaker>{_SPEAKER})\s+(?:has\s+|had\s+)?put\s+(?:the|its|their|his|her)\s+"
    r"(?:number|toll|death\s+toll|figure|count|total|cost|damage|estimate)\b[^.!?\"“”]{0,80}?\s+at\b"
)
# A described source in the plural, with no article: "organisers said", "local residents told",
# "Officials have said". Lower case mid-sentence (not a function word, not "this", "was", "news"...);
# capitalised only from a list, since "Jones said" is a name.
_NOT_PLURAL = (
    r"(?:this|its|his|hers|ours|yours|theirs|us|as|was|has|is|does|thus|plus|perhaps|always|sometimes|"
    r"news|series|means|yes|bus|gas|besides|towards|afterwards|whereas)\b"
)
_PLURAL_HEAD = (
    rf"(?:(?!{_NOT_PLURAL})[a-z][a-z-]*[a-rt-z]s|Officials|Authorities|Witnesses|Residents|Organisers"
    r"|Organizers|Analysts|Experts|Investigators|Prosecutors|Doctors|Sources|Rescuers|Firefighters"
    r"|Protesters|Critics|Researchers|Scientists|Economists|Diplomats|Lawmakers|Activists|Villagers)\b"
)
# Verbs that are speech after a plural noun; "reported" and "called" are participles there ("no major
# adverse events reported"), while "described" is more often speech ("Officials described the dam as").
_PLURAL_SPEECH_VERBS = (
    "said|say|says|told|tell|added|stated|warned|insisted|argued|claimed|confirmed|denied|conceded|"
    "explained|urged|estimate|described"
)
# "Officials in Washington said": where they sit is part of the source, and the place alone is no
# speaker ("Washington said" was a changed attribution against "US officials said").
_PLURAL_PLACE = r"(?:\s+(?:in|at|from)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)?"
_PLURAL_SOURCE_VERB = re.compile(
    rf"(?<![\w-])(?P<speaker>(?:(?!{_FUNCTION_WORD}|{_AUXILIARY}|{_NOT_PLURAL})[A-Za-z][a-z-]+\s+)?{_PLURAL_HEAD}"
    rf"{_PLURAL_PLACE})\s+{_VERB_LEAD}(?:{_PLURAL_SPEECH_VERBS})\b"
)
_ACCORDING_TO = re.compile(
    rf"\b[Aa]ccording to\s+(?:(?P<plural>(?:(?!{_FUNCTION_WORD}|{_AUXILIARY})[a-z][a-z-]+\s+)?{_PLURAL_HEAD})"
    rf"|{_BEFORE_NAME}(?P<speaker>{_NOMINAL}|{_NAME}))"
)
# An anonymous source is one attribution, whole: "people familiar with the matter", "a source close to
# the investigation", "officials who spoke on condition of anonymity". Its words matched no rule ("people"
# is no plural in -s) or only their tail ("the investigation said"). After "according to" or a speech verb,
# or before one.
# What the source is close to, or knows of: a few words, none a function word or a verb of speech.
_OBJECT_WORD = rf"(?!{_FUNCTION_WORD}|{_AUXILIARY}|(?:also|later|then)\b|(?:{_SPEECH_VERBS})\b)[\w'’-]+"
# Words before the source describe it ("two Western diplomats", "senior officials"): not a sentence's
# opening word, a date or a time ("But people familiar ...", "On Monday sources close to ..."), and never
# across a full stop: "talks for several weeks. But people familiar with the matter" was one speaker.
_NOT_SOURCE_WORD = (
    r"(?:But|And|Or|So|Yet|On|In|At|By|For|From|To|With|Of|As|After|Before|When|While|Since|Until|However"
    r"|Meanwhile|Still|Now|Then|Also|Yesterday|Today|Tonight|Earlier|Later|Last|This|That|The|Separately"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December)\b"
)
_ANONYMOUS = (
    r"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Oo]ther|[Mm]ultiple)\s+)?"
    rf"(?:(?!{_FUNCTION_WORD}|{_AUXILIARY}|{_NOT_SOURCE_WORD}|(?:{_SPEECH_VERBS})\b)[A-Za-z][\w'’-]*\s+){{0,2}}?"
    r"(?:[Pp]eople|[Pp]erson|[Ss]ources?|[Oo]fficials?|[Ii]nsiders?|[Aa]ides?|[Dd]iplomats?)\s+"
    r"(?:who\s+(?:spoke\s+on\s+(?:the\s+)?condition\s+of\s+anonymity|requested\s+anonymity"
    r"|asked\s+not\s+to\s+be\s+(?:named|identified))"
    r"|(?:(?:directly\s+)?familiar\s+with|close\s+to|briefed\s+on|(?:with|who\s+ha(?:ve|s|d))\s+(?:direct\s+)?"
    r"knowledge\s+of)\s+(?:(?:the|his|her|its|their)\s+)?"
    rf"{_OBJECT_WORD}(?:\s+{_OBJECT_WORD}){{0,3}})"
)
_ANONYMOUS_SOURCE = re.compile(
    rf"(?:\b[Aa]ccording\s+to\s+|(?<=[,\"”]\s)(?:{_SPEECH_VERBS})\s+"
    rf"|(?<![\w-])(?={_ANONYMOUS}\s+{_VERB_LEAD}(?:{_SPEECH_VERBS})\b))"
    rf"(?P<speaker>{_ANONYMOUS})(?:\s+{_VERB_LEAD}(?:{_SPEECH_VERBS})\b)?"
)
# Not a name spoken to: "He put it simply to Reuters:", "she told CNN:".
_NAME_BEFORE_COLON = re.compile(
    rf"(?<![\w-])(?<!to )(?<!told )(?<!tells )(?<!telling )(?<!asked )(?P<speaker>{_NAME}):\s*$"
)
_NAME_ONLY = re.compile(_NAME)
# "Peter Holm of the regional council said", "Ana Ruiz of Reuters told": the person speaks, not the body
# named after "of". Only a name of two words or more with no title in it: "Secretary of State Antony
# Blinken said" and "Prime Minister of India Narendra Modi said" are titles, "Most of the residents" is no name.
_TITLE_WORD = (
    r"(?:Minister|Secretary|President|Chancellor|Governor|Director|Head|Chief|Mayor|Chairman|Chairwoman"
    r"|Chair|Leader|Speaker|Member|Members|Commissioner|Ambassador|Bank|House|Department|Ministry)\b"
)
_NAME_OF_BODY = re.compile(
    rf"(?P<speaker>(?!\S*\s*{_TITLE_WORD})(?=[A-Z][\w'’.-]*\s+[A-Z])(?:(?!{_TITLE_WORD}){_NAME_WORD}\s*){{2,4}}?)"
    rf"\s+of\s+(?:the\s+)?(?:[A-Za-z][\w'’-]*\s+){{0,4}}?[A-Za-z][\w'’-]*\s+"
    rf"{_VERB_LEAD}(?:{_SPEECH_VERBS})\b"
)
_COLON_SPEAKER = re.compile(rf"(?P<speaker>{_NAME})\s+[a-z][^.!?\"“”:]{{0,60}}:\s*$")
# Capitalised words that start sentences or name things but never speak.
_NOT_SPEAKERS = {
    "The", "A", "An", "It", "This", "That", "These", "Those", "But", "And", "In", "On", "At", "When",
    "If", "As", "After", "Before", "While", "Then", "There", "Here", "I", "We", "You", "Officials",
}  # fmt: skip


def extract_attributions(text: str) -> list[Attribution]:
    """Attribution phrases ("X said", "said X", "according to X", "the statement identified", "X put the
    toll at")."""
    found: list[Attribution] = []
    # The plural sources first: where "Experts said" also reads as a name, it is a described source.
    for pattern in (
        _PLURAL_SOURCE_VERB,
        _NAME_OF_BODY,
        _SPEAKER_VERB,
        _APPOSITIVE_SPEAKER,
        _VERB_SPEAKER,
        _ACCORDING_TO,
        _PUT_FIGURE_AT,
        _ANONYMOUS_SOURCE,
    ):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if groups.get("plural"):  # "according to regional officials"
                raw, plural = groups["plural"], True
            else:
                raw, plural = match.group("speaker"), pattern in (_PLURAL_SOURCE_VERB, _ANONYMOUS_SOURCE)
            appositive = (groups.get("appositive") or "").strip()
            if appositive and is_nominal(raw) and _NAME_ONLY.fullmatch(appositive):
                raw = appositive  # "In a statement, Oskar Lindahl, said": the name speaks
            # A plural or anonymous source is described, not named: "Officials" opening a sentence is
            # "officials".
            # ... but "US officials" keeps its acronym (it was "uS officials").
            if plural:
                first = raw.split()[0]
                speaker = raw if len(first) > 1 and first.isupper() else raw[:1].lower() + raw[1:]
            else:
                speaker = _clean_speaker(raw)
            if speaker is None:
                continue
            # Without the space a match may start with (" said Rovers captain Tom Brennan").
            found.append(Attribution(_inner_span(text, match.start(), match.end()), speaker))
    # Words inside quotation marks are what was said, not who said it: the review's '"The people have
    # asked us to govern ...," party leader Helena Marsh told' made "The people" the speaker.
    # Only quotations whose marks pair without doubt, and never right after a closing mark: on BBC text a
    # stray mark in a paragraph paired the rest wrongly, and 167 of 2,770 attributions vanished, 67 of them
    # right after '," ' ('"We have simply stated a fact," he said').
    quoted = _paired_quote_ranges(text)
    found = [
        a
        for a in found
        if not _inside(a.span.start, quoted)
        or _AFTER_CLOSING_MARK.search(text, max(0, a.span.start - 8), a.span.start) is not None
    ]
    found.sort(key=lambda a: (a.span.start, -a.span.end))
    kept: list[Attribution] = []
    for attribution in found:  # overlapping matches: keep the first, longest
        if kept and attribution.span.start < kept[-1].span.end:
            continue
        kept.append(attribution)
    return kept


# A closing mark after the quotation's last punctuation, then a space: what follows is outside it.
_AFTER_CLOSING_MARK = re.compile(r"[,.!?…][\"”»›」』][ \t]+$")
_BALANCED_MARKS = (("“", "”"), ("«", "»"), ("‹", "›"), ("「", "」"), ("『", "』"))


def _paired_quote_ranges(text: str) -> list[tuple[int, int]]:
    """The quotations of ``_quote_ranges`` in paragraphs whose marks balance: an odd number of straight
    marks, or of curly openers and closers, means a stray one, and every pairing there is a guess."""
    unbalanced = [
        (start, end)
        for start, end in _paragraphs(text)
        if text.count('"', start, end) % 2
        or _quotes_in_paragraph(text, start, end)[1] is not None
        or any(
            text.count(opener, start, end) != text.count(closer, start, end)
            for opener, closer in _BALANCED_MARKS
            if not (opener == "“" and "„" in text[start:end])  # „…“ closes with the opener of “…”
        )
    ]
    return [
        (start, end)
        for start, end in _quote_ranges(text)
        if not any(start < b and a < end for a, b in unbalanced)
    ]


def _clean_speaker(raw: str) -> str | None:
    words = raw.strip().split()
    while words and words[0] in _NOT_SPEAKERS and len(words) > 1 and words[0] not in ("The", "A", "An"):
        words = words[1:]
    if not words or (len(words) == 1 and words[0] in _NOT_SPEAKERS):
        return None
    if words[0] in ("The", "the") and len(words) > 1 and words[1][:1].isupper():
        words = words[1:]  # "the Interior Ministry" is the name "Interior Ministry"
    return " ".join(words).strip(",.")


def is_pronoun(speaker: str) -> bool:
    """Whether a speaker is only a pronoun ("she said"): it names someone named elsewhere."""
    return speaker.lower() in ("he", "she", "they", "we")


# "Greaves's barrister", "Westline Rail's chief executive": a name's possessive before a common noun.
_POSSESSIVE_DESCRIPTION = re.compile(r"(?:['’]s|s['’])\s+[a-z]")


def is_nominal(speaker: str) -> bool:
    """Whether a speaker is a description ("a spokesman", "The agency", "officials"), not a name."""
    return (
        speaker[:1].islower()
        or speaker.split()[0] in ("The", "A", "An", "One", "Another", "His", "Her", "Their", "Its")
        or _POSSESSIVE_DESCRIPTION.search(speaker) is not None
    )


def _speaker_for(text: str, start: int, end: int, attributions: list[Attribution]) -> tuple[str, Span] | None:
    """The attribution right after the closing mark, right before the opening mark, or in the sentence."""
    after = end + 1
    before = start - 1
    sentence_start, sentence_end = _sentence_around(text, before, after)
    ends_sentence = text[start:end].rstrip().endswith(".")
    for attribution in attributions:
        gap_after = text[after : attribution.span.start]
        if ends_sentence and attribution.span.text.strip()[:1].isupper():
            continue  # '..." Coach Santos said' opens the next sentence; it does not attribute this one
        if (
            attribution.span.start >= after
            and len(gap_after) <= 3
            and re.fullmatch(r"[ \t,\"”»]*", gap_after)
        ):
            return attribution.speaker, attribution.span
    for attribution in reversed(attributions):
        if attribution.span.end > before or attribution.span.start < sentence_start:
            continue
        gap_before = text[attribution.span.end : before]
        if re.fullmatch(r"(?:\s+(?:that\b|[^.!?\"“”]{0,60}?))?(?:\s+that)?\s*[:,]?\s*", gap_before):
            return attribution.speaker, attribution.span
        break
    # A name right before the colon speaks ("... summed up by Miami Dolphins owner Stephen Ross: "),
    # else the name that opens the clause ("Coach Maria Santos praised the defence: ").
    introduced = _NAME_BEFORE_COLON.search(text, sentence_start, max(sentence_start, before)) or (
        _COLON_SPEAKER.search(text, sentence_start, max(sentence_start, before))
    )
    if introduced is not None:  # "Coach Maria Santos praised the defence: "..."
        return introduced.group("speaker"), Span(introduced.start(), introduced.end(), introduced.group(0))
    for attribution in attributions:  # a partial quotation: the attribution in the same sentence
        if sentence_start <= attribution.span.start and attribution.span.end <= sentence_end:
            return attribution.speaker, attribution.span
    return None


def _sentence_around(text: str, before: int, after: int) -> tuple[int, int]:
    """Bounds of the sentence holding a quotation, not counting punctuation inside the quotation."""
    start = before
    while start > 0:
        if text[start - 1] in ".!?\n" and (start >= len(text) or text[start].isspace()):
            break
        start -= 1
    end = after
    while end < len(text) and not (
        text[end] in ".!?\n" and (end + 1 >= len(text) or text[end + 1].isspace())
    ):
        end += 1
    return start, end + 1


def _nearest_named_before(
    text: str, position: int, attributions: list[Attribution], last_named: tuple[str, Span] | None
) -> tuple[str, Span] | None:
    """The nearest named (not pronoun, not described) speaker before ``position``."""
    for attribution in reversed(attributions):
        named = not is_pronoun(attribution.speaker) and not is_nominal(attribution.speaker)
        if attribution.span.end <= position and named:
            return attribution.speaker, attribution.span
    return last_named


@dataclass(frozen=True, slots=True)
class _Layout:
    """A text's sentences and paragraphs, split once, with their starts for bisection."""

    text: str
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraphs: list[tuple[int, int]]
    paragraph_starts: list[int]

    @classmethod
    def of(cls, text: str) -> _Layout:
        from retold.segment import sentence_ranges

        sentences, paragraphs = sentence_ranges(text), _paragraphs(text)
        return cls(text, sentences, [a for a, _ in sentences], paragraphs, [a for a, _ in paragraphs])

    def sentence_at(self, position: int) -> int | None:
        """The index of the sentence holding ``position``; None between sentences."""
        index = bisect_right(self.sentence_starts, position) - 1
        return index if index >= 0 and position < self.sentences[index][1] else None

    def paragraph_start(self, position: int) -> int:
        return self.paragraphs[max(0, bisect_right(self.paragraph_starts, position) - 1)][0]


def _person_named_since(
    layout: _Layout, position: int, named: tuple[str, Span] | None, persons: list[EntityMention]
) -> tuple[str, Span] | None:
    """The person a "he said" / "she said" at ``position`` stands for when a sentence after the named
    speaker's (``named``) and before the pronoun's names one: "Rovers manager Sean Doyle said. ...
    Athletic manager Petra Lindqvist was less impressed. "We gave away two soft goals," she said." is
    Lindqvist's, not Doyle's. Only the sentences of the pronoun's paragraph and the one sentence before
    it; the pronoun's own sentence is left out ('Asked about Doyle, "He was great," she said' is not
    Doyle's). Two people in that sentence: unknown, not a guess. Else ``named``, as before."""
    sentences = layout.sentences
    own = layout.sentence_at(position)
    if own is None or own == 0:
        return named
    window_start = min(sentences[own - 1][0], layout.paragraph_start(position))
    # The named speaker inside that window too: two candidates ('"...," said defence lawyer Mark Jones.
    # Judge Helen Carter sentenced his client. "...," he said.'), so a subject found is no better guess.
    named_in_window = named is not None and named[1].start >= window_start
    # Past the sentence of the named speaker: in it, other names are what was said about.
    if named is not None:
        named_sentence = layout.sentence_at(named[1].start)
        window_start = max(window_start, sentences[named_sentence][1] if named_sentence is not None else 0)
    window_end = sentences[own][0]
    before = [p for p in persons if window_start <= p.span.start and p.span.end <= window_end]
    if not before:
        return named
    nearest = before[-1]
    nearest_sentence = layout.sentence_at(nearest.span.start)
    if nearest_sentence is None:
        return named
    sentence = sentences[nearest_sentence]
    in_sentence = [p for p in before if sentence[0] <= p.span.start < sentence[1]]
    subject = in_sentence[0]
    # Only the subject of its sentence ("Athletic manager Petra Lindqvist was less impressed."): opening
    # it after words of description alone, and followed by a verb. "Mendes ... spoke to Beats 1's Zane
    # Lowe" made Lowe the "he" of Mendes's quotation, and "Detectives later questioned John Smith about
    # the fire" made John Smith the "she" of the spokeswoman named before.
    if not _SENTENCE_SUBJECT.fullmatch(layout.text, sentence[0], subject.span.start):
        return named
    if len({_last_name_word(p.span.text) for p in in_sentence}) > 1:
        return None  # "Petra Lindqvist and Tom Brennan were less impressed."
    if not _SUBJECT_VERB.match(layout.text, subject.span.end):
        return named
    return None if named_in_window else (subject.span.text, subject.span)


# Verbs in the past tense that do not end in -ed, for telling a sentence's subject from its object.
_IRREGULAR_PAST = (
    r"(?:was|were|had|made|took|gave|went|came|saw|got|felt|thought|spoke|led|won|lost|left|hit|put|set|"
    r"ran|became|began|kept|held|brought|sent|met|wrote|paid|sat|stood|sold|built|fell|struck|chose|"
    r"broke|drove|rose|knew|grew|threw|drew|caught|taught|fought|sought|bought|told|said|found|heard|"
    r"meant|let|cut|shot|beat|spent|hung|swore|stole|withdrew|oversaw|overtook|forgave|fled)\b"
)
# A word that cannot describe the person after it: a function word, an auxiliary, an adverb, a
# sentence opener or a verb ("Detectives later questioned John Smith": Smith is the object). Any case,
# but -ed and -ly only in lower case: "Red Sox pitcher" and "Retired general" are descriptions.
_NOT_DESCRIBING = (
    rf"(?:{_FUNCTION_WORD}|{_AUXILIARY}|{_IRREGULAR_PAST}"
    r"|(?:but|and|when|after|before|while|if|as|then|there|here|also|later|again|still|just|never|once|soon"
    r"|now|today|yesterday|meanwhile|however|asked|against|about|like|than|into|over|under)\b)"
)
# Before a person opening a sentence: up to four words of description, no comma, no verb ("Co-star",
# "Athletic manager", "The club's new head coach").
_SENTENCE_SUBJECT = re.compile(
    rf"[\"“]?(?:(?:The|A|An)\s+)?(?:(?!(?i:{_NOT_DESCRIBING}))(?![a-z][\w-]*(?:ed|ly)\b)[\w'’.-]+\s+){{0,4}}"
)
# After it, a verb: "was less impressed", "later said", "told", "sentenced", ", 45, has".
_SUBJECT_VERB = re.compile(
    rf"(?:,[^,.!?]{{1,60}},)?\s+(?:(?:also|later|then|still|[a-z]+ly)\s+)?"
    rf"(?:{_AUXILIARY}|(?:{_SPEECH_VERBS})\b|{_IRREGULAR_PAST}|[a-z]+ed\b|[a-z]+s\b)"
)


def _last_name_word(name: str) -> str:
    return name.replace("’", "'").removesuffix("'s").split()[-1].lower()


# ---------------------------------------------------------------------------------------------------
# Numbers, dates, weekdays, times

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
# "one" is left out of spelled numbers ("one of the", "no one"): it is a pronoun far more often than a
# count in news text; "one million" is still caught through the scale word.
# Only tens take a second word, and "one" is one there: "twenty-one" was read as 20 (the "one" left off)
# and "five ten-year terms" as 15.
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# Not "twenty one-year-olds": a unit word after a space and before a hyphen begins the next word (21
# was a false change from 20); "twenty-one-year-old" is 21.
_SECOND_UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)\b"
_SPELLED = (
    rf"(?:(?:{'|'.join(_TENS)})(?:-{_SECOND_UNIT}|\s{_SECOND_UNIT}(?!-))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")"
)
_DIGITS = r"\d+(?:[,\u066c]\d{3})*(?:[.\u066b]\d+)?"
# Most of continental Europe (and Turkish, Russian, Indonesian, Vietnamese...) writes 1.200 or 1 200 for
# a thousand two hundred and 45,5 for forty-five and a half. A point or space groups only before exactly
# three digits ("1.200", "12 000"); any other point is a decimal one written the English way ("3.5").
DECIMAL_COMMA_LANGUAGES = frozenset(
    "af be bg bs ca cs da de el es et eu fi fo fr gl hr hu id is it kk lt lv mk nb nl nn no pl pt ro ru "
    "sk sl sq sr sv tr uk uz vi".split()
)
_DIGITS_DECIMAL_COMMA = (
    r"(?:\d{1,3}(?:[.\u066c\u00a0\u202f\u2009 ]\d{3})+(?!\d)|\d+(?:\.\d+)?)(?:[,\u066b]\d+)?"
)
_GROUP_SEPARATOR = re.compile(r"(?<=\d)[.\u066c\u00a0\u202f\u2009 ](?=\d{3}(?!\d))")
_SCALE = r"(?:\s?(?:hundred|thousand|million|billion|trillion)|\s?(?:bn|mn|tn)\b|(?<=\d)[kmb]\b)"
_CURRENCY_SIGN = r"(?:US\$|C\$|A\$|[$€£¥₹]|Rs\.?\s?)"
_CURRENCY_WORD = r"(?:dollars?|euros?|pounds?|yen|rupees?|dinars?|riyals?|pesos?|francs?|yuan)"


# "one hundred and five", "two hundred thousand", "two hundred and fifty thousand"; the "and" takes no
# count that a "hundred" of its own follows: "between one hundred and two hundred" read 102.
_HUNDREDS = rf"hundred(?:\s+and\s+(?:{_SPELLED}|one)\b(?!\s+hundred\b))?(?:\s+(?:thousand|million|billion|trillion)\b)?"


def _number_pattern(digits: str) -> re.Pattern[str]:
    """Numbers, money, percentages, dates, weekdays and times, with ``digits`` as the way figures are
    written (English "1,200.5" or continental "1.200,5")."""
    amount = rf"(?:{digits}|{_SPELLED}|one|a|an)(?:{_SCALE})?"
    return re.compile(
        "|".join(
            [
                # British style writes "6.15pm": a point before am/pm is the clock's colon. Hours 1-12
                # and minutes under 60 only: "5.75pm" was 18:15 and "0.95 pm" a time.
                r"(?P<time>\b(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)"
                r"|\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b(?:noon|midnight)\b)",
                rf"(?P<money>{_CURRENCY_SIGN}\s?{digits}{_SCALE}?|\b{amount}\s+{_CURRENCY_WORD}\b)",
                rf"(?P<percent>\b(?:{digits}|{_SPELLED})\s?(?:%|percent\b|per cent\b)|{digits}\s?%)",
                rf"(?P<date>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
                rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}}\b)?"
                rf"|\b(?:(?:early|mid|late)[-\s])?{_MONTH}\s+\d{{4}}\b"
                r"|\b(?:early|mid|late)[-\s](?:1[89]|20)\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
                r"|\b(?:January|February|March|April|June|July|August|September|October|November|December)\b"
                r"|\b(?:1[89]|20)\d{2}\b(?![,.]?\d))",
                rf"(?P<weekday>\b{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?\b)",
                # A vote, a score or a range is one figure: "voted 7-2" -> "6-3" is one change, not
                # "2 -> 3, 7 dropped, 6 added". Not before a percent sign ("53-47 percent" stays two).
                # Nor before a scale word: "10-15 million" stays 10 and 15 million.
                r"(?P<score>(?<![\w.,\-–])\d{1,3}[-–]\d{1,3}(?![\w%\-–]|[.,]\d)"
                r"(?!\s?(?:%|percent\b|per cent\b|hundred\b|thousand\b|million\b|billion\b|trillion\b|bn\b|mn\b)))",
                # "the 87th minute": a rank, compared only with ranks (87th is no count of 87).
                r"(?P<ordinal>(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d{1,4})(?:st|nd|rd|th)\b)",  # "1,000th" too
                rf"(?P<number>(?<![\w.,]){digits}{_SCALE}?(?![\w]|[.,]\d)|\b(?:{_SPELLED}|one|a|an)\s?(?:{_HUNDREDS}|thousand|million|billion|trillion)\b|\b{_SPELLED}\b)",
            ]
        ),
        re.IGNORECASE,
    )


_NUMBER_PATTERN = _number_pattern(_DIGITS)
_NUMBER_PATTERN_DECIMAL_COMMA = _number_pattern(_DIGITS_DECIMAL_COMMA)
_CASE_SENSITIVE_KINDS = ("date", "weekday")  # "march" the verb, "may" the modal: names need capitals
# Han, kana and Hangul: scripts written without spaces, so a figure stands against letters ("通过了4500万
# 美元", "12명"). They are word characters to ``re``, which hid every such figure behind its ``\b``; the
# patterns read a copy of the text where each of them is a mark that is neither a letter nor a space
# (one character for one, so offsets stay).
CJK_CHARACTERS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ffff"
)
_CJK = re.compile(f"[{CJK_CHARACTERS}]")
_CJK_STAND_IN = "\x07"


def extract_numbers(text: str, *, language: str = "en") -> list[NumberMention]:
    """Numbers, money, percentages, dates, weekdays and times of day, with normalised values.

    Outside English only digits count (a number, amount with a currency sign, percentage, ISO date or
    clock time): month names, weekdays and spelled-out numbers are English words. In the languages of
    ``DECIMAL_COMMA_LANGUAGES`` "1.200" is 1200 and "45,5" is 45.5.
    """
    decimal_comma = language in DECIMAL_COMMA_LANGUAGES
    pattern = _NUMBER_PATTERN_DECIMAL_COMMA if decimal_comma else _NUMBER_PATTERN
    mentions: list[NumberMention] = []
    for match in pattern.finditer(_CJK.sub(_CJK_STAND_IN, text)):
        kind = match.lastgroup
        raw = text[match.start() : match.end()]
        if kind is None:
            continue
        lower_case_name = not raw[:1].isupper() and not raw[:1].isdigit()
        if (
            kind in _CASE_SENSITIVE_KINDS
            and lower_case_name
            and not raw.lower().startswith(("early", "mid", "late"))
        ):
            continue
        if language != "en" and not any(ch.isdigit() for ch in raw):
            continue
        value = _number_value(kind, raw, decimal_comma=decimal_comma)
        if value is None:
            continue
        mentions.append(NumberMention(Span(match.start(), match.end(), raw), kind, value))  # type: ignore[arg-type]
    return mentions


def _parse_amount(raw: str, *, decimal_comma: bool = False) -> float | None:
    """The numeric value of "1,200", "3.5 million", "$2bn", "twenty-five", "a dozen", "٣٠" (and of
    "1.200" and "45,5" with ``decimal_comma``)."""
    text = raw.lower()
    hundreds, joined, rest = text.partition(" and ")
    if joined:  # "one hundred and five": added, where the words would multiply
        # "two hundred and fifty thousand": the scale after the tail is the whole amount's (not 200,050).
        scale_word = re.fullmatch(r"(.*?)\s+(thousand|million|billion|trillion)", rest)
        rest, outer = (scale_word.group(1), _SCALES[scale_word.group(2)]) if scale_word else (rest, 1.0)
        head, tail = _parse_amount(hundreds), _parse_amount(rest)
        return None if head is None or tail is None else (head + tail) * outer
    if decimal_comma:  # "1.200,5" -> "1200.5"
        text = _GROUP_SEPARATOR.sub("", text).replace(",", ".")
    text = text.replace("\u066c", ",").replace("\u066b", ".")
    text = re.sub(r"[^\w.,\s-]", " ", text)
    total: float | None = None
    scale = 1.0
    spelled = 0.0
    for token in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?|[a-z]+", text):
        if token[0].isdigit():
            total = float(token.replace(",", ""))
        elif token in _UNITS:
            spelled += _UNITS[token]
        elif token in ("one", "a", "an"):
            spelled += 1
        elif token in _SCALES:
            scale *= _SCALES[token]
        elif token in _SHORT_SCALES and total is not None:
            scale *= _SHORT_SCALES[token]
    if total is None:
        total = spelled if spelled else None
    if total is None:
        digits = "".join(str(int(ch)) if ch.isdigit() else ch for ch in raw if ch.isdigit() or ch == ".")
        if not digits:
            return None
        try:
            total = float(digits)
        except ValueError:
            return None
    return total * scale


def _number_value(kind: str, raw: str, *, decimal_comma: bool = False) -> tuple[Any, ...] | None:
    lower = raw.lower()
    if kind == "time":
        if lower in ("noon", "midnight"):
            return ("time", 12 * 60 if lower == "noon" else 0)
        hour_minute = re.match(r"(\d{1,2})(?:[:.](\d{2}))?", lower)
        if hour_minute is None:
            return None
        hour, minute = int(hour_minute.group(1)), int(hour_minute.group(2) or 0)
        if "p" in lower and hour < 12:
            hour += 12
        if "a" in lower and hour == 12:
            hour = 0
        return ("time", hour * 60 + minute)
    if kind == "weekday":
        return ("weekday", lower.split()[0])
    if kind == "date":
        return ("date", *_date_value(lower))
    if kind == "score":
        first, second = re.split(r"[-–]", lower)
        return ("score", int(first), int(second))
    if kind == "ordinal":
        return ("ordinal", int(lower[:-2].replace(",", "")))
    amount = _parse_amount(raw, decimal_comma=decimal_comma)
    if amount is None:
        return None
    if kind == "money":
        return ("money", _currency(lower), amount)
    return (kind, amount)


def _currency(lower: str) -> str:
    for sign, code in (("us$", "USD"), ("$", "USD"), ("dollar", "USD"), ("€", "EUR"), ("euro", "EUR"),
                       ("£", "GBP"), ("pound", "GBP"), ("¥", "JPY"), ("yen", "JPY"), ("₹", "INR"),
                       ("rs", "INR"), ("rupee", "INR")):  # fmt: skip
        if sign in lower:
            return code
    word = re.search(_CURRENCY_WORD, lower)
    return word.group(0).rstrip("s").upper() if word else "?"


def _date_value(lower: str) -> tuple[int | None, int | None, int | None, str | None]:
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", lower)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), None
    year = re.search(r"\b(\d{4})\b", lower)
    part = re.match(r"(early|mid|late)", lower)
    month = next((number for name, number in _MONTHS.items() if re.search(rf"\b{name}\b", lower)), None)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", lower))
    return (
        int(year.group(1)) if year else None,
        month,
        int(day.group(1)) if day else None,
        part.group(1) if part else None,
    )


# ---------------------------------------------------------------------------------------------------
# Named entities (spaCy)


def read_entities_ahead(texts: list[str]) -> None:
    """Run NER over the sentences of all ``texts`` in one go, so ``extract_entities`` finds them cached.

    One call for both articles of a pair lets the NER helper process take half of the pair's work.
    """
    from retold.segment import sentence_ranges

    ner.sentence_entities([text[a:b] for text in texts for a, b in sentence_ranges(text)])


def _written_as_name(mention: str) -> bool:
    """Whether a mention has a capital letter or a figure. spaCy's names without one in English news are
    misreadings of common words ("mako shark" as a person, "n't" as an organisation: each of the 13
    in 300 BBC business articles and the AI-rephrased set); retold.ner does not read sentences that
    have none."""
    return any(ch.isupper() or ch.isdigit() for ch in mention)


# A government portfolio before the office's title is no organisation: spaCy reads "Interior" in
# "Interior minister Jorge Pizarro said" (and "Defence" in "Defence secretary") as one.
_BEFORE_OFFICE = re.compile(r"\s+(?:minister|secretary|ministry)\b", re.IGNORECASE)


def extract_entities(text: str) -> list[EntityMention]:
    """People, organisations and places in English ``text``, by spaCy's pretrained NER, sentence by sentence."""
    from retold.segment import sentence_ranges

    ranges = sentence_ranges(text)
    mentions = []
    for (offset, _), entities in zip(
        ranges, ner.sentence_entities([text[a:b] for a, b in ranges]), strict=True
    ):
        for ent_start, ent_end, label in entities:
            kind = _ENTITY_LABELS.get(label)
            if kind is None:
                continue
            start, end = offset + ent_start, offset + ent_end
            if text[start:end].lower().startswith("the "):
                start += 4
            if text[start:end].endswith(("'s", "’s")):
                end -= 2
            if kind == "organization" and " " not in text[start:end] and _BEFORE_OFFICE.match(text, end):
                continue
            if end > start and _WORD.search(text, start, end) and _written_as_name(text[start:end]):
                mentions.append(EntityMention(Span(start, end, text[start:end]), kind))
    return mentions


def extract_facts(text: str, *, language: str = "en") -> ArticleFacts:
    """Quotes, entities, numbers and attributions of one text; entities only where a pipeline exists."""
    attributions = extract_attributions(text) if language == "en" else []
    entities = extract_entities(text) if language == "en" else []
    facts = ArticleFacts(
        quotes=extract_quotes(text, language=language, attributions=attributions, entities=entities),
        numbers=extract_numbers(text, language=language),
    )
    if language == "en":
        facts.entities = entities
        facts.attributions = attributions
    else:
        facts.notes.append(f"entities not extracted: no pipeline for language '{language}'")
        facts.notes.append(
            f"speakers and attributions not extracted: the rules cover English, not '{language}'"
        )
    return facts
