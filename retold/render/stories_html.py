"""The browsable stories report: an index of stories, one page per story, one compare report per edge.

``write_stories_report(collection, stories, folder)`` writes plain static files (no server, no
JavaScript needed for the story pages); each edge links to the pair's full compare report, rendered by
``retold.render.html`` from a fresh comparison of the stored texts.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path
from typing import Any

from retold.errors import OutputError
from retold.stories import Story

_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222;
overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } td, th { padding: .3em .6em; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: top; } th { background: #f4f4f4; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.4em; border-left: 1px dotted #aaa; }
.label { font-size: 85%; padding: 0 .4em; border-radius: .3em; background: #eee; }
.wholly_derived { background: #f8c9c4; } .partially_derived { background: #fde3b5; }
.same_story { background: #cfe3f7; } .origin { font-weight: bold; } .dim { color: #777; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _slug(text: str) -> str:
    # No leading dot: "./in/a.txt" would make a hidden file that web servers and `cp dir/*` skip.
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).lstrip(".")[:80] or "article"


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body>{body}</body></html>"
    )


def write_stories_report(collection: Any, stories: list[Story], folder: str | os.PathLike[str]) -> Path:
    """Write ``index.html``, ``<story>.html`` and ``pairs/<source>__<derived>.html`` under ``folder``.

    Returns the path of ``index.html``.
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; give --output a folder name")
    try:
        (out / "pairs").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot write the report to {out}: {error.strerror}") from None
    titles = collection.titles({a for s in stories for a in s.articles})
    try:
        return _write_pages(collection, stories, titles, out)
    except OSError as error:  # a folder where a page goes, a page we may not overwrite, a full disk
        where = error.filename or out
        raise OutputError(f"cannot write the report to {out}: {where}: {error.strerror}") from None


# The names of the pages this module writes; only such files are removed when a story or pair is gone.
_STORY_PAGE = re.compile(r"story-[0-9a-f]{10}\.html")
_PAIR_PAGE = re.compile(r".+__.+-[0-9a-f]{8}\.html")


def _write_pages(collection: Any, stories: list[Story], titles: dict[str, str | None], out: Path) -> Path:
    rows = []
    written: set[Path] = set()
    for story in stories:
        rows.append(
            f'<tr><td><a href="{_e(story.id)}.html">{_e(story.id)}</a></td><td>{len(story.articles)}</td>'
            f"<td><bdi>{_e(story.origin)}</bdi></td><td><bdi>{_e(titles.get(story.origin or '', ''))}</bdi></td></tr>"
        )
        (out / f"{story.id}.html").write_text(_story_page(story, titles), encoding="utf-8")
        written.add(out / f"{story.id}.html")
        for edge in story.edges:
            written.add(_write_pair_page(collection, edge.source, edge.derived, out / "pairs", story.id))
    # A report written again into its folder: the pages of stories and pairs that no longer exist go,
    # or the folder would hold pages its index no longer lists.
    stale = [p for p in out.iterdir() if _STORY_PAGE.fullmatch(p.name) and p not in written]
    stale += [p for p in (out / "pairs").iterdir() if _PAIR_PAGE.fullmatch(p.name) and p not in written]
    for page in stale:
        page.unlink()
    index = _page(
        "retold stories",
        f"<h1>Stories</h1><p>{len(stories)} stories.</p><table><tr><th>story</th><th>articles</th>"
        f"<th>origin</th><th>title</th></tr>{''.join(rows)}</table>",
    )
    (out / "index.html").write_text(index, encoding="utf-8")
    return out / "index.html"


def pair_file_name(source: str, derived: str) -> str:
    """A file name per pair: readable slugs, plus a hash so that ids differing only in punctuation differ."""
    digest = hashlib.sha1(f"{source}\n{derived}".encode()).hexdigest()[:8]
    return f"{_slug(source)}__{_slug(derived)}-{digest}.html"


def _story_page(story: Story, titles: dict[str, str | None]) -> str:
    children: dict[str, list[Any]] = {}
    for edge in story.edges:
        children.setdefault(edge.source, []).append(edge)

    def item(article: str, edge: Any, seen: set[str]) -> str:
        head = f'<span class="{"origin" if edge is None else ""}"><bdi>{_e(article)}</bdi></span> '
        head += f'<span class="dim">{_e(titles.get(article))}</span>'
        if edge is not None:
            head += (
                f' <span class="label {edge.label}">{edge.label} {edge.reuse:.0%}</span>'
                f' <span class="dim">confidence {edge.confidence:.0%}</span>'
                f' <a href="pairs/{_e(pair_file_name(edge.source, edge.derived))}">compare report</a>'
            )
        kids = [
            e for e in sorted(children.get(article, []), key=lambda e: e.derived) if e.derived not in seen
        ]
        seen.update(e.derived for e in kids)
        inner = "".join(item(e.derived, e, seen) for e in kids)
        return f"<li>{head}{f'<ul>{inner}</ul>' if inner else ''}</li>"

    tree = f'<ul class="tree">{item(story.origin or story.articles[0], None, {story.origin or ""})}</ul>'
    timeline = sorted(story.members, key=lambda m: (m.date or "9999", m.id))
    rows = "".join(
        f"<tr><td>{_e(m.date or '—')}</td><td><bdi>{_e(m.id)}</bdi></td><td><bdi>{_e(titles.get(m.id))}</bdi></td>"
        f"<td><bdi>{_e(m.parent or '—')}</bdi></td><td>{m.reuse:.0%}</td><td>{m.added:.0%}</td></tr>"
        for m in timeline
    )
    return _page(
        story.id,
        f'<p><a href="index.html">← all stories</a></p><h1>{_e(story.id)}</h1>'
        f"<p>{len(story.articles)} articles; origin <b><bdi>{_e(story.origin)}</bdi></b>.</p>"
        f"<h2>Derivation tree</h2>{tree}<h2>Timeline</h2><table><tr><th>date</th><th>article</th>"
        f"<th>title</th><th>took from</th><th>share taken</th><th>share added</th></tr>{rows}</table>",
    )


def _write_pair_page(collection: Any, source: str, derived: str, folder: Path, story_id: str) -> Path:
    from retold.render.html import render_html

    path = folder / pair_file_name(source, derived)
    back = [(f"../{story_id}.html", f"← story {story_id}"), ("../index.html", "all stories")]
    path.write_text(render_html(collection.recompare(source, derived), back_links=back), encoding="utf-8")
    return path
