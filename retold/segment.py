"""Segmentation: paragraphs, sentences and words of an article, with exact offsets, in any script.

Sentence boundaries come from the Unicode Sentence_Terminal property (``.`` ``!`` ``?`` ``۔`` ``؟``
``。`` ``！`` ``？`` ``।`` ``։`` ...), so no script is left to an English-only rule. On top of that,
a layer for cased (Latin, Greek, Cyrillic) text keeps news abbreviations (``U.S.``, ``Gen.``,
``Jan. 5``, ``No. 2``, ``a.m.``), initials (``George W. Bush``) and quotations closed by an attribution
(``“We will not leave!” he said.``) inside their sentence, and a German quotation (``„Wir bleiben.“``,
``»Wir bleiben.«``) ends one like an English one.

Everything here is a linear scan with bounded look-behind and look-ahead around each candidate
boundary, so a 50 MB text takes seconds, not minutes, and every offset points into the text as given.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from retold.article import Article, Span

__all__ = [
    "UNSPACED_SCRIPTS",
    "has_unspaced",
    "Sentence",
    "detect_language",
    "sentence_ranges",
    "split_paragraphs",
    "split_sentences",
    "word_spans",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article's content; ``article.text[start:end] == text``."""

    start: int
    end: int
    text: str
    paragraph: int  # 0-based index among the paragraphs that hold content (boilerplate-only ones skipped)


# --------------------------------------------------------------------------------------------------
# Paragraphs

# A blank line: a newline, then only horizontal whitespace, then another newline. U+2029 (PARAGRAPH
# SEPARATOR) and form feed are paragraph breaks by definition.
_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n\s*|[\u2029\f]\s*")
_LINE_BREAK = regex.compile(r"\r\n|[\n\r\u2028\x0b\x85]")
# A line that ends a sentence: terminal punctuation, then any closing quotes or brackets.
_LINE_ENDS_SENTENCE = regex.compile(r"[\p{Sentence_Terminal}\u2026][\p{Pe}\p{Pf}\"'»]*\s*$")
# Two spaces of indentation open a paragraph in wrapped plain text; one is more often a stray space.
_INDENT = 2
_LOWERCASE = regex.compile(r"\p{Ll}")
_STARTS_LOWERCASE = regex.compile(r"\s*[\p{Pi}\p{Ps}\"']*\p{Ll}")


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Paragraphs of ``text[start:end]``: blocks between blank lines, trimmed, with offsets into ``text``.

    A block without blank lines is split at single newlines when its lines look like paragraphs
    (one paragraph per line, as many feeds and datasets store articles) rather than a hard-wrapped
    paragraph; see ``_lines_are_paragraphs``.
    """
    end = len(text) if end is None else end
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"split_paragraphs: range {start}:{end} is outside a text of {len(text)} chars")
    spans: list[Span] = []
    block_start = start
    for gap in _BLANK_LINE.finditer(text, start, end):
        _add_block(text, block_start, gap.start(), spans)
        block_start = gap.end()
    _add_block(text, block_start, end, spans)
    return spans


def _add_block(text: str, start: int, end: int, spans: list[Span]) -> None:
    lines: list[tuple[int, int]] = []
    indented: list[bool] = []
    for raw_start, raw_end in _line_ranges(text, start, end):
        for s, e in _trimmed_ranges(text, iter([(raw_start, raw_end)])):
            lines.append((s, e))
            indented.append(s - raw_start >= _INDENT or "\t" in text[raw_start:s])
    if len(lines) > 1 and _lines_are_paragraphs(text, lines):
        spans.extend(Span(s, e, text[s:e]) for s, e in lines)
        return
    # A hard-wrapped block whose paragraphs open with an indented line (wire copy, old plain-text
    # mail): an indented line starts a paragraph, unless every line is indented alike.
    starts_paragraph = indented if not all(indented[1:]) else [False] * len(lines)
    first = 0
    for i in range(1, len(lines) + 1):
        if i == len(lines) or starts_paragraph[i]:
            s, e = lines[first][0], lines[i - 1][1]
            spans.append(Span(s, e, text[s:e]))
            first = i


def _line_ranges(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    line_start = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        yield line_start, brk.start()
        line_start = brk.end()
    yield line_start, end


def _trimmed_ranges(text: str, ranges: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    trimmed = []
    for s, e in ranges:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


def _lines_are_paragraphs(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether the lines of a block are separate paragraphs rather than one hard-wrapped paragraph.

    A hard-wrapped paragraph gives itself away in cased scripts: somewhere a line stops mid-sentence
    and the next line goes on in lowercase. One-paragraph-per-line text never does that, so in cased
    text the absence of such a break is enough (a headline line followed by body lines splits, as it
    should). Scripts without case (Arabic, CJK, Devanagari) give no such signal; there the lines are
    paragraphs when most of them end a sentence, which wrapped lines rarely do.
    """
    ends_sentence = [bool(_LINE_ENDS_SENTENCE.search(text, s, e)) for s, e in lines[:-1]]
    cased = any(_LOWERCASE.search(text, s, e) for s, e in lines)
    if cased:
        for (_, _), (next_s, next_e), ends in zip(lines, lines[1:], ends_sentence, strict=False):
            if not ends and _STARTS_LOWERCASE.match(text, next_s, next_e):
                return False
        return True
    # Half: a wrapped line ends exactly at a sentence end far less often than one time in two.
    return sum(ends_sentence) * 2 >= len(ends_sentence)


# --------------------------------------------------------------------------------------------------
# Sentences

# A candidate boundary: a run of sentence terminals (any script; the ellipsis is not Sentence_Terminal
# in Unicode but ends sentences in news), then closing quotes and brackets. French closing guillemets
# may follow a space (« Nous restons. »).
_CANDIDATE = regex.compile(
    r"([\p{Sentence_Terminal}\u2026]+)(?:[\p{Pe}\p{Pf}\"'\u2019]|[^\S\n]{1,2}[»›])*",
)
# Terminals that Latin-script text follows with a space; any other terminal (。！？ ۔ ؟ ।) ends a
# sentence even when the next character follows without one.
_SPACED_TERMINALS = frozenset(".!?\u2026")
# German, and other languages that open a quotation low („Wir bleiben.“, ‚so‘) or with guillemets pointing
# inwards (»Wir bleiben.«), close it with a character Unicode files as an *opening* quote, which
# _CANDIDATE does not take as a closer. Keyed by that closer: the opener that makes it one.
_OPENER_OF_INWARD_CLOSER = {"\u201c": "\u201e", "\u2018": "\u201a", "\u00ab": "\u00bb", "\u2039": "\u203a"}
# How far back the opener of such a quotation is looked for: a long quoted paragraph, and a bound that
# keeps the scan linear in a text full of stray quotes.
_MAX_QUOTATION_CHARS = 2000
_HIRAGANA = regex.compile(r"\p{Hiragana}")
_QUOTE_CLOSERS = frozenset("\"'\u2019\u201d\u00bb\u203a")
_WHITESPACE = regex.compile(r"\s*")
# Characters that never start a sentence: closing quotes/brackets and clause punctuation.
_NEVER_STARTS = regex.compile(r"[\p{Pe}\p{Pf},;:\u2019\u201d%]")
# Characters that take no room and carry no meaning in a copy (zero-width space, word joiner, BOM, soft
# hyphen), which a CMS or a copy-paste leaves in: comparisons look through them, offsets keep them.
# (Zero-width joiners are left alone: Persian and Indic words need them.)
INVISIBLE_CHARACTERS = "\u200b\u2060\ufeff\u00ad"
# Separators left between a cut-off dateline/byline and the text: "BAGHDAD (Wire) — The ...".
_SEPARATORS_AFTER_BOILERPLATE = regex.compile(r"[\s\p{Pd}:|•·,]*")


def _word_set(words: str) -> frozenset[str]:
    """A set written as one space-separated string, as word lists read best."""
    return frozenset(words.split())


# Abbreviations that always precede a name: a period after them never ends a sentence.
TITLES = _word_set("""Mr Mrs Ms Mmes Messrs Dr Drs Gen Gens Sen Sens Rep Reps Gov Lt Col Capt Cpt Sgt Maj Adm Cmdr
    Cmdt Prof Rev Hon Pres Supt Insp Det Cpl Pvt Brig Msgr Atty Amb Sec Secs Rt Fr""")
# The same in Spanish, French, German, Italian and Portuguese news ("la Sra. García", "Hr. Weber"), and
# Hindi (डॉ., "Dr.").
TITLES |= _word_set("Sra Srta Sres Dña Dra Lic Ing Mme Mlle Mlles Hr Hrn Dott Sig Sigg डॉ")
# Months that follow a day written as an ordinal ("am 1. Juli", "den 3. Oktober", "1. januar"): the
# period is the ordinal's, not a sentence end.
# German and Austrian month names (the languages that write the day so and capitalise the month);
# April, August, September and November are English months too ("won 5 to 4. April saw ..."), so they
# need the preposition German puts before a date ("am 1. April", "bis 30. November").
_ORDINAL_MONTHS = _word_set("Januar Jänner Februar März Mai Juni Juli Oktober Dezember")
_SHARED_MONTHS = _word_set("April August September November")
_DATE_PREPOSITIONS = _word_set("am Am vom Vom zum bis Bis ab Ab seit Seit den dem Den Dem")
# Abbreviations that are never the last word of a sentence in news text. German "bzw." (or rather) and
# Russian "им." (named after: "МГУ им. Ломоносова") join two phrases.
_NEVER_FINAL = _word_set("e.g i.e cf viz vs approx ca bzw им")
# The same written as two letters with a space: German "z. B." (for example), "d. h." (that is), "u. a."
# (among others) and Russian "т. е." (that is). Neither period ends a sentence, though a capital may follow
# each ("z. B. Die Grünen"). "u. a." may also stand for "und andere" at a sentence's end; in news it is
# far more often "unter anderem" before what it lists.
_SPACED_ABBREVIATION = regex.compile(r"(?<![\p{L}\p{M}])(?:z\.\s?B|d\.\s?h|u\.\s?a|т\.\s?е)\.")
# Russian "г." before a city's name ("в г. Москве"); after a number it is a year ("в 2023 г.") and may end
# the sentence.
_CITY = "г"
# Articles and contracted prepositions that come before a German ordinal ("Der 1. FC Köln", "zum 2. Mal"):
# after one of them a number of one or two digits and a period is an ordinal, not a sentence end. Lower-case
# "am" is left out: "I am 12. The ..." is English.
_BEFORE_ORDINAL = _word_set(
    "der die das dem den des zum zur im beim vom Der Die Das Dem Den Des Zum Zur Im Beim Vom Am"
)
# Abbreviations that are followed by a number when they are not ending the sentence: "No. 2", "Jan. 5".
_BEFORE_NUMBER = _word_set("""No Nos Nr Vol Vols p pp Art Fig Figs Ch Para Pt Op Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct
    Nov Dec""")
# Abbreviations that may or may not end a sentence ("Acme Inc. said" / "joined Acme Inc. The firm");
# a period after them ends a sentence only when a typical sentence opener follows. AP style state
# abbreviations ("Tacoma, Wash.") belong here too.
_AMBIGUOUS = _BEFORE_NUMBER | _word_set("""Inc Corp Ltd Co Cos Bros LLC Plc plc Jr Sr St Ste Ave Blvd Rd Mt Ft Hwy Dept Univ Assn al UU
    est Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont
    Neb Nev Okla Ore Pa Penn Tenn Tex Vt Va Wash Wis Wyo""")
# Words that open sentences far more often than they follow "U.S." / "Inc." / an initial inside one.
_SENTENCE_OPENERS = _word_set("""The A An He She It They We I You His Her Its Their Our My This That These Those There Here But
    And Or So Yet In On At For After Before When While As If Although Though Since Because Meanwhile
    However Still Then Now Some Many Most No Not What Who Why How Where Last Earlier Later
    El La Los Las Un Una Der Die Das Ein Eine Le Les Il Elle Ils Une""")
# "U.S", "e.g", "a.m", "J.K": letters joined by periods (the final period is the candidate itself).
_DOTTED = regex.compile(r"(?:\p{L}\.)+\p{L}")
_WORD_BEFORE = regex.compile(
    r"[\p{L}\p{M}\p{N}.'\u2019-]{1,30}$", regex.REVERSE
)  # scans back from the period
_OPENS_QUOTE = regex.compile(r"[\p{Pi}\p{Ps}\"]")
_NEXT_WORD = regex.compile(r"[\p{L}\p{M}\p{N}'\u2019]+")
# A period with no space after it that joins rather than ends: web and mail addresses
# ("www.Reuters.com", "news@Wire.org") and abbreviations ("Ph.D.").
_ADDRESS_BEFORE = regex.compile(r"(?:[/@]|\.\p{L})\S*$")
_ADDRESS_AFTER = regex.compile(r"\p{Lu}\.|\S*?(?:[/@]|\.\p{L})")
# Chinese speech verbs after a closed quotation: “我们会重建。”他说。 / 市长表示，……
_CJK_ATTRIBUTION = regex.compile(
    r"[^\s。！？]{0,6}?(?:说|說|道|表示|称|稱|指出|问|問|强调|強調)[^\s。！？]{0,2}[。！？，,]"
)
# An attribution after a quotation that ended with its own period, closed within two more words:
# "“We stay.” Smith said." / "“We stay.” Mayor Okafor told reporters." The close matters: in
# "“...” The SEC said it had taken..." a new sentence starts; "That said," is an idiom, not a speaker (BBC News: 240 such sentences wrongly
# merged before the close was required, none after).
_ATTRIBUTION = regex.compile(
    r"(?!That\s)(?:\p{Lu}[\p{L}.'\u2019-]*\s+){1,3}(?:said|says|told|added|asked|wrote|explained|recalled|insisted"
    r"|noted|stated|declared|replied|continued|warned|argued|tweeted|posted)(?:\s+[\p{Ll}\p{N}]+){0,2}[.,]"
)


def split_sentences(article: Article) -> list[Sentence]:
    """Sentences of the article's content, boilerplate (header, title, dateline, byline, credit) left out."""
    text = article.text
    cuts = _merged_ranges((b.span.start, b.span.end) for b in article.boilerplate)
    sentences: list[Sentence] = []
    paragraph = 0
    for para in split_paragraphs(text):
        found = False
        for start, end in _content_pieces(text, para.start, para.end, cuts):
            for s, e in _sentence_ranges(text, start, end):
                sentences.append(Sentence(s, e, text[s:e], paragraph))
                found = True
        paragraph += found
    return sentences


_WORD_CHARACTER = regex.compile(r"\w")


def has_content(article: Article) -> bool:
    """Whether any word character lies outside the article's boilerplate (header, title, byline, credits).

    The cheap test of "is there anything to compare": ``retold index`` runs it on every article, where
    splitting each into sentences would cost more than the rest of reading it.
    """
    position = 0
    for start, end in _merged_ranges((b.span.start, b.span.end) for b in article.boilerplate):
        if _WORD_CHARACTER.search(article.text, position, start):
            return True
        position = end
    return _WORD_CHARACTER.search(article.text, position) is not None


def _merged_ranges(ranges: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _content_pieces(
    text: str, start: int, end: int, cuts: list[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """The parts of ``text[start:end]`` outside the boilerplate ranges ``cuts`` (sorted, disjoint)."""
    i = max(bisect_right(cuts, (start, start)) - 1, 0)
    pos = start
    after_cut = False
    while pos < end:
        while i < len(cuts) and cuts[i][1] <= pos:
            i += 1
        if i < len(cuts) and cuts[i][0] <= pos:
            pos = cuts[i][1]
            after_cut = True
            continue
        piece_end = min(end, cuts[i][0]) if i < len(cuts) else end
        if after_cut:
            # The dash or colon that tied a dateline or byline to the text belongs to neither.
            pos = _SEPARATORS_AFTER_BOILERPLATE.match(text, pos, piece_end).end()
        if pos < piece_end:
            yield pos, piece_end
        pos = piece_end
        after_cut = False


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets of a plain text, paragraph by paragraph (no boilerplate handling)."""
    return [
        (start, end)
        for paragraph in split_paragraphs(text)
        for start, end in _sentence_ranges(text, paragraph.start, paragraph.end)
    ]


def _sentence_ranges(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed, non-empty ``(start, end)`` ranges."""
    sentence_start = start
    for candidate in _CANDIDATE.finditer(text, start, end):
        boundary = _inward_closer_end(text, start, candidate.end(), end)
        if boundary < end and _is_boundary(
            text, sentence_start, candidate.start(), candidate.end(1), boundary, end
        ):
            yield from _trimmed_ranges(text, iter([(sentence_start, boundary)]))
            sentence_start = boundary
    yield from _trimmed_ranges(text, iter([(sentence_start, end)]))


def _inward_closer_end(text: str, paragraph_start: int, boundary: int, end: int) -> int:
    """``boundary``, moved past a “ ‘ « ‹ that closes a quotation opened with „ ‚ » › (see
    _OPENER_OF_INWARD_CLOSER) when whitespace and a capital follow it: „Wir bleiben.“ Die Opposition ...

    The same characters open an English quotation, so they count as a closer only when their opener came
    earlier in the paragraph and no such character has closed it since.
    """
    if boundary + 1 >= end:
        return boundary
    opener = _OPENER_OF_INWARD_CLOSER.get(text[boundary])
    if opener is None or not text[boundary + 1].isspace():
        return boundary
    next_pos = _WHITESPACE.match(text, boundary + 1, end).end()
    if next_pos < end and not text[next_pos].isupper():
        return boundary
    look_from = max(paragraph_start, boundary - _MAX_QUOTATION_CHARS)
    quote_start = text.rfind(opener, look_from, boundary)
    if quote_start < 0 or text.find(text[boundary], quote_start, boundary) >= 0:
        return boundary
    return boundary + 1


def _is_boundary(
    text: str, sentence_start: int, term_start: int, closers_start: int, term_end: int, end: int
) -> bool:
    """Whether the terminal run ``text[term_start:closers_start]`` and its closers end a sentence."""
    after = text[term_end]
    terminals = text[term_start:closers_start]
    closers = text[closers_start:term_end]
    if not after.isspace():
        if any(c not in _SPACED_TERMINALS for c in terminals):
            return _unspaced_terminal_ends_sentence(text, after, closers, term_end, end)
        # "He left.The next day": a missing space in scraped text, unless it is an abbreviation
        # ("U.S.A", "Mr.Smith"), a name ("ASP.NET") or an address ("www.Reuters.com").
        prev = text[term_start - 1] if term_start > sentence_start else ""
        if not (after.isupper() and prev.islower() and terminals == "." and not closers):
            return False
        if _ADDRESS_BEFORE.search(text, max(sentence_start, term_start - 40), term_start):
            return False
        if _ADDRESS_AFTER.match(text, term_end, min(end, term_end + 40)):
            return False
        return _period_ends_sentence(text, sentence_start, term_start, term_end, end)
    next_pos = _WHITESPACE.match(text, term_end, end).end()
    if next_pos >= end:
        return True
    following = text[next_pos]
    if following.islower() or _NEVER_STARTS.match(following):
        # "“We will not leave!” he said." / "e.g. the" / "rebuild. ”" never start a new sentence.
        return False
    if any(c in _QUOTE_CLOSERS for c in closers) and _ATTRIBUTION.match(text, next_pos, end):
        return False
    if terminals == "." and not closers:
        return _period_ends_sentence(text, sentence_start, term_start, next_pos, end)
    return True


def _unspaced_terminal_ends_sentence(text: str, after: str, closers: str, term_end: int, end: int) -> bool:
    """。！？ ۔ ؟ । end a sentence even with no space after them, with three exceptions."""
    if after.isdigit() or _NEVER_STARTS.match(after):
        return False  # a decimal mark (３．５) or a closing quote/comma that belongs to this sentence
    if closers and _HIRAGANA.match(after):
        return False  # a particle after a quotation carries the sentence on: 「離れません！」と彼は言った。
    # An attribution after a quotation carries it on too: “我们会重建。”他说。
    return not (closers and _CJK_ATTRIBUTION.match(text, term_end, end))


def _period_ends_sentence(text: str, sentence_start: int, period: int, next_pos: int, end: int) -> bool:
    """The abbreviation layer for a single ``.`` followed by a capital, digit or other non-lowercase."""
    word_match = _WORD_BEFORE.search(text, max(sentence_start, period - 30), period)
    if word_match is None:
        return True
    word = word_match.group().lstrip(".'\u2019-")
    if word in TITLES or word in _NEVER_FINAL or word.lower() in _NEVER_FINAL:
        return False
    for abbreviation in _SPACED_ABBREVIATION.finditer(text, max(sentence_start, period - 4), period + 4):
        if abbreviation.start() <= period < abbreviation.end():
            return False
    before = text[max(sentence_start, word_match.start() - 8) : word_match.start()].split()
    if word == _CITY and not (before and before[-1][-1:].isdigit()):
        return False
    if word.isascii() and word.isdigit() and len(word) <= 2 and before and before[-1] in _BEFORE_ORDINAL:
        return False  # "Der 1. FC Köln", "zum 2. Mal": an ordinal
    if word == "EE" and text.startswith("UU.", next_pos):
        return False  # "EE. UU.", the United States in Spanish (EE alone may be a company ending a sentence)
    if word.isdigit() and len(word) <= 3 and not text[sentence_start : word_match.start()].strip():
        return False  # the number of a list item: "2. The second point"
    following = text[next_pos]
    if word.isascii() and word.isdigit() and 1 <= int(word) <= 31:
        month = _NEXT_WORD.match(text, next_pos, end)
        before = text[max(sentence_start, word_match.start() - 6) : word_match.start()].split()
        if month is not None and (
            month.group() in _ORDINAL_MONTHS
            or (month.group() in _SHARED_MONTHS and before and before[-1] in _DATE_PREPOSITIONS)
        ):
            return False  # "am 1. Juli in Kraft": a day, not the end of a sentence
    known = word in _AMBIGUOUS or _DOTTED.fullmatch(word) is not None
    if following.isdigit() and known:
        return False  # "No. 2", "Jan. 5", "Vol. 3"
    if known or (len(word) == 1 and word.isupper()):
        if _OPENS_QUOTE.match(following):
            return True  # 'signed with Warner Bros. "The deal...': a quotation opens a new sentence
        next_word = _NEXT_WORD.match(text, next_pos, end)
        return next_word is not None and next_word.group() in _SENTENCE_OPENERS
    return True


# --------------------------------------------------------------------------------------------------
# Words

# Scripts written without spaces between words: one character (with its combining marks) per token. A
# regex character-class body; candidates.py tokenises these scripts the same way.
UNSPACED_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc"
_WORD = regex.compile(
    rf"[{UNSPACED_SCRIPTS}]\p{{M}}*"
    rf"|[[\p{{L}}\p{{M}}\p{{N}}]--[{UNSPACED_SCRIPTS}]]+"
    rf"(?:(?:['\u2019]|(?<=\p{{N}})[.,](?=\p{{N}}))[[\p{{L}}\p{{M}}\p{{N}}]--[{UNSPACED_SCRIPTS}]]+)*",
    regex.VERSION1,
)


_UNSPACED_CHARACTER = regex.compile(rf"[{UNSPACED_SCRIPTS}]")


def has_unspaced(*texts: str) -> bool:
    """Whether any of ``texts`` holds a character of a script written without spaces. Tokenisers that
    split those scripts per character need a set-difference pattern that costs about three times a plain
    one; text without such characters (most) takes the plain one, with the same tokens."""
    return any(not text.isascii() and _UNSPACED_CHARACTER.search(text) is not None for text in texts)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Word tokens of ``text`` as ``(start, end)`` offsets.

    Letters, marks and digits of any script; apostrophes inside words stay ("don't", "Smith's"),
    decimal and thousands marks inside numbers stay ("3.5", "1,200"); Chinese, Japanese, Thai, Lao,
    Khmer and Burmese, written without spaces, give one token per character.
    """
    return [m.span() for m in _WORD.finditer(text)]


# --------------------------------------------------------------------------------------------------
# Language

# (first code point, last code point, script key). Script keys are ISO 639-1 codes where one language
# dominates news in that script; "latin", "arabic", "cjk", "kana" and "cyrillic" are resolved below.
_SCRIPT_RANGES = sorted(
    [
        (0x0041, 0x024F, "latin"),
        (0x1E00, 0x1EFF, "latin"),
        (0xFF21, 0xFF5A, "latin"),
        (0x0370, 0x03FF, "el"),
        (0x1F00, 0x1FFF, "el"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "hy"),
        (0x0590, 0x05FF, "he"),
        (0xFB1D, 0xFB4F, "he"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x08A0, 0x08FF, "arabic"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE70, 0xFEFF, "arabic"),
        (0x0780, 0x07BF, "dv"),
        (0x0900, 0x097F, "hi"),
        (0x0980, 0x09FF, "bn"),
        (0x0A00, 0x0A7F, "pa"),
        (0x0A80, 0x0AFF, "gu"),
        (0x0B00, 0x0B7F, "or"),
        (0x0B80, 0x0BFF, "ta"),
        (0x0C00, 0x0C7F, "te"),
        (0x0C80, 0x0CFF, "kn"),
        (0x0D00, 0x0D7F, "ml"),
        (0x0D80, 0x0DFF, "si"),
        (0x0E00, 0x0E7F, "th"),
        (0x0E80, 0x0EFF, "lo"),
        (0x0F00, 0x0FFF, "bo"),
        (0x1000, 0x109F, "my"),
        (0x10A0, 0x10FF, "ka"),
        (0x1100, 0x11FF, "ko"),
        (0x3130, 0x318F, "ko"),
        (0xAC00, 0xD7AF, "ko"),
        (0x1200, 0x137F, "am"),
        (0x1780, 0x17FF, "km"),
        (0x3040, 0x30FF, "kana"),
        (0x31F0, 0x31FF, "kana"),
        (0xFF66, 0xFF9F, "kana"),
        (0x3400, 0x4DBF, "cjk"),
        (0x4E00, 0x9FFF, "cjk"),
        (0xF900, 0xFAFF, "cjk"),
        (0x20000, 0x2FFFF, "cjk"),
    ]
)
_RANGE_STARTS = [r[0] for r in _SCRIPT_RANGES]
# Enough letters to see the script and a few dozen words; more only costs time.
_LANGUAGE_SAMPLE_CHARS = 4000
# Letters only Urdu uses among Arabic-script languages (ٹ ڈ ڑ ں ے ہ).
_URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06d2\u06c1")
# Letters Persian uses and Arabic does not (پ چ ژ گ ی ک).
_PERSIAN_LETTERS = frozenset("\u067e\u0686\u0698\u06af\u06cc\u06a9")
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
_SERBIAN_LETTERS = frozenset("ђћџјљњЂЋЏЈЉЊ")
# The most frequent function words of each language, chosen not to overlap between the lists.
_STOPWORDS = {
    "en": _word_set("""the of and to in is was that for on with as by at from he she it his her they their said
        has have had were are be been this which who will would not but an or after its than also"""),
    "fr": _word_set("le la les des du et est une dans pour qui que sur au aux avec il elle sont pas ont"),
    "de": _word_set("der die das und ist nicht ein eine den dem mit sich auf für von zu auch wird sie"),
    "es": _word_set("el los las del y en que por con una para es se su al lo como más pero fue"),
    "it": _word_set("il di che della dei delle è per non una sono gli alla nel con più anche ha"),
    "pt": _word_set("o os das do dos e em que por com uma para é não se ao foi mais como"),
    "nl": _word_set("de het een van en is dat niet op met zijn voor ook aan bij werd naar"),
}
# Share of words that must be stopwords of the best language. English news runs near 40% on the list
# above; a list of names or a table of numbers stays well under 15%.
_MIN_STOPWORD_SHARE = 0.15
# ... and at least this many of them: one shared word is chance ("Every day more American soldiers
# die." has German "die" and no listed English word; MRPC train has 1 such sentence in 8,152).
_MIN_STOPWORD_HITS = 2


def detect_language(text: str) -> str | None:
    """A cheap ISO 639-1 guess from the script (and, for Latin script, common words); None if unsure."""
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    if sample.isascii():  # most input: skip counting scripts one character at a time
        return _latin_language(sample) if any(c.isalpha() for c in sample) else None
    counts: dict[str, int] = {}
    for char in sample:
        if not char.isalpha():
            continue
        code = ord(char)
        i = bisect_right(_RANGE_STARTS, code) - 1
        if i >= 0 and code <= _SCRIPT_RANGES[i][1]:
            key = _SCRIPT_RANGES[i][2]
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    kana = counts.pop("kana", 0)
    if kana:
        counts["cjk"] = counts.get("cjk", 0) + kana
    script = max(counts, key=lambda k: counts[k])
    letters = set(sample)
    if script == "cjk":
        # Japanese runs near 40% kana; Chinese has none, bar a quoted Japanese name.
        return "ja" if kana * 20 >= counts["cjk"] else "zh"
    if script == "arabic":
        if letters & _URDU_LETTERS:
            return "ur"
        persian = sum(sample.count(c) for c in _PERSIAN_LETTERS)
        # Arabic text meets Persian letters only in transliterated names: far under 2% of letters.
        return "fa" if persian * 50 >= counts["arabic"] else "ar"
    if script == "cyrillic":
        if letters & _UKRAINIAN_LETTERS:
            return "uk"
        return "sr" if letters & _SERBIAN_LETTERS else "ru"
    if script == "latin":
        return _latin_language(sample)
    return script


def _latin_language(sample: str) -> str | None:
    words = [sample[s:e].lower() for s, e in word_spans(sample)]
    if not words:
        return None
    hits = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(hits, key=lambda k: hits[k], reverse=True)
    best, second = ranked[0], ranked[1]
    if hits[best] < max(_MIN_STOPWORD_HITS, _MIN_STOPWORD_SHARE * len(words)) or hits[best] == hits[second]:
        # Too few function words to tell: a short sentence ("BioReliance's stock closed down 2 cents at
        # $47.98."), a headline, or another Latin-script language. 7% of MRPC's English sentences land
        # here; they are left to a character n-gram model.
        return _identified_language(sample)
    return best


# py3langid's top language is taken only above this (normalised over its 97 languages; chance is 0.01).
# Below it are strings of names, tickers or made-up words (0.03-0.15 in our checks), which stay "unsure";
# 97% of the short English sentences of MRPC train that the word lists leave open score above it.
_MIN_IDENTIFIER_PROBABILITY = 0.2


# py3langid's model names some languages by ISO 639-3 codes, where ISO 639-1 (what detect_language
# promises) has a code for the language or its macrolanguage: Wu and Cantonese are Chinese, Egyptian and
# Moroccan Arabic are Arabic, and so on. Its other three-letter codes (Acehnese, Ligurian, Venetian, "no
# linguistic content" ...) have no two-letter code and stay "unsure".
_TWO_LETTER_CODES = {
    "wuu": "zh",
    "yue": "zh",
    "arz": "ar",
    "ary": "ar",
    "fuv": "ff",
    "gug": "gn",
    "kik": "ki",
    "ltg": "lv",
    "sdh": "ku",
    "uzs": "uz",
}


def _identified_language(sample: str) -> str | None:
    language, probability = _language_identifier().classify(sample)
    if probability < _MIN_IDENTIFIER_PROBABILITY:
        return None
    code = _TWO_LETTER_CODES.get(str(language), str(language))
    return code if len(code) == 2 else None


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    # Loaded on first need (0.5 s): most articles are long enough for the word lists alone.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
