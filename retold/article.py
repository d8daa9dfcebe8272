"""Articles and the character spans that point into them.

Every offset retold reports is a character offset into ``Article.text``: for a plain-text file that is
the decoded file as read (header block included, so offsets match the file a user opens; a lone CR line
break reads as LF, one character for one); for
HTML it is the main text trafilatura extracted; for a JSON/JSONL record it is the record's ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BoilerplateKind = Literal["header", "title", "dateline", "byline", "credit"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of an article's text, with the text it covers."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A span that is reported but never counts as content: header, dateline, byline, credit line."""

    kind: BoilerplateKind
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.span.to_dict()}


@dataclass(slots=True)
class Article:
    """One news article: its text and what is known about it.

    Args:
        text: the full text that offsets point into.
        id: the record's id, or the path as given, or ``None`` for text passed in directly.
        boilerplate: spans of ``text`` that are not content (found by ``retold.read``).
        language: ISO 639-1 code guessed from the script when not given (``retold.segment``).
    """

    text: str
    id: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    byline: str | None = None
    language: str | None = None
    boilerplate: list[Boilerplate] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """The article's fields as JSON-ready metadata (no text)."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "outlet": self.outlet,
            "url": self.url,
            "byline": self.byline,
            "language": self.language,
            "boilerplate": [b.to_dict() for b in self.boilerplate],
        }
        data.update({k: v for k, v in self.extra.items() if k not in data})
        return data

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])
