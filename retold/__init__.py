"""retold: find copied and rewritten news, explain every answer with aligned passages.

>>> import retold
>>> result = retold.compare("The mayor said 5 people died.", "The mayor said five people died.")
>>> result.verdict.label
'wholly_derived'
"""

from __future__ import annotations

from retold.article import Article, Boilerplate, Span
from retold.errors import (
    EmptyInputError,
    InputError,
    ModelUnavailableError,
    RetoldError,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Boilerplate",
    "Collection",
    "Comparison",
    "Comparer",
    "EmptyInputError",
    "InputError",
    "ModelUnavailableError",
    "Passage",
    "RetoldError",
    "Span",
    "StoreError",
    "Verdict",
    "compare",
    "read_article",
]


def __getattr__(name: str):  # lazy: `import retold` stays fast; heavy parts load on first use
    if name in ("compare", "Comparer", "Comparison"):
        from retold import comparison

        return getattr(comparison, name)
    if name == "Passage":
        from retold.align import Passage

        return Passage
    if name == "Verdict":
        from retold.verdict import Verdict

        return Verdict
    if name == "Collection":
        from retold.collection import Collection

        return Collection
    if name == "read_article":
        from retold.read import read_article

        return read_article
    raise AttributeError(f"module 'retold' has no attribute {name!r}")
