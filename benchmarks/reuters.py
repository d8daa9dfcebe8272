"""Load Reuters-21578 (Distribution 1.0) SGML into retold Articles, for benchmarks only.

The corpus is research-only: it is read from ../shared/datasets and never copied into the repository.
Only the 19,043 records with a ``<BODY>`` are returned (the other 2,535 carry a title at most).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from retold.article import Article

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "reuters21578"

_RECORD = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_DATE = re.compile(r"<DATE>\s*(.*?)\s*</DATE>", re.S)
# Every body ends with the wire's sign-off "Reuter" (sometimes "REUTER") and a control character.
_SIGNOFF = re.compile(r"\s*\bReuter\b\s*&#3;\s*$|\s*&#3;\s*$", re.I)


def _iso_date(raw: str) -> str | None:
    # "26-FEB-1987 15:01:01.79": keep the second; the hundredths are noise for ordering stories.
    try:
        return datetime.strptime(raw.split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def iter_reuters(folder: Path = DEFAULT_DIR) -> Iterator[Article]:
    """Yield one Article per Reuters record with a body, in NEWID order within each file."""
    files = sorted(folder.glob("reut2-*.sgm"))
    if not files:
        raise FileNotFoundError(f"no reut2-*.sgm files in {folder}")
    for path in files:
        # One of the 22 files holds bytes that are not UTF-8; latin-1 reads every byte.
        raw = path.read_bytes().decode("latin-1")
        for match in _RECORD.finditer(raw):
            newid, record = match.groups()
            body = _BODY.search(record)
            if body is None:
                continue
            title = _TITLE.search(record)
            date = _DATE.search(record)
            text = html.unescape(_SIGNOFF.sub("", body.group(1))).strip()
            yield Article(
                text=text,
                id=f"reuters-{newid}",
                title=html.unescape(title.group(1)).strip() if title else None,
                date=_iso_date(date.group(1)) if date else None,
                outlet="Reuters",
            )


def write_jsonl(articles: list[Article], path: Path) -> Path:
    """Write articles as the JSONL records `retold index` reads (id, title, date, outlet, text)."""
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            record = {"id": a.id, "title": a.title, "date": a.date, "outlet": a.outlet, "text": a.text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    docs = list(iter_reuters())
    print(f"{len(docs)} Reuters records with a body")
