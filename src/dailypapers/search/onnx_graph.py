"""Load-time clean-up of a sentence-transformer's ONNX graph that leaves every output bit for bit the same.

PyTorch's exporter guards each attention softmax with `Where(IsNaN(p), 0, p)`: a softmax row is NaN only when every
key is masked out, which never happens here (every text keeps at least its [CLS] token, and only padding keys are
masked). The guard still reads and writes the whole batch x heads x tokens x tokens tensor twice per layer: about
30% of the shipped MiniLM's run time at 256 tokens (bench/RESULTS.md). Dropping it changes no vector, so vectors
stored before stay valid.
"""

from __future__ import annotations

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
