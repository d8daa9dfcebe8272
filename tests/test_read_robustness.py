"""Bad input that once escaped retold/read.py as a traceback, a hang or a misleading message.

Lone surrogates in JSON, record 'path' loops, special files and endless streams, messages that named
Python functions or the wrong problem, and HTML whose only text is its navigation.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, WIRE

import retold.read
from retold.article import Article
from retold.errors import EmptyInputError, InputError
from retold.read import article_from_html, article_from_record, read_article, read_records

SURROGATE_MESSAGE = "contains an unpaired surrogate (\\ud800) at character 5; the JSON is not valid Unicode"


def error_of(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return str(caught.value)


# ---- 1. lone surrogates -----------------------------------------------------------------------------


def test_a_lone_surrogate_in_text_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        '{"text": "abc \\ud800 def"}', encoding="utf-8"
    )  # the JSON escape, as json.dumps writes it
    assert error_of(lambda: read_article(path)) == f"{path}: field 'text' {SURROGATE_MESSAGE}"


@pytest.mark.parametrize("field", ["title", "id", "outlet", "source", "url", "byline", "date", "path", "tag"])
def test_a_lone_surrogate_in_any_field_is_refused(field: str) -> None:
    record = {"text": "The vote passed.", field: "abc \ud800 def"}
    message = error_of(lambda: article_from_record(record, where="w"))
    assert message == f"w: field {field!r} {SURROGATE_MESSAGE}"


def test_a_lone_surrogate_nested_in_an_extra_field_or_a_key() -> None:
    nested = {"text": "The vote passed.", "meta": {"tags": ["ok", "x\udfff"]}}
    assert "field 'meta' contains an unpaired surrogate (\\udfff) (in a value inside it)" in error_of(
        lambda: article_from_record(nested, where="w")
    )
    assert "a field name contains an unpaired surrogate" in error_of(
        lambda: article_from_record({"text": "a", "k\ud800": 1}, where="w")
    )


def test_a_surrogate_pair_is_one_character_and_reads() -> None:
    article = article_from_record(json.loads('{"text": "Smile \\ud83d\\ude00 now."}'), where="w")
    assert article.text == "Smile \U0001f600 now."


def test_a_lone_surrogate_is_one_error_record_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "abc \\ud800 def"}\n{"text": "The vote passed."}\n', encoding="utf-8")
    bad, good = list(read_records(path))
    assert str(bad) == f"{path} line 1: field 'text' {SURROGATE_MESSAGE}"
    assert isinstance(good, Article) and good.text == "The vote passed."


def test_index_skips_a_record_with_a_lone_surrogate(tmp_path: Path) -> None:
    from retold.cli import cli

    path = tmp_path / "feed.jsonl"
    records = [{"id": "bad", "text": "abc \ud800 def"}, {"id": "good", "text": "The vote passed on Tuesday."}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(path), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0, result.output
    assert f"skipped: {path} line 1: field 'text' contains an unpaired surrogate" in result.stderr
    assert "1 added" in result.stdout and "Traceback" not in result.output


def test_batch_reports_a_lone_surrogate_on_its_line(tmp_path: Path, lexical_comparer) -> None:
    from retold.batch import PairError, compare_pairs

    bad = {"id": "bad", "source": {"path": str(WIRE)}, "derived": {"text": "abc \ud800 def"}}
    good = {"id": "good", "source": {"path": str(WIRE)}, "derived": {"path": str(WIRE)}}
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    first, second = list(compare_pairs(pairs, lexical_comparer))
    assert isinstance(first, PairError) and "field 'text' contains an unpaired surrogate" in first.message
    assert not isinstance(second, PairError)


def _non_utf8_name(folder: Path, stem: bytes, suffix: str) -> Path:
    """A file whose name holds a byte that is not UTF-8 (Latin-1 'é'), as old archives have."""
    return folder / (os.fsdecode(stem) + suffix)


def test_a_file_name_that_is_not_utf8_reads_with_a_printable_id(tmp_path: Path) -> None:
    path = _non_utf8_name(tmp_path, b"caf\xe9", ".txt")
    path.write_text(WIRE.read_text(encoding="utf-8"), encoding="utf-8")
    article = read_article(path)
    assert article.id == f"{tmp_path}/caf\\xe9.txt"
    article.id.encode("utf-8")  # printable, storable: no lone surrogate left
    with pytest.raises(InputError, match=r"caf\\xe9x\.txt does not exist"):
        read_article(_non_utf8_name(tmp_path, b"caf\xe9x", ".txt"))


def test_a_newline_in_a_file_name_does_not_split_the_error_line(tmp_path: Path) -> None:
    path = tmp_path / "bad\nname.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_article(path)
    assert "\n" not in str(error.value) and "bad\\x0aname.txt is empty" in str(error.value)


def test_index_reads_files_with_names_that_are_not_utf8(tmp_path: Path) -> None:
    from retold.cli import cli

    folder = tmp_path / "news"
    folder.mkdir()
    _non_utf8_name(folder, b"caf\xe9", ".txt").write_text(WIRE.read_text(encoding="utf-8"), encoding="utf-8")
    _non_utf8_name(folder, b"feed\xe9", ".jsonl").write_text(
        json.dumps({"id": "r1", "text": "The vote passed on Tuesday after a long debate."}) + "\n{oops\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["index", str(folder), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stdout and "Traceback" not in result.output
    assert f"skipped: {folder}/feed\\xe9.jsonl line 2:" in result.stderr


# ---- 2. record 'path' loops -------------------------------------------------------------------------


def test_a_record_whose_path_is_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "self.json"
    path.write_text('{"path": "self.json"}')
    assert error_of(lambda: read_article(path)) == (
        f"{path}: field 'path' leads back to a file already being read ({path} → {path});"
        " point it at an article file"
    )


def test_two_records_that_point_at_each_other(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text('{"path": "b.json"}')
    b.write_text('{"path": "a.json"}')
    assert error_of(lambda: read_article(a)) == (
        f"{a}: field 'path' leads back to a file already being read ({a} → {b} → {a});"
        " point it at an article file"
    )
    # From a records file: the record's place first, then the chain once.
    records = tmp_path / "r.jsonl"
    records.write_text('{"path": "a.json"}\n{"text": "The vote passed."}\n')
    loop, good = list(read_records(records))
    assert str(loop).startswith(
        f"{records} line 1: {a}: field 'path' leads back to a file already being read"
    )
    assert isinstance(good, Article)


def test_a_long_chain_of_records_stops(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / f"d{i}.json").write_text(json.dumps({"path": f"d{i + 1}.json"}))
    message = error_of(lambda: read_article(tmp_path / "d0.json"))
    assert "leads through more than 8 record files" in message and message.count(": ") == 1


def test_a_chain_that_ends_in_an_article_reads(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"path": "b.json", "title": "From A"}')
    (tmp_path / "b.json").write_text('{"path": "c.txt"}')
    (tmp_path / "c.txt").write_text("The vote passed.\n")
    article = read_article(tmp_path / "a.json")
    assert (article.text, article.title) == ("The vote passed.\n", "From A")


# ---- 3. special files and endless streams ------------------------------------------------------------


def run_cli(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    # A subprocess with a timeout: a hang fails the test instead of stalling the suite.
    out = subprocess.run(
        [sys.executable, "-m", "retold.cli", *args], input=stdin, capture_output=True, timeout=60, cwd=ROOT
    )
    return out.returncode, out.stdout.decode(), out.stderr.decode()


def one_error_line(out: tuple[int, str, str], *needles: str) -> str:
    returncode, stdout, stderr = out
    assert returncode == 1 and stdout == "", out
    (line,) = stderr.strip().splitlines()
    for needle in needles:
        assert needle in line, line
    return line


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_not_read() -> None:
    out = run_cli("compare", "/dev/zero", str(WIRE), "--lexical-only", "--no-facts")
    one_error_line(out, "/dev/zero is a character device, not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    out = run_cli("compare", str(fifo), str(WIRE), "--lexical-only", "--no-facts")
    one_error_line(out, "pipe.txt is a named pipe (FIFO), not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_record_path_to_a_device_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"path": "/dev/zero"}')
    assert error_of(lambda: read_article(path)) == (
        f"{path}: /dev/zero is a character device, not a regular file;"
        " save the article to a file, or pipe it in and give -"
    )


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retold.read, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("The vote passed. " * 100)
    assert error_of(lambda: read_article(path)) == (
        f"{path} is more than 1,000 bytes, too large for one article;"
        " split it, or give many articles as JSONL to `retold index`"
    )
    path.write_text("The vote passed. " * 50)  # 850 bytes: under it
    assert read_article(path).text.startswith("The vote passed.")


class Endless(io.RawIOBase):
    """A stream that never ends, counting what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        buffer[:] = b"a" * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


@pytest.mark.parametrize("with_peek", [True, False])
def test_endless_stdin_is_read_bounded(monkeypatch: pytest.MonkeyPatch, with_peek: bool) -> None:
    monkeypatch.setattr(retold.read, "MAX_FILE_BYTES", 100_000)
    endless = Endless()
    buffer = io.BufferedReader(endless) if with_peek else endless

    class Stdin:
        def isatty(self) -> bool:
            return False

    stdin = Stdin()
    stdin.buffer = buffer  # type: ignore[attr-defined]
    monkeypatch.setattr(sys, "stdin", stdin)
    assert error_of(lambda: read_article("-")).startswith("stdin sent more than 100,000 bytes, too large")
    assert endless.taken < 200_000


def test_stdin_over_the_limit_from_the_command_line() -> None:
    big = b"The vote passed. " * 4_000_000  # 68 MB: over 64 MiB
    out = run_cli("compare", "-", str(WIRE), "--lexical-only", "--no-facts", stdin=big)
    one_error_line(out, "stdin sent more than 64 MiB, too large for one article")


def test_a_symbolic_link_loop_is_named(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert error_of(lambda: read_article(loop)) == (
        f"{loop} is a symbolic-link loop (the link leads back to itself); fix the link"
    )


def test_a_dangling_symbolic_link_is_named(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    assert error_of(lambda: read_article(link)) == (
        f"{link} is a symbolic link to {tmp_path / 'gone.txt'}, which does not exist; fix the link"
    )


def test_a_nul_in_a_record_path() -> None:
    message = error_of(lambda: article_from_record({"path": "a\x00b"}, where="w"))
    assert message == "w: field 'path' must name a file, got \"a\\u0000b\""


# ---- 4. messages ---------------------------------------------------------------------------------------


def test_messages_name_no_python_functions(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text('{"text": "a"}\n')
    (tmp_path / "many.json").write_text('[{"text": "a"}, {"text": "b"}]')
    (tmp_path / "bad.json").write_text('{"text": ')
    (tmp_path / "a.txt").write_text("The vote passed.\n")
    messages = [
        error_of(lambda: read_article(tmp_path / "r.jsonl")),
        error_of(lambda: read_article(tmp_path / "many.json")),
        error_of(lambda: read_article(tmp_path / "bad.json")),
        error_of(lambda: list(read_records(tmp_path / "a.txt"))),
    ]
    for message in messages:
        assert "read_records" not in message and "read_article" not in message and "format=" not in message
    assert "`retold index`" in messages[0] and "`retold index`" in messages[1]
    assert "give it a .txt name" in messages[2]


def test_a_json_control_character_says_at_once(tmp_path: Path) -> None:
    lines = tmp_path / "r.jsonl"
    lines.write_text('{"text": "abc\t def"}\n')
    (error,) = list(read_records(lines))
    assert str(error) == f"{lines} line 1: not valid JSON (Invalid control character at column 14)"
    one = tmp_path / "one.json"
    one.write_text('{"text": "abc\t def"}')
    assert "(Invalid control character at line 1 column 14)" in error_of(lambda: read_article(one))


def test_a_pairs_line_given_as_an_article_record(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"id": "p1", "source": {"text": "x"}, "derived": {"text": "y"}}) + "\n")
    (error,) = list(read_records(path))
    assert str(error) == (
        f"{path} line 1: the record has no 'text' field; it looks like a --pairs line (source/derived):"
        " compare it with `retold compare --pairs FILE --format json`"
    )


def test_a_pairs_line_with_text_aliases_given_as_an_article_record() -> None:
    line = {"id": "p1", "source": {"content": "x"}, "derived": {"maintext": "y"}}
    assert "it looks like a --pairs line" in error_of(lambda: article_from_record(line, where="w"))


def test_an_alias_of_the_wrong_type_is_named_as_written() -> None:
    message = error_of(lambda: article_from_record({"text": "a", "source": ["BBC"]}, where="w"))
    assert message == "w: field 'source' (read as the outlet) must be a string, got a JSON list"
    message = error_of(lambda: article_from_record({"text": "a", "source": {"id": 3}}, where="w"))
    assert message == "w: field 'source' (read as the outlet) must be a string, got a JSON object"
    message = error_of(lambda: article_from_record({"content": ["a"]}, where="w"))
    assert message == "w: field 'content' must be a string, got a JSON list"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_a_bom_is_named(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("The vote passed on Tuesday, officials said.".encode(encoding))
    assert error_of(lambda: read_article(path)) == f"{path} is UTF-16 text; convert it to UTF-8"
    records = tmp_path / "u16.jsonl"
    records.write_bytes('{"text": "The vote passed on Tuesday."}\n'.encode(encoding))
    assert error_of(lambda: list(read_records(records))) == f"{records} is UTF-16 text; convert it to UTF-8"


def test_json_nested_too_deeply_is_one_error(tmp_path: Path) -> None:
    one = tmp_path / "deep.json"
    one.write_text("[" * 100_000)
    assert error_of(lambda: read_article(one)) == (
        f"{one}: the JSON is nested too deeply to read; an article record is one flat object"
    )
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"a":' * 100_000 + "\n" + '{"text": "The vote passed."}\n')
    deep, good = list(read_records(lines))
    assert str(deep).startswith(f"{lines} line 1: the JSON is nested too deeply")
    assert isinstance(good, Article)


# ---- 5. HTML with nothing but navigation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<nav>Home | About</nav>",
        "<nav><ul><li>Home</li><li>World</li><li>Sport</li></ul></nav>",
        "<header><h1>Example News</h1></header><nav><a>Home</a> <a>World</a></nav><footer>Contact</footer>",
        "<div role='navigation'>Home | About</div>",
    ],
)
def test_html_with_only_navigation_has_no_article_text(body: str) -> None:
    with pytest.raises(
        EmptyInputError, match="^page: no article text found in the HTML, only its navigation"
    ):
        article_from_html(f"<html><head><title>T</title></head><body>{body}</body></html>", id="page")


@pytest.mark.parametrize(
    ("body", "text"),
    [
        # trafilatura's fallback reads these short pages; they must still read.
        ("<p>The dam gave way on Monday.</p>", "The dam gave way on Monday."),
        ("The dam gave way on Monday after heavy rain.", "The dam gave way on Monday after heavy rain."),
        ("<nav>Home</nav><p>The dam gave way on Monday.</p>", "The dam gave way on Monday."),
    ],
)
def test_short_html_articles_still_read(body: str, text: str) -> None:
    article = article_from_html(f"<html><body>{body}</body></html>", id="page")
    assert text in article.text
