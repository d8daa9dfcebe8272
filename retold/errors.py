"""The one exception tree of retold.

Every error that reaches a person is a sentence that names the input (file, record id, line) and,
where there is one, the fix. The CLI turns any ``RetoldError`` into one red line and exit code 1.

    RetoldError
    ├── InputError            an article or pairs file cannot be read or makes no sense
    │   └── EmptyInputError   the input holds no text to compare
    ├── OutputError           a report or result file cannot be written where asked
    ├── ModelUnavailableError an optional part (embedding model, spaCy pipeline) is not installed
    └── StoreError            the collection store cannot be opened, is locked, or is of another version
"""

from __future__ import annotations


class RetoldError(Exception):
    """Base class of every error retold raises on purpose."""


class InputError(RetoldError):
    """An input (file, record, stdin) cannot be read or is not an article."""


class EmptyInputError(InputError):
    """The input was read but holds no text."""


class OutputError(RetoldError):
    """A report or result cannot be written where asked (unwritable folder, the output is an input)."""


class ModelUnavailableError(RetoldError):
    """An optional model or package is missing; the message carries the install command."""


class StoreError(RetoldError):
    """The collection store cannot be used as asked."""
