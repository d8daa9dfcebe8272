"""Fact diff: which quotations, entities, numbers and attributions a derived article keeps, changes,
adds or drops, guided by the passage alignment.

``compare_facts(source, derived, passages, language=...)`` is what ``retold.compare`` calls after
alignment. Passages decide which quotations and numbers correspond: two numbers are the same fact only
inside one aligned passage. When no passages are given (a caller that only has two texts), sentences are
paired by word overlap instead, so the function still answers.

The most serious finding is an altered quotation, so the rules lean to silence: a quotation is
``altered`` only when its words largely come from one source quotation by the same speaker (or in the same
aligned passage) and words were put in, replaced, or cut from its middle without an ellipsis. Cutting
words at the ends or at a marked ellipsis is ``trimmed``, not an alteration.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any, Literal

import regex

from retold.align import ALIGNED_LABELS, Passage, word_diff
from retold.article import Article, Span
from retold.facts import (
    CJK_CHARACTERS,
    ArticleFacts,
    Attribution,
    EntityMention,
    NumberMention,
    Quote,
    extract_facts,
    interrupted,
    is_nominal,
    is_pronoun,
    read_entities_ahead,
)
from retold.segment import UNSPACED_SCRIPTS, has_unspaced
from retold.similarity import STOPWORDS

QuoteStatus = Literal["altered", "moved", "dropped", "added", "trimmed", "unchanged"]
Side = Literal["source", "derived"]

# Order of quotations in every output: the most serious finding first (the issue: "altered quotations
# come first in every output").
QUOTE_ORDER: tuple[QuoteStatus, ...] = ("altered", "moved", "dropped", "added", "trimmed", "unchanged")

# A derived quotation is a version of a source quotation when at least this share of its words come
# from it in order. 0.6 was the lowest value that kept altered-quote precision at 1.0 on
# benchmarks/facts_testset (lower values paired different quotations by one speaker that share
# function words); see docs/facts.md.
MIN_SHARED_WORDS = 0.6
# When the speaker is the same AND the quotation sits in the same aligned passage, a rewording that keeps
# only a third of the words is still that quotation ("Our crews did everything they could" -> "Our crews
# could have done more", testset q-reworded-3); 0.3 added no false alarm on the test set or the AI set.
MIN_SHARED_WORDS_SAME_SPEAKER_AND_PASSAGE = 0.3
# ... and at least this many words: two-word fragments ("very sad") match too much by chance.
MIN_MATCHED_WORDS = 3
# Words whose loss flips a quotation's meaning: cutting one from its middle is an alteration even when
# an ellipsis marks the cut ("I will not ... resign" is not "I will ... resign").
NEGATIONS = frozenset({"not", "no", "never", "nor", "n't", "cannot", "nothing", "none", "nobody"})
# Fallback pairing of sentences when no passages are given: rapidfuzz token-set ratio at or above this
# counts as the same sentence (60 keeps reworded sentences paired and unrelated ones apart on the
# test set's "nothing changed" and "number changed" pairs).
FALLBACK_SENTENCE_SIMILARITY = 60


@dataclass(slots=True)
class QuoteFinding:
    status: QuoteStatus
    speaker: str | None
    source: Quote | None
    derived: Quote | None
    passage: int | None = None
    diff: list[tuple[str, str]] | None = None
    source_speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "speaker": self.speaker,
            "source": self.source.span.to_dict() if self.source else None,
            "derived": self.derived.span.to_dict() if self.derived else None,
            "passage": self.passage,
        }
        if self.diff is not None:
            data["diff"] = [{"op": op, "text": text} for op, text in self.diff]
        if self.status == "moved" or self.source_speaker is not None:
            data["source_speaker"] = self.source_speaker
        return data


@dataclass(slots=True)
class EntityFinding:
    status: Literal["shared", "added", "dropped"]
    name: str
    type: str
    mentions: list[tuple[Side, Span]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "name": self.name,
            "type": self.type,
            "mentions": [{"side": side, **span.to_dict()} for side, span in self.mentions],
        }


@dataclass(slots=True)
class NumberFinding:
    status: Literal["unchanged", "changed", "added", "dropped"]
    source: NumberMention | None
    derived: NumberMention | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "source": _number_dict(self.source),
            "derived": _number_dict(self.derived),
        }


@dataclass(slots=True)
class AttributionFinding:
    """A claim's attribution: kept, given to someone else, dropped (claim now unattributed) or added."""

    status: Literal["unchanged", "changed", "added", "dropped"]
    source: Attribution | None
    derived: Attribution | None
    passage: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "passage": self.passage,
            "source": {**self.source.span.to_dict(), "speaker": self.source.speaker} if self.source else None,
            "derived": {**self.derived.span.to_dict(), "speaker": self.derived.speaker}
            if self.derived
            else None,
        }


@dataclass(slots=True)
class FactDiff:
    """The fact-level comparison of one pair, in the JSON form of the issue (``facts`` in compare)."""

    quotes: list[QuoteFinding] = field(default_factory=list)
    entities: list[EntityFinding] = field(default_factory=list)
    numbers: list[NumberFinding] = field(default_factory=list)
    attributions: list[AttributionFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def altered_quotes(self) -> list[QuoteFinding]:
        return [q for q in self.quotes if q.status == "altered"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quotes": [q.to_dict() for q in self.quotes],
            "entities": [e.to_dict() for e in self.entities],
            "numbers": [n.to_dict() for n in self.numbers],
            "attributions": [a.to_dict() for a in self.attributions],
            "notes": list(self.notes),
        }


def _number_dict(mention: NumberMention | None) -> dict[str, Any] | None:
    return None if mention is None else {**mention.span.to_dict(), "kind": mention.kind}


# ---------------------------------------------------------------------------------------------------
# Entry point


def compare_facts(
    source: Article, derived: Article, passages: list[Passage], *, language: str | None
) -> FactDiff:
    """Diff the quotations, entities, numbers and attributions of ``derived`` against ``source``.

    Args:
        passages: the alignment of the pair (``retold.align``); an empty list pairs sentences by word
            overlap instead.
        language: ISO 639-1 code; ``None`` takes the source article's, else guesses from the script.
    """
    language = language or source.language or _guess_language(source.text + derived.text)
    source_text, derived_text = content_text(source), content_text(derived)
    if language == "en":
        read_entities_ahead([source_text, derived_text])
    source_facts = extract_facts(source_text, language=language)
    derived_facts = extract_facts(derived_text, language=language)
    if not passages:
        passages = _fallback_passages(source, derived)
    locate = _PassageIndex(passages)
    result = FactDiff(notes=list(dict.fromkeys(source_facts.notes + derived_facts.notes)))
    result.quotes = diff_quotes(
        source_facts.quotes, derived_facts.quotes, locate, source_text=source.text, derived_text=derived.text
    )
    result.entities = diff_entities(
        source_facts.entities, derived_facts.entities, source_text=source_text, derived_text=derived_text
    )
    result.numbers = diff_numbers(
        source_facts.numbers,
        derived_facts.numbers,
        locate,
        source_text=source.text,
        derived_text=derived.text,
    )
    result.attributions = diff_attributions(source_facts, derived_facts, locate, quotes=result.quotes)
    return result


def content_text(article: Article) -> str:
    """The article's text with its boilerplate (header block, title, dateline, byline, credit line)
    blanked out by spaces, so offsets still point into ``article.text`` but a headline's figures or a
    byline's name are not reported as facts of the story."""
    if not article.boilerplate:
        return article.text
    chars = list(article.text)
    for item in article.boilerplate:
        for index in range(item.span.start, min(item.span.end, len(chars))):
            if chars[index] not in "\n\r":
                chars[index] = " "
    return "".join(chars)


def _guess_language(text: str) -> str:
    """'en' when most letters are Latin, else 'und': only English has entity and speaker rules."""
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if ch.isascii())
    return "en" if letters and latin / len(letters) > 0.8 else "und"


class _PassageIndex:
    """Which aligned passage a source or derived character offset falls in."""

    def __init__(self, passages: list[Passage]) -> None:
        self.ranges: dict[Side, list[tuple[int, int, int, bool]]] = {"source": [], "derived": []}
        for passage in passages:
            aligned = passage.label in ALIGNED_LABELS
            for span in passage.source:
                self.ranges["source"].append((span.start, span.end, passage.id, aligned))
            for span in passage.derived:
                self.ranges["derived"].append((span.start, span.end, passage.id, aligned))

    def passage_of(self, side: Side, offset: int) -> int | None:
        for start, end, passage_id, _ in self.ranges[side]:
            if start <= offset < end:
                return passage_id
        return None

    def aligned_passage_of(self, side: Side, offset: int) -> int | None:
        for start, end, passage_id, aligned in self.ranges[side]:
            if start <= offset < end:
                return passage_id if aligned else None
        return None


def _fallback_passages(source: Article, derived: Article) -> list[Passage]:
    """Pair each derived sentence with its most similar source sentence (rapidfuzz token-set ratio)."""
    from rapidfuzz import fuzz, utils

    from retold.segment import split_sentences

    source_sentences = [Span(s.start, s.end, s.text) for s in split_sentences(source)]
    passages: list[Passage] = []
    for number, sentence in enumerate(split_sentences(derived)):
        derived_span = Span(sentence.start, sentence.end, sentence.text)
        best, best_score = None, 0.0
        for source_span in source_sentences:
            score = fuzz.token_set_ratio(source_span.text, derived_span.text, processor=utils.default_process)
            if score > best_score:
                best, best_score = source_span, score
        if best is not None and best_score >= FALLBACK_SENTENCE_SIMILARITY:
            passages.append(Passage("paraphrased", best_score / 100, [best], [derived_span], id=number))
    return passages


# ---------------------------------------------------------------------------------------------------
# Quotations

_TOKEN = re.compile(r"\S+")
_ELLIPSIS = re.compile(r"\.\s?\.\s?\.|…|\[\s*\.\.\.\s*\]")
_BRACKETED = re.compile(r"\[[^\]]*\]")


# A quotation's words; in scripts written without spaces each character is one (as segment.word_spans
# has it), or a Chinese quotation with one word changed shared no "word" with its source and was reported
# dropped and added instead of altered.
_QUOTE_WORD = regex.compile(
    rf"[{UNSPACED_SCRIPTS}]\p{{M}}*|[\w--[{UNSPACED_SCRIPTS}]]+(?:'[\w--[{UNSPACED_SCRIPTS}]]+)*",
    regex.VERSION1,
)
_SPACED_QUOTE_WORD = regex.compile(r"\w+(?:'\w+)*")  # the same words where has_unspaced is false


def _words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"(\w)\((\w+)\)", r"\1\2", text)  # editorial "reduc(ing)" reads as "reducing"
    return [w.lower() for w in (_QUOTE_WORD if has_unspaced(text) else _SPACED_QUOTE_WORD).findall(text)]


def _quote_pieces(text: str) -> list[list[str]]:
    """A derived quotation's words, cut into the pieces its ellipses separate; bracketed insertions
    ("[the mayor]") are editorial and dropped."""
    return [_words(piece) for piece in _ELLIPSIS.split(_BRACKETED.sub(" ... ", text))]


# Determiners of a description that say whose it is: "his lawyer" is "the lawyer" (a possessive X's too).
_POSSESSORS = ("his", "her", "its", "their")


def _speaker_key(speaker: str | None) -> str | None:
    """The last word of a name ('Ruiz' for 'Mayor Ana Ruiz'), skeletonised; a description as written."""
    if speaker is None:
        return None
    if is_nominal(speaker):
        # Without its determiner or possessor: "its chief executive" is "the company's chief executive".
        words = speaker.lower().replace("’", "'").split()
        possessor = next(
            (i for i, w in reversed(list(enumerate(words))) if w.endswith(("'s", "s'")) or w in _POSSESSORS),
            0,
        )
        return " ".join(words[possessor + 1 :]) or speaker.lower()
    tokens = _name_tokens(speaker)
    return tokens[-1] if tokens else speaker.lower()


def _same_speaker(
    a: str | None, b: str | None, phrases: tuple[Span | None, Span | None] = (None, None)
) -> bool | None:
    """True or False when both are known, None when either is not. ``phrases`` are the attribution
    phrases of ``a`` and ``b``, where known: a description is also the name whose phrase describes it so
    ("Park's lawyer" / "Dennis J. Ring, Ms. Park's lawyer, said")."""
    if a is None or b is None or is_pronoun(a) or is_pronoun(b):
        return None
    key_a, key_b = _speaker_key(a), _speaker_key(b)
    if key_a is None or key_b is None:
        return None
    if key_a != key_b and is_nominal(a) != is_nominal(b):
        # A description names the person only in the very words of the name's title ("the mayor" /
        # "Mayor Ana Ruiz"): the spellings allowed between two names made "analysts" the same speaker
        # as "Analyst Carolina Milanesi", so a named source made anonymous was unchanged.
        description, name, phrase = (a, b, phrases[1]) if is_nominal(a) else (b, a, phrases[0])
        words = [w for w in _name_tokens(description) if w not in ("a", "an", "one", "another", *_POSSESSORS)]
        described = set(_name_tokens(name)) | set(_name_tokens(phrase.text if phrase else ""))
        return bool(words) and set(words) <= described
    return key_a == key_b or _skeleton(key_a) == _skeleton(key_b) or _same_name(a, b)


def _same_name(a: str, b: str) -> bool:
    """One name is a short form of the other: 'al-Sudani'/'Mohammed Shia al-Sudani', 'IS'/'Islamic State'."""
    tokens_a, tokens_b = _name_tokens(a), _name_tokens(b)
    short, long = sorted((tokens_a, tokens_b), key=len)
    if short and _names_match(short, long):
        return True
    for one, other in ((a, b), (b, a)):
        acronym = _acronym(one)
        if acronym is not None and len(other.split()) > 1 and _initials(other) == acronym:
            return True
    return False


@dataclass(slots=True)
class _QuoteMatch:
    source: Quote
    matched: int
    shared: float
    inserted: bool
    unmarked_cut: bool
    negation_cut: bool
    identical: bool


def _match_quote(source_words: list[str], source: Quote, pieces: list[list[str]]) -> _QuoteMatch:
    """How ``source`` (as ``source_words``) reappears in a derived quotation cut into ``pieces``."""
    derived_words = [w for piece in pieces for w in piece]
    matcher = SequenceMatcher(None, source_words, derived_words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    matched = sum(b.size for b in blocks)
    piece_ends = set()
    position = 0
    for piece in pieces[:-1]:
        position += len(piece)
        piece_ends.add(position)
    unmarked_cut = negation_cut = False
    for before, after in zip(blocks, blocks[1:], strict=False):
        cut = source_words[before.a + before.size : after.a]
        if not cut:
            continue
        if before.b + before.size not in piece_ends:
            unmarked_cut = True
        if NEGATIONS.intersection(cut) or any(w.endswith("n't") for w in cut):
            negation_cut = True
    if blocks and blocks[0].a > 0:  # a negation cut right before the kept words ("no further cuts")
        before_kept = source_words[blocks[0].a - 1]
        if before_kept in NEGATIONS or before_kept.endswith("n't"):
            negation_cut = True
    return _QuoteMatch(
        source=source,
        matched=matched,
        shared=matched / len(derived_words) if derived_words else 0.0,
        inserted=matched < len(derived_words),
        unmarked_cut=unmarked_cut,
        negation_cut=negation_cut,
        identical=derived_words == source_words,
    )


def diff_quotes(
    source: list[Quote],
    derived: list[Quote],
    locate: _PassageIndex,
    *,
    source_text: str,
    derived_text: str | None = None,
) -> list[QuoteFinding]:
    """Pair each derived quotation with the source quotation it comes from, and say how it changed.

    A quotation interrupted by its attribution ('"The film," she said, "changed my life."') is one
    quotation on either side (on the derived side only with ``derived_text``, and only where its pieces
    are not each a kept piece of the source: a rewrite that splits a quotation keeps two trimmed ones)."""
    candidates = [
        (members, merged, words, frozenset(words) - STOPWORDS)
        for members, merged in _source_candidates(source, source_text)
        for words in [_words(merged.span.text)]
    ]

    def find(quote: Quote) -> tuple[QuoteFinding, tuple[int, ...]]:
        passage = locate.aligned_passage_of("derived", quote.span.start)
        pieces = [p for p in _quote_pieces(quote.span.text) if p]
        quote_words = {w for piece in pieces for w in piece}
        # A candidate sharing no word matches nothing; when none shares one, the first candidate stands
        # for them all (as the full loop would pick it), so the answers are the same at a fraction of the
        # cost: two long same-subject articles have ~20 quotations a side. Content words, where the
        # quotation has any: every English quotation shares "the" or "a" with nearly every other, and a
        # 180 KB article with 1,600 quotations took minutes matching each against all.
        content = quote_words - STOPWORDS
        sharing = [c for c in candidates if (content or quote_words).intersection(c[3] if content else c[2])]
        sharing = sharing or candidates[:1]
        best: _QuoteMatch | None = None
        best_members: tuple[int, ...] = ()
        for members, merged, merged_words, _ in sharing:
            match = _match_quote(merged_words, merged, pieces)
            if best is None or (match.matched, -len(members)) > (best.matched, -len(best_members)):
                best, best_members = match, members
        finding = _classify_quote(quote, best, best_members, source, passage, locate)
        if finding.source is not None and len(best_members) > 1:  # report the joined quotes as written
            start, end = finding.source.span.start, finding.source.span.end
            finding.source = Quote(Span(start, end, source_text[start:end]), finding.source.speaker)
        return finding, best_members

    findings: list[QuoteFinding] = []
    used: set[int] = set()
    written = derived_text or ""
    groups = _interrupted_groups(derived, written) if derived_text is not None else [[q] for q in derived]
    for group in groups:
        found = [find(quote) for quote in group]
        if len(group) > 1 and any(f.status not in ("unchanged", "trimmed", "moved") for f, _ in found):
            finding, members = find(_joined(*group))
            start, end = group[0].span.start, group[1].span.end  # the derived pieces as written, too
            finding.derived = replace(group[0], span=Span(start, end, written[start:end]))
            found = [(finding, members)]
        for finding, members in found:
            if finding.source is not None:
                used.update(members)
            findings.append(finding)
    for index, quote in enumerate(source):
        if index not in used:
            findings.append(
                QuoteFinding(
                    "dropped", quote.speaker, quote, None, locate.passage_of("source", quote.span.start)
                )
            )
    findings.sort(
        key=lambda f: (
            QUOTE_ORDER.index(f.status),
            (f.derived or f.source).span.start if (f.derived or f.source) else 0,  # type: ignore[union-attr]
        )
    )
    return findings


def _source_candidates(source: list[Quote], text: str) -> list[tuple[tuple[int, ...], Quote]]:
    """Each source quotation, and each two consecutive ones by one speaker or of one interrupted sentence
    joined (a rewrite often merges "A," she said. "B." into one quotation, and '"The film," she said,
    "changed my life."' is one quotation whoever "she" is)."""
    candidates: list[tuple[tuple[int, ...], Quote]] = [((i,), q) for i, q in enumerate(source)]
    for i in range(len(source) - 1):
        first, second = source[i], source[i + 1]
        if (first.speaker and first.speaker == second.speaker) or interrupted(text, first, second):
            candidates.append(((i, i + 1), _joined(first, second)))
    return candidates


def _joined(first: Quote, second: Quote) -> Quote:
    """Two quotations as one: the words of both (not the attribution between them), spanning both."""
    span = Span(first.span.start, second.span.end, first.span.text + " " + second.span.text)
    return Quote(span, first.speaker or second.speaker, first.speaker_span, first.attribution)


def _interrupted_groups(quotes: list[Quote], text: str) -> list[list[Quote]]:
    """The derived quotations, the two pieces of each interrupted one together: matched piece by piece,
    '"The role," she said, "changed my life."' against '"The film," she said, "changed my life."' was a
    dropped and an added fragment, not the altered quotation it is."""
    groups: list[list[Quote]] = []
    for quote in quotes:
        if groups and len(groups[-1]) == 1 and interrupted(text, groups[-1][0], quote):
            groups[-1].append(quote)
        else:
            groups.append([quote])
    return groups


def _classify_quote(
    quote: Quote,
    match: _QuoteMatch | None,
    members: tuple[int, ...],
    source: list[Quote],
    passage: int | None,
    locate: _PassageIndex,
) -> QuoteFinding:
    if match is None or match.matched < min(MIN_MATCHED_WORDS, len(_words(quote.span.text))):
        return QuoteFinding("added", quote.speaker, None, quote, passage)
    original = source[members[0]] if len(members) == 1 else match.source
    same_speaker = _same_speaker(original.speaker, quote.speaker, (original.speaker_span, quote.speaker_span))
    source_passage = locate.aligned_passage_of("source", original.span.start)
    same_passage = passage is not None and passage == source_passage
    speaker = quote.speaker or original.speaker
    pure = not match.inserted and not match.unmarked_cut and not match.negation_cut
    if pure:
        if same_speaker is False:
            return QuoteFinding("moved", speaker, original, quote, passage, source_speaker=original.speaker)
        status: QuoteStatus = "unchanged" if match.identical else "trimmed"
        return QuoteFinding(status, speaker, original, quote, passage)
    needed = MIN_SHARED_WORDS_SAME_SPEAKER_AND_PASSAGE if same_speaker and same_passage else MIN_SHARED_WORDS
    if match.matched < 2 or match.shared < needed or not (same_speaker or same_passage):
        return QuoteFinding("added", quote.speaker, None, quote, passage)
    diff = _word_diff(match.source.span.text, quote.span.text)
    # Words changed and given to someone else: the changed words are the more serious finding (a cut
    # "not" reverses what was said), so the status is `altered`, and `source_speaker` keeps the move.
    source_speaker = original.speaker if same_speaker is False else None
    return QuoteFinding("altered", speaker, original, quote, passage, diff, source_speaker)


def _word_diff(source_text: str, derived_text: str) -> list[tuple[str, str]]:
    """Word-level diff (equal/delete/insert) comparing words without case or punctuation."""
    if has_unspaced(source_text, derived_text):
        # No spaces to split on and rejoin with: the passages' character-level diff, which keeps the
        # text's own spacing (重要 -> 关键, not the whole quotation).
        return word_diff(source_text, derived_text)
    source_tokens = _TOKEN.findall(source_text)
    derived_tokens = _TOKEN.findall(derived_text)
    matcher = SequenceMatcher(
        None, [" ".join(_words(t)) for t in source_tokens], [" ".join(_words(t)) for t in derived_tokens],
        autojunk=False,
    )  # fmt: skip
    ops: list[tuple[str, str]] = []

    def add(op: str, tokens: list[str]) -> None:
        # Each piece after the first carries the space before it (as retold.align.word_diff does), so
        # joining equal + insert pieces reads as the derived quote and equal + delete as the source one.
        ops.append((op, (" " if ops else "") + " ".join(tokens)))

    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", derived_tokens[b0:b1])
            continue
        if a1 > a0:
            add("delete", source_tokens[a0:a1])
        if b1 > b0:
            add("insert", derived_tokens[b0:b1])
    return ops


# ---------------------------------------------------------------------------------------------------
# Entities

_PARTICLES = frozenset({"al", "el", "ad", "as", "bin", "ibn", "de", "da", "van", "von", "der", "la", "le"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in"})


def _name_tokens(name: str) -> list[str]:
    """Lower-case, accent-free name words without Arabic/European particles: 'al-Sudani' -> ['sudani']."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower().replace("’", "'")
    plain = re.sub(r"'s\b", "", plain)
    tokens = [t for t in re.split(r"[^\w]+", plain) if t]
    return [t for t in tokens if t not in _PARTICLES and t != "the"]


def _skeleton(token: str) -> str:
    """Consonants with doubles collapsed, so transliteration variants meet: Mohammed/Mohammad -> mhmd."""
    consonants = re.sub(r"[aeiouy]", "", token)
    return re.sub(r"(.)\1+", r"\1", consonants)


# Two name words of 5+ letters at this rapidfuzz ratio or above are one spelling (Tomas/Tomasz = 91,
# Kowalski/Kowalsky = 88); Jonas/Jones (80) and other distinct names on the test set stay below it.
SAME_WORD_RATIO = 85


def _same_word(a: str, b: str) -> bool:
    # Only for words of 5+ letters: short names (Ali/Eli, Jon/Jan) differ by one letter.
    if a == b:
        return True
    if min(len(a), len(b)) < 5:
        return False
    from rapidfuzz import fuzz

    return _skeleton(a) == _skeleton(b) or fuzz.ratio(a, b) >= SAME_WORD_RATIO


def _acronym(name: str) -> str | None:
    compact = name.replace(".", "").replace(" ", "")
    return compact if compact.isupper() and 2 <= len(compact) <= 6 and compact.isalpha() else None


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words).upper()


def _names_match(short: list[str], long: list[str]) -> bool:
    """Every word of the shorter name is a word of the longer, in order."""
    position = 0
    for word in short:
        while position < len(long) and not _same_word(word, long[position]):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


def diff_entities(
    source: list[EntityMention],
    derived: list[EntityMention],
    *,
    source_text: str | None = None,
    derived_text: str | None = None,
) -> list[EntityFinding]:
    """Group mentions of one entity across both texts (spelling variants and short forms included).

    With the texts (their content, boilerplate blanked), two of spaCy's slips are corrected: a capitalised
    common noun opening a sentence ("Households", "Council leader Peter Holm") is not a name when either
    text has the word in lower case; and a name spaCy found on one side only is shared when the other
    text has it word for word ("Riverton's city council" read as a person, "Riverton city council" not
    read at all).
    """
    if source_text is not None and derived_text is not None:
        texts = (source_text, derived_text)
        lower_words = {w for text in texts for w in re.findall(r"\w+", text) if w.islower()}  # one pass
        source = [m for m in source if not _common_noun(m, source_text, lower_words)]
        derived = [m for m in derived if not _common_noun(m, derived_text, lower_words)]
    mentions: list[tuple[Side, EntityMention]] = [("source", m) for m in source] + [
        ("derived", m) for m in derived
    ]
    tokens_of = {m.span.text: _name_tokens(m.span.text) for _, m in mentions}  # read once, compared n² times
    names = sorted(tokens_of, key=lambda n: (-len(tokens_of[n]), -len(n), n))
    parent: dict[str, str] = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for index, name in enumerate(names):
        tokens = tokens_of[name]
        acronym = _acronym(name)
        longer = names[:index]
        hits = {
            root(other)
            for other in longer
            if (tokens and _names_match(tokens, tokens_of[other]))
            or (acronym is not None and len(other.split()) > 1 and _initials(other) == acronym)
        }
        if len(hits) == 1:  # a short form that fits two different people stays apart ("Ruiz")
            parent[name] = hits.pop()
    groups: dict[str, list[tuple[Side, EntityMention]]] = {}
    for side, mention in mentions:
        groups.setdefault(root(mention.span.text), []).append((side, mention))
    findings = []
    for name, members in groups.items():
        sides = {side for side, _ in members}
        status: Literal["shared", "added", "dropped"] = (
            "shared" if len(sides) == 2 else "dropped" if "source" in sides else "added"
        )
        kind = Counter(m.type for _, m in members).most_common(1)[0][0]
        spans = [(side, m.span) for side, m in members]
        if status != "shared" and source_text is not None and derived_text is not None:
            other: Side = "derived" if status == "dropped" else "source"
            found = _written_in(
                derived_text if other == "derived" else source_text, {m.span.text for _, m in members}
            )
            if found:
                status = "shared"
                spans += [(other, span) for span in found]
        spans.sort(key=lambda item: (item[0] != "source", item[1].start))
        findings.append(EntityFinding(status, name, kind, spans))
    order = {"dropped": 0, "added": 1, "shared": 2}
    findings.sort(key=lambda f: (order[f.status], f.mentions[0][1].start))
    return findings


# Before a sentence's first word: the text's start, an end of sentence, a line break, an opening quote,
# or the blanks left where a dateline was.
_SENTENCE_OPENING = re.compile(r"(?:^\s*|[.!?]['\"”’)]?\s+|\n\s*|[\"“‘(]\s*)$")


def _common_noun(mention: EntityMention, text: str, lower_words: set[str]) -> bool:
    """A one-word mention opening a sentence whose lower-case form either text uses (``lower_words``):
    a common noun."""
    word = mention.span.text
    if " " in word or not word[:1].isupper() or word.isupper():
        return False
    if not _SENTENCE_OPENING.search(text[max(0, mention.span.start - 4) : mention.span.start]):
        return False
    return word.lower() in lower_words


def _written_in(text: str, names: set[str]) -> list[Span]:
    """Where ``text`` has one of ``names`` word for word (case as written)."""
    found = []
    for name in names:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append(Span(match.start(), match.end(), name))
    return found


# ---------------------------------------------------------------------------------------------------
# Numbers


def _compatible(a: NumberMention, b: NumberMention) -> bool:
    """Same kind and no field that disagrees (a date without a year matches the same date with one).

    Two dates must also have a field both give: "2025" and "September" share none, and matching them
    as one date hid a changed year in "open in 2025, the company said in September" (2025 -> 2027)."""
    if a.kind != b.kind or len(a.value) != len(b.value):
        return False
    if a.kind == "date":
        fields = list(zip(a.value[1:4], b.value[1:4], strict=True))
        both = [(x, y) for x, y in fields if x is not None and y is not None]
        return bool(both) and all(x == y for x, y in both)
    return a.value == b.value


# Words either side of a number that say what it counts; 6 reaches across "put the number of people
# evacuated from the valley at 3,200", and 2 shared content words (not function words) are needed.
CONTEXT_WINDOW = 6
CONTEXT_MIN_SHARED = 2
_CONTEXT_STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or but as is are was were be been has have had it its "
    "this that about around some more than nearly almost over under said says".split()
)


def _context(text: str, mention: NumberMention) -> set[str]:
    """Content words within CONTEXT_WINDOW words before and after a number mention (same sentence)."""
    before = re.findall(r"[^\W\d_]+", text[max(0, mention.span.start - 200) : mention.span.start])
    after = re.findall(r"[^\W\d_]+", text[mention.span.end : mention.span.end + 200])
    words = before[-CONTEXT_WINDOW:] + after[:CONTEXT_WINDOW]
    return {w.lower() for w in words if w.lower() not in _CONTEXT_STOPWORDS}


# In scripts written without spaces the word after a figure is its first character: a counter or unit
# ("12名", "4500万", "7月"); the rest of the run is the clause, which a rewrite rewords.
_WORD_AFTER = re.compile(rf" ?([{CJK_CHARACTERS}])|\s+(?:of\s+)?([^\W\d_]+)")


def _word_after(text: str, mention: NumberMention) -> str | None:
    """The word after a number ("12 people" -> "people", "4500万" -> "万"), skipping "of"; None at the
    end of a clause."""
    after = _WORD_AFTER.match(text, mention.span.end)
    return (after.group(1) or after.group(2)).lower() if after else None


# Units of time that convert exactly, so a count of one is the same span as a count of another: "two
# decades" is "twenty years", "three weeks" is "21 days". Days and months do not convert (months differ).
_TIME_UNITS: dict[str, tuple[str, int]] = {
    f"{name}{plural}": (group, size)
    for group, units in (
        ("seconds", (("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400), ("week", 604800))),
        ("months", (("month", 1), ("year", 12), ("decade", 120))),
    )
    for name, size in units
    for plural in ("", "s")
} | {"century": ("months", 1200), "centuries": ("months", 1200)}


def _duration(mention: NumberMention, word_after: str | None) -> tuple[str, float] | None:
    """A count followed by a unit of time (``word_after``), in that unit's smallest measure ("two decades"
    -> 240 months); None for anything else."""
    unit = _TIME_UNITS.get(word_after or "") if mention.kind == "number" else None
    return None if unit is None else (unit[0], mention.value[1] * unit[1])


def _lone_peer(
    derived: NumberMention,
    peers_s: list[NumberMention],
    peers_d: list[NumberMention],
    *,
    source_text: str,
    derived_text: str,
) -> NumberMention | None:
    """The source figure a derived one replaced when each is the only one of its kind left in the passage."""
    if len(peers_s) != 1 or len(peers_d) != 1:
        return None
    # Plain counts need more: on the AI-rephrased set the lone-peer rule paired "A 34-year-old man" with
    # "Two individuals" and "53-47 percent" with "30 years ago". A lone count whose surroundings share
    # content words ("2,300 people were evacuated" / "people evacuated from the valley at 3,200") is the
    # same figure restated; two different counts ("34-year-old man" / "Two individuals") share none.
    if derived.kind == "ordinal":
        # A rank is restated with what it ranks: "the 87th minute" / "the 89th minute", never "the 87th
        # minute" / "his 23rd goal" (the review's false change, in sentences sharing other words).
        word = _word_after(derived_text, derived)
        return peers_s[0] if word is not None and word == _word_after(source_text, peers_s[0]) else None
    if derived.kind != "number":
        return peers_s[0]
    shared = _context(source_text, peers_s[0]) & _context(derived_text, derived)
    return peers_s[0] if len(shared) >= CONTEXT_MIN_SHARED else None


# The most characters between the two counts of a score written out ("18 out of 25", "18 wins and 25").
SCORE_COUNTS_GAP = 30


def _split_scores(mentions: list[NumberMention], other: list[NumberMention]) -> list[NumberMention]:
    """A score ("18-25") that the other text gives as two separate counts close together ("18 out of
    25"), and not as a score, is read as those two counts, so that both sides agree instead of one figure
    being "changed". Close together: the review's vote "11-1" → "10-2" was split because the source said
    "two" and "10-year" in other sentences."""
    if not any(m.kind == "score" for m in mentions):
        return mentions
    other_scores = {m.value for m in other if m.kind == "score"}
    # Neighbouring counts only: every pair of counts took 11.9 s on a text with 16,000 numbers.
    other_counts = sorted((m for m in other if m.kind == "number"), key=lambda m: m.span.start)
    written_out = {
        (a.value[1], b.value[1])
        for a, b in zip(other_counts, other_counts[1:], strict=False)
        if 0 <= b.span.start - a.span.end <= SCORE_COUNTS_GAP
    }
    out: list[NumberMention] = []
    for mention in mentions:
        _, first, second = mention.value if mention.kind == "score" else (None, None, None)
        if mention.kind != "score" or mention.value in other_scores or (first, second) not in written_out:
            out.append(mention)
            continue
        text, start, end = mention.span.text, mention.span.start, mention.span.end
        head, tail = re.split(r"[-–]", text)
        out.append(NumberMention(Span(start, start + len(head), head), "number", ("number", float(first))))
        out.append(NumberMention(Span(end - len(tail), end, tail), "number", ("number", float(second))))
    return out


def diff_numbers(
    source: list[NumberMention],
    derived: list[NumberMention],
    locate: _PassageIndex,
    *,
    source_text: str,
    derived_text: str,
) -> list[NumberFinding]:
    """Unchanged and changed numbers are matched inside aligned passages; the rest are added/dropped."""
    findings: list[NumberFinding] = []
    source, derived = _split_scores(source, derived), _split_scores(derived, source)
    left_source = list(source)
    left_derived = list(derived)
    # Looked up once per mention: the passes below compare every left mention with every other, and a
    # passage look-up scans all passages (a long pair has hundreds).
    passage_of = {id(m): locate.aligned_passage_of("source", m.span.start) for m in source} | {
        id(m): locate.aligned_passage_of("derived", m.span.start) for m in derived
    }
    after = {id(m): _word_after(source_text, m) for m in source} | {
        id(m): _word_after(derived_text, m) for m in derived
    }
    durations = {id(m): _duration(m, after[id(m)]) for m in (*source, *derived)}

    def same_value(s: NumberMention, d: NumberMention) -> bool:
        # "two decades" / "twenty years": another unit, the same span of time.
        return _compatible(s, d) or (durations[id(s)] is not None and durations[id(s)] == durations[id(d)])

    def where(mention: NumberMention) -> int | None:
        return passage_of[id(mention)]

    def match_same_values(same_passage_only: bool) -> None:
        for d in list(left_derived):
            for s in left_source:
                if not same_value(s, d):
                    continue
                if same_passage_only and (where(d) is None or where(d) != where(s)):
                    continue
                findings.append(NumberFinding("unchanged", s, d))
                left_source.remove(s)
                left_derived.remove(d)
                break

    def match_changed_values(by_unit_word_only: bool) -> None:
        for d in list(left_derived):
            passage = where(d)
            if passage is None:
                continue
            peers_s = [s for s in left_source if s.kind == d.kind and where(s) == passage]
            peers_d = [x for x in left_derived if x.kind == d.kind and where(x) == passage]
            unit = after[id(d)]
            if by_unit_word_only and unit in _CONTEXT_STOPWORDS:
                unit = None  # "46 percent of the" / "100% of the": "the" says nothing about what is counted
            chosen = next((s for s in peers_s if unit is not None and after[id(s)] == unit), None)
            if chosen is None and not by_unit_word_only:
                chosen = _lone_peer(d, peers_s, peers_d, source_text=source_text, derived_text=derived_text)
            if chosen is not None:
                findings.append(NumberFinding("changed", chosen, d))
                left_source.remove(chosen)
                left_derived.remove(d)

    # 1. The same value in the same aligned passage.
    match_same_values(same_passage_only=True)
    # 2. A changed value with the same content word after it in one aligned passage ("12 people" -> "21
    # people"). Before step 3: a death toll changed from 12 to 21 must not be called unchanged because
    # the rewrite says "12" about something else elsewhere.
    match_changed_values(by_unit_word_only=True)
    # 3. The same value anywhere (the alignment can miss a sentence that carries it).
    match_same_values(same_passage_only=False)
    # 4. A changed value on weaker evidence: the same function word after it, or (dates, weekdays, times,
    # money, percentages) the only one of its kind left on both sides of the passage, or a lone count
    # with words around it in common. After step 3: a lone figure whose value the source gives in another
    # sentence is that figure, restated (the AI-rephrased set's "surgery on Monday" beside "said on
    # Tuesday", and "up to 100%" beside "46 percent of the", the source's "100 percent" being elsewhere).
    match_changed_values(by_unit_word_only=False)
    findings.extend(NumberFinding("dropped", s, None) for s in left_source)
    findings.extend(NumberFinding("added", None, d) for d in left_derived)
    order = {"changed": 0, "dropped": 1, "added": 2, "unchanged": 3}
    findings.sort(key=lambda f: (order[f.status], (f.derived or f.source).span.start))  # type: ignore[union-attr]
    return findings


# ---------------------------------------------------------------------------------------------------
# Attributions


def _attributions_kept_with_quotes(
    source: ArticleFacts, derived: ArticleFacts, quotes: list[QuoteFinding]
) -> dict[Attribution, Attribution]:
    """Source attribution -> derived attribution of each quotation the derived text keeps (unchanged,
    trimmed or altered) for the same speaker: the attribution went where the quotation went, even into
    another passage ('"A," she said. "B."' rewritten '"A. B," she said.')."""
    derived_at = {a.span.start: a for a in derived.attributions}
    source_at = {a.span.start: a for a in source.attributions}
    kept: dict[Attribution, Attribution] = {}
    for finding in quotes:
        if finding.status not in ("unchanged", "trimmed", "altered") or finding.source is None:
            continue
        if finding.derived is None or finding.derived.attribution is None:
            continue
        if _same_speaker(finding.source.speaker, finding.derived.speaker) is False:
            continue
        derived_attribution = derived_at.get(finding.derived.attribution.start)
        span = finding.source.span
        for quote in source.quotes:  # every source quotation a merged one is made of
            if quote.attribution is None or not (
                span.start <= quote.span.start and quote.span.end <= span.end
            ):
                continue
            source_attribution = source_at.get(quote.attribution.start)
            if source_attribution is not None and derived_attribution is not None:
                kept.setdefault(source_attribution, derived_attribution)
    return kept


def _refers_back(description: Attribution, name: str, facts: ArticleFacts) -> bool:
    """Whether ``description`` ("the agency said") names again, as a definite description, the ``name``
    its own text named before ("The Harbour Board said ... The agency said"): the other version's
    "The Harbour Board said" is then the same source, not a changed one. Only "the" + a common noun
    refers back; "a spokesman" or "officials" may be someone new."""
    words = description.speaker.split()
    if len(words) < 2 or words[0].lower() != "the" or not words[1][:1].islower():
        return False
    if is_pronoun(name) or is_nominal(name):
        return False
    earlier = [a.speaker for a in facts.attributions if a.span.start < description.span.start]
    earlier += [e.span.text for e in facts.entities if e.span.start < description.span.start]
    return any(_same_speaker(named, name) for named in earlier)


def diff_attributions(
    source: ArticleFacts,
    derived: ArticleFacts,
    locate: _PassageIndex,
    *,
    quotes: list[QuoteFinding] | None = None,
) -> list[AttributionFinding]:
    """Attributions inside aligned passages: kept, changed, dropped (claim unattributed) or added.

    A dropped attribution of a quotation that ``quotes`` (the quotation findings) says the derived text
    keeps for the same speaker is unchanged after all, paired with the derived quotation's attribution
    (which is then not added), wherever that is.
    """
    by_passage: dict[int, tuple[list[Attribution], list[Attribution]]] = {}
    for attribution in source.attributions:
        passage = locate.aligned_passage_of("source", attribution.span.start)
        if passage is not None:
            by_passage.setdefault(passage, ([], []))[0].append(attribution)
    for attribution in derived.attributions:
        passage = locate.aligned_passage_of("derived", attribution.span.start)
        if passage is not None:
            by_passage.setdefault(passage, ([], []))[1].append(attribution)
    # Who each quotation's attribution names once a pronoun is resolved ("she said" -> "Petra Lindqvist").
    source_named = {q.attribution.start: q.speaker for q in source.quotes if q.attribution and q.speaker}
    derived_named = {q.attribution.start: q.speaker for q in derived.quotes if q.attribution and q.speaker}
    findings: list[AttributionFinding] = []
    for passage, (in_source, in_derived) in sorted(by_passage.items()):
        left = list(in_derived)
        unpaired_source = []
        for s in in_source:  # the same speaker first, then one that may be the same (a pronoun)
            same = next(
                (
                    d
                    for d in left
                    if _same_speaker(s.speaker, d.speaker, (s.span, d.span))
                    or _refers_back(s, d.speaker, source)
                    or _refers_back(d, s.speaker, derived)
                ),
                None,
            )
            if same is None:
                same = next((d for d in left if _same_speaker(s.speaker, d.speaker) is None), None)
            if same is not None:
                # A pronoun may be anyone, unless it attributes a quotation whose speaker the text names:
                # "she said" (Petra Lindqvist) against "said Rovers captain Tom Brennan" is the quotation
                # given to someone else, and its attribution changed with it.
                named = (
                    _same_speaker(source_named.get(s.span.start), derived_named.get(same.span.start))
                    if is_pronoun(s.speaker) or is_pronoun(same.speaker)
                    else None
                )
                findings.append(
                    AttributionFinding("changed" if named is False else "unchanged", s, same, passage)
                )
                left.remove(same)
            else:
                unpaired_source.append(s)
        # "Governor Marsh said the search would go on. "We are treating this as a rescue", she said.":
        # where an attribution of the passage was kept, a pronoun one beside it names the same person
        # again. Merging or splitting such sentences adds or removes one; no claim changes its source.
        kept_one = any(f.status == "unchanged" and f.passage == passage for f in findings)
        if kept_one:
            unpaired_source = [s for s in unpaired_source if not is_pronoun(s.speaker)]
            left = [d for d in left if not is_pronoun(d.speaker)]
        for s in unpaired_source:
            if left:
                findings.append(AttributionFinding("changed", s, left.pop(0), passage))
            else:
                findings.append(AttributionFinding("dropped", s, None, passage))
        findings.extend(AttributionFinding("added", None, d, passage) for d in left)
    kept_with_quote = _attributions_kept_with_quotes(source, derived, quotes or [])
    for finding in [f for f in findings if f.status == "dropped"]:
        moved_to = kept_with_quote.get(finding.source) if finding.source is not None else None
        if moved_to is None:
            continue
        finding.status, finding.derived = "unchanged", moved_to
        findings = [f for f in findings if not (f.status == "added" and f.derived is moved_to)]
    order = {"changed": 0, "dropped": 1, "added": 2, "unchanged": 3}
    findings.sort(key=lambda f: (order[f.status], f.passage or 0))
    return findings
