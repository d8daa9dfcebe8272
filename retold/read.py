"""Reading articles: plain text, HTML, JSON and JSONL records, or stdin, into ``Article``.

The first stage of the pipeline. It decodes bytes, refuses what is not an article with one sentence that
names the input and the fix (``InputError`` / ``EmptyInputError``), reads metadata (a leading
``key: value`` header block, a lone date line, HTML metadata, record fields) and marks boilerplate —
header, title line, dateline, byline, credit lines — as spans that are reported but never count as
content.

Offsets are character offsets into ``Article.text``: the decoded plain-text file exactly (only a BOM is
stripped), the main text trafilatura extracts from HTML (paragraphs joined by a blank line), or a
record's ``text``.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import io
import itertools
import json
import os
import re
import stat
import sys
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retold.article import Article, Boilerplate, BoilerplateKind, Span
from retold.errors import EmptyInputError, InputError
from retold.segment import INVISIBLE_CHARACTERS

__all__ = [
    "article_from_html",
    "article_from_record",
    "article_from_text",
    "find_boilerplate",
    "normalize_date",
    "read_article",
    "read_records",
]

STDIN = "-"
FORMATS = ("text", "html", "json", "jsonl")
EXTENSION_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# Binary sniffing looks at the first 8 KB only: enough for any file format's magic bytes and header,
# and it keeps the check constant-time on a 50 MB input.
SNIFF_BYTES = 8192
# Share of ASCII control bytes (other than tab, newlines, form feed) above which a file is binary.
# Real article text has none; executables, images and archives have ~5-15 % in their first KB.
BINARY_CONTROL_SHARE = 0.01
# The same for a file of records (JSONL), whose bad lines are reported one by one: only a binary file.
BINARY_RECORDS_CONTROL_SHARE = 0.05
# No share of bytes >= 0x80 makes a file binary: Cyrillic, Arabic, Chinese or Japanese text in a legacy
# encoding (cp1251, cp1256, GB2312, Shift-JIS) is 50-100 % such bytes, and is text to convert, while
# compressed or random bytes are also ~11 % control bytes, which the share above catches.
# UTF-16 without a BOM: in text that is mostly ASCII every other byte is NUL. Over half the bytes at one
# parity NUL and almost none at the other is that pattern; binary formats have NULs at both.
UTF16_NUL_SHARE = 0.5
UTF16_OTHER_NUL_SHARE = 0.05
# The most one article file (or stdin) may hold: reading stops one byte past it, so an endless source
# (a pipe that never closes, a device) is refused instead of filling memory. 64 MiB is above 4 bytes ×
# the 5,000,000-character compare limit (comparison.MAX_ARTICLE_CHARS: any text file compare accepts
# fits), and leaves room for HTML, whose markup and inline images can dwarf its text (news pages are
# 0.1-3 MB; a page saved with its images inlined, 10-40 MB). Record files (JSONL, JSON arrays) are
# read record by record and are not held to it, except a JSON array on stdin, which must be read whole.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A record's ``path`` names its article file; that file being a record with a ``path`` of its own is
# already unusual. Eight files deep is beyond any real layout and far below Python's recursion limit.
MAX_PATH_DEPTH = 8

# Boilerplate is only searched for near the two ends of the text: bylines and datelines open an
# article, credits and copyright lines close it. Twelve lines / 4 KB at each end covers every layout
# in the wire, newspaper and aggregator samples we wrote fixtures from, and keeps the scan O(1) in the
# length of the text.
EDGE_LINES = 12
EDGE_CHARS = 4096
# Boilerplate lines are short; a longer line is content (and is not even copied out for matching).
MAX_BOILERPLATE_LINE = 300
# A title line is short: news headlines run 40-110 characters; 150 leaves room for long ones while a
# typical first content paragraph (a lede of 25-40 words) is longer or ends with a full stop.
MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 25
# A header block is a handful of lines; a longer run of "key: value" lines is content (a list, a table).
MAX_HEADER_LINES = 15

RECORD_FIELDS = ("id", "text", "path", "title", "date", "outlet", "url", "byline")
METADATA_FIELDS = ("title", "date", "outlet", "url", "byline")
# Publication-date names of common feeds and scrapers: schema.org (datePublished), RSS (pubDate),
# NewsAPI (publishedAt), newspaper3k (publish_date), news-please (date_publish). Only names that mean
# "published": generic ones (created_at, updated, crawl_date, any *_date) may be when a record was
# stored, crawled or generated, and a wrong date decides direction and splits stories. (The
# AI-rephrased news set's generated_date is when GPT wrote the text, 2023; read as the date, every
# rephrasing of its 2016-2019 originals would fall outside the story window.)
_DATE_ALIASES = (
    "published", "published_at", "publishedAt", "publish_date", "publication_date", "date_published",
    "datePublished", "date_publish", "pubdate", "pubDate", "pub_date",
)  # fmt: skip
# Article-text names of common feeds and scrapers: NewsAPI and many CMS exports (content), news-please
# (maintext), schema.org NewsArticle (articleBody), and body. Read only from a record with neither
# 'text' nor 'path' (the first one that is not null); otherwise they stay extra fields, since next to a
# full text they are often a teaser.
TEXT_ALIASES = ("content", "maintext", "articleBody", "body")
RECORD_ALIASES = {
    "author": "byline",
    "source": "outlet",
    "sitename": "outlet",
    "headline": "title",
    **dict.fromkeys(_DATE_ALIASES, "date"),
}
# The keys of a text file's header block: the record fields and the same aliases (RECORD_ALIASES),
# compared in lower case with spaces and hyphens read as underscores ("Date Published:" is
# date_published, "pubDate:" is pubdate), and names that header blocks use more than JSON does.
HEADER_KEYS = {
    **{field: field for field in ("id", *METADATA_FIELDS)},
    **{alias.lower(): field for alias, field in RECORD_ALIASES.items()},
    "publisher": "outlet",
    "site": "outlet",
    "link": "url",
    "by": "byline",
}
# NewsAPI gives the first ~200 characters of an article and ends them with "… [+3412 chars]".
_NEWSAPI_CUT = re.compile(r"\[\+\d+ chars\]\s*$")


# ---- reading files ------------------------------------------------------------------------------


def read_article(
    source: str | os.PathLike[str], *, id: str | None = None, format: str | None = None
) -> Article:
    """Read one article from a file path, or from stdin when ``source`` is ``"-"``.

    Args:
        source: a path, or ``"-"`` for stdin.
        id: the article's id; defaults to the record's id (JSON), the header's ``id:`` (text), else the
            path as given (``"-"`` for stdin).
        format: ``"text"``, ``"html"`` or ``"json"`` (one record); ``None`` guesses from the extension,
            then from the content.
    """
    name = _name_of(source)
    if format is not None and format not in FORMATS:
        raise InputError(f"{name}: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    fmt = format or _format_from_extension(name)
    if fmt == "jsonl":
        raise InputError(
            f"{name} is a JSONL file of records, not one article; give it to `retold index`,"
            " or put one article in each file"
        )
    text = _decode(_read_bytes(source, name), name)
    _require_text(text, name)
    if fmt is None:
        fmt = _format_from_content(text)

    if fmt == "html":
        return _article_from_html(text, id=id or name, url=None, name=name)
    if fmt == "json":
        try:
            data = _load_json(text, name)
        except json.JSONDecodeError as error:
            if format is None and _format_from_extension(name) is None and not _LOOKS_LIKE_OBJECT.match(text):
                fmt = "text"  # only a guess from a leading "{" or "[": it is text after all
            else:
                hint = "" if name == STDIN else ", or if the file is plain text, give it a .txt name"
                raise InputError(
                    f"{name} is not valid JSON ({json_problem(error)}); fix the JSON{hint}"
                ) from None
        else:
            if isinstance(data, list):
                raise InputError(
                    f"{name} is a JSON list of {len(data)} records, not one article;"
                    " give it to `retold index`, or put one record in each file"
                )
            if not isinstance(data, dict):
                raise InputError(f"{name} holds a JSON {_json_type(data)}, not an article record (an object)")
            # The files being read, so that a record whose 'path' leads back to one is caught.
            token = _READING.set((*_READING.get(), (_real_path(os.fspath(source)), name)))
            try:
                article = article_from_record(data, where=name, base_dir=_base_dir(source))
            finally:
                _READING.reset(token)
            if id is not None:
                article.id = id
            return article
    article = article_from_text(text, id=id)
    if article.id is None:
        article.id = name
    return article


def read_records(source: str | os.PathLike[str]) -> Iterator[Article | InputError]:
    """Read many articles from a JSON list or a JSONL file (one record a line), or ``"-"`` for stdin.

    A record that cannot be read yields an ``InputError`` naming its line (``FILE line N: problem``)
    and reading goes on; only a file that cannot be read at all raises.
    """
    name = _name_of(source)
    base_dir = _base_dir(source)
    fmt = _format_from_extension(name)
    if fmt in ("text", "html"):
        raise InputError(
            f"{name} is one {fmt} article, not a file of records;"
            " records come as JSONL (one JSON object a line) or a JSON list"
        )
    with _open_binary(source, name) as stream:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
        first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
        whole = fmt == "json" or (fmt is None and first == b"[")
        if head:
            refuse_binary(head, name, whole_file=whole)  # JSONL: a bad byte is one line's error
        if whole:
            # A file is finite (special files are refused); stdin may not be, and an array is read whole.
            data = stream.read(MAX_FILE_BYTES + 1) if name == STDIN else stream.read()
            if name == STDIN and len(data) > MAX_FILE_BYTES:
                raise InputError(
                    f"stdin sent more than {_size(MAX_FILE_BYTES)} of JSON;"
                    " send the records as JSONL (one JSON object a line) instead"
                )
            text = _decode(data, name)
            _require_text(text, name)
            yield from _records_from_json(text, name, base_dir)
            return
        yield from _records_from_lines(stream, name, base_dir)


def _records_from_json(text: str, name: str, base_dir: Path | None) -> Iterator[Article | InputError]:
    try:
        data = _load_json(text, name)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name} is not valid JSON ({json_problem(error)}); fix it, or write one record a line as JSONL"
        ) from None
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{name} record {number}"
        yield _record_or_error(record, where, base_dir)


def _records_from_lines(stream: Any, name: str, base_dir: Path | None) -> Iterator[Article | InputError]:
    seen_any = False
    for number, raw_line in enumerate(stream, start=1):
        if number == 1 and raw_line.startswith(codecs.BOM_UTF8):
            raw_line = raw_line[len(codecs.BOM_UTF8) :]
        item = record_from_line(raw_line, f"{name} line {number}", base_dir)
        if item is not None:
            seen_any = True
            yield item
    if not seen_any:
        raise EmptyInputError(f"{name} holds no records; give a JSONL file with one JSON object a line")


def record_from_line(
    raw_line: bytes, where: str, base_dir: str | os.PathLike[str] | None
) -> Article | InputError | None:
    """The article of one JSONL line, the error that names what is wrong with it, or None for a blank line.

    ``where`` names the line in messages ("feed.jsonl line 12"). Shared by every JSONL reader (this
    module's and the parallel one of ``retold index``) so a line gets the same answer from both.
    """
    try:
        line = raw_line.decode("utf-8")
    except UnicodeDecodeError as error:
        return InputError(
            f"{where}: not valid UTF-8 (byte 0x{raw_line[error.start]:02x} at offset {error.start}"
            " of the line); convert the file to UTF-8"
        )
    if not line.strip():
        return None
    try:
        record = _load_json(line.strip(), where)
    except json.JSONDecodeError as error:
        return InputError(f"{where}: not valid JSON ({json_problem(error, line=False)})")
    except InputError as error:
        return error
    return _record_or_error(record, where, None if base_dir is None else Path(base_dir))


def _record_or_error(record: Any, where: str, base_dir: Path | None) -> Article | InputError:
    if not isinstance(record, dict):
        return InputError(f"{where}: a record must be a JSON object, got a JSON {_json_type(record)}")
    try:
        return article_from_record(record, where=where, base_dir=base_dir)
    except InputError as error:
        return error


def not_a_number_as_null(constant: str) -> None:
    """``parse_constant`` for json.loads: NaN and Infinity are not JSON, though pandas and others write
    them; read as null, so that every result retold writes is valid JSON again."""
    return None


def _load_json(text: str, name: str) -> Any:
    """``json.loads``, with a document nested deeper than Python's recursion limit refused in words."""
    try:
        return json.loads(text, parse_constant=not_a_number_as_null)
    except RecursionError:
        raise InputError(
            f"{name}: the JSON is nested too deeply to read; an article record is one flat object"
        ) from None


def json_problem(error: json.JSONDecodeError, *, line: bool = True) -> str:
    # json's messages for a place end in "at" ("Invalid control character at"): say "at" once.
    place = f"line {error.lineno} column {error.colno}" if line else f"column {error.colno}"
    return f"{error.msg.removesuffix(' at')} at {place}"


def _name_of(source: str | os.PathLike[str]) -> str:
    if isinstance(source, str | os.PathLike):
        return printable_path(os.fspath(source))
    raise InputError(f"{source!r} is not a path; give a file path or '-' for stdin")


def printable_path(path: str) -> str:
    """A path as it can be printed, stored and used as an id: bytes that are not UTF-8 written as \\xNN.

    Python hands such a file name over with lone surrogates ("caf\\udce9.txt"), which no UTF-8 output
    (terminal, JSON, SQLite) accepts. Control characters are written as \\xNN too: a newline in a file
    name would split the one-line error that names the file.
    """
    try:
        printable = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system produced: given as a str from Python
        printable = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL_CHARACTER.sub(lambda m: f"\\x{ord(m.group()):02x}", printable)


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _base_dir(source: str | os.PathLike[str]) -> Path | None:
    return None if os.fspath(source) == STDIN else Path(source).parent


def _format_from_extension(name: str) -> str | None:
    return EXTENSION_FORMATS.get(Path(name).suffix.lower()) if name != STDIN else None


_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|body|article|main|div|p|h1|meta|title)\b", re.I)


# A JSON object by its shape ({"key": ... }), to tell broken JSON from text that opens with a brace.
# Text that opens like a JSON record ({"key": ...) or a list of them ([{...) is JSON, also when it is cut
# off before its end: a truncated feed must be reported, not compared as prose.
_LOOKS_LIKE_OBJECT = re.compile(r'\s*(?:\{\s*"[^"\n]{1,100}"\s*:|\[\s*\{)')
# What may come before a page's first tag: an XML declaration, comments ("<!-- saved from url=... -->").
_HTML_PREAMBLE = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*|<!--.*?-->\s*)*", re.S)


def _format_from_content(text: str) -> str:
    start = text.lstrip()[:1]
    head = text[:4096]
    preamble = _HTML_PREAMBLE.match(head)
    if start == "<" and _HTML_START.match(head, preamble.end() if preamble else 0):
        return "html"
    if start in "{[" and start:
        return "json"
    return "text"


def _open_binary(source: str | os.PathLike[str], name: str) -> Any:
    """A binary stream with ``peek`` for a path or stdin, as a context manager that never closes stdin."""
    if name == STDIN:
        return contextlib.nullcontext(_stdin_binary())
    check_path(os.fspath(source), name)
    try:
        return open(source, "rb")  # noqa: SIM115 - the caller closes it with `with`
    except OSError as error:
        raise InputError(f"{name} cannot be read ({error.strerror}); check its permissions") from None


def require_piped_stdin(what: str = "an article") -> Any:
    """``sys.stdin`` when something is piped into it; otherwise one clear error, not a wait for typing."""
    stdin = sys.stdin
    if stdin is None:
        raise InputError("- means stdin, but there is no stdin; give a file path")
    if stdin.isatty():  # reading would wait for typing: refuse instead of hanging
        raise InputError(f"- means stdin, but nothing was piped in; pipe {what} in or give a file path")
    return stdin


def _stdin_binary() -> Any:
    stdin = require_piped_stdin()
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None and hasattr(buffer, "peek"):
        return buffer
    # Bounded like a file (_read_bytes reports the excess). surrogatepass: a lone surrogate in a text
    # stream becomes bytes that fail UTF-8 decoding with a message, not an encoding traceback here.
    limit = MAX_FILE_BYTES + 1
    data = buffer.read(limit) if buffer is not None else stdin.read(limit).encode("utf-8", "surrogatepass")
    return io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]


_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def check_path(path: str, name: str | None = None, *, stdin_hint: bool = True) -> None:
    """Refuse what is not a regular file before opening it: opening a FIFO waits for a writer, and a
    device such as /dev/zero never ends. ``name`` is the path as messages show it."""
    name = name or printable_path(path)
    try:
        info = os.stat(path)
    except ValueError:  # a NUL in the name
        raise InputError(f"{name!r} is not a valid path (it holds a NUL character)") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(
                f"{name} is a symbolic-link loop (the link leads back to itself); fix the link"
            ) from None
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                target = printable_path(os.readlink(path))
                raise InputError(
                    f"{name} is a symbolic link to {target}, which does not exist; fix the link"
                ) from None
            raise InputError(f"{name} does not exist; check the path") from None
        raise InputError(f"{name} cannot be read ({error.strerror}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name} is a directory, not an article file; give one file")
    if not stat.S_ISREG(info.st_mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
        raise InputError(
            f"{name} is {kind}, not a regular file; save the article to a file"
            + (", or pipe it in and give -" if stdin_hint else " and index that")
        )


def _real_path(name: str) -> str:
    return name if name == STDIN else os.path.realpath(name)


def _read_bytes(source: str | os.PathLike[str], name: str) -> bytes:
    with _open_binary(source, name) as stream:
        data: bytes = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        what = "stdin sent" if name == STDIN else f"{name} is"
        raise InputError(
            f"{what} more than {_size(MAX_FILE_BYTES)}, too large for one article;"
            " split it, or give many articles as JSONL to `retold index`"
        )
    return data


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count:,} bytes"


def refuse_binary(head: bytes, name: str, *, whole_file: bool = True) -> None:
    """Refuse UTF-16 and binary files by their first bytes.

    ``whole_file=False`` is for files of records, whose lines are read and refused one by one: a stray
    NUL or control byte is then that line's error, and only a file that is binary through and through
    (compressed or random bytes run ~11% control bytes) is refused as a whole.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head):
        raise InputError(f"{name} is UTF-16 text; convert it to UTF-8")
    if whole_file and (b"\x00" in head or _control_share(head) > BINARY_CONTROL_SHARE):
        raise InputError(f"{name} looks like a binary file, not an article")
    if not whole_file and _control_share(head) > BINARY_RECORDS_CONTROL_SHARE:
        raise InputError(f"{name} looks like a binary file, not a file of JSON lines")


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM, as far as mostly-ASCII text shows it: NULs at one byte parity only."""
    if len(head) < 16:
        return False
    shares = [half.count(0) / len(half) for half in (head[0::2], head[1::2])]
    high, low = max(shares), min(shares)
    return high > UTF16_NUL_SHARE and low < UTF16_OTHER_NUL_SHARE


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 bytes to text, with only a leading BOM removed; refuse binary and other encodings."""
    refuse_binary(data[:SNIFF_BYTES], name)
    if b"\x00" in data:  # a NUL past the sniffed head: still not text (memchr, fast on 50 MB)
        raise InputError(f"{name} looks like a binary file, not an article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        sample = data[:SNIFF_BYTES]
        declared = declared_html_charset(sample)
        if declared is not None:  # an HTML page that says what it is written in (iso-8859-1, cp1252...)
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
        raise InputError(
            f"{name} is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start});"
            " convert it to UTF-8"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._-]{2,40})", re.I)
# XHTML may declare its encoding only in the XML declaration: <?xml version="1.0" encoding="ISO-8859-1"?>
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]{2,40})", re.I)


def declared_html_charset(head: bytes) -> str | None:
    """The charset an HTML page declares (XML declaration or <meta> tag), when Python knows it and it is
    not UTF-8."""
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii"))
    except LookupError:
        return None
    return None if codec.name == "utf-8" else codec.name


def _require_text(text: str, name: str) -> None:
    if not text:
        raise EmptyInputError(f"{name} is empty; give a file that holds the article text")
    if text.isspace():
        raise EmptyInputError(f"{name} holds only whitespace; give a file that holds the article text")


def _json_type(value: Any) -> str:
    names = {list: "list", dict: "object", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


# ---- building articles --------------------------------------------------------------------------


_LONE_CR = re.compile(r"\r(?!\n)")


def article_from_text(text: str, *, id: str | None = None, **metadata: Any) -> Article:
    """An article from plain text: parse a leading header block or date line, a title line, boilerplate.

    ``metadata`` (title, date, outlet, url, byline, or anything else, which goes to ``extra``) wins
    over what the text's own header says.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # Old Mac (CR only) or mixed line endings: a lone CR is a line break. Replaced one for one, so
        # every offset still points at the same character of the file.
        text = _LONE_CR.sub("\n", text)
    article = Article(text=text)
    fields: dict[str, Any] = {}
    boilerplate: list[Boilerplate] = []

    position = 0
    header = _parse_header_block(text)
    if header is not None:
        header_end, header_fields = header
        fields.update(header_fields)
        boilerplate.append(_boilerplate(text, "header", 0, header_end))
        position = header_end

    title_seen = False
    for _ in range(3):  # a date line, a title line: each at most once, in either order
        line_start, line_end = _next_line(text, position)
        if line_start >= len(text):
            break
        line = text[line_start:line_end] if line_end - line_start <= MAX_TITLE_CHARS else ""
        if "date" not in fields and line and _DATE_LINE.fullmatch(line):
            fields["date"] = line.strip()
            boilerplate.append(_boilerplate(text, "header", line_start, line_end))
        elif not title_seen and line and _is_title_line(text, line, line_end):
            title_seen = True
            # A Markdown heading ("# Council passes budget") is the title without its marks.
            fields.setdefault("title", re.sub(r"^#{1,6}\s+|\s+#+$", "", line.strip()).strip("*_ "))
            boilerplate.append(_boilerplate(text, "title", line_start, line_end))
        else:
            break
        position = line_end

    found = find_boilerplate(text, position)
    boilerplate.extend(found)
    byline = next((b for b in found if b.kind == "byline"), None)
    if byline is not None:
        fields.setdefault("byline", _byline_name(byline.span.text))

    fields.update({k: v for k, v in metadata.items() if v is not None})
    header_id = fields.pop("id", None)
    article.id = id if id is not None else header_id
    _apply_fields(article, fields)
    article.boilerplate = sorted(boilerplate, key=lambda b: b.span.start)
    return article


def article_from_html(html: str, *, id: str | None = None, url: str | None = None) -> Article:
    """An article from an HTML page: trafilatura's main text and metadata.

    ``Article.text`` is the extracted main text with paragraphs joined by a blank line; offsets point
    into it. Title, date, site name (-> outlet), url and author (-> byline) come from the page.
    """
    return _article_from_html(html, id=id, url=url, name=id or "the HTML")


def _article_from_html(html: str, *, id: str | None, url: str | None, name: str) -> Article:
    import trafilatura  # heavy (lxml, courlan, htmldate): only loaded for HTML input

    # The date from the page's markup only (meta tags, <time>, JSON-LD, the URL). By default htmldate
    # also searches the body's text and takes a year it mentions ("inspected in April 2024") as the
    # publication date, which then decides which article came first.
    # With the time of day where the markup gives one (article:published_time, JSON-LD, <time>): two
    # pages of one day (a wire at 08:00Z, its copy at 10:00Z) must not tie.
    dates = {
        "original_date": True,
        "extensive_search": False,
        "max_date": datetime.now().date().isoformat(),
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, date_extraction_params=dates
    )
    if document is None:  # trafilatura gives up on the whole page when its metadata cannot be read
        document = trafilatura.bare_extraction(html, url=url, with_metadata=False, include_comments=False)
    # trafilatura 2 returns a Document, 1.x a dict (pyproject allows both).
    found: dict[str, Any] = {}
    if document is not None:
        found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    raw_text = found.get("text") or ""
    if not raw_text.strip():
        raise EmptyInputError(f"{name}: no article text found in the HTML")
    if _only_page_chrome(html, raw_text):
        raise EmptyInputError(
            f"{name}: no article text found in the HTML, only its navigation, header or footer"
        )
    # trafilatura puts one newline between blocks; a blank line makes them paragraphs, as in plain text.
    text = "\n\n".join(line.strip() for line in raw_text.split("\n") if line.strip())
    metadata: dict[str, Any] = {
        "title": found.get("title"),
        "date": _publication_date(found.get("date")),
        "outlet": found.get("sitename"),
        "url": found.get("url") or url,
        "byline": found.get("author"),
    }
    for key in ("hostname", "description", "license"):
        if found.get(key):
            metadata[key] = found[key]
    return article_from_text(text, id=id, **metadata)


def _publication_date(found: str | None) -> str | None:
    """htmldate's date (asked for with the time of day) as retold writes dates: a full timestamp when the
    page states one, else the day. htmldate gives a day it found without a time as that day's midnight
    with no zone, which would sort a copy dated by its day before a wire published at 08:00 that day."""
    if not found:
        return None
    if found.endswith("T00:00:00"):
        return found[:10]
    return normalize_date(found) or found[:10]


# The parts of a page around its article: site menus, the site header, footer and sidebars.
_CHROME_XPATH = (
    "//nav | //header | //footer | //aside | //menu"
    " | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='menu']"
)


def _only_page_chrome(html: str, text: str) -> bool:
    """Whether every word trafilatura extracted stands in the page's menus, header, footer or sidebars.

    trafilatura's main-text extractor skips those; but when it finds under ~250 characters it falls
    back to a baseline that takes whatever text the body has. That fallback is kept: it is what reads
    short articles and pages whose text is not in paragraphs. Only a result that is nothing but the
    page's chrome (a page of links, "Home | About") is no article.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, etree.LxmlError):  # trafilatura read it, so this is rare: trust trafilatura
        return False
    chrome_words: set[str] = set()
    for element in tree.xpath(_CHROME_XPATH):
        # Text node by text node ("<li>Home</li><li>World</li>" has no space between the two) and whole.
        for piece in element.itertext():
            chrome_words.update(piece.split())
        chrome_words.update(element.text_content().split())
    return bool(chrome_words) and set(text.split()) <= chrome_words


def article_from_record(
    record: dict[str, Any], *, where: str, base_dir: str | os.PathLike[str] | None = None
) -> Article:
    """An article from a JSON record: ``text`` (or ``path`` to a file), ``id``, title, date, outlet, url.

    Other fields go to ``Article.extra``. ``author`` is read as ``byline``, ``source`` as ``outlet``
    (NewsAPI's ``{"name": ...}`` object too), ``content``/``maintext``/``articleBody``/``body`` as ``text``
    when the record has neither ``text`` nor ``path`` (``TEXT_ALIASES``), ``datePublished``/``pubDate``/``publishedAt`` (and other ``RECORD_ALIASES``) as ``date``; the field's
    own name wins over an alias.
    A relative ``path`` is read relative to ``base_dir`` (the records file's folder) when given.

    Args:
        where: names the record in error messages, e.g. ``"wire.jsonl line 3"``.
    """
    _refuse_surrogates(record, where)
    if (
        "text" not in record
        and "path" not in record
        and any(
            isinstance(record.get(role), dict)
            and any(key in record[role] for key in ("text", "path", *TEXT_ALIASES))
            for role in ("source", "derived")
        )
    ):
        # Else 'source', read as the outlet's name, would be refused for not being a string.
        raise InputError(
            f"{where}: the record has no 'text' field; it looks like a --pairs line (source/derived):"
            " compare it with `retold compare --pairs FILE --format json`"
        )
    fields: dict[str, Any] = {}
    given: dict[str, str] = {}  # the record's own name of each field, for messages ('source', 'author')
    extra: dict[str, Any] = {}
    for key, value in record.items():
        target = RECORD_ALIASES.get(key, key)
        if target in RECORD_FIELDS:
            if target not in fields or key == target:
                fields[target] = value
                given[target] = key
        else:
            extra[key] = value
    if fields.get("text") is None and fields.get("path") is None:  # absent, or null as exports write it
        alias = next((key for key in TEXT_ALIASES if extra.get(key) is not None), None)
        if alias is not None:
            fields["text"] = extra.pop(alias)
            given["text"] = alias
    outlet = fields.get("outlet")
    if isinstance(outlet, dict) and isinstance(outlet.get("name"), str):
        fields["outlet"] = outlet["name"]  # NewsAPI: "source": {"id": "reuters", "name": "Reuters"}
    for key in METADATA_FIELDS:
        value = fields.get(key)
        if value is not None and not isinstance(value, str):
            if key == "date" and isinstance(value, int | float) and not isinstance(value, bool):
                fields[key] = str(value)
            else:
                name = repr(key) if given[key] == key else f"{given[key]!r} (read as the {key})"
                raise InputError(f"{where}: field {name} must be a string, got a JSON {_json_type(value)}")
    record_id = fields.get("id")
    # bool is an int in Python, but true as an id is a mistake, not the id "True"; 3.5 is no id either.
    if record_id is not None and (isinstance(record_id, bool) or not isinstance(record_id, str | int)):
        shown = f" ({json.dumps(record_id)})" if isinstance(record_id, bool | float) else ""
        raise InputError(
            f"{where}: field 'id' must be a string or an integer, got a JSON {_json_type(record_id)}{shown}"
        )
    record_id = None if record_id is None else str(record_id)
    metadata = {k: fields.get(k) for k in METADATA_FIELDS}

    text = fields.get("text")
    path = fields.get("path")
    if text is None and path is None:
        raise InputError(f"{where}: the record has no 'text' (or 'path') field; add the article text")
    if text is not None:
        name = repr(given["text"])
        if not isinstance(text, str):
            raise InputError(f"{where}: field {name} must be a string, got a JSON {_json_type(text)}")
        if not text.strip():
            raise EmptyInputError(f"{where}: field {name} is empty; add the article text")
        cut = _NEWSAPI_CUT.search(text) if given["text"] != "text" else None
        if cut is not None:
            # Compared as it is, the rest of the article would read as dropped or added.
            raise InputError(
                f"{where}: field {name} holds only the start of the article (NewsAPI cut it: "
                f"{cut.group().strip()!r}); put the full text in 'text'"
            )
        if path is not None:
            extra["path"] = path
        article = article_from_text(text, id=record_id or where, **metadata)
    else:
        if not isinstance(path, str) or not path.strip() or "\x00" in path:
            raise InputError(f"{where}: field 'path' must name a file, got {json.dumps(path)}")
        if path == "-":
            # Standard input inside a record would swallow the rest of a pairs file read from stdin, and
            # beside a records file it means nothing; a file named "-" is "./-".
            raise InputError(
                f"{where}: field 'path' is \"-\", but standard input cannot be an article inside a record;"
                " give the article's file (./- for a file named -) or its text in 'text'"
            )
        full = Path(path) if base_dir is None or Path(path).is_absolute() else Path(base_dir) / path
        _refuse_path_loop(str(full))
        try:
            article = read_article(full)
        except _PathLoopError as error:
            if _READING.get():  # a record inside the chain: the message names every file of it already
                raise
            raise _PathLoopError(f"{where}: {error}") from None
        except InputError as error:
            raise type(error)(f"{where}: {error}") from None
        article.id = record_id or path
        _apply_fields(article, {k: v for k, v in metadata.items() if v is not None})
        extra["path"] = path
    language = extra.pop("language", None)
    if isinstance(language, str) and _LANGUAGE_CODE.fullmatch(language.strip()):
        # Given by the record (a feed knows its language): not guessed from the text.
        article.language = re.split(r"[-_]", language.strip().lower())[0]
    elif language is not None:
        extra["language"] = language  # not an ISO code ("English"): kept as the record had it
    article.extra.update(extra)
    return article


# An ISO 639-1 code, optionally with a region or script ("en", "pt-BR", "zh-Hant"), as the rest of retold
# names languages; three-letter codes ("eng", "und") are kept in extra and the language is guessed.
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,4})?")


# The JSON files read_article is reading, outermost first, as (real path, name as given).
_READING: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("retold_read_chain", default=())


class _PathLoopError(InputError):
    """A record 'path' chain that loops or runs too deep; the message names the whole chain."""


def _refuse_path_loop(full: str) -> None:
    """Refuse a record 'path' that leads back to a file being read (itself, or A -> B -> A), or too deep.

    Raised only inside read_article's chain (a record's own path is checked when its file is read), so
    the message can start from the chain's first file and name every file of it once.
    """
    chain = _READING.get()
    if not chain:
        return
    names = " → ".join([*(name for _, name in chain), full])
    if _real_path(full) in {real for real, _ in chain}:
        raise _PathLoopError(
            f"{chain[0][1]}: field 'path' leads back to a file already being read ({names});"
            " point it at an article file"
        )
    if len(chain) >= MAX_PATH_DEPTH:
        raise _PathLoopError(
            f"{chain[0][1]}: field 'path' leads through more than {MAX_PATH_DEPTH} record files ({names});"
            " point it at an article file"
        )


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refuse_surrogates(record: dict[str, Any], where: str) -> None:
    """Refuse a string holding a lone surrogate anywhere in the record.

    json.loads accepts an escaped one ("\\ud800"), but such a string cannot be encoded as UTF-8: the
    tokenizer, the content hash or the output would fail on it later with a traceback. Extra fields are
    checked too, since they are stored and written out.
    """
    for key, value in record.items():
        found = _surrogate_in(key)
        if found is not None:
            raise InputError(
                f"{where}: a field name contains an unpaired surrogate ({found[0]}); {_NOT_UNICODE}"
            )
        found = _surrogate_in(value)
        if found is not None:
            place = f" at character {found[1] + 1}" if isinstance(value, str) else " (in a value inside it)"
            raise InputError(
                f"{where}: field {key!r} contains an unpaired surrogate ({found[0]}){place}; {_NOT_UNICODE}"
            )


_NOT_UNICODE = "the JSON is not valid Unicode"


def _surrogate_in(value: Any) -> tuple[str, int] | None:
    """The first lone surrogate in a JSON value, escaped ("\\ud800"), and its offset in its string."""
    pending = [value]
    while pending:  # a loop, not recursion: the value may be nested as deep as json.loads allows
        item = pending.pop()
        if isinstance(item, str):
            match = None if item.isascii() else _SURROGATE.search(item)
            if match is not None:
                return f"\\u{ord(match.group()):04x}", match.start()
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _apply_fields(article: Article, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key == "date":
            value = str(value).strip()
            iso = normalize_date(value)
            if iso != value:
                article.extra["date_raw"] = value
            # A date that cannot be read ("yesterday", "2025-13-45", a day with no year) is kept only as
            # date_raw: as the date it would order stories and decide direction by string comparison.
            article.date = iso
        elif key in ("title", "outlet", "url", "byline"):
            setattr(article, key, str(value).strip())
        else:
            article.extra[key] = value


def _boilerplate(text: str, kind: BoilerplateKind, start: int, end: int) -> Boilerplate:
    return Boilerplate(kind, Span(start, end, text[start:end]))


# ---- header block, date line, title line --------------------------------------------------------

_HEADER_LINE = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9_ -]{0,29}?)[ \t]*:[ \t]*(.*?)[ \t\r]*")


def _parse_header_block(text: str) -> tuple[int, dict[str, str]] | None:
    """A leading run of ``key: value`` lines ended by a blank line; at least one key must be known.

    Returns the end of the block (its last non-blank character) and the fields, or ``None``.
    """
    fields: dict[str, str] = {}
    named: dict[str, str] = {}  # field -> the key that gave it
    known = False
    position = 0
    for _ in range(MAX_HEADER_LINES):
        newline = text.find("\n", position, position + MAX_BOILERPLATE_LINE + 1)
        if newline == -1:
            return None  # an overlong line, or the text ends inside the block: content, not a header
        match = _HEADER_LINE.fullmatch(text, position, newline)
        if match is None:
            return None
        key, value = re.sub(r"[ -]", "_", match.group(1).strip().lower()), match.group(2)
        target = HEADER_KEYS.get(key)
        if target is not None:
            known = True
            # The field's own name wins over an alias ("outlet:" over "source:"), as in JSON records.
            if value and (key == target or named.get(target) != target):
                fields[target] = value
                named[target] = key
        elif value:
            fields[key] = value
        position = newline + 1
        if _BLANK_LINE.match(text, position):
            return (_trim_end(text, 0, position), fields) if known else None
    return None


_BLANK_LINE = re.compile(r"[ \t\r]*(?:\n|$)")
_BLANK_LINE_AFTER = re.compile(r"[ \t\r]*\n[ \t\r]*\n")


_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    rf"|{_WEEKDAY}?{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}{_TIME}?"
    rf"|{_WEEKDAY}?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}{_TIME}?)"
)
# A line that is only a date, maybe after "Updated"/"Published"/"Posted": e.g. "2026-03-14",
# "March 14, 2026", "Updated 14 March 2026 09:10 GMT".
_DATE_LINE = re.compile(
    rf"[ \t]*(?:(?:Last\s+)?(?:Updated|Published|Posted|Modified)(?:\s+on)?:?\s+)?{_DATE}[ \t\r]*", re.I
)
_DATE_PREFIX = re.compile(r"^\s*(?:(?:Last\s+)?(?:Updated|Published|Posted|Modified)(?:\s+on)?:?\s+)", re.I)


def _is_title_line(text: str, line: str, line_end: int) -> bool:
    """A short line without final punctuation, followed by a blank line and then more text."""
    stripped = line.strip()
    # A sentence may end inside its closing quote or bracket: 'he said: “We will rebuild.”' is text.
    core = stripped.rstrip("\"'”’»)]")
    if not core or len(stripped.split()) > MAX_TITLE_WORDS or core[-1] in ".!?,;:…-–—":
        return False
    bare = stripped.strip("*_").strip()  # a Markdown byline in emphasis is still a byline
    if _BYLINE.fullmatch(bare) or _is_credit(bare) or _dateline_length(stripped):
        return False
    after = _BLANK_LINE_AFTER.match(text, line_end)
    return after is not None and bool(text[after.end() : after.end() + EDGE_CHARS].strip())


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def normalize_date(raw: str) -> str | None:
    """ISO 8601 for a date string that names a year: ``YYYY-MM-DD``, or a full timestamp when it has a
    time of day. ``None`` when it cannot be read (or names no year, which would have to be guessed)."""
    from dateutil import parser as date_parser  # python-dateutil: only needed when a date is present

    value = _DATE_PREFIX.sub("", raw).strip()
    if _EPOCH.fullmatch(value) and not _COMPACT_DATE.match(value):  # Unix time: seconds or milliseconds
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return _timestamp(datetime.fromtimestamp(seconds, tz=UTC))
    if not value or not re.search(r"\d{4}", value):
        return None
    try:
        return _normalized(value, date_parser)
    except (ValueError, OverflowError):  # an offset of a day or more ("+25:00"), year 1 or 9999 shifted
        return None


def _normalized(value: str, date_parser: Any) -> str | None:
    if _ISO_DATE.fullmatch(value):  # the common case in feeds: no need for dateutil's two parses
        try:
            parsed_iso = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed_iso.date().isoformat() if len(value) == 10 else _timestamp(parsed_iso)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name is read below
        # Two defaults that differ in day and month show which parts the string really names.
        info = _month_names(date_parser)
        parsed = date_parser.parse(value, parserinfo=info, default=datetime(2000, 1, 1), tzinfos=_ZONES)
        probe = date_parser.parse(value, parserinfo=info, default=datetime(2000, 2, 2), tzinfos=_ZONES)
    if parsed.month != probe.month:
        return f"{parsed.year:04d}"
    numeric = _NUMERIC_DATE.match(value)
    if numeric and int(numeric[1]) <= 12 and int(numeric[2]) <= 12 and numeric[1] != numeric[2]:
        return f"{parsed.year:04d}"  # "03/11/2025": 3 November or March 11 — only the year is certain
    if parsed.day != probe.day:
        return f"{parsed.year:04d}-{parsed.month:02d}"
    if re.search(r"\d[:.]\d{2}|T\d{2}", value):
        if parsed.tzinfo is None and _ZONE_NAME.search(value):
            return parsed.date().isoformat()  # a zone we cannot place: the day, not a wrong instant
        return _timestamp(parsed)
    return parsed.date().isoformat()


def _timestamp(parsed: datetime) -> str:
    offset = parsed.utcoffset()
    if offset is not None:
        parsed.astimezone(UTC)  # raises OverflowError for year 1 or 9999 pushed out of range
    return parsed.isoformat()


# Zone abbreviations news sites print after a time. Ambiguous ones (IST: India, Ireland or Israel; CST:
# also China) are left out and read as "a zone we cannot place".
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5 * 3600, "EDT": -4 * 3600, "CDT": -5 * 3600, "MST": -7 * 3600,
    "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600, "BST": 3600, "CET": 3600, "CEST": 2 * 3600,
    "EET": 2 * 3600, "EEST": 3 * 3600, "JST": 9 * 3600, "AEST": 10 * 3600, "AEDT": 11 * 3600,
}  # fmt: skip
# Unix time in seconds (2001-2286) or milliseconds, as feeds and APIs give it; not digits that read as
# a compact date and hour ("2025031012": 10 March 2025, 12:00), which Unix time reaches only after 2030.
_EPOCH = re.compile(r"[1-9]\d{9}|[1-9]\d{12}")
_COMPACT_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
# Month names of the languages whose news retold reads most after English, for dates such as
# "10. März 2025", "3 mars 2025" and "10 de marzo de 2025" ("de", "del" are skipped like "of").
_MONTH_NAMES = (
    "janvier enero gennaio janeiro januari januar jänner styczeń stycznia",
    "février febrero febbraio fevereiro februari februar luty lutego",
    "mars marzo março maart märz marzec marca",
    "avril abril aprile kwiecień kwietnia",
    "mai mayo maggio maio mei maj maja",
    "juin junio giugno junho juni czerwiec czerwca",
    "juillet julio luglio julho juli lipiec lipca",
    "août agosto augustus sierpień sierpnia",
    "septembre septiembre setiembre settembre setembro wrzesień września",
    "octobre octubre ottobre outubro oktober październik października",
    "novembre noviembre novembro listopad listopada",
    "décembre diciembre dicembre dezembro december dezember grudzień grudnia",
)


@functools.cache
def _month_names(date_parser: Any) -> Any:
    class MonthNames(date_parser.parserinfo):  # type: ignore[misc, name-defined]
        MONTHS = [
            (*english, *names.split())
            for english, names in zip(date_parser.parserinfo.MONTHS, _MONTH_NAMES, strict=True)
        ]
        JUMP = [*date_parser.parserinfo.JUMP, "de", "del", "le", "el", "um", "à"]

    return MonthNames()


_ZONE_NAME = re.compile(r"\d\s*(?:[AaPp]\.?[Mm]\.?)?\s*\(?(?!(?:AM|PM)\b)[A-Z]{2,5}\)?\s*$")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")


# ---- boilerplate --------------------------------------------------------------------------------

_NAME_WORD = r"(?:[A-Z][\w'’.-]*|(?:de|da|di|van|von|der|den|du|la|le|bin|al|el|ibn)\b)"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}"
_ORG = r"(?:[Tt]he[ \t]+)?[A-Z][\w'’.&-]*(?:[ \t]+(?:[A-Z][\w'’.&-]*|of|for|and|&)){0,5}"
# "By Jane Doe", "By JANE DOE and JOHN ROE, Associated Press", "Jane Doe | Reuters"
_BYLINE = re.compile(
    rf"(?:(?i:by)[ \t]+{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME}){{0,4}}(?:[ \t]*[,|–—][ \t]*{_ORG}){{0,2}}"
    rf"|{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,4}}[ \t]*\|[ \t]*{_ORG})"
)
_BYLINE_PREFIX = re.compile(r"^(?i:by)\s+")

# "(Reuters)", "(AP)", "(Kyodo News)"; a lower-case name only from agencies that write theirs so, since a
# Title-case line followed by "(pictured) —" or "(explained) —" is a sentence or a heading, not a dateline.
_LOWERCASE_AGENCIES = r"dpa|apa|sda|epd|kna|dts|ots|afp|efe|ansa|lusa|tt|ntb|anp|belga|ctk|pap"
_AGENCY = rf"\((?:(?:[A-Z][\w.&'’-]*|(?:{_LOWERCASE_AGENCIES})\b)(?:[ \t]+[A-Z][\w.&'’-]*){{0,3}})\)"
_DAY_DATE = rf"(?:{_MONTHS}[ \t]+\d{{1,2}}(?:,?[ \t]+\d{{4}})?|\d{{1,2}}[ \t]+{_MONTHS}(?:[ \t]+\d{{4}})?)"
_DASH = r"(?:—|–|--?(?=[ \t])|:(?=[ \t]))"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:[ \t]+[A-Z][A-Z.'’-]+){0,3}"
_TITLE_PLACE = r"[A-Z][a-z.'’-]+(?:(?:[ \t]+|-)[A-Z][a-z.'’-]+){0,2}"
_REGION = rf"(?:,[ \t]*(?:{_TITLE_PLACE}|{_CAPS_PLACE}))"
# "BAGHDAD (AP) — ", "LONDON, March 3 (Reuters) - ", "WASHINGTON — ", "NEW YORK: ", "Paris, France —".
# An all-caps place may stand alone before the dash; a Title-case one needs a region, a date or an
# agency after it, or "Meanwhile — the mayor said" would be taken for a dateline.
_DATELINE = re.compile(
    rf"(?:{_CAPS_PLACE}{_REGION}?(?:,?[ \t]+{_DAY_DATE})?"
    rf"|{_TITLE_PLACE}(?:{_REGION}(?:,?[ \t]+{_DAY_DATE})?|,?[ \t]+{_DAY_DATE})(?=[ \t]*(?:\(|[—–-]))"
    rf"|{_TITLE_PLACE}(?=[ \t]*\())"
    # One dash or more: a copy-paste doubles them ("LONDON (Reuters) - -- The ..."); all belong to the
    # dateline, none to the first sentence or to nothing.
    rf"[ \t]*(?:{_AGENCY})?[ \t]*{_DASH}(?:[ \t]*(?:—|–|--?)(?=[ \t]))*[ \t]*"
)
# All-caps words that open a note, not a place, before a colon or dash.
_NOT_PLACES = {
    "UPDATE",
    "UPDATED",
    "BREAKING",
    "WARNING",
    "CORRECTION",
    "EDITOR'S NOTE",
    "NOTE",
    "WATCH",
    "LIVE",
}

# Lower-case words a credit line may hold besides names ("Reporting by Ann Lee in Paris; additional
# reporting by ..."); any other lower-case word means the line is a sentence, not a credit.
_CONNECTORS = {
    "and",
    "in",
    "with",
    "for",
    "of",
    "from",
    "at",
    "by",
    "the",
    "de",
    "van",
    "von",
    "al",
    "le",
    "reporting",
    "additional",
    "editing",
    "writing",
}
_CREDIT_BY = re.compile(
    r"(?:[—–-]+[ \t]*)?\(?[ \t]*(?:Additional[ \t]+)?(?:Reporting|Writing|Editing|Compiled|Research|Photos?)[ \t]+by"
    r"[ \t]+(.+?)\)?\.?",
    re.I,
)
_CONTRIBUTED = re.compile(r"(?:[—–-]+[ \t]*)?.{1,250}?[ \t]contributed[ \t]+to[ \t]+this[ \t]+report\.?")
_WRITER_CONTRIBUTED = re.compile(
    r"[A-Z].{0,200}\b(?:writers?|reporters?|correspondents?)\b.{0,200}\bcontributed\.?"
)
_COPYRIGHT = re.compile(r"(?:Copyright[ \t]*(?:©|\([cC]\))?|©|\([cC]\))[ \t]*\d{4}\b.*")
_RIGHTS = re.compile(r".{0,150}\bAll rights reserved\.?")
_FOLLOW = re.compile(r"Follow us on\b.*", re.I)


def find_boilerplate(text: str, start: int = 0, end: int | None = None) -> list[Boilerplate]:
    """Datelines, bylines and credit lines near the start and end of ``text[start:end]``.

    Only the first and last ``EDGE_LINES`` lines (within ``EDGE_CHARS``) are looked at, so the cost does
    not grow with the text. A line counts only when all of it matches; a content sentence never does.
    Offsets are into ``text``.
    """
    end = len(text) if end is None else min(end, len(text))
    found: dict[int, Boilerplate] = {}
    # Lines are matched with no-break and invisible spaces made plain, one character for one, so that the
    # offsets stay those of ``text`` (the spans keep the characters as written). Only the lines looked at
    # are translated: the cost must not grow with the text.
    for line_start, line_end in _head_lines(text, start, end):
        too_long = line_end - line_start > MAX_BOILERPLATE_LINE
        line = "" if too_long else text[line_start:line_end].translate(SPACE_LIKE)
        bare = line.strip().strip("*_").strip()  # a Markdown byline in emphasis: "*By Tom Reed*"
        if bare and _BYLINE.fullmatch(bare):
            found[line_start] = _boilerplate(text, "byline", line_start, line_end)
            continue
        if bare and _is_credit(bare):
            found[line_start] = _boilerplate(text, "credit", line_start, line_end)
            continue
        # The first content line is the only one that can open with a dateline; a dateline is short, so
        # a long line's first 200 characters are enough.
        head = (
            line[:200] if line else text[line_start : min(line_end, line_start + 200)].translate(SPACE_LIKE)
        )
        length = _dateline_length(head)
        if length:
            found[line_start] = _boilerplate(text, "dateline", line_start, line_start + length)
        break

    for line_start, line_end in _tail_lines(text, start, end):
        if line_start in found or line_end - line_start > MAX_BOILERPLATE_LINE:
            continue
        if _is_credit(text[line_start:line_end].translate(SPACE_LIKE).strip().strip("*_").strip()):
            found[line_start] = _boilerplate(text, "credit", line_start, line_end)
    return [found[key] for key in sorted(found)]


# No-break, narrow, figure and thin spaces, and the invisible zero-width ones, as a plain space: for
# matching only (a copy pasted through a CMS often carries them).
SPACE_LIKE = str.maketrans(dict.fromkeys("\u00a0\u2007\u2009\u202f" + INVISIBLE_CHARACTERS, " "))


def _dateline_length(line: str) -> int:
    match = _DATELINE.match(line)
    if match is None or match.end() >= len(line.rstrip()):
        return 0  # a dateline opens a paragraph: text must follow it
    place = re.split(r"[,(—–:-]", match.group(0), maxsplit=1)[0].strip()
    if place.upper() in _NOT_PLACES:
        return 0
    return match.end()


def _is_credit(line: str) -> bool:
    line = line.strip()
    if not line:
        return False
    match = _CREDIT_BY.fullmatch(line)
    if match is not None:
        words = re.findall(r"[^\s;,()]+", match.group(1))
        return (
            bool(words)
            and words[0][0].isupper()
            and all(
                w[0].isupper() or not w[0].isalpha() or w.lower() in _CONNECTORS or w.lower().endswith(":")
                for w in words
            )
        )
    return any(
        pattern.fullmatch(line) is not None
        for pattern in (_CONTRIBUTED, _WRITER_CONTRIBUTED, _COPYRIGHT, _RIGHTS, _FOLLOW)
    )


def _byline_name(line: str) -> str:
    return _BYLINE_PREFIX.sub("", line.strip().strip("*_").strip()).strip()


def _next_line(text: str, position: int) -> tuple[int, int]:
    """The next non-blank line starting within ``EDGE_CHARS`` of ``position``, trimmed; else the end."""
    for line_start, line_end in _lines(text, position, len(text), within=EDGE_CHARS):
        return line_start, line_end
    return len(text), len(text)


def _lines(text: str, start: int, end: int, within: int | None = None) -> Iterator[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]`` as (start, end), trimmed of surrounding whitespace.

    With ``within``, only lines that start less than ``within`` characters after ``start``: a run of
    millions of blank lines must not become millions of Python iterations.
    """
    position = start
    stop = end if within is None else min(end, start + within)
    while position < stop:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        line_start, trimmed_end = _trim(text, position, line_end)
        if line_start < trimmed_end:
            yield line_start, trimmed_end
        position = line_end + 1


def _head_lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    yield from itertools.islice(_lines(text, start, end, within=EDGE_CHARS), EDGE_LINES)


def _tail_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    window_start = max(start, end - EDGE_CHARS)
    if window_start > start and text[window_start - 1] != "\n":
        newline = text.find("\n", window_start, end)  # skip the partial line the window cuts into
        if newline == -1:
            return []
        window_start = newline + 1
    return list(_lines(text, window_start, end))[-EDGE_LINES:]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace (a line's indent and its ``\\r``).

    Done with ``str.strip`` on the slice, in C: a Python loop over a 20 MB run of spaces takes seconds.
    """
    segment = text[start:end]
    stripped = segment.lstrip()
    if not stripped:
        return end, end
    start += len(segment) - len(stripped)
    return start, start + len(stripped.rstrip())


def _trim_end(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())
