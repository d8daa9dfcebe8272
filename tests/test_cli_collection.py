"""Tests for the collection commands of the CLI: index, find, stories, show, pairs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from retold.cli import cli

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WIRE = (
    "The river authority said on Tuesday that the northern dam at Kessel Lake had been breached after three "
    "days of heavy rain, forcing about 2,400 residents of the valley to leave their homes before dawn. "
    "Rescue teams from four towns were sent to the area, and the regional governor, Marta Olsen, said the "
    "army would help to build a temporary barrier. Schools in the valley will stay closed until Friday."
)
COPY = WIRE + " Our reporter saw rowing boats on Main Street in Lower Kessel on Wednesday morning."
OTHER = (
    "A new bakery opened on Harbour Street this weekend, selling rye loaves from a recipe the owner's "
    "grandmother brought from the coast. By nine in the morning the queue stretched past the post office."
)
COMMANDS = ["index", "find", "stories", "show", "pairs"]


@pytest.fixture()
def indexed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "wire", "date": "2024-03-05T06:00:00", "title": "Dam breached", "text": WIRE},
        {"id": "paper", "date": "2024-03-05T09:00:00", "title": "Dam breach", "text": COPY},
        {"id": "bakery", "text": OTHER},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "c.db"
    result = CliRunner().invoke(cli, ["index", str(feed), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    return db


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_documents_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--db" in result.output


def test_pairs_jsonl_and_csv(indexed):
    out = CliRunner().invoke(cli, ["pairs", "--db", str(indexed)]).output
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["source"], row["derived"]) == ("wire", "paper")
    assert row["label"] == "wholly_derived" and 0.8 < row["reuse"] <= 1.0
    assert set(row) >= {"source", "derived", "label", "reuse", "coverage", "direction"}
    table = CliRunner().invoke(cli, ["pairs", "--db", str(indexed), "--format", "csv"]).output
    [record] = list(csv.DictReader(io.StringIO(table)))
    assert record["source"] == "wire" and record["label"] == "wholly_derived"
    assert CliRunner().invoke(cli, ["pairs", "--db", str(indexed), "--min-reuse", "1.01"]).exit_code == 2
    nan = CliRunner().invoke(cli, ["pairs", "--db", str(indexed), "--min-reuse", "nan"])
    assert nan.exit_code == 2 and "nan is not a number between 0 and 1" in nan.output


def test_pairs_csv_has_its_header_when_no_pair_matches(indexed):
    from retold.collection import PAIR_FIELDS, Collection

    assert all(tuple(row) == PAIR_FIELDS for row in Collection(indexed).pairs())
    table = CliRunner().invoke(cli, ["pairs", "--db", str(indexed), "--format", "csv", "--min-reuse", "1"])
    assert table.exit_code == 0 and table.output == ",".join(PAIR_FIELDS) + "\n"


def test_stories_json_show_and_html(indexed, tmp_path):
    data = json.loads(CliRunner().invoke(cli, ["stories", "--db", str(indexed), "--format", "json"]).output)
    [story] = data["stories"]
    assert story["origin"] == "wire" and sorted(story["articles"]) == ["paper", "wire"]
    [edge] = story["edges"]
    assert edge == {"source": "wire", "derived": "paper", "label": "wholly_derived", "reuse": edge["reuse"],
                    "confidence": 0.9}  # fmt: skip
    shown = CliRunner().invoke(cli, ["show", story["id"], "--db", str(indexed)])
    assert shown.exit_code == 0 and "paper" in shown.output and "took" in shown.output
    table = CliRunner().invoke(cli, ["stories", "--db", str(indexed)])
    assert story["id"] in table.output
    out = tmp_path / "report"
    html = CliRunner().invoke(
        cli, ["stories", "--db", str(indexed), "--format", "html", "--output", str(out)]
    )
    assert html.exit_code == 0, html.output
    index = (out / "index.html").read_text()
    assert f'href="{story["id"]}.html"' in index
    page_path = out / f"{story['id']}.html"
    page = page_path.read_text()
    [pair_page] = list((out / "pairs").glob("wire__paper-*.html"))
    assert f"pairs/{pair_page.name}" in page
    assert "Kessel Lake" in pair_page.read_text()
    assert f'href="../{story["id"]}.html"' in pair_page.read_text()  # a pair page leads back to its story
    from retold.render.stories_html import pair_file_name

    assert not pair_file_name("./in/a.txt", "../b.txt").startswith(".")  # no hidden files
    # Written again into the same folder: pages of stories and pairs that are gone are removed, files
    # that are not retold's pages are kept.
    (out / "story-0123456789.html").write_text("old story")
    (out / "pairs" / "a__b-0123abcd.html").write_text("old pair")
    (out / "notes.html").write_text("mine")
    again = CliRunner().invoke(
        cli, ["stories", "--db", str(indexed), "--format", "html", "--output", str(out)]
    )
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", "notes.html", "pairs", page_path.name]
    )
    assert [p.name for p in (out / "pairs").iterdir()] == [pair_page.name]


def test_find_unindexed_file(indexed, tmp_path):
    query = tmp_path / "query.txt"
    query.write_text(WIRE[:250], encoding="utf-8")
    result = CliRunner().invoke(cli, ["find", str(query), "--db", str(indexed), "--format", "json"])
    assert result.exit_code == 0, result.output
    matches = json.loads(result.output)["matches"]
    assert {m["id"] for m in matches} == {"wire", "paper"} and all(m["role"] == "source" for m in matches)


def test_user_mistakes_are_one_line_errors(tmp_path, indexed):
    runner = CliRunner()
    missing = runner.invoke(cli, ["stories", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "does not exist" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(cli, ["show", "story-nope", "--db", str(indexed)])
    assert unknown.exit_code == 1 and "no story 'story-nope'" in unknown.output
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("hello")
    bad = runner.invoke(cli, ["index", str(not_a_store), "--db", str(not_a_store)])
    assert bad.exit_code == 1 and "not an SQLite file" in bad.output
    skipped = runner.invoke(cli, ["index", str(tmp_path / "nowhere.txt"), "--db", str(indexed)])
    assert skipped.exit_code == 1 and "does not exist" in skipped.output
    assert "nothing indexed: every input was skipped" in skipped.output
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(cli, ["index", str(tmp_path / "empty"), "--db", str(indexed)])
    assert empty.exit_code == 1 and "no articles found in" in empty.output
    no_folder = runner.invoke(cli, ["index", str(tmp_path / "empty"), "--db", str(tmp_path / "x" / "c.db")])
    assert no_folder.exit_code == 1 and "does not exist; create it first" in no_folder.output
    assert runner.invoke(cli, ["find", "", "--db", str(indexed)]).exit_code == 2
    header_only = tmp_path / "header.txt"
    header_only.write_text("title: Dam breach\n", encoding="utf-8")
    empty_query = runner.invoke(cli, ["find", str(header_only), "--db", str(indexed)])
    assert empty_query.exit_code == 1 and "no article text to look up" in empty_query.output
    assert runner.invoke(cli, ["find", str(indexed), "--db", str(indexed), "--limit", "0"]).exit_code == 2
    under_a_file = str(not_a_store / "report")
    report = runner.invoke(
        cli, ["stories", "--db", str(indexed), "--format", "html", "--output", under_a_file]
    )
    assert report.exit_code == 1 and "cannot write the report to" in report.output
    assert "Traceback" not in report.output
    story_id = json.loads(runner.invoke(cli, ["stories", "--db", str(indexed), "--format", "json"]).output)
    clash = tmp_path / "clash"
    (clash / f"{story_id['stories'][0]['id']}.html").mkdir(parents=True)  # a folder where a page goes
    report = runner.invoke(cli, ["stories", "--db", str(indexed), "--format", "html", "--output", str(clash)])
    assert (
        report.exit_code == 1
        and "cannot write the report to" in report.output
        and "Is a directory" in report.output
    )
    assert "Traceback" not in report.output
    table_to_a_folder = runner.invoke(cli, ["stories", "--db", str(indexed), "--output", str(tmp_path / "r")])
    assert table_to_a_folder.exit_code == 2 and "add --format html" in table_to_a_folder.output
    stdin = runner.invoke(cli, ["index", "-", "--db", str(indexed)])
    assert stdin.exit_code == 1 and "standard input" in stdin.output


def test_paraphrase_search_says_which_articles_it_cannot_see(indexed, tmp_path):
    # `indexed` was built without --paraphrase: none of its articles has a lead embedding.
    query = tmp_path / "query.txt"
    query.write_text(WIRE[:250], encoding="utf-8")
    found = CliRunner().invoke(cli, ["find", str(query), "--db", str(indexed), "--paraphrase"])
    assert found.exit_code == 0, found.output
    assert "note: 3 articles in" in found.stderr and "were indexed without --paraphrase" in found.stderr
    plain = CliRunner().invoke(cli, ["find", str(query), "--db", str(indexed)])
    assert "note:" not in plain.stderr


def test_indexing_nothing_readable_leaves_no_empty_store_behind(tmp_path):
    db = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nosuch.txt"), "--db", str(db)])
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert "nothing indexed: every input was skipped" in result.output
    assert not db.exists() and not (tmp_path / "new.db.lock").exists()
    # The same when the input exists but holds no article (an empty file); a store that was there stays.
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(empty), "--db", str(db)])
    assert result.exit_code == 1 and "was not created" in result.output
    assert not db.exists() and not (tmp_path / "new.db.lock").exists()
    (tmp_path / "wire.txt").write_text(
        "The dam broke on Monday, officials said. Four people died.", encoding="utf-8"
    )
    assert CliRunner().invoke(cli, ["index", str(tmp_path / "wire.txt"), "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(cli, ["index", str(empty), "--db", str(db)]).exit_code == 1
    assert db.exists()


def test_progress_totals_add_up_over_a_resumed_run():
    from retold.cli import _Bars

    bars = _Bars()
    for announced in (5, 3):  # what a killed run left, then the new articles' pairs
        bars("compare", 0, announced)
        bars("compare", announced, None)
    [task] = bars.progress.tasks
    assert (task.completed, task.total) == (8, 8)  # it showed 8/3


def test_find_table_shows_long_ids_whole_at_80_columns(tmp_path):
    long_id = (
        "wires/2024/03/05/the-river-authority-says-the-northern-dam-at-kessel-lake-was-breached-copy.txt"
    )
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(
            {"id": long_id, "title": "Dam breach at Kessel Lake forces 2,400 from homes", "text": COPY}
        )
        + "\n"
    )
    db = tmp_path / "c.db"
    CliRunner().invoke(cli, ["index", str(feed), "--db", str(db)])
    query = tmp_path / "query.txt"
    query.write_text(WIRE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["find", str(query), "--db", str(db)], terminal_width=80)
    assert result.exit_code == 0, result.output
    cells = "".join(line.split("│")[2].strip() for line in result.stdout.splitlines() if line.count("│") > 3)
    assert long_id in cells and "…" not in result.stdout


def test_pairs_csv_writes_nothing_when_the_store_cannot_be_read(tmp_path):
    result = CliRunner().invoke(cli, ["pairs", "--db", str(tmp_path / "nope.db"), "--format", "csv"])
    assert result.exit_code == 1 and result.stdout == "" and "does not exist" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [["pairs", "--format", "csv"], ["pairs"], ["stories", "--format", "json"], ["stories"]],
    ids=["pairs-csv", "pairs-jsonl", "stories-json", "stories-table"],
)
def test_a_full_disk_on_standard_output_is_one_line(indexed, args):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "retold.cli", *args, "--db", str(indexed)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["Error: cannot write standard output: No space left on device"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["index", ""], "PATHS holds an empty path"),
        (["index", "feed.jsonl", ""], "PATHS holds an empty path"),
        (["find", ""], "ARTICLE is empty"),
        (["pairs", "--db", ""], "--db is empty"),
        (["stories", "--format", "html", "--output", ""], "--output is empty"),
    ],
    ids=["index", "index-among-others", "find", "db", "stories-output"],
)
def test_an_empty_path_is_refused_with_or_without_a_store(tmp_path, indexed, monkeypatch, args, message):
    # "" is the current folder to Path(): `index ""` indexed the whole folder when the store existed.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stray.txt").write_text(COPY.replace("Lower Kessel", "Upper Kessel"), encoding="utf-8")
    db = [] if "--db" in args else ["--db", str(indexed)]
    before = CliRunner().invoke(cli, ["pairs", "--db", str(indexed)]).output
    result = CliRunner().invoke(cli, [*args, *db])
    assert result.exit_code == 2 and f"Error: {message}" in result.output, result.output
    assert CliRunner().invoke(cli, ["pairs", "--db", str(indexed)]).output == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("c.db")) == [
        "feed.jsonl",
        "stray.txt",
    ]


def test_an_empty_path_given_to_the_library_is_skipped_not_read_as_the_current_folder(tmp_path, monkeypatch):
    from retold.collection import iter_articles
    from retold.errors import InputError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(WIRE, encoding="utf-8")
    [item] = list(iter_articles([""]))
    assert isinstance(item, InputError) and "empty path" in str(item)


def test_answers_from_a_store_with_articles_not_compared_yet_say_so(indexed):
    # A killed `retold index` leaves articles stored but not compared: their pairs are missing, and
    # find/stories/pairs said "no matches" without a word.
    import sqlite3

    with sqlite3.connect(indexed) as db:
        db.execute("UPDATE articles SET state = 'indexed'")
    runner = CliRunner()
    copy = indexed.parent / "copy.txt"
    copy.write_text(COPY, encoding="utf-8")
    for command in (["pairs"], ["stories"], ["find", str(copy)]):
        result = runner.invoke(cli, [*command, "--db", str(indexed)])
        assert result.exit_code == 0, result.output
        assert "3 articles are stored but not compared yet" in result.stderr, command
    finished = runner.invoke(cli, ["index", str(indexed.parent / "feed.jsonl"), "--db", str(indexed)])
    assert finished.exit_code == 0, finished.output
    result = runner.invoke(cli, ["pairs", "--db", str(indexed)])
    assert "not compared yet" not in result.stderr and '"paper"' in result.stdout


def test_a_linked_folder_and_unreadable_inputs_are_named_and_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "ok").mkdir(parents=True)
    (corpus / "ok" / "wire.txt").write_text(WIRE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "copy.txt").write_text(COPY, encoding="utf-8")
    (corpus / "more").symlink_to(elsewhere)
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "other.txt").write_text(OTHER, encoding="utf-8")
    locked.chmod(0)
    named = tmp_path / "named.txt"  # an unreadable file named on the command line is skipped the same way
    named.write_text(OTHER, encoding="utf-8")
    named.chmod(0)
    command = [
        sys.executable,
        "-m",
        "retold.cli",
        "index",
        str(named),
        str(corpus),
        "--db",
        str(tmp_path / "c.db"),
    ]
    if os.geteuid() == 0:  # root reads anything; drop the capabilities that let it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: an unreadable folder cannot be made")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert "more is a link to a folder, which is not followed" in result.stderr
    assert "locked cannot be read (Permission denied)" in result.stderr
    assert "named.txt cannot be read (Permission denied)" in result.stderr
    assert "1 added" in result.stdout + result.stderr
