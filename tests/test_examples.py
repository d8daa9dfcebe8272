"""The bundled examples (examples/) are well-formed: `make demo`, the docs and other tests rely on them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The Makefile, examples/README.md and docs name these files; renaming one breaks them.
ARTICLES = [
    "wire-original.txt",
    "copy-light-edit.txt",
    "rewrite-paraphrased.txt",
    "independent-report.txt",
    "unrelated.txt",
    "wire-update.txt",
    "urdu-original.txt",
    "urdu-copy.txt",
]
HEADER_KEYS = {"title", "date", "outlet", "url", "byline"}
HEADER_LINE = re.compile(r"^([a-z_]+): (.+)$")
# "PORT ELIAS, Nov. 3 (Meridian Wire) — " or "ساحل پور، 5 نومبر — ": place, date, optional outlet, dash.
DATELINE = re.compile(r"^[^\n—]{3,60}[,،] [^\n—]{3,30} (\([^)\n]+\) )?— \S")
BROKEN_ID = "broken-no-derived"


def split_article(name: str) -> tuple[dict[str, str], str]:
    raw = (EXAMPLES / name).read_bytes()
    text = raw.decode("utf-8")  # raises on anything that is not UTF-8
    header_block, sep, body = text.partition("\n\n")
    assert sep, f"{name}: no blank line after the header block"
    header: dict[str, str] = {}
    for line in header_block.splitlines():
        match = HEADER_LINE.match(line)
        assert match, f"{name}: header line {line!r} is not 'key: value'"
        header[match.group(1)] = match.group(2)
    return header, body


@pytest.mark.parametrize("name", ARTICLES)
def test_article_has_header_and_dateline(name: str) -> None:
    header, body = split_article(name)
    assert set(header) == HEADER_KEYS, f"{name}: header keys {sorted(header)}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", header["date"]), header["date"]
    assert header["url"].startswith("https://") and ".example/" in header["url"], "URLs stay fictional"
    assert DATELINE.match(body), f"{name}: body does not start with a dateline: {body[:60]!r}"
    assert not body.startswith((" ", "\n")) and body.endswith("\n")
    assert "\r" not in body


def test_english_articles_are_news_length() -> None:
    for name in ARTICLES[:4]:
        words = len(split_article(name)[1].split())
        assert 400 <= words <= 750, f"{name}: {words} words"


def test_urdu_articles_use_urdu_punctuation() -> None:
    for name in ("urdu-original.txt", "urdu-copy.txt"):
        body = split_article(name)[1]
        assert "۔" in body and "؟" in body
        assert re.search(r"[\u0600-\u06ff]", body)


def read_pairs() -> list[tuple[int, dict]]:
    lines = (EXAMPLES / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, 1) if line.strip()]


def side_is_valid(side: object) -> bool:
    if not isinstance(side, dict):
        return False
    if "path" in side:
        return isinstance(side["path"], str) and (ROOT / side["path"]).is_file()
    return isinstance(side.get("text"), str) and bool(side["text"].strip())


def test_pairs_lines_parse_and_point_at_files() -> None:
    pairs = read_pairs()
    ids = [record["id"] for _, record in pairs]
    assert len(ids) == len(set(ids)), "ids are unique"
    valid = [record for _, record in pairs if record["id"] != BROKEN_ID]
    for record in valid:
        assert side_is_valid(record.get("source")), record["id"]
        assert side_is_valid(record.get("derived")), record["id"]
    derived_paths = {record["derived"].get("path") for record in valid}
    for name in ARTICLES:
        if name not in ("wire-original.txt", "urdu-original.txt"):
            assert f"examples/{name}" in derived_paths, f"{name} is not in pairs.jsonl"
    assert any("text" in record["derived"] for record in valid), "one pair uses inline text"


def test_pairs_has_exactly_one_broken_line() -> None:
    broken = [record for _, record in read_pairs() if not side_is_valid(record.get("derived"))]
    assert [record["id"] for record in broken] == [BROKEN_ID]
    assert "derived" not in broken[0]


def test_examples_readme_names_every_file() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in [*ARTICLES, "pairs.jsonl"]:
        assert f"`{name}`" in readme, name


def test_makefile_uses_existing_examples() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for path in re.findall(r"examples/[\w.-]+", makefile):
        assert (ROOT / path).is_file(), f"Makefile names missing {path}"


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "one code block"
    assert blocks[0].split("\n")[:-1] == ["make demo", "make test"]


def test_usage_doc_covers_every_compare_option() -> None:
    from retold.cli import cli

    compare = cli.commands.get("compare")  # type: ignore[attr-defined]
    if compare is None:
        pytest.skip("`retold compare` is not in the CLI yet")
    usage = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
    for param in compare.params:
        for option in param.opts:
            if option.startswith("-"):
                assert f"`{option}" in usage, f"docs/usage.md does not describe {option}"
