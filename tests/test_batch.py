"""Tests for retold/batch.py: compare_pairs over a JSONL file, one result or error record per line."""

from __future__ import annotations

import json
import os

import pytest
from conftest import ROOT

from retold.batch import PairError, compare_pairs, count_lines
from retold.comparison import Comparison
from retold.errors import InputError, ModelUnavailableError


@pytest.fixture(scope="module")
def example_results(lexical_comparer):
    """compare_pairs over examples/pairs.jsonl (paths in it are relative to the repository root)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return list(compare_pairs("examples/pairs.jsonl", lexical_comparer))
    finally:
        os.chdir(cwd)


def ids_in(path) -> list:
    return [json.loads(line).get("id") for line in open(path, encoding="utf-8") if line.strip()]


def test_one_result_per_line_with_the_same_ids(example_results, examples):
    assert [r.id for r in example_results] == ids_in(examples / "pairs.jsonl")
    assert count_lines(examples / "pairs.jsonl") == len(example_results)


def test_the_broken_line_is_an_error_record_and_the_run_goes_on(example_results):
    errors = [r for r in example_results if isinstance(r, PairError)]
    assert [e.id for e in errors] == ["broken-no-derived"]
    (error,) = errors
    assert error.line == 8
    assert "line 8" in error.message and "'derived'" in error.message
    assert error.to_dict() == {"id": "broken-no-derived", "line": 8, "error": error.message}
    assert all(isinstance(r, Comparison) for r in example_results if r is not error)


def test_batch_verdicts_match_the_readme(example_results):
    labels = {r.id: r.verdict.label for r in example_results if isinstance(r, Comparison)}
    assert labels["copy-light-edit"] == "wholly_derived"
    assert labels["unrelated"] == "unrelated"
    assert labels["urdu-copy"] == "wholly_derived"
    assert labels["inline-trimmed-copy"] in ("wholly_derived", "partially_derived")


def test_inline_text_keeps_its_metadata(example_results):
    (inline,) = [r for r in example_results if r.id == "inline-trimmed-copy"]
    assert inline.derived.outlet == "Valley Briefs"
    assert inline.derived.date.startswith("2025-11-03")
    assert inline.verdict.direction == "source_first"


def write(tmp_path, *lines: str):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


TEXT_A = (
    "The Lowmill council voted to close the old stone bridge on Tuesday night. Repairs will take a month."
)
TEXT_B = (
    "The Lowmill council decided to close the old stone bridge on Tuesday night. Repairs will take a month."
)


def pair(id, source=TEXT_A, derived=TEXT_B) -> str:
    return json.dumps({"id": id, "source": {"text": source}, "derived": {"text": derived}})


def test_every_kind_of_broken_line_is_reported_and_skipped(tmp_path, lexical_comparer, examples):
    path = write(
        tmp_path,
        pair("first"),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "no-source", "derived": {"text": TEXT_B}}),
        json.dumps({"id": "string-article", "source": "just a string", "derived": {"text": TEXT_B}}),
        json.dumps({"id": "empty-text", "source": {"text": "  "}, "derived": {"text": TEXT_B}}),
        json.dumps({"id": "missing-file", "source": {"path": "nowhere.txt"}, "derived": {"text": TEXT_B}}),
        json.dumps(
            {
                "id": "header-only",
                "source": {"text": "title: A\ndate: 2025-11-03\n\n"},
                "derived": {"text": TEXT_B},
            }
        ),
        "",
        pair("last"),
    )
    results = list(compare_pairs(path, lexical_comparer))
    assert [r.id for r in results] == [
        "first",
        2,
        3,
        "no-source",
        "string-article",
        "empty-text",
        "missing-file",
        "header-only",
        "last",
    ]
    assert [type(r).__name__ for r in results] == ["Comparison"] + ["PairError"] * 7 + ["Comparison"]
    for error in results[1:-1]:
        assert "\n" not in error.message and error.message, error
    assert "not valid JSON" in results[1].message and f"{path} line 2" in results[1].message
    assert "JSON object" in results[2].message
    assert "nowhere.txt" in results[6].message
    assert results[-1].verdict.label == "wholly_derived"


def test_a_missing_path_error_names_the_line(tmp_path, lexical_comparer):
    path = write(
        tmp_path, json.dumps({"id": "x", "source": {"path": "nowhere.txt"}, "derived": {"text": TEXT_B}})
    )
    (error,) = compare_pairs(path, lexical_comparer)
    assert "line 1" in error.message


def test_a_path_record_takes_metadata_from_the_line(tmp_path, lexical_comparer, examples):
    path = write(
        tmp_path,
        json.dumps(
            {
                "id": "p",
                "source": {"path": str(examples / "wire-original.txt"), "outlet": "Renamed Wire"},
                "derived": {"text": TEXT_B},
            }
        ),
    )
    (result,) = compare_pairs(path, lexical_comparer)
    assert result.source.outlet == "Renamed Wire"


def test_missing_and_directory_pairs_files_raise(tmp_path, lexical_comparer):
    with pytest.raises(InputError, match="no such file"):
        list(compare_pairs(tmp_path / "none.jsonl", lexical_comparer))
    with pytest.raises(InputError, match="is a directory"):
        list(compare_pairs(tmp_path, lexical_comparer))


def test_invalid_utf8_on_one_line_is_an_error_record_and_the_run_goes_on(tmp_path, lexical_comparer):
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(pair("ok").encode() + b"\n" + b'{"id": "caf\xe9"}\n' + pair("after").encode() + b"\n")
    results = list(compare_pairs(path, lexical_comparer))
    assert [type(r).__name__ for r in results] == ["Comparison", "PairError", "Comparison"]
    assert "line 2" in results[1].message and "UTF-8" in results[1].message


def test_an_empty_pairs_file_gives_nothing(tmp_path, lexical_comparer):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    assert list(compare_pairs(path, lexical_comparer)) == []


def test_a_utf16_pairs_file_is_one_error_not_one_per_line(tmp_path, lexical_comparer):
    path = tmp_path / "pairs.jsonl"
    path.write_bytes((pair("a") + "\n" + pair("b") + "\n").encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        list(compare_pairs(path, lexical_comparer))


def test_a_path_record_is_checked_like_any_record(tmp_path, lexical_comparer, examples):
    source = {"path": str(examples / "wire-original.txt"), "id": True}
    path = write(tmp_path, json.dumps({"id": "p", "source": source, "derived": {"text": TEXT_B}}))
    (error,) = compare_pairs(path, lexical_comparer)
    assert isinstance(error, PairError) and "'id' must be a string or an integer" in error.message


def test_a_repeated_id_is_compared_and_named(tmp_path, lexical_comparer):
    path = write(tmp_path, pair("a"), pair("b"), pair("a"), pair(7), pair(7))
    warnings: list[str] = []
    results = list(compare_pairs(path, lexical_comparer, warn=warnings.append))
    assert [r.id for r in results] == ["a", "b", "a", 7, 7]  # nothing dropped
    assert all(isinstance(r, Comparison) for r in results)
    assert warnings == [
        f'{path} line 3: id "a" was already used on line 1; both results carry it',
        f"{path} line 5: id 7 was already used on line 4; both results carry it",
    ]


def test_a_line_without_an_id_does_not_clash_with_a_numbered_id(tmp_path, lexical_comparer):
    without_id = json.dumps({"source": {"text": TEXT_A}, "derived": {"text": TEXT_B}})
    path = write(tmp_path, pair(2), without_id, "not json")
    warnings: list[str] = []
    results = list(compare_pairs(path, lexical_comparer, warn=warnings.append))
    assert [r.id for r in results] == [2, 2, 3]  # lines 2 and 3 carry their line numbers
    assert warnings == []


# ---- a bad line, a bug, a pipe, an output file that is also an input -----------------------------------


def _pair(
    id_, text_a="The dam broke on Monday. Four died.", text_b="The dam broke on Monday. Four people died."
):
    return json.dumps({"id": id_, "source": {"text": text_a}, "derived": {"text": text_b}})


def test_a_control_byte_near_the_top_is_that_lines_error(tmp_path, lexical_comparer):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(
        (_pair("a") + "\n" + _pair("b").replace("Monday", "Mon\x00day") + "\n" + _pair("c") + "\n").encode()
    )
    results = list(compare_pairs(pairs, lexical_comparer))
    assert [type(r).__name__ for r in results] == ["Comparison", "PairError", "Comparison"]


def test_an_unexpected_failure_is_one_error_record_and_the_run_goes_on(
    tmp_path, lexical_comparer, monkeypatch
):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(_pair("a") + "\n" + _pair("boom", text_b="Boom. It fails.") + "\n" + _pair("c") + "\n")
    real = lexical_comparer.compare

    def failing(source, derived, **kw):
        if "Boom" in derived.text:
            raise OverflowError("date value out of range")
        return real(source, derived, **kw)

    monkeypatch.setattr(lexical_comparer, "compare", failing)
    first, error, last = list(compare_pairs(pairs, lexical_comparer))
    assert isinstance(error, PairError) and error.id == "boom"
    assert "retold failed on this pair (OverflowError: date value out of range)" in error.message
    assert isinstance(last, Comparison) and last.id == "c"


@pytest.mark.parametrize("bad", [["list"], {"o": 1}, 1.5, True])
def test_a_pair_id_that_is_not_a_string_or_integer_is_refused(tmp_path, lexical_comparer, bad):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"id": bad, "source": {"text": "A b c."}, "derived": {"text": "A b c."}}) + "\n"
    )
    [error] = list(compare_pairs(pairs, lexical_comparer))
    assert (
        isinstance(error, PairError)
        and error.id == 1
        and "'id' must be a string or an integer" in error.message
    )


def test_pairs_from_a_pipe(tmp_path, lexical_comparer):
    import subprocess

    source = tmp_path / "pairs.jsonl"
    source.write_text(_pair("a") + "\n" + _pair("b") + "\n")
    fifo = tmp_path / "pairs.fifo"
    os.mkfifo(fifo)
    # Another process feeds the pipe, as `cat pairs.jsonl |` or `<(...)` would.
    feeder = subprocess.Popen(["sh", "-c", f"cat '{source}' > '{fifo}'"])
    assert count_lines(fifo) is None  # a pipe can be read once: no line count for the progress bar
    results = list(compare_pairs(fifo, lexical_comparer))
    feeder.wait(timeout=10)
    assert [r.id for r in results] == ["a", "b"]


def test_nan_and_infinity_in_a_record_are_read_as_null(tmp_path, lexical_comparer):
    pairs = tmp_path / "pairs.jsonl"
    line = '{"id": "n", "source": {"text": "The dam broke. Four died.", "score": NaN}, '
    line += '"derived": {"text": "The dam broke.", "views": Infinity}}'
    pairs.write_text(line + "\n")
    [result] = list(compare_pairs(pairs, lexical_comparer))
    written = json.dumps(result.to_dict(), allow_nan=False)  # valid JSON: no NaN, no Infinity
    assert json.loads(written)["source"]["score"] is None


def test_a_json_list_given_as_pairs_is_one_error(tmp_path, lexical_comparer):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([json.loads(_pair("a")), json.loads(_pair("b"))], indent=2))
    with pytest.raises(InputError, match=r"pairs\.json is a JSON list; --pairs reads JSON Lines"):
        list(compare_pairs(pairs, lexical_comparer))


def test_a_missing_model_stops_the_run_instead_of_failing_every_line(tmp_path, monkeypatch):
    from retold.comparison import Comparer

    def not_built():
        raise ModelUnavailableError("the embedding model has not been built yet; run: retold model build")

    monkeypatch.setattr("retold.embed.load_encoder", not_built)
    pairs = write(tmp_path, json.dumps({"id": "bad", "source": {"text": TEXT_A}}), pair("a"), pair("b"))
    results = compare_pairs(pairs, Comparer(facts=False))
    bad = next(results)  # a bad line is still its own error record
    assert isinstance(bad, PairError) and bad.id == "bad"
    with pytest.raises(ModelUnavailableError, match="has not been built"):
        next(results)


def test_pairs_from_a_terminal_are_refused_not_waited_for(monkeypatch):
    import io
    import sys

    from retold.batch import compare_pairs
    from retold.errors import InputError

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    with pytest.raises(InputError, match="nothing was piped in; pipe the pairs in"):
        list(compare_pairs("-", None))  # type: ignore[arg-type]
