"""Batch mode: compare many pairs listed in a JSONL file, one result (or error record) per line.

Each line is ``{"id": ..., "source": ARTICLE, "derived": ARTICLE}`` where ARTICLE is a record with
``text`` (and optional title/date/outlet/url/byline) or ``{"path": FILE}``; relative paths are read from
the current directory. A bad line gives ``{"id": ..., "error": "..."}`` and the run goes on; a missing
model is no line's fault and stops the run. One ``Comparer`` (one loaded model) serves every pair.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from retold.article import Article
from retold.comparison import Comparer, Comparison
from retold.errors import InputError, ModelUnavailableError, RetoldError
from retold.read import (
    SNIFF_BYTES,
    STDIN,
    json_problem,
    not_a_number_as_null,
    printable_path,
    refuse_binary,
    require_piped_stdin,
)


@dataclass(slots=True)
class PairError:
    """A line of the pairs file that could not be compared."""

    id: Any
    line: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.line, "error": self.message}


def _article(value: Any, role: str, where: str) -> Article:
    from retold.read import article_from_record

    if not isinstance(value, dict):
        raise InputError(f"{where}: {role!r} must be an object with 'text' or 'path'")
    # A 'path' is read relative to the current directory (base_dir None), as the CLI documents.
    return article_from_record(value, where=f"{where} {role}")


def count_lines(path: str | os.PathLike[str]) -> int | None:
    """Non-blank lines of a pairs file, for the progress bar; None for stdin, a pipe or a FIFO, which
    can be read only once."""
    if os.fspath(path) == STDIN or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def compare_pairs(
    path: str | os.PathLike[str],
    comparer: Comparer,
    *,
    warn: Callable[[str], None] | None = None,
    paths_read: set[str] | None = None,
) -> Iterator[Comparison | PairError]:
    """Compare every pair listed in the JSONL file at ``path`` (``"-"``: stdin), in order.

    Lines are decoded one by one, so a line that is not UTF-8 is an error record like any other bad line.
    An id used by an earlier line is compared all the same (nothing is dropped), and ``warn`` is told,
    since the two results can then only be told apart by their order. ``paths_read`` collects the
    article files the lines name.

    Raises:
        ModelUnavailableError: the embedding model (or the cross-encoder) is not built or installed. It
            would fail every line alike, so it stops the run, after the results already yielded.
    """
    name = printable_path(os.fspath(path))
    try:
        handle: Any = (
            require_piped_stdin("the pairs").buffer if os.fspath(path) == STDIN else open(path, "rb")  # noqa: SIM115 - closed below
        )
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory, not a pairs file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read the pairs file ({error.strerror})") from None
    with contextlib.nullcontext(handle) if os.fspath(path) == STDIN else handle:
        # A UTF-16 or binary file: one error naming the file, not one per line that cannot be decoded.
        # Peeked, not read: a pipe cannot seek back. One stray NUL or control byte is that line's error.
        reader = handle if hasattr(handle, "peek") else io.BufferedReader(handle)
        head = reader.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        refuse_binary(head, name, whole_file=False)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):  # no pairs line opens with "["
            raise InputError(
                f"{name} is a JSON list; --pairs reads JSON Lines, one pair object a line"
                " (jq -c '.[]' turns a list into lines)"
            )
        first_line: dict[str, int] = {}
        for number, raw in enumerate(reader, start=1):
            if not raw.strip():
                continue
            result, given_id = _compare_line(raw, number, f"{name} line {number}", comparer, paths_read)
            if given_id:  # a line without an id (or not readable) carries its line number instead
                key = json.dumps(result.id, sort_keys=True, default=str)
                if key in first_line and warn is not None:
                    warn(
                        f"{name} line {number}: id {key} was already used on line {first_line[key]}; "
                        "both results carry it"
                    )
                first_line.setdefault(key, number)
            yield result


def _compare_line(
    raw: bytes, number: int, where: str, comparer: Comparer, paths_read: set[str] | None = None
) -> tuple[Comparison | PairError, bool]:
    """The line's result, and whether the line gave its own id. ``paths_read`` collects the article
    files the line names (its sides' 'path' fields)."""
    pair_id: Any = None
    given_id = False
    try:
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{where}: not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})"
            ) from None
        try:
            record = json.loads(line, parse_constant=not_a_number_as_null)
        except json.JSONDecodeError as error:
            raise InputError(f"{where}: not valid JSON ({json_problem(error, line=False)})") from None
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object with 'source' and 'derived'")
        if paths_read is not None:
            sides = (record.get("source"), record.get("derived"))
            paths_read.update(
                s["path"] for s in sides if isinstance(s, dict) and isinstance(s.get("path"), str)
            )
        given_id = "id" in record
        pair_id = record.get("id", number)
        if isinstance(pair_id, bool) or not isinstance(pair_id, str | int):
            bad = pair_id
            pair_id, given_id = number, False
            raise InputError(f"{where}: 'id' must be a string or an integer, not {json.dumps(bad)}")
        for role in ("source", "derived"):
            if role not in record:
                raise InputError(f"{where}: the pair has no {role!r} article")
        source = _article(record["source"], "source", where)
        derived = _article(record["derived"], "derived", where)
        return comparer.compare(source, derived, id=pair_id), given_id
    except ModelUnavailableError:
        raise  # set-up, not this line: every line would get the same error record
    except RetoldError as error:
        message = str(error)
        if not message.startswith(where):
            message = f"{where}: {message}"
        return PairError(pair_id if pair_id is not None else number, number, message), given_id
    except Exception as error:  # a bug must cost one line, not the rest of the batch
        message = f"{where}: retold failed on this pair ({type(error).__name__}: {error}); please report it"
        return PairError(pair_id if pair_id is not None else number, number, message), given_id
