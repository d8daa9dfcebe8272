"""JSON output: exactly ``Comparison.to_dict()``, the form documented in docs/json-schema.md."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retold.comparison import Comparison


def render_json(comparison: Comparison) -> str:
    """One JSON object on one line (so a run over many pairs is valid JSON Lines).

    Non-ASCII text is written as is rather than escaped: news is multilingual, and offsets are easier to
    check against the text when the text reads as it did in the article.
    """
    return json.dumps(comparison.to_dict(), ensure_ascii=False)
