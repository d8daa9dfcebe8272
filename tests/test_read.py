"""Tests for retold/read.py: every input format, metadata, boilerplate, and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.article import Article
from retold.errors import EmptyInputError, InputError
from retold.read import (
    article_from_html,
    article_from_record,
    article_from_text,
    find_boilerplate,
    normalize_date,
    read_article,
    read_records,
)

FIXTURES = Path(__file__).parent / "fixtures" / "read"


def kinds(article: Article) -> list[str]:
    return [b.kind for b in article.boilerplate]


def assert_offsets_exact(article: Article) -> None:
    for b in article.boilerplate:
        assert article.text[b.span.start : b.span.end] == b.span.text
        assert b.span.text == b.span.text.strip() or b.kind == "dateline"


def only(text: str, kind: str) -> list[str]:
    return [b.span.text for b in find_boilerplate(text) if b.kind == kind]


# ---- plain text ---------------------------------------------------------------------------------


def test_plain_text_with_header_title_byline_dateline_and_credits() -> None:
    path = FIXTURES / "wire.txt"
    article = read_article(str(path))
    assert article.text == path.read_text(encoding="utf-8")
    assert article.id == str(path)
    assert article.title == "Harbor bridge opens after three-year delay"
    assert article.date == "2026-03-14"
    assert article.extra["date_raw"] == "March 14, 2026"
    assert article.extra["section"] == "Local"
    assert article.outlet == "Northport Ledger"
    assert article.byline == "Mara Quill"  # the header's author wins over the byline line
    assert article.language is None
    assert kinds(article) == ["header", "title", "byline", "dateline", "credit", "credit"]
    spans = {b.kind: b.span.text for b in article.boilerplate}
    assert spans["header"].startswith("Title: Harbor") and spans["header"].endswith("Section: Local")
    assert spans["dateline"] == "NORTHPORT, Maine (NL) — "
    assert_offsets_exact(article)


def test_byline_line_sets_byline_when_no_header(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "By Jane Doe and John Roe, Associated Press\n\nThe river rose overnight.\n", encoding="utf-8"
    )
    article = read_article(path)
    assert article.byline == "Jane Doe and John Roe, Associated Press"
    assert article.id == str(path)
    assert kinds(article) == ["byline"]


def test_bom_is_stripped_and_nothing_else(tmp_path: Path) -> None:
    body = "  The council met on Tuesday.\r\nIt voted twice.  \n"
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert read_article(path).text == body


@pytest.mark.parametrize(
    ("line", "iso", "raw"),
    [
        ("2026-03-14", "2026-03-14", None),  # raw kept only when changed
        ("March 14, 2026", "2026-03-14", "March 14, 2026"),
        ("Updated 14 March 2026 09:10 GMT", "2026-03-14T09:10:00+00:00", "Updated 14 March 2026 09:10 GMT"),
        ("Published: Sat, 14 Mar 2026", "2026-03-14", "Sat, 14 Mar 2026"),  # a header line: its value
    ],
)
def test_lone_leading_date_line(line: str, iso: str, raw: str | None) -> None:
    text = f"{line}\n\nThe harbor bridge opened on Saturday after long delays.\n"
    article = article_from_text(text)
    assert article.date == iso
    assert article.extra.get("date_raw") == raw
    assert kinds(article) == ["header"]
    assert article.boilerplate[0].span.text == line


def test_a_markdown_heading_is_the_title_without_its_marks() -> None:
    article = article_from_text("# Council passes $45m budget\n\nThe council voted on Monday.\n")
    assert article.title == "Council passes $45m budget"
    assert article_from_text("*By Tom Reed*\n\nThe council voted on Monday.\n").byline == "Tom Reed"
    assert [(b.kind, b.span.text) for b in article.boilerplate] == [("title", "# Council passes $45m budget")]


def test_date_line_then_title_line() -> None:
    text = "March 14, 2026\n\nBridge opens\n\nThe harbor bridge opened on Saturday.\n"
    article = article_from_text(text)
    assert (article.date, article.title) == ("2026-03-14", "Bridge opens")
    assert kinds(article) == ["header", "title"]


def test_header_keys_are_case_insensitive_and_aliased() -> None:
    text = "TITLE: A\nSource: Wire Co\nAUTHOR: Ann Lee\nurl: https://x.example/a?b=c:d\nID: story-9\n\nBody text.\n"
    article = article_from_text(text)
    assert article.title == "A"
    assert article.outlet == "Wire Co"
    assert article.byline == "Ann Lee"
    assert article.url == "https://x.example/a?b=c:d"
    assert article.id == "story-9"
    assert "id" not in article.extra


def test_header_keys_take_the_synonyms_json_records_take() -> None:
    text = (
        "Headline: City council approves new budget\n"
        "Published: 2025-03-10T09:00:00Z\n"
        "Publisher: Riverside Gazette\n"
        "Link: https://x.example/a\n"
        "By: Ann Lee\n"
        "\n"
        "The city council voted 7-2 on Monday to approve a $45 million budget.\n"
    )
    article = article_from_text(text)
    assert article.title == "City council approves new budget"
    assert article.date == "2025-03-10T09:00:00+00:00"
    assert (article.outlet, article.url, article.byline) == (
        "Riverside Gazette",
        "https://x.example/a",
        "Ann Lee",
    )
    assert kinds(article) == ["header"]  # not compared as article text
    assert article.boilerplate[0].span.text.endswith("By: Ann Lee")
    assert set(article.extra) == {"date_raw"}


@pytest.mark.parametrize(
    "line",
    [
        "pubDate: 2025-03-10",
        "Date Published: 2025-03-10",
        "date-published: 2025-03-10",
        "publishedAt: 2025-03-10",
    ],
)
def test_header_date_synonyms_in_any_case_and_spacing(line: str) -> None:
    assert article_from_text(f"{line}\n\nBody text.\n").date == "2025-03-10"


def test_a_header_fields_own_name_wins_over_its_synonym() -> None:
    article = article_from_text("Outlet: Real Outlet\nSite: Other\nbyline: Ann Lee\nauthor: Bo\n\nBody.\n")
    assert (article.outlet, article.byline) == ("Real Outlet", "Ann Lee")
    assert not {"site", "author"} & set(article.extra)


def test_explicit_id_and_metadata_win_over_header() -> None:
    article = article_from_text("id: inner\ntitle: Inner\n\nBody.\n", id="outer", title="Outer")
    assert (article.id, article.title) == ("outer", "Outer")


@pytest.mark.parametrize(
    "text",
    [
        "Note: the road is closed.\n\nBody.\n",  # no known key: content
        "Title: A\nThe bridge opened.\n\nBody.\n",  # a content line inside the block
        "Title: A\nDate: 2026-03-14",  # never ended by a blank line: the text is all "key: value"
        "Source: officials said the bridge would open soon, and it did.",
    ],
)
def test_things_that_are_not_a_header(text: str) -> None:
    assert "header" not in kinds(article_from_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "The bridge opened on Saturday.\n\nMore text.\n",  # final punctuation
        "Bridge opens\nThe bridge opened on Saturday.\n",  # no blank line after it
        "Bridge opens\n\n",  # nothing after it
        "Is the bridge safe?\n\nEngineers say yes.\n",
        # A sentence ending inside its closing quote or bracket (an altered quote went unseen as a title).
        "The mayor said: \u201cWe will rebuild every home that was lost.\u201d\n\nMore text.\n",
        "The mayor said he would rebuild (every home).\n\nMore text.\n",
        "The mayor said: 'We will rebuild.'\n\nMore text.\n",
    ],
)
def test_things_that_are_not_a_title(text: str) -> None:
    article = article_from_text(text)
    assert "title" not in kinds(article)
    assert article.title is None


@pytest.mark.parametrize("raw", ["sometime last spring", "yesterday", "2025-13-45", "March 14"])
def test_a_date_that_cannot_be_read_is_kept_only_as_given(raw) -> None:
    # Not as the date: stories order by it and treat two different dates as two events.
    article = article_from_text(f"date: {raw}\n\nBody.\n")
    assert article.date is None
    assert article.extra["date_raw"] == raw


# ---- boilerplate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("BAGHDAD (AP) — Two bombs exploded.", "BAGHDAD (AP) — "),
        ("LONDON, March 3 (Reuters) - Oil prices rose.", "LONDON, March 3 (Reuters) - "),
        ("WASHINGTON — The Senate voted.", "WASHINGTON — "),
        ("WASHINGTON—The Senate voted.", "WASHINGTON—"),
        ("NEW YORK: Stocks fell.", "NEW YORK: "),
        ("Paris, France — Crowds gathered.", "Paris, France — "),
        ("Paris, France – Crowds gathered.", "Paris, France – "),
        ("ST. LOUIS, Mo. (AP) -- Rain fell.", "ST. LOUIS, Mo. (AP) -- "),
        ("BERLIN, 3 March 2026 (AFP) — Talks ended.", "BERLIN, 3 March 2026 (AFP) — "),
        ("Berlin (dpa) - Talks ended.", "Berlin (dpa) - "),
        ("London, March 3 (Reuters) - Oil rose.", "London, March 3 (Reuters) - "),
        # Doubled dashes from a copy-paste are the dateline's, not left between it and the text.
        ("LONDON (Reuters) - -- Oil rose.", "LONDON (Reuters) - -- "),
        ("PORT ELIAS — — The dam broke.", "PORT ELIAS — — "),
        ("PORT ELIAS — The dam broke - and fell.", "PORT ELIAS — "),
    ],
)
def test_datelines(opening: str, dateline: str) -> None:
    text = f"{opening} More follows.\n\nSecond paragraph.\n"
    assert only(text, "dateline") == [dateline]


def test_dateline_only_on_first_content_paragraph() -> None:
    text = "The vote was close.\n\nWASHINGTON — A second paragraph.\n"
    assert only(text, "dateline") == []


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe",
        "BY JANE DOE",
        "By JANE DOE and JOHN ROE, Associated Press",
        "By Ana de la Cruz",
        "Jane Doe | Reuters",
        "By Jane Doe, Staff Writer",
        "*By Jane Doe*",  # Markdown emphasis
        "_By Jane Doe_",
    ],
)
def test_bylines(line: str) -> None:
    assert only(f"{line}\n\nThe river rose overnight.\n", "byline") == [line]


@pytest.mark.parametrize(
    "line",
    [
        "— Sam Poe contributed to this report.",
        "Sam Poe contributed to this report.",
        "Reporting by Jane Doe; Editing by John Roe",
        "— Reporting by Meridian Wire.",
        "Additional reporting by Ann Lee in Paris",
        "(Reporting by Jane Doe in Paris; additional reporting by Ann Lee; Editing by Tom Hay)",
        "Associated Press writer Sam Poe in Chicago contributed.",
        "Copyright 2026 The Associated Press. All rights reserved.",
        "© 2026 Reuters",
        "All rights reserved.",
        "Follow us on Mastodon and Bluesky",
    ],
)
def test_credit_lines(line: str) -> None:
    text = f"The river rose overnight.\n\nIt fell again by noon.\n\n{line}\n"
    assert only(text, "credit") == [line]


# Normal content sentences, each placed where boilerplate is searched (first and last paragraph).
CONTENT_SENTENCES = [
    "By Tuesday, the water had receded from most streets.",
    "Meanwhile — the mayor said — the bridge stays shut.",
    "Reporting by Reuters found that the minister had misled parliament.",
    "Copyright law changed in 2026, the court said.",
    "The mayor said all rights reserved for residents would be kept.",
    "Officials (speaking anonymously) - said little.",
    "UPDATE: the road has reopened.",
    "The Smiths followed us on the walk home.",
    "Dozens of families said every volunteer helped.",
    "US officials - speaking on Monday - said talks would go on.",
    # A Title-case start and a lower-case word in brackets: a caption or a heading, not "Berlin (dpa) -".
    "Jane Smith (pictured) - said she would stand again.",
    "Climate Talks (explained) — what the deal means for farmers.",
]


@pytest.mark.parametrize("sentence", CONTENT_SENTENCES)
def test_content_sentences_are_never_boilerplate(sentence: str) -> None:
    text = f"{sentence}\n\nA middle paragraph.\n\n{sentence}\n"
    assert find_boilerplate(text) == []


def test_boilerplate_search_respects_start_and_end() -> None:
    text = "By Jane Doe\n\nWASHINGTON — The vote.\n\nCopyright 2026 Wire Co\nignored tail"
    start = text.index("WASHINGTON")
    found = find_boilerplate(text, start, text.index("\nignored"))
    assert [(b.kind, b.span.text) for b in found] == [
        ("dateline", "WASHINGTON — "),
        ("credit", "Copyright 2026 Wire Co"),
    ]


def test_boilerplate_in_the_middle_of_a_long_text_is_not_searched() -> None:
    filler = "The council debated the budget at length. " * 200 + "\n\n"
    text = filler + "Copyright 2026 Wire Co\n\n" + filler
    assert find_boilerplate(text) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab AB—-:|()\n,.By©2026")), max_size=300))
def test_boilerplate_offsets_are_exact_for_any_text(text: str) -> None:
    article = article_from_text(text)
    assert article.text == text
    assert_offsets_exact(article)
    starts = [b.span.start for b in article.boilerplate]
    assert starts == sorted(starts)
    for before, after in zip(article.boilerplate, article.boilerplate[1:], strict=False):
        assert before.span.end <= after.span.start


# ---- HTML -----------------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    article = read_article(FIXTURES / "page.html")
    assert article.id == str(FIXTURES / "page.html")
    assert article.title == "Harbor bridge opens after three-year delay"
    assert article.date == "2026-03-14T09:10:00+00:00"
    assert article.outlet == "Northport Ledger"
    assert article.byline == "Mara Quill"
    assert article.url == "https://ledger.example/local/harbor-bridge"
    assert "Home" not in article.text and "newsletter" not in article.text
    assert "We waited a long time for this" in article.text
    assert "\n\n" in article.text  # paragraphs, as in plain text
    assert ("dateline", "NORTHPORT, Maine (NL) — ") in [(b.kind, b.span.text) for b in article.boilerplate]
    assert_offsets_exact(article)


def test_html_date_comes_from_the_markup_not_from_a_year_in_the_text() -> None:
    paragraphs = [
        "The dam at Kessel Lake was breached on Tuesday after three days of rain, the river authority said.",
        "The authority said the dam had passed its most recent safety inspection in April 2024.",
        "About 2,400 residents of the valley were told to leave their homes before dawn on Tuesday.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    undated = article_from_html(f"<html><body><article>{body}</article></body></html>", id="u")
    assert undated.date is None  # not 2024-01-01 from "April 2024"
    meta = '<meta property="article:published_time" content="2025-11-03T14:20:00Z">'
    dated = article_from_html(
        f"<html><head>{meta}</head><body><article>{body}</article></body></html>", id="d"
    )
    assert dated.date == "2025-11-03T14:20:00+00:00"  # the time of day too: two pages of a day differ


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
         '"2025-11-03T08:00:00+01:00"}</script>', "2025-11-03T08:00:00+01:00"),
        ('<meta content="2025-11-03T09:30:00-05:00" property="article:published_time">',
         "2025-11-03T09:30:00-05:00"),
        ('<meta name="date" content="2025-11-03">', "2025-11-03"),  # no time given: the day alone
        # A time for another day (an update) never replaces the publication day.
        ('<meta property="article:published_time" content="2025-11-03">'
         '<meta property="article:modified_time" content="2025-11-05T10:00:00Z">', "2025-11-03"),
    ],
)  # fmt: skip
def test_html_publication_time_of_day_from_the_markup(head: str, date: str) -> None:
    body = (
        "<p>The dam at Kessel Lake was breached on Tuesday after three days of rain, officials said.</p>" * 3
    )
    page = f"<html><head><title>Dam</title>{head}</head><body><article>{body}</article></body></html>"
    assert article_from_html(page, id="p").date == date


def test_html_format_guessed_from_content(tmp_path: Path) -> None:
    path = tmp_path / "page.download"
    shutil.copy(FIXTURES / "page.html", path)
    assert read_article(path).outlet == "Northport Ledger"


def test_json_cut_off_before_its_end_is_reported_not_read_as_prose(tmp_path: Path) -> None:
    cut = tmp_path / "record.download"
    cut.write_text('{"id": "a1", "text": "The council voted on Monday to approve the', encoding="utf-8")
    with pytest.raises(InputError, match="is not valid JSON"):
        read_article(cut)
    listed = tmp_path / "list.download"
    listed.write_text('[{"text": "The council voted', encoding="utf-8")
    with pytest.raises(InputError, match="is not valid JSON"):
        read_article(listed)
    prose = tmp_path / "prose.download"
    prose.write_text("{ Editor's note } The council voted on Monday to approve the budget.", encoding="utf-8")
    assert read_article(prose).text.startswith("{ Editor's note }")


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>Nothing</title><style>p {}</style></head><body><script>var x = 1;</script></body></html>"
    )
    with pytest.raises(EmptyInputError, match=r"empty\.html: no article text found in the HTML"):
        read_article(path)


def test_article_from_html_directly() -> None:
    html = (FIXTURES / "page.html").read_text(encoding="utf-8")
    article = article_from_html(html, id="p1", url="https://ledger.example/x")
    assert article.id == "p1"
    assert article.text.startswith("Harbor bridge opens")


# ---- JSON and JSONL -------------------------------------------------------------------------------


def test_json_single_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    record = {
        "id": "r1",
        "text": "WASHINGTON — The vote passed.",
        "date": "March 3, 2026",
        "desk": "politics",
    }
    path.write_text(json.dumps(record))
    article = read_article(path)
    assert (article.id, article.date, article.text) == ("r1", "2026-03-03", record["text"])
    assert article.extra["desk"] == "politics"
    assert kinds(article) == ["dateline"]


def test_json_record_without_id_takes_the_path(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": "The vote passed."}))
    assert read_article(path).id == str(path)
    assert read_article(path, id="given").id == "given"


def test_json_list_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "a"}, {"text": "b"}]))
    with pytest.raises(InputError, match=r"many\.json is a JSON list of 2 records.*`retold index`"):
        read_article(path)
    assert [a.text for a in read_records(path) if isinstance(a, Article)] == ["a", "b"]


def test_jsonl_format_is_refused_by_read_article(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "a"}\n')
    with pytest.raises(InputError, match="is a JSONL file of records, not one article.*`retold index`"):
        read_article(path)
    with pytest.raises(InputError, match="is a JSONL file of records"):
        read_article(FIXTURES / "wire.txt", format="jsonl")


def test_invalid_json_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"text": "a",\n "id": }')
    with pytest.raises(InputError, match=r"bad\.json is not valid JSON \(.* line 2 column"):
        read_article(path)


def test_json_without_text_names_the_record(tmp_path: Path) -> None:
    path = tmp_path / "notext.json"
    path.write_text('{"id": "r9", "title": "T"}')
    with pytest.raises(InputError, match=r"notext\.json: the record has no 'text' \(or 'path'\) field"):
        read_article(path)


def test_jsonl_records_with_broken_lines() -> None:
    name = str(FIXTURES / "records.jsonl")
    results = list(read_records(FIXTURES / "records.jsonl"))
    assert len(results) == 6  # the blank line is skipped
    first, broken, third, a_list, no_text, from_file = results
    assert isinstance(first, Article) and first.id == "wire-1" and first.date == "2026-03-14"
    assert first.extra == {"date_raw": "14 March 2026", "section": "Local"}
    assert kinds(first) == ["dateline"]
    assert isinstance(broken, InputError) and str(broken).startswith(f"{name} line 2: not valid JSON")
    assert isinstance(third, Article) and (third.id, third.byline) == ("3", "Teo Vance")
    assert (
        isinstance(a_list, InputError)
        and str(a_list) == f"{name} line 4: a record must be a JSON object, got a JSON list"
    )
    assert isinstance(no_text, InputError) and f"{name} line 5: the record has no 'text'" in str(no_text)
    assert isinstance(from_file, Article)
    assert from_file.text == (FIXTURES / "wire.txt").read_text(encoding="utf-8")
    assert (from_file.id, from_file.outlet, from_file.title) == (
        "from-file",
        "Ledger Wire",
        "Harbor bridge opens after three-year delay",
    )


def test_record_path_that_is_missing_names_the_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "x", "path": "nowhere.txt"}\n')
    (error,) = list(read_records(path))
    assert isinstance(error, InputError)
    assert str(error) == f"{path} line 1: {tmp_path / 'nowhere.txt'} does not exist; check the path"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": 5}, "w: field 'text' must be a string, got a JSON number"),
        ({"text": "  "}, "w: field 'text' is empty; add the article text"),
        ({"text": "a", "title": ["x"]}, "w: field 'title' must be a string, got a JSON list"),
        ({"text": "a", "id": {"k": 1}}, "w: field 'id' must be a string or an integer, got a JSON object"),
        ({"text": "a", "id": 3.5}, "w: field 'id' must be a string or an integer, got a JSON number (3.5)"),
        (
            {"text": "a", "id": True},
            "w: field 'id' must be a string or an integer, got a JSON boolean (true)",
        ),
        (
            {"text": "a", "author": 5},
            "w: field 'author' (read as the byline) must be a string, got a JSON number",
        ),
    ],
)
def test_bad_record_fields(record: dict, message: str) -> None:
    with pytest.raises(InputError) as caught:
        article_from_record(record, where="w")
    assert str(caught.value) == message


@pytest.mark.parametrize("base_dir", [None, "."], ids=["current-folder", "records-folder"])
def test_a_record_path_dash_is_refused_not_read_from_standard_input(base_dir, monkeypatch) -> None:
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError("standard input was read")

    monkeypatch.setattr("sys.stdin", Untouchable())
    with pytest.raises(InputError) as caught:
        article_from_record({"path": "-"}, where="w", base_dir=base_dir)
    assert str(caught.value).startswith("w: field 'path' is \"-\", but standard input cannot be an article")


def test_record_publication_date_aliases() -> None:
    feed = article_from_record({"text": "a", "datePublished": "2024-03-05T09:00:00Z"}, where="w")
    assert feed.date == "2024-03-05T09:00:00+00:00"
    rss = article_from_record({"text": "a", "pubDate": "Tue, 05 Mar 2024 09:00:00 GMT"}, where="w")
    assert rss.date == "2024-03-05T09:00:00+00:00"
    both = article_from_record({"text": "a", "publishedAt": "2024-03-06", "date": "2024-03-05"}, where="w")
    assert both.date == "2024-03-05" and "publishedAt" not in both.extra
    # A record's generation or crawl time is not its publication date: kept, not read as the date.
    generated = article_from_record({"text": "a", "generated_date": "2023-05-05"}, where="w")
    assert generated.date is None and generated.extra["generated_date"] == "2023-05-05"


NEWSAPI_ARTICLE = {
    "source": {"id": "meridian-wire", "name": "Meridian Wire"},
    "author": "Jane Doe",
    "title": "Dam gives way above Lowmill",
    "description": "An earthen dam gave way on Monday.",
    "url": "https://example.test/dam",
    "publishedAt": "2025-11-03T16:00:00Z",
    "content": "An earthen dam above Lowmill gave way on Monday. Twelve homes were flooded, officials said.",
}


def test_a_newsapi_article_record() -> None:
    article = article_from_record(NEWSAPI_ARTICLE, where="w")
    assert article.text == NEWSAPI_ARTICLE["content"]
    assert (article.outlet, article.byline, article.title) == (
        "Meridian Wire",
        "Jane Doe",
        "Dam gives way above Lowmill",
    )
    assert article.date == "2025-11-03T16:00:00+00:00"
    assert article.extra["description"] == "An earthen dam gave way on Monday."


def test_newsapi_cut_content_is_refused() -> None:
    cut = {**NEWSAPI_ARTICLE, "content": "An earthen dam above Lowmill gave way on Monday… [+2345 chars]"}
    with pytest.raises(InputError) as caught:
        article_from_record(cut, where="feed.jsonl line 4")
    assert str(caught.value) == (
        "feed.jsonl line 4: field 'content' holds only the start of the article (NewsAPI cut it: "
        "'[+2345 chars]'); put the full text in 'text'"
    )


def test_article_text_aliases_and_text_wins() -> None:
    assert article_from_record({"maintext": "The vote passed."}, where="w").text == "The vote passed."
    assert article_from_record({"articleBody": "The vote passed."}, where="w").text == "The vote passed."
    assert article_from_record({"content": None, "body": "The vote passed."}, where="w").text == (
        "The vote passed."
    )
    # A null 'text' (an export with the column empty) is no text: the alias gives it.
    assert article_from_record({"text": None, "content": "The vote passed."}, where="w").text == (
        "The vote passed."
    )
    both = article_from_record({"content": "A teaser.", "text": "The vote passed."}, where="w")
    assert both.text == "The vote passed." and both.extra["content"] == "A teaser."
    # Only the text itself is checked for NewsAPI's cut mark: a real text may end that way.
    assert article_from_record({"text": "He typed [+5 chars]"}, where="w").text == "He typed [+5 chars]"


def test_a_path_wins_over_a_text_alias(tmp_path: Path) -> None:
    full = tmp_path / "full.txt"
    full.write_text("The council voted on Tuesday to close the bridge for a month.", encoding="utf-8")
    for teaser in ("A short teaser.", "", "The council voted… [+3412 chars]"):
        article = article_from_record({"path": str(full), "content": teaser}, where="w")
        assert article.text.startswith("The council voted on Tuesday")
        assert article.extra["content"] == teaser


def test_jsonl_invalid_utf8_line_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n{"text": "ok"}\n')
    bad, good = list(read_records(path))
    assert isinstance(bad, InputError) and "line 1: not valid UTF-8 (byte 0xe9" in str(bad)
    assert isinstance(good, Article) and good.text == "ok"


def test_read_records_refuses_empty_and_single_articles(tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n  \n")
    with pytest.raises(EmptyInputError, match="holds no records"):
        list(read_records(empty))
    with pytest.raises(InputError, match="is one text article, not a file of records"):
        list(read_records(FIXTURES / "wire.txt"))


# ---- stdin ----------------------------------------------------------------------------------------


def fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, "By Jane Doe\n\nWASHINGTON — The vote passed.\n".encode())
    article = read_article("-")
    assert article.id == "-"
    assert kinds(article) == ["byline", "dateline"]


def test_stdin_json_and_records(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b'{"id": "s1", "text": "The vote passed."}')
    assert read_article("-").id == "s1"
    fake_stdin(monkeypatch, b'{"id": "a", "text": "x"}\nnot json\n')
    first, second = list(read_records("-"))
    assert isinstance(first, Article) and first.id == "a"
    assert isinstance(second, InputError) and str(second).startswith("- line 2: not valid JSON")


def test_stdin_bad_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b"")
    with pytest.raises(EmptyInputError, match="^- is empty"):
        read_article("-")
    fake_stdin(monkeypatch, b"abc\xff")
    with pytest.raises(InputError, match=r"^- is not valid UTF-8 \(byte 0xff at offset 3\)"):
        read_article("-")


# ---- bad input ------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    with pytest.raises(InputError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path} does not exist; check the path"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not an article file"):
        read_article(tmp_path)
    with pytest.raises(InputError, match="is a directory"):
        list(read_records(tmp_path))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty; give a file that holds the article text"),
        (b" \n\t\r\n  ", "holds only whitespace"),
        (b"\xef\xbb\xbf", "is empty"),
    ],
)
def test_empty_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with pytest.raises(EmptyInputError, match=message):
        read_article(path)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40,  # zip header
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)) * 8,
        b"text at first " * 1000 + b"\x00",  # a NUL far past the sniffed head
        gzip.compress(bytes((i * 7919) % 251 for i in range(4000))),
        b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x03\x00>\x00\x01",  # an executable
    ],
)
def test_binary_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path} looks like a binary file, not an article"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café a ouvert lundi.".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path} is not valid UTF-8 (byte 0xe9 at offset 6); convert it to UTF-8"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Президент провёл совещание в Москве. Участники обсудили бюджет на следующий год.", "cp1251"),
        ("أعلنت الحكومة يوم الاثنين عن خطة جديدة لبناء المدارس في المدن الكبرى.", "cp1256"),
        ("東京都は月曜日、新しい防災センターを建設すると発表した。", "shift_jis"),
        ("市政府周二宣布，将在明年春天开放三座新的公共图书馆。", "gb2312"),
    ],
)
def test_text_in_a_legacy_encoding_is_named_not_called_binary(
    tmp_path: Path, text: str, encoding: str
) -> None:
    # Nearly every byte is >= 0x80, but there is no NUL or control byte: text to convert, not binary.
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(
        InputError, match=r"is not valid UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\); convert it to UTF-8"
    ):
        read_article(path)


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("The vote passed.".encode("utf-16"))
    with pytest.raises(InputError, match="is UTF-16 text; convert it to UTF-8"):
        read_article(path)


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        read_article(FIXTURES / "wire.txt", format="pdf")


def test_format_text_reads_json_looking_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes"
    path.write_text("{draft} The vote passed on Tuesday.\n")
    assert read_article(path).text == "{draft} The vote passed on Tuesday.\n"  # guessed JSON, fell back
    path.write_text('{"text": "inner"}')
    assert read_article(path, format="text").text == '{"text": "inner"}'


def test_large_text_reads_and_finds_edges(tmp_path: Path) -> None:
    # 20 MB with a dateline and a credit at the two ends; must be linear (no wall-clock assertion here:
    # the scan only looks at the edges, which the middle copyright line below proves).
    paragraph = "The council debated the budget line by line until late in the evening. " * 10 + "\n\n"
    middle = "Copyright 2026 Not A Credit Here\n\n"
    body = paragraph * 14_000 + middle + paragraph * 14_000
    path = tmp_path / "big.txt"
    path.write_text("WASHINGTON — " + body + "Reporting by Jane Doe\n", encoding="utf-8")
    article = read_article(path)
    assert [(b.kind, b.span.text) for b in article.boilerplate] == [
        ("dateline", "WASHINGTON — "),
        ("credit", "Reporting by Jane Doe"),
    ]


# ---- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2026-03-14", "2026-03-14"),
        ("2026-03-14T09:10:00Z", "2026-03-14T09:10:00+00:00"),
        ("March 14, 2026", "2026-03-14"),
        ("14 March 2026", "2026-03-14"),
        ("Updated 14 March 2026 09:10 GMT", "2026-03-14T09:10:00+00:00"),
        ("March 2026", "2026-03"),
        ("2026", "2026"),
        ("March 14", None),  # no year: it would have to be guessed
        ("next week", None),
        # Offsets of a day or more, and years pushed out of range by their offset: unreadable, no crash.
        ("2025-11-03T19:05:00+25:00", None),
        ("Nov 3, 2025 7:05 pm GMT+30", None),
        ("0001-01-01T00:00:00+01:00", None),
        ("9999-12-31T23:00:00-05:00", None),
        # A zone name is placed when it is unambiguous; otherwise only the day is kept, not a wrong instant.
        ("2025-11-03 19:05 EST", "2025-11-03T19:05:00-05:00"),
        ("2025-11-03 19:05 CST", "2025-11-03"),
        # Day and month that could be either way round: only the year is certain.
        ("03/11/2025", "2025"),
        ("March 3, 2025 10:00 PM", "2025-03-03T22:00:00"),  # PM is no zone
        ("2025-03-03 10:00 AM", "2025-03-03T10:00:00"),
        ("13/11/2025", "2025-11-13"),
        # Month names of other languages.
        ("10. März 2025", "2025-03-10"),
        ("3 mars 2025", "2025-03-03"),
        ("10 de marzo de 2025", "2025-03-10"),
        ("1 août 2025 à 14:00", "2025-08-01T14:00:00"),
        # Unix time from a feed: seconds or milliseconds.
        ("1741600000", "2025-03-10T09:46:40+00:00"),
        ("1741600000123", "2025-03-10T09:46:40.123000+00:00"),
        ("2025031012", None),  # a compact date and hour, not Unix time
        ("10 marca 2025", "2025-03-10"),  # Polish writes the month in the genitive
        ("12 października 2024", "2024-10-12"),
    ],
)
def test_normalize_date(raw: str, iso: str | None) -> None:
    assert normalize_date(raw) == iso


def test_crlf_header_and_title() -> None:
    text = "Title: A\r\nDate: 2026-03-14\r\n\r\nBridge opens\r\n\r\nWASHINGTON — The vote passed.\r\n"
    article = article_from_text(text)
    assert kinds(article) == ["header", "title", "dateline"]
    assert article.boilerplate[0].span.text == "Title: A\r\nDate: 2026-03-14"
    assert article.boilerplate[1].span.text == "Bridge opens"
    assert_offsets_exact(article)


def test_json_list_record_errors_name_the_record(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "a"}, {"title": "no text"}, "oops"]))
    good, missing, oops = list(read_records(path))
    assert isinstance(good, Article) and good.id == f"{path} record 1"
    assert str(missing).startswith(f"{path} record 2: the record has no 'text'")
    assert str(oops) == f"{path} record 3: a record must be a JSON object, got a JSON string"


def test_reading_text_does_not_import_trafilatura(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "a.txt"
    path.write_text("The vote passed.\n")
    code = f"import sys; from retold.read import read_article; read_article({str(path)!r}); print('trafilatura' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_dateline_with_no_break_spaces_is_boilerplate() -> None:
    text = "PORT\u00a0ELIAS, Nov.\u00a03 (Meridian\u00a0Wire)\u00a0—\u00a0The dam broke on Monday.\n\nFour died.\n"
    article = article_from_text(text)
    assert [(b.kind, b.span.text) for b in article.boilerplate] == [
        ("dateline", "PORT\u00a0ELIAS, Nov.\u00a03 (Meridian\u00a0Wire)\u00a0—\u00a0")
    ]


@pytest.mark.parametrize("space", [" \u200b", "\u200b ", "  "])
def test_a_dateline_with_doubled_or_invisible_spaces_is_boilerplate(space: str) -> None:
    # A CMS that puts a zero-width space after every space leaves two spaces' worth between words once
    # the invisible one is read as a space; the agency and a Title-case place must still match.
    for opening in ("PORT ELIAS, Nov. 3 (Meridian Wire) — ", "Port Elias, Nov. 3 (Meridian Wire) — "):
        dateline = opening.replace(" ", space)
        article = article_from_text(dateline + "The dam broke on Monday.\n\nFour died.\n")
        assert [(b.kind, b.span.text) for b in article.boilerplate] == [("dateline", dateline)]


def test_content_sniffing_on_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_stdin(data: str) -> Article:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
        return read_article("-")

    paragraphs = "".join(
        f"<p>{sentence}</p>"
        for sentence in [
            "The dam broke on Monday after heavy rain, officials said. Four people died in the valley below.",
            "Rescue teams from four towns were sent to the area, and the army will help build a barrier.",
        ]
    )
    page = f"<html><body><article>{paragraphs}</article></body></html>"
    saved = from_stdin("<!-- saved from url=(0040)https://example.org/ -->\n" + page)
    assert saved.text.startswith("The dam broke") and "<" not in saved.text
    assert from_stdin('<?xml version="1.0"?>\n' + page).text.startswith("The dam broke")
    with pytest.raises(InputError, match="is not valid JSON"):  # a record with a trailing comma
        from_stdin('{"title": "Dam collapses",\n "text": "The dam broke on Monday.",\n}\n')
    assert from_stdin("{Editorial} The dam broke on Monday.\n").text.startswith("{Editorial}")


_BODY = (
    "<p>The dam broke on Monday after heavy rain, officials said. Four people died in the valley below.</p>"
    "<p>Rescue teams from four towns were sent to the area, and the army will help build a barrier.</p>"
)


def test_an_html_page_in_the_charset_it_declares(tmp_path: Path) -> None:
    path = tmp_path / "latin1.html"
    page = f'<html><head><meta charset="iso-8859-1"><title>Café</title></head><body><article>{_BODY}</article></body></html>'
    path.write_bytes(page.encode("latin-1"))
    article = read_article(path)
    assert article.title == "Café" and article.text.startswith("The dam broke")
    undeclared = tmp_path / "latin1.txt"
    undeclared.write_bytes("Café on the corner.".encode("latin-1"))
    with pytest.raises(InputError, match="is not valid UTF-8"):
        read_article(undeclared)


def test_an_xhtml_page_in_the_encoding_its_xml_declaration_names(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xhtml"
    page = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>Café</title></head><body><article>{_BODY}</article></body></html>"
    )
    path.write_bytes(page.encode("latin-1"))
    article = read_article(path)
    assert article.title == "Café" and article.text.startswith("The dam broke")


def test_an_html_page_whose_metadata_cannot_be_read_still_gives_its_text() -> None:
    meta = '<meta property="article:published_time" content="2025-11-03T19:05:00+25:00">'
    article = article_from_html(
        f"<html><head>{meta}</head><body><article>{_BODY}</article></body></html>", id="p"
    )
    assert article.text.startswith("The dam broke") and article.date is None


@pytest.mark.parametrize("newline", ["\r", "mixed"])
def test_cr_and_mixed_line_endings_keep_the_header(newline: str) -> None:
    original = (Path(__file__).parents[1] / "examples" / "copy-light-edit.txt").read_text(encoding="utf-8")
    lines = original.split("\n")
    if newline == "\r":
        text = "\r".join(lines)
    else:  # CR, CRLF and LF in one file, as files edited on several systems get
        text = "".join(line + ("\r", "\r\n", "\n")[i % 3] for i, line in enumerate(lines))
    article = article_from_text(text)
    expected = article_from_text(original)
    assert (article.title, article.date, article.outlet) == (expected.title, expected.date, expected.outlet)
    assert len(article.text) == len(text)  # one character for one: offsets unchanged


def test_a_records_language_is_used_not_guessed() -> None:
    assert article_from_record({"text": "The vote passed.", "language": "pt-BR"}, where="w").language == "pt"
    named = article_from_record({"text": "The vote passed.", "language": "English"}, where="w")
    assert named.language is None and named.extra["language"] == "English"  # not a code: kept, then guessed
    for code in ("eng", "und", "mul"):
        assert article_from_record({"text": "The vote passed.", "language": code}, where="w").language is None
