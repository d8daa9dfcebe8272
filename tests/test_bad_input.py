"""Bad input through `retold compare`: each gives a result or ONE error line naming the input and the problem.

Never a traceback, never a hang. Exit 1 for bad input (a RetoldError), 0 with a result otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, WIRE

from retold.cli import cli

FAST = ["--lexical-only", "--no-facts"]


def run(*args: str):
    return CliRunner().invoke(cli, ["compare", *args, "--format", "json", *FAST])


def refused(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    refused(run(str(WIRE), str(tmp_path / "empty.txt")), "empty.txt", "empty")


def test_whitespace_only_file(tmp_path):
    (tmp_path / "blank.txt").write_text("  \n\n\t\n", encoding="utf-8")
    refused(run(str(WIRE), str(tmp_path / "blank.txt")), "blank.txt", "whitespace")


def test_binary_file(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20)
    refused(run(str(tmp_path / "photo.jpg"), str(WIRE)), "photo.jpg", "binary")


def test_invalid_utf8(tmp_path):
    (tmp_path / "latin1.txt").write_bytes(
        "The mayor of Sainte-Blé said the café stayed open.".encode("latin-1")
    )
    refused(run(str(WIRE), str(tmp_path / "latin1.txt")), "latin1.txt", "UTF-8")


def test_a_50_mb_text_is_refused_quickly(tmp_path):
    line = "The Harwick Reservoir dam gave way early on Monday, officials in the Calder Valley said. "
    big = tmp_path / "big.txt"
    big.write_text(line * (50_000_000 // len(line)), encoding="utf-8")
    # A subprocess with a generous timeout: a hang fails the test instead of stalling the suite.
    out = subprocess.run(
        [sys.executable, "-m", "retold.cli", "compare", str(WIRE), str(big), "--format", "json", *FAST],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert out.stdout == ""
    (message,) = out.stderr.strip().splitlines()
    assert "big.txt" in message and "too long" in message and "5,000,000" in message


def test_html_with_no_main_text(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Loading</title><script>var app = 1;</script></head>"
        "<body><div id='root'></div></body></html>",
        encoding="utf-8",
    )
    refused(run(str(WIRE), str(page)), "empty.html", "no article text")


def test_broken_jsonl_lines_in_pairs(tmp_path):
    good = {"id": "good", "source": {"path": str(WIRE)}, "derived": {"path": str(WIRE)}}
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "\n".join(
            [
                json.dumps(good),
                '{"id": "cut off", "source": {"text": "abc"',
                "null",
                "42",
                json.dumps({**good, "id": "also good"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--format", "json", *FAST])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in row) for row in rows] == [False, True, True, True, False]
    assert [row["line"] for row in rows if "error" in row] == [2, 3, 4]
    assert result.stderr.count("warning: ") == 3
    assert "Traceback" not in result.output


def test_identical_texts(tmp_path):
    result = run(str(WIRE), str(WIRE))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["verdict"]["label"] == "wholly_derived"
    assert {p["label"] for p in data["passages"]} == {"verbatim"}


def test_one_sentence_articles(tmp_path):
    (tmp_path / "a.txt").write_text(
        "The Lowmill bridge will close on Tuesday for repairs.\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "The Lowmill bridge is to close on Tuesday for repairs.\n", encoding="utf-8"
    )
    result = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["label"] for p in data["passages"]] == ["edited"]


def test_an_article_that_is_only_a_header_block(tmp_path):
    (tmp_path / "header.txt").write_text(
        "title: Dam gives way\ndate: 2025-11-03T14:20:00Z\noutlet: Meridian Wire\n\n", encoding="utf-8"
    )
    refused(run(str(WIRE), str(tmp_path / "header.txt")), "header.txt", "no article text")


def test_an_article_that_is_only_boilerplate(tmp_path):
    (tmp_path / "credits.txt").write_text(
        "title: Dam gives way\n\nBy Priya Lindqvist\n\n— Tomas Aalto contributed to this report.\n",
        encoding="utf-8",
    )
    refused(run(str(WIRE), str(tmp_path / "credits.txt")), "credits.txt")


def test_an_article_of_punctuation_only(tmp_path):
    (tmp_path / "punct.txt").write_text("!!! ... ???\n\n--- *** ---\n", encoding="utf-8")
    refused(run(str(WIRE), str(tmp_path / "punct.txt")), "punct.txt", "no words to compare")


def test_a_missing_file(tmp_path):
    refused(run(str(tmp_path / "nowhere.txt"), str(WIRE)), "nowhere.txt", "does not exist")


def test_a_directory(tmp_path):
    refused(run(str(WIRE), str(tmp_path)), str(tmp_path), "directory")


def test_utf16_file(tmp_path):
    (tmp_path / "utf16.txt").write_bytes("The bridge closed on Tuesday.".encode("utf-16"))
    refused(run(str(WIRE), str(tmp_path / "utf16.txt")), "utf16.txt", "UTF-16")


@pytest.mark.parametrize(
    ("content", "needle"),
    [("[1, 2]", "list"), ('{"title": "x"}', "no 'text'"), ('{"text": 5}', "'text' must be a string")],
)
def test_json_that_is_not_an_article(tmp_path, content, needle):
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    refused(run(str(WIRE), str(tmp_path / "bad.json")), "bad.json", needle)


def test_pairs_file_with_only_bad_lines_still_exits_0(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("{}\nnot json\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--format", "json", *FAST])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert "compared 0 pairs, 2 with errors" in result.stderr
