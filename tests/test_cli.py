"""Tests for retold/cli.py: help on every command, output formats, stdin, batch mode, exit codes."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from retold.cli import cli

FAST = ["--lexical-only", "--no-facts"]


def invoke(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def commands(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


ALL_COMMANDS = [path for path, _ in commands(cli)]


def test_the_walk_finds_every_command():
    assert {("compare",), ("model", "build"), ("model",), ()} <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "retold")
def test_every_command_is_documented_with_an_example(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output, f"`retold {' '.join(path)} --help` shows no example"
    assert "retold " in result.output.split("Example", 1)[1]


def test_help_does_not_import_heavy_dependencies():
    code = (
        "import sys, retold.cli\n"
        "from click.testing import CliRunner\n"
        "assert CliRunner().invoke(retold.cli.cli, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(retold.cli.cli, ['compare', '--help']).exit_code == 0\n"
        "heavy = {'torch', 'onnxruntime', 'spacy', 'transformers', 'tokenizers', 'trafilatura', 'numpy'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_json_output_parses(examples):
    result = invoke(
        "compare",
        str(examples / "wire-original.txt"),
        str(examples / "copy-light-edit.txt"),
        "--format",
        "json",
        *FAST,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"]["label"] == "wholly_derived"
    assert data["notes"] == ["lexical alignment only (--lexical-only)"]


def test_terminal_output_shows_the_verdict(examples):
    result = invoke("compare", str(examples / "wire-original.txt"), str(examples / "unrelated.txt"), *FAST)
    assert result.exit_code == 0
    assert "unrelated" in result.stdout


def test_html_output_to_a_file(tmp_path, examples):
    report = tmp_path / "report.html"
    result = invoke(
        "compare",
        str(examples / "wire-original.txt"),
        str(examples / "wire-update.txt"),
        "--format",
        "html",
        "-o",
        str(report),
        *FAST,
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    html = report.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "wholly_derived" in html or "wholly derived" in html.lower()


def test_semantic_compare_with_facts(examples):
    result = invoke(
        "compare",
        str(examples / "wire-original.txt"),
        str(examples / "rewrite-paraphrased.txt"),
        "--format",
        "json",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["method"] == "semantic"
    assert data["verdict"]["label"] in ("wholly_derived", "partially_derived")


def test_derived_from_stdin(examples):
    text = (examples / "copy-light-edit.txt").read_text(encoding="utf-8")
    result = invoke(
        "compare", str(examples / "wire-original.txt"), "-", "--format", "json", *FAST, input=text
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["derived"]["id"] == "-"
    assert data["verdict"]["label"] == "wholly_derived"


def test_source_from_stdin_in_a_subprocess(examples):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "retold.cli",
            "compare",
            "-",
            str(examples / "copy-light-edit.txt"),
            "--format",
            "json",
            *FAST,
        ],
        input=(examples / "wire-original.txt").read_bytes(),
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["verdict"]["label"] == "wholly_derived"


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "-", "-"],
        ["compare", "--pairs", "examples/pairs.jsonl", "--format", "json", "examples/wire-original.txt"],
        ["compare", "--pairs", "examples/pairs.jsonl"],
        ["compare"],
        ["compare", "examples/wire-original.txt"],
        ["compare", "a.txt", "b.txt", "--format", "pdf"],
        ["nonsense"],
    ],
    ids=[
        "both-stdin",
        "pairs-and-source",
        "pairs-without-json",
        "no-args",
        "one-arg",
        "bad-format",
        "no-command",
    ],
)
def test_usage_errors_exit_2(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Usage" in result.output or "Error" in result.output


def user_error(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_missing_file_is_one_line(examples):
    line = user_error("compare", str(examples / "wire-original.txt"), "missing.txt", *FAST)
    assert "missing.txt" in line and "does not exist" in line


def test_a_missing_pairs_file_is_one_line():
    line = user_error("compare", "--pairs", "missing.jsonl", "--format", "json", *FAST)
    assert "missing.jsonl" in line


def test_pairs_batch_mode_writes_one_line_per_pair(examples, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["compare", "--pairs", "examples/pairs.jsonl", "--format", "json", *FAST]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    expected_ids = [
        json.loads(line)["id"] for line in (examples / "pairs.jsonl").read_text().splitlines() if line.strip()
    ]
    assert [row["id"] for row in rows] == expected_ids
    for row in rows:
        if "error" in row:
            assert row["id"] == "broken-no-derived" and row["line"] == 8
            continue
        assert {"id", "source", "derived", "verdict", "passages"} <= set(row)
        assert {"label", "reuse", "coverage", "direction", "evidence"} <= set(row["verdict"])
        for passage in row["passages"]:
            assert {"label", "score", "source", "derived"} <= set(passage)
    assert "broken-no-derived" not in result.stderr  # the warning names the line, the id is in the record
    assert "line 8" in result.stderr
    assert "compared 7 pairs, 1 with errors" in result.stderr


def test_pairs_batch_mode_to_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(
        cli, ["compare", "--pairs", "examples/pairs.jsonl", "--format", "json", "-o", str(out), *FAST]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 8


def test_pairs_batch_mode_warns_of_a_repeated_id(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    line = json.dumps({"id": "x", "source": {"text": "The vote passed."}, "derived": {"text": "It passed."}})
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(f"{line}\n{line}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--format", "json", *FAST])
    assert result.exit_code == 0
    assert [json.loads(row)["id"] for row in result.stdout.splitlines()] == ["x", "x"]
    assert 'line 2: id "x" was already used on line 1' in result.stderr


@pytest.mark.parametrize("pairs", [False, True], ids=["compare", "pairs"])
def test_output_into_a_missing_folder_is_one_line(tmp_path, examples, monkeypatch, pairs):
    monkeypatch.chdir(ROOT)
    target = str(tmp_path / "no-such-folder" / "out.json")
    if pairs:
        args = ["compare", "--pairs", "examples/pairs.jsonl", "--format", "json", "-o", target, *FAST]
    else:
        args = [
            "compare",
            "examples/wire-original.txt",
            "examples/unrelated.txt",
            "--format",
            "json",
            "-o",
            target,
            *FAST,
        ]
    line = user_error(*args)
    assert "no-such-folder" in line


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path, examples):
    derived = tmp_path / "rewrite.txt"
    derived.write_text((examples / "rewrite-paraphrased.txt").read_text(encoding="utf-8"), encoding="utf-8")
    before = derived.read_bytes()
    line = user_error(
        "compare",
        str(examples / "wire-original.txt"),
        str(derived),
        "--format",
        "html",
        "-o",
        str(derived),
        *FAST,
    )
    assert "also an input" in line
    assert derived.read_bytes() == before


@pytest.mark.parametrize("case", ["compare", "missing pairs", "utf-16 pairs"])
def test_a_failed_run_leaves_the_existing_output_as_it_was(tmp_path, examples, case):
    out = tmp_path / "report.json"
    out.write_text("an earlier report\n", encoding="utf-8")
    if case == "compare":
        args = ["compare", str(examples / "wire-original.txt"), str(tmp_path / "missing.txt"), "-o", str(out)]
    else:
        pairs = tmp_path / "pairs.jsonl"
        if case == "utf-16 pairs":  # fails once the output is open, at the first line
            pairs.write_bytes(
                '{"id": 1, "source": {"text": "a"}, "derived": {"text": "b"}}\n'.encode("utf-16")
            )
        args = ["compare", "--pairs", str(pairs), "--format", "json", "-o", str(out)]
    user_error(*args, *FAST)
    assert out.read_text(encoding="utf-8") == "an earlier report\n"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "pairs.jsonl")
    assert leftovers == ["report.json"]  # no temporary file left behind


def test_output_replaces_an_existing_file_keeping_its_mode(tmp_path, examples):
    out = tmp_path / "result.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    result = invoke("compare", str(examples / "wire-original.txt"), str(examples / "unrelated.txt"),
                    "--format", "json", "-o", str(out), *FAST)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"]["label"] == "unrelated"
    assert out.stat().st_mode & 0o777 == 0o640


def test_an_interrupted_batch_keeps_the_results_so_far(tmp_path, monkeypatch):
    from retold import batch

    monkeypatch.chdir(ROOT)
    real = batch.compare_pairs

    def interrupted_after_two(*args, **kwargs):
        for number, result in enumerate(real(*args, **kwargs)):
            if number == 2:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(batch, "compare_pairs", interrupted_after_two)
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(
        cli, ["compare", "--pairs", "examples/pairs.jsonl", "--format", "json", "-o", str(out), *FAST]
    )
    assert result.exit_code == 130
    assert "interrupted after 2 of 8 pairs" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and "version" in result.output


# ---- where the output goes --------------------------------------------------------------------------


def test_output_through_a_symbolic_link_writes_the_file_it_points_to(tmp_path, examples):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old")
    link.symlink_to(real)
    wire, copy = str(examples / "wire-original.txt"), str(examples / "copy-light-edit.txt")
    result = invoke(
        "compare", wire, copy, "--lexical-only", "--no-facts", "--format", "json", "-o", str(link)
    )
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text())["verdict"]["label"] == "wholly_derived"


def test_output_to_a_fifo_is_written_not_replaced(tmp_path, examples):
    import os
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    wire, copy = str(examples / "wire-original.txt"), str(examples / "copy-light-edit.txt")
    result = invoke(
        "compare", wire, copy, "--lexical-only", "--no-facts", "--format", "json", "-o", str(fifo)
    )
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert fifo.is_fifo() and json.loads(received[0])["verdict"]["label"] == "wholly_derived"


def test_output_dash_is_standard_output(examples):
    wire, copy = str(examples / "wire-original.txt"), str(examples / "copy-light-edit.txt")
    result = invoke("compare", wire, copy, "--lexical-only", "--no-facts", "--format", "json", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["verdict"]["label"] == "wholly_derived"


def _pairs_file_naming_an_article(tmp_path, examples):
    """(an article file, a pairs file whose one line reads it as the derived side, the article's text)."""
    article = tmp_path / "art.txt"
    article.write_text((examples / "copy-light-edit.txt").read_text(encoding="utf-8"), encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "p1", "source": {"path": str(examples / "wire-original.txt")},
                                 "derived": {"path": str(article)}}) + "\n")  # fmt: skip
    return article, pairs, article.read_text(encoding="utf-8")


def test_pairs_output_that_is_an_article_of_the_pairs_file_is_not_replaced(tmp_path, examples):
    article, pairs, before = _pairs_file_naming_an_article(tmp_path, examples)
    result = invoke(
        "compare", "--pairs", str(pairs), "--format", "json", "--lexical-only", "-o", str(article)
    )
    assert result.exit_code == 1 and "is also an article of the pairs file" in result.output
    assert article.read_text(encoding="utf-8") == before
    kept = result.output.split("the results are in ")[1].strip()
    assert json.loads(Path(kept).read_text())["id"] == "p1"


def test_pairs_from_standard_input(examples):
    line = json.dumps(
        {"id": "s", "source": {"text": "The dam broke. Four died."}, "derived": {"text": "The dam broke."}}
    )
    result = invoke("compare", "--pairs", "-", "--format", "json", "--lexical-only", input=line + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["id"] == "s"


def test_a_path_dash_in_pairs_from_standard_input_is_that_lines_error(examples):
    # It read the rest of stdin as the article, and the lines after it were lost.
    text = {"text": "The dam broke. Four died."}
    lines = [
        json.dumps({"id": "dash", "source": text, "derived": {"path": "-"}}),
        json.dumps({"id": "after", "source": text, "derived": {"text": "The dam broke."}}),
    ]
    result = invoke("compare", "--pairs", "-", "--format", "json", *FAST, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    dash, after = (json.loads(line) for line in result.stdout.splitlines())
    assert dash["id"] == "dash" and "field 'path' is \"-\"" in dash["error"]
    assert dash["error"].startswith("- line 1 derived:")
    assert after["id"] == "after" and "error" not in after


def test_verify_and_lexical_only_together_is_a_usage_error(examples):
    wire = str(examples / "wire-original.txt")
    result = CliRunner().invoke(cli, ["compare", wire, wire, "--lexical-only", "--verify"])
    assert (
        result.exit_code == 2
        and "--verify runs the cross-encoder, which --lexical-only turns off" in result.output
    )


def test_an_empty_pairs_file_says_so(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n\n")
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--format", "json", "--lexical-only"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "holds no pairs (every line is blank)" in result.stderr


def test_output_to_dev_stdout_appends_to_what_the_shell_opened(tmp_path, examples):
    log = tmp_path / "log.txt"
    log.write_text("EARLIER\n")
    wire, copy = str(examples / "wire-original.txt"), str(examples / "copy-light-edit.txt")
    command = [sys.executable, "-m", "retold.cli", "compare", wire, copy, "--lexical-only", "--no-facts"]
    with open(log, "a") as handle:  # as `>> log.txt` does
        done = subprocess.run([*command, "--format", "json", "-o", "/dev/stdout"], stdout=handle, check=False)
    assert done.returncode == 0
    earlier, result = log.read_text().split("\n", 1)
    assert earlier == "EARLIER" and json.loads(result)["verdict"]["label"] == "wholly_derived"


def test_pairs_output_in_a_folder_without_write_access_is_refused_not_truncated(
    tmp_path, examples, monkeypatch
):
    article, pairs, before = _pairs_file_naming_an_article(tmp_path, examples)

    def no_temporary_file(*args, **kwargs):  # as in a folder the user may not write
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("retold.cli.tempfile.NamedTemporaryFile", no_temporary_file)
    result = invoke(
        "compare", "--pairs", str(pairs), "--format", "json", "--lexical-only", "-o", str(article)
    )
    assert result.exit_code == 1 and "cannot write" in result.output
    assert article.read_text(encoding="utf-8") == before


def _run_retold(*args: str, **kwargs):
    return subprocess.run([sys.executable, "-m", "retold.cli", *args], check=False, cwd=ROOT, **kwargs)


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]  # the batch progress bar leaves a blank
    assert len(lines) == 1, stderr
    return lines[0]


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


@needs_dev_full
@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["examples/wire-original.txt", "examples/copy-light-edit.txt", "-o", "/dev/full"], "/dev/full"),
        (
            ["examples/wire-original.txt", "examples/copy-light-edit.txt", "--format", "json"],
            "standard output",
        ),
        (["examples/wire-original.txt", "examples/copy-light-edit.txt"], "standard output"),
        (["--pairs", "examples/pairs.jsonl", "--format", "json"], "standard output"),
        (["--pairs", "examples/pairs.jsonl", "--format", "json", "-o", "/dev/full"], "/dev/full"),
    ],
    ids=["output-device", "json-stdout", "terminal-stdout", "pairs-stdout", "pairs-output-device"],
)
def test_a_full_disk_is_one_line_not_a_traceback(args, target):
    with open("/dev/full", "w") as full:
        done = _run_retold("compare", *args, *FAST, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line == f"Error: cannot write {target}: No space left on device"


def test_a_full_disk_while_writing_the_output_file_keeps_the_earlier_one(tmp_path, examples, monkeypatch):
    out = tmp_path / "report.json"
    out.write_text("an earlier report\n", encoding="utf-8")
    real = tempfile.NamedTemporaryFile

    def on_a_full_disk(*args, **kwargs):
        handle = real(*args, **kwargs)

        def write(text):
            raise OSError(errno.ENOSPC, "No space left on device")

        handle.write = write
        return handle

    monkeypatch.setattr("retold.cli.tempfile.NamedTemporaryFile", on_a_full_disk)
    wire, copy = str(examples / "wire-original.txt"), str(examples / "copy-light-edit.txt")
    line = user_error("compare", wire, copy, "--format", "json", "-o", str(out), *FAST)
    assert line == f"Error: cannot write {out}: No space left on device"
    assert out.read_text(encoding="utf-8") == "an earlier report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


@pytest.mark.parametrize("args", [["--format", "json"], []], ids=["json", "terminal"])
def test_a_closed_pipe_exits_quietly(args):
    command = [sys.executable, "-m", "retold.cli", "compare", "--pairs", "examples/pairs.jsonl"]
    if not args:
        command = [*command[:4], "examples/wire-original.txt", "examples/copy-light-edit.txt"]
    else:
        command += args
    # The reader is gone before retold writes anything, as with `retold ... | head -c 0`.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [*command, *FAST], stdout=writer, stderr=subprocess.PIPE, text=True, check=False, cwd=ROOT
        )
    finally:
        os.close(writer)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert "Error" not in done.stderr, done.stderr


def test_pairs_without_the_model_stop_with_one_line_as_a_single_pair_does(tmp_path):
    env = {**os.environ, "RETOLD_MODEL_DIR": str(tmp_path)}  # an empty folder: no model built there
    args = ["--pairs", "examples/pairs.jsonl", "--format", "json", "--no-facts"]
    done = _run_retold("compare", *args, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    line = _one_error_line(done.stderr)
    assert line.startswith("Error: the embedding model has not been built yet")
    assert "pairs.jsonl line" not in line  # not a line's fault


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "examples/copy-light-edit.txt"], "SOURCE is empty"),
        (["examples/wire-original.txt", ""], "DERIVED is empty"),
        (["examples/wire-original.txt", "examples/copy-light-edit.txt", "-o", ""], "--output is empty"),
        (["--pairs", "", "--format", "json"], "--pairs is empty"),
    ],
    ids=["source", "derived", "output", "pairs"],
)
def test_an_empty_path_is_refused_by_name(args, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["compare", *args, *FAST])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {message}: give ")
