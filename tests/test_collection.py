"""Tests for retold.collection: add (files, folders, records, WARC), find, pairs, stories, resume."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retold.article import Article
from retold.collection import Collection
from retold.comparison import Comparer
from retold.errors import InputError, StoreError
from retold.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WIRE = (
    "The river authority said on Tuesday that the northern dam at Kessel Lake had been breached after three "
    "days of heavy rain, forcing about 2,400 residents of the valley to leave their homes before dawn. "
    "Rescue teams from four towns were sent to the area, and the regional governor, Marta Olsen, said the "
    'army would help to build a temporary barrier. "We expect the water to peak tonight," she told '
    "reporters at the flood centre in Brenn. Schools in the valley will stay closed until Friday."
)
COPY = WIRE + " Our reporter saw rowing boats on Main Street in Lower Kessel on Wednesday morning."
TRIMMED = " ".join(WIRE.split(". ")[:2]) + "."
BAKERY = (
    "A new bakery opened on Harbour Street this weekend, selling rye loaves from a recipe the owner's "
    "grandmother brought from the coast. By nine in the morning the queue stretched past the post office, "
    "and the owner, Piet Malan, said he had baked 600 loaves and would bake more on Sunday. The shop "
    "takes only cash for now, and the café next door has started to serve its bread with soup at lunch."
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def folder(tmp_path):
    write(tmp_path / "news" / "wire.txt", WIRE)
    write(tmp_path / "news" / "sub" / "copy.txt", COPY)
    write(tmp_path / "news" / "bakery.txt", BAKERY)
    (tmp_path / "news" / "corrupt.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00binary\x00" * 40)
    (tmp_path / "news" / "photo.png").write_bytes(b"\x89PNG\r\n")  # not an article extension: ignored
    return tmp_path / "news"


def test_folder_is_indexed_corrupt_file_reported_and_copy_found(tmp_path, folder):
    collection = Collection(tmp_path / "c.db")
    report = collection.add([str(folder)])
    assert report.added == 3
    assert len(report.skipped) == 1 and "corrupt.txt" in report.skipped[0]
    pairs = list(collection.pairs())
    assert len(pairs) == 1
    pair = pairs[0]
    assert {pair["source"], pair["derived"]} == {str(folder / "wire.txt"), str(folder / "sub" / "copy.txt")}
    assert pair["label"] in ("wholly_derived", "partially_derived") and pair["reuse"] > 0.8
    assert set(pair) >= {"source", "derived", "label", "reuse", "coverage", "direction"}
    [story] = collection.stories()
    assert sorted(story.articles) == sorted([pair["source"], pair["derived"]])
    assert story.origin in story.articles and len(story.edges) == 1


def test_same_article_again_is_a_no_op_and_a_changed_text_is_a_new_version(tmp_path, folder):
    collection = Collection(tmp_path / "c.db")
    collection.add([str(folder)])
    again = collection.add([str(folder)])
    assert (again.added, again.new_versions, again.unchanged, again.compared) == (0, 0, 3, 0)
    write(folder / "bakery.txt", TRIMMED)  # the bakery page now carries a trimmed copy of the wire
    changed = collection.add([str(folder)])
    assert (changed.added, changed.new_versions) == (0, 1)
    stories = collection.stories()
    assert len(stories) == 1 and str(folder / "bakery.txt") in stories[0].articles
    assert len(list(collection.pairs())) == 3  # old bakery version's pairs are history, not listed


def test_an_id_twice_in_one_run_is_a_version_not_a_silent_drop(tmp_path):
    records = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "text": WIRE}, {"id": "b", "text": BAKERY}, {"id": "a", "text": WIRE},
            {"id": "a", "text": COPY}]  # fmt: skip
    records.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    collection = Collection(tmp_path / "c.db")
    report = collection.add([str(records)])
    # The same text again is unchanged, a changed text a new version: as if they came in separate runs.
    assert (report.added, report.unchanged, report.new_versions) == (2, 1, 1)
    with Store(tmp_path / "c.db") as store:
        [(doc, version, _digest)] = store.current_versions(["a"]).values()
        assert version == 2 and COPY in store.articles([doc])[doc].text


def test_replaying_a_file_where_an_id_goes_back_to_an_earlier_text_changes_nothing(tmp_path):
    records = tmp_path / "feed.jsonl"
    rows = [{"id": "r", "text": WIRE}, {"id": "r", "text": COPY}, {"id": "r", "text": WIRE}]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    collection = Collection(tmp_path / "c.db")
    first = collection.add([records])
    assert (first.added, first.new_versions, first.restored) == (1, 1, 1)
    for _ in range(2):  # every rerun: nothing new (it stored two more versions each time)
        again = collection.add([records])
        assert (again.added, again.new_versions, again.restored, again.unchanged) == (0, 0, 0, 3)
    with Store(tmp_path / "c.db") as store:
        [(doc, version, _)] = store.current_versions(["r"]).values()
        assert version == 1 and store.articles([doc])[doc].text == WIRE  # back to the first text
        assert store.count(current_only=False) == 2
    # A later run that goes back to the other text: that version is current again, nothing re-stored.
    records.write_text(json.dumps({"id": "r", "text": COPY}) + "\n", encoding="utf-8")
    back = collection.add([records])
    assert (back.new_versions, back.restored) == (0, 1)
    with Store(tmp_path / "c.db") as store:
        [(doc, version, _)] = store.current_versions(["r"]).values()
        assert version == 2 and store.articles([doc])[doc].text == COPY
    # And a text never seen before is a new version numbered after every stored one.
    records.write_text(json.dumps({"id": "r", "text": BAKERY}) + "\n", encoding="utf-8")
    new = collection.add([records])
    assert new.new_versions == 1
    with Store(tmp_path / "c.db") as store:
        [(doc, version, _)] = store.current_versions(["r"]).values()
        assert version == 3 and store.articles([doc])[doc].text == BAKERY
    assert list(collection.pairs()) == []  # two versions of one id are never a pair


def test_records_with_dates_orient_edges_and_origin(tmp_path):
    records = tmp_path / "feed.jsonl"
    lines = [
        {"id": "paper-1", "date": "2024-03-05T09:00:00", "text": COPY},
        {"id": "wire-1", "date": "2024-03-05T06:00:00", "text": WIRE},
        {"id": "blog-1", "date": "2024-03-06T10:00:00", "text": TRIMMED},
        {"id": "bakery", "date": "2024-03-05T06:00:00", "text": BAKERY},
        "not a record",
    ]
    records.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    collection = Collection(tmp_path / "c.db")
    report = collection.add([records])
    assert report.added == 4 and len(report.skipped) == 1 and "line 5" in report.skipped[0]
    [story] = collection.stories()
    assert story.origin == "wire-1"
    assert sorted(story.articles) == ["blog-1", "paper-1", "wire-1"]
    parents = {m.id: m.parent for m in story.members}
    assert parents["paper-1"] == "wire-1" and parents["wire-1"] is None
    assert all(e.confidence == 0.9 for e in story.edges)  # dated edges


def test_dates_in_other_time_zones_are_compared_as_instants(tmp_path):
    # 10:00 at UTC-5 is 15:00Z, after the wire's 14:20Z, though "10:00" sorts before "14:20" as text.
    records = tmp_path / "feed.jsonl"
    lines = [
        {"id": "paper", "date": "2024-03-05T10:00:00-05:00", "text": COPY},
        {"id": "wire", "date": "2024-03-05T14:20:00Z", "text": WIRE},
    ]
    records.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    collection = Collection(tmp_path / "c.db")
    collection.add([records])
    [pair] = collection.pairs()
    assert (pair["source"], pair["derived"], pair["direction"]) == ("wire", "paper", "source_first")
    [story] = collection.stories()
    assert story.origin == "wire"


def test_csv_records(tmp_path):
    path = tmp_path / "feed.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "text"])
        writer.writerow(["a", "Dam", WIRE])
        writer.writerow(["b", "Dam copy", COPY])
    collection = Collection(tmp_path / "c.db")
    assert collection.add([path]).added == 2
    assert [(p["source"], p["derived"]) for p in collection.pairs()] in ([("a", "b")], [("b", "a")])
    bad = write(tmp_path / "bad.csv", "name,summary\nx,y\n")
    assert "no 'text' column" in collection.add([bad]).skipped[0]
    # A text alias of JSON records (NewsAPI's content, schema.org's articleBody, ...) is a text column too.
    other = tmp_path / "other"
    other.mkdir()
    with (other / "feed.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "content"], ["c", WIRE]])
    assert Collection(tmp_path / "d.db").add([other / "feed.csv"]).added == 1


def test_a_csv_record_whose_quote_never_closes_is_reported_and_loses_nothing_else(tmp_path):
    broken = "r2"
    rows = {
        "r1": "The ferry service resumed on Tuesday after storms kept boats in harbour.",
        "r2": "The museum reopened its east wing after a renovation.",
        "r3": "The council approved a new cycle lane on the river road.",
        "r4": "A bakery in Lowmill won a national prize for its rye bread.",
    }
    lines = [f'{key},"{text}' + ('"' if key != broken else "") for key, text in rows.items()]
    path = write(tmp_path / "feed.csv", "id,text\n" + "\n".join(lines) + "\n")
    report = Collection(tmp_path / "c.db").add([path])
    line = list(rows).index(broken) + 2
    assert report.added == 3 and len(report.skipped) == 1
    assert f"feed.csv line {line}: a quoted field is not closed" in report.skipped[0]
    with Store(tmp_path / "c.db", create=False) as store:
        texts = {a.id: a.text for a in store.articles(range(1, 10)).values()}
    assert texts == {key: text for key, text in rows.items() if key != broken}


def test_csv_quotes_that_swallow_nothing_and_long_fields_are_read(tmp_path):
    long_text = "The council met on Monday to discuss the budget. " * 4000  # 200,000 characters
    body = (
        'id,text\nb1,"He said ""yes"" today, the mayor reported to the council."\n'
        'b2,"He said "yes" today, the mayor reported to the council."\n'  # quotes not doubled, closed
        f'b3,"{long_text}"\n'
        'b4,"A bakery in Lowmill won a national prize for its rye bread.\n'  # the last line, never closed
    )
    report = Collection(tmp_path / "c.db").add([write(tmp_path / "feed.csv", body)])
    assert report.added == 4 and report.skipped == []
    with Store(tmp_path / "c.db", create=False) as store:
        texts = {a.id: a.text for a in store.articles(range(1, 10)).values()}
    assert texts["b3"].strip() == long_text.strip() and "yes" in texts["b2"]
    assert texts["b4"].strip() == "A bakery in Lowmill won a national prize for its rye bread."


def test_find_unindexed_and_indexed(tmp_path, folder):
    collection = Collection(tmp_path / "c.db")
    collection.add([str(folder)])
    matches = collection.find(Article(TRIMMED, id="new-blog"))
    assert [m.id for m in matches][:1] in ([str(folder / "wire.txt")], [str(folder / "sub" / "copy.txt")])
    assert matches[0].role == "source" and matches[0].label in ("wholly_derived", "partially_derived")
    indexed = collection.find(str(folder / "wire.txt"))
    assert [m.id for m in indexed] == [str(folder / "sub" / "copy.txt")]
    assert collection.find(Article("Nothing like anything stored here at all today.", id="q")) == []


def test_missing_store_and_unknown_story_are_sentences(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Collection(tmp_path / "none.db").stories()
    Collection(tmp_path / "c.db").add([Article(WIRE, id="w")])
    with pytest.raises(InputError, match="no story 'story-x'"):
        Collection(tmp_path / "c.db").story("story-x")


def _warc(records: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for url, body in records:
        page = f"<html><head><title>Dam</title></head><body><article><p>{body}</p></article></body></html>"
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0"
        )
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(page.encode()), http_headers=headers
            )
        )
    return out.getvalue()


def test_warc_pages_in_latin1_are_read_in_their_declared_charset(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    body = "<p>Le café de la gare a rouvert après trois mois de travaux, a annoncé la mairie mardi.</p>" * 3
    page = f"<html><head><title>Café</title></head><body><article>{body}</article></body></html>"
    for url, charset in (("https://a.example/1", "; charset=iso-8859-1"), ("https://a.example/2", "")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html{charset}")], protocol="HTTP/1.0")
        html = page if charset else page.replace("<head>", '<head><meta charset="iso-8859-1">')
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode("latin-1")), http_headers=headers
        )
        writer.write_record(record)
    path = tmp_path / "crawl.warc"
    path.write_bytes(out.getvalue())
    collection = Collection(tmp_path / "c.db")
    collection.add([path])
    with Store(tmp_path / "c.db") as store:
        texts = [store.articles([doc])[doc].text for doc in (1, 2)]
    assert all("café" in t and "après" in t for t in texts)  # by the HTTP header, then by <meta>


def test_warc_with_truncated_record_keeps_what_is_readable(tmp_path):
    data = _warc([("https://wire.example/dam", WIRE), ("https://paper.example/dam", COPY)])
    cut = data[: len(data) - 300]  # the second record loses its end
    path = tmp_path / "crawl.warc"
    path.write_bytes(cut)
    collection = Collection(tmp_path / "c.db")
    report = collection.add([path])
    print(report)
    assert report.added == 1
    assert collection.titles(["https://wire.example/dam"]) == {"https://wire.example/dam": "Dam"}
    assert len(report.skipped) == 1 and "crawl.warc" in report.skipped[0]


def test_warc_cut_inside_a_records_headers_is_reported(tmp_path):
    first = _warc([("https://wire.example/dam", WIRE)])
    data = _warc([("https://wire.example/dam", WIRE), ("https://paper.example/dam", COPY)])
    path = tmp_path / "crawl.warc"
    path.write_bytes(data[: len(first) + 120])  # the second record stops inside its WARC headers
    report = Collection(tmp_path / "c.db").add([path])
    assert report.added == 1
    assert report.skipped == [
        f"{path} is truncated or corrupt: 120 bytes after its last whole record are not a record;"
        " the records before them were read"
    ]


def test_unreadable_inputs_are_named_for_what_they_are(tmp_path):
    fifo = tmp_path / "feed.json"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"not a web archive at all\n" * 10)
    utf16 = tmp_path / "feed16.jsonl"
    utf16.write_bytes((json.dumps({"id": "a", "text": WIRE}) + "\n").encode("utf-16"))
    header_only = write(
        tmp_path / "header.txt", "title: Dam breach\ndate: 2025-11-03\n"
    )  # compare refuses it too
    good = write(tmp_path / "ok.txt", WIRE)
    report = Collection(tmp_path / "c.db").add([str(p) for p in (fifo, loop, junk, utf16, header_only, good)])
    assert report.added == 1 and len(report.skipped) == 5
    messages = "\n".join(report.skipped)
    for expected in (
        "named pipe",
        "symbolic-link loop",
        "not a WARC file",
        "UTF-16",
        "only headers or boilerplate",
    ):
        assert expected in messages
    assert "give -" not in messages  # index reads no stdin: the hint would send the user nowhere
    assert "save the article to a file and index that" in messages


class InterruptAfter:
    """A real Comparer that raises KeyboardInterrupt (Ctrl-C) after ``n`` comparisons."""

    def __init__(self, n: int) -> None:
        self.inner = Comparer(lexical_only=True, facts=False)
        self.left = n

    def compare(self, source, derived):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.inner.compare(source, derived)


def _articles() -> list[Article]:
    texts = [WIRE, COPY, TRIMMED, BAKERY, BAKERY + " The bakery will open a second shop in May.", WIRE[:300]]
    return [Article(t, id=f"a{i}") for i, t in enumerate(texts)]


def test_interrupted_index_resumes_to_the_same_stories(tmp_path):
    whole = Collection(tmp_path / "whole.db")
    whole.add(_articles())
    expected = [s.to_dict() for s in whole.stories()]
    assert expected

    interrupted = Collection(tmp_path / "cut.db", comparer=InterruptAfter(2))
    with pytest.raises(KeyboardInterrupt):
        interrupted.add(_articles())
    resumed = Collection(tmp_path / "cut.db")
    report = resumed.add(_articles())
    assert report.unchanged == len(_articles()) and report.compared > 0
    assert [s.to_dict() for s in resumed.stories()] == expected


def test_killed_index_process_resumes_to_the_same_stories(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in _articles()))
    Collection(tmp_path / "whole.db").add([feed])
    expected = [s.to_dict() for s in Collection(tmp_path / "whole.db").stories()]
    # The child is killed (SIGKILL, no cleanup) right after its articles are stored, before comparing.
    script = (
        "import os, signal, sys\n"
        "from retold.collection import Collection\n"
        "def die(stage, n, total):\n"
        "    if stage == 'stored': os.kill(os.getpid(), signal.SIGKILL)\n"
        f"Collection({str(tmp_path / 'cut.db')!r}).add([{str(feed)!r}], progress=die)\n"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert child.returncode == -9
    resumed = Collection(tmp_path / "cut.db")
    assert resumed.add([feed]).unchanged == len(_articles())
    assert [s.to_dict() for s in resumed.stories()] == expected


def test_two_index_processes_on_one_store_lose_nothing(tmp_path):
    feeds = []
    for k in range(2):
        feed = tmp_path / f"feed{k}.jsonl"
        feed.write_text(
            "".join(json.dumps({"id": f"{k}-{a.id}", "text": a.text}) + "\n" for a in _articles()),
            encoding="utf-8",
        )
        feeds.append(feed)
    db = tmp_path / "c.db"
    script = (
        "import sys\nfrom retold.collection import Collection\nCollection(sys.argv[1]).add([sys.argv[2]])\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), str(f)]) for f in feeds]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    collection = Collection(db)
    ids = {a for s in collection.stories() for a in s.articles}
    assert {f"{k}-a0" for k in range(2)} <= ids
    import sqlite3

    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2 * len(_articles())
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM articles WHERE state != 'compared'").fetchone()[0] == 0


def test_a_folder_is_searched_for_every_format_retold_reads(tmp_path):
    from retold.collection import ARTICLE_EXTENSIONS
    from retold.read import EXTENSION_FORMATS

    assert set(EXTENSION_FORMATS) <= set(ARTICLE_EXTENSIONS)
    write(tmp_path / "news" / "wire.md", WIRE)
    write(tmp_path / "news" / "copy.text", COPY)
    write(tmp_path / "news" / "feed.ndjson", json.dumps({"id": "bakery", "text": BAKERY}) + "\n")
    report = Collection(tmp_path / "c.db").add([str(tmp_path / "news")])
    assert (report.added, report.compared, report.skipped) == (3, 1, [])


@pytest.mark.parametrize("repost_first", [True, False])
def test_an_undated_trimmed_repost_is_not_the_origin_whatever_the_order(tmp_path, repost_first):
    wire = {"id": "wire", "date": "2024-03-05T06:00:00", "text": WIRE}
    repost = {"id": "repost", "text": TRIMMED}  # the first two sentences, no date
    records = tmp_path / "feed.jsonl"
    rows = [repost, wire] if repost_first else [wire, repost]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    collection = Collection(tmp_path / "c.db")
    collection.add([records])
    [pair] = collection.pairs()
    assert (pair["source"], pair["derived"]) == ("wire", "repost")
    [story] = collection.stories()
    assert story.origin == "wire"


def test_a_version_made_current_again_is_compared_with_what_came_since(tmp_path):
    collection = Collection(tmp_path / "c.db")
    collection.add([Article(text=WIRE, id="a")])
    collection.add([Article(text=BAKERY, id="a")])  # the page now carries another story
    collection.add([Article(text=COPY, id="c")])  # a copy of the wire arrives: "a" holds the bakery now
    assert list(collection.pairs()) == []
    back = collection.add([Article(text=WIRE, id="a")])  # the page goes back to the wire story
    assert back.restored == 1 and back.compared == 1
    [pair] = collection.pairs()
    assert {pair["source"], pair["derived"]} == {"a", "c"} and pair["label"] == "wholly_derived"


def test_a_new_text_after_going_back_to_the_first_version_is_numbered_after_all(tmp_path):
    collection = Collection(tmp_path / "c.db")
    for text in (WIRE, COPY, WIRE):  # current is version 1 again; version 2 exists
        collection.add([Article(text=text, id="a")])
    report = collection.add([Article(text=BAKERY, id="a"), Article(text=TRIMMED, id="b")])
    assert (report.new_versions, report.added) == (1, 1)  # it failed on UNIQUE(id, version), losing the batch
    with Store(tmp_path / "c.db") as store:
        assert store.current_versions(["a"])["a"][1] == 3


def test_a_trimmed_copy_of_a_long_story_is_found(tmp_path):
    # The first three paragraphs of the bundled ~530-word wire story, reposted: about a quarter of its
    # words, so the pair's Jaccard is far below MIN_JACCARD while the copy lies wholly inside the story.
    wire = Path(__file__).parents[1] / "examples" / "wire-original.txt"
    body = wire.read_text(encoding="utf-8").split("\n\n", 1)[1]
    repost = "\n\n".join(body.split("\n\n")[:3])
    write(tmp_path / "news" / "repost.txt", f"date: 2025-11-03T18:00:00Z\noutlet: Valley Post\n\n{repost}\n")
    collection = Collection(tmp_path / "c.db")
    collection.add([str(wire), str(tmp_path / "news")])
    [pair] = collection.pairs()
    assert pair["source"] == str(wire) and pair["derived"].endswith("repost.txt")
    assert pair["label"] == "wholly_derived" and pair["jaccard"] < 0.35
    # `find` on the repost's text, not indexed under this id, finds the story too.
    assert str(wire) in [m.id for m in collection.find(Article(repost, id="query"))]


def test_find_on_an_unindexed_file_reads_its_header_as_compare_does(tmp_path):
    wire = Path(__file__).parents[1] / "examples" / "wire-original.txt"
    write(tmp_path / "news" / "wire.txt", wire.read_text(encoding="utf-8"))
    body = wire.read_text(encoding="utf-8").split("\n\n", 1)[1]
    header = "title: Dam bursts\ndate: 2025-11-03T20:00:00Z\noutlet: Short Daily\nbyline: By A Reporter\n\n"
    query = write(tmp_path / "query" / "short-copy.txt", header + "\n\n".join(body.split("\n\n")[:2]))
    collection = Collection(tmp_path / "c.db")
    collection.add([str(tmp_path / "news")])
    [match] = collection.find(str(query))
    assert match.label == "wholly_derived" and match.reuse == 1.0


def test_a_paraphrase_run_resumed_without_the_option_still_searches_by_meaning(tmp_path):
    examples = Path(__file__).parents[1] / "examples"
    paths = [str(examples / "wire-original.txt"), str(examples / "rewrite-paraphrased.txt")]
    whole = Collection(tmp_path / "whole.db", paraphrase=True)
    whole.add(paths)
    expected = [(p["source"], p["derived"], p["label"]) for p in whole.pairs()]
    assert len(expected) == 1  # only the lead embeddings find the rewrite (its Jaccard is near 0)

    interrupted = Collection(tmp_path / "cut.db", paraphrase=True, comparer=InterruptAfter(0))
    with pytest.raises(KeyboardInterrupt):
        interrupted.add(paths)
    Collection(tmp_path / "cut.db").add(paths)  # Ctrl-C, then the command again without --paraphrase
    assert [
        (p["source"], p["derived"], p["label"]) for p in Collection(tmp_path / "cut.db").pairs()
    ] == expected


def test_a_store_made_with_other_lsh_settings_still_answers_find_for_indexed_articles(tmp_path, folder):
    collection = Collection(tmp_path / "c.db")
    collection.add([str(folder)])
    with Store(tmp_path / "c.db") as store, store.transaction():
        store.db.execute("UPDATE meta SET value = '128perm-5shingle-42x3' WHERE key = 'lsh'")
    assert [m.id for m in collection.find(str(folder / "wire.txt"))] == [str(folder / "sub" / "copy.txt")]
    with pytest.raises(StoreError, match="other MinHash LSH settings"):
        collection.find(Article(TRIMMED, id="not-indexed"))
