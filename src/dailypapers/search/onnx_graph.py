"""Load-time clean-up of a sentence-transformer's ONNX graph that leaves every output bit for bit the same.

PyTorch's exporter guards each attention softmax with `Where(IsNaN(p), 0, p)`: a softmax row is NaN only when every
key is masked out, which never happens here (every text keeps at least its [CLS] token, and only padding keys are
masked). The guard still reads and writes the whole batch x heads x tokens x tokens tensor twice per layer: about
30% of the shipped MiniLM's run time at 256 tokens (bench/RESULTS.md). Dropping it changes no vector, so vectors
stored before stay valid.

`quantized` goes further and does change the vectors (hence its own model name, `minilm-q8`): the shipped "int8"
file keeps int8 weights behind DequantizeLinear nodes that onnxruntime folds back to float32 at load, so every
MatMul runs in float32. Folding them ourselves and quantizing each weight matrix per output channel (activations
quantized per batch at run time) lets the MatMuls run as integer kernels (VNNI where the CPU has it): about twice
the papers/s at 256 tokens, vectors at cosine 0.995 to the float ones (bench/RESULTS.md, "Embedding throughput").
Per-tensor scales were as fast but cosine 0.93, which loses quality.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx


def drop_nan_guards(graph: onnx.GraphProto) -> int:
    """Rewire the consumers of every `Where(IsNaN(x), c, x)` that follows a Softmax to `x` itself, and remove the
    guard. Returns how many guards were removed."""
    producer = {out: node for node in graph.node for out in node.output}
    guards = []
    for node in graph.node:
        if node.op_type != "Where" or len(node.input) != 3:
            continue
        check = producer.get(node.input[0])
        source = producer.get(node.input[2])
        if (check is None or check.op_type != "IsNaN" or check.input[0] != node.input[2]
                or source is None or source.op_type != "Softmax"):
            continue
        guards.append((node, check))
    for where, check in guards:
        kept = where.input[2]
        for node in graph.node:
            for i, name in enumerate(node.input):
                if name == where.output[0]:
                    node.input[i] = kept
        graph.node.remove(where)
        if not any(check.output[0] in node.input for node in graph.node):
            graph.node.remove(check)
    return len(guards)


def streamlined(model_file: Path) -> bytes | str:
    """The model for onnxruntime.InferenceSession: the cleaned graph as bytes, or the file's path when there was
    nothing to clean (or the `onnx` package is missing, which costs only speed)."""
    try:
        import onnx
    except ImportError:  # pragma: no cover - a declared dependency
        return str(model_file)
    model = onnx.load(str(model_file))
    if not drop_nan_guards(model.graph):
        return str(model_file)
    return model.SerializeToString()


def quantized(model_file: Path) -> bytes:
    """The streamlined model with every MatMul weight quantized to int8 per output channel (dynamic quantization).
    Deterministic for a given model file and onnxruntime version; takes about 2 s, once per process."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="dailypapers-q8-") as tmp:
        clean, folded, out = (Path(tmp) / name for name in ("clean.onnx", "folded.onnx", "q8.onnx"))
        model = streamlined(model_file)
        clean.write_bytes(model if isinstance(model, bytes) else Path(model).read_bytes())
        # Constant folding turns DequantizeLinear(int8 weight) into plain float32 initializers to quantize.
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(clean), options, providers=["CPUExecutionProvider"])
        # The quantizer logs on the root logger: advice meant for image models, and a line per activation whose
        # range is computed at run time (which is what dynamic quantization means). Neither concerns our users.
        quiet = _FromQuantizer()
        logging.getLogger().addFilter(quiet)
        try:
            quantize_dynamic(folded, out, per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.getLogger().removeFilter(quiet)
        return out.read_bytes()


class _FromQuantizer(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "quantization" not in Path(record.pathname).parts
