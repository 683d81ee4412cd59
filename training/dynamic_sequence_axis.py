"""Makes the sequence axis of a UNet's encoder_hidden_states dynamic in an existing ONNX export.

Long prompts are encoded in 77-token chunks and concatenated (AUTOMATIC1111's rule), so the UNet must take a context
of 77·k positions. Exports made before train.py named that axis have it fixed at 77; cross-attention itself reads the
context length from the tensor's shape, so renaming the dimension is enough, as long as no node bakes 77 into a
constant (checked here) and no stale shape annotation pins it (cleared here).

    /usr/bin/python3 training/dynamic_sequence_axis.py models/tiny-shapes/unet/model.onnx

Only the input's declared shape changes: the weights and every node stay byte-identical, so images from prompts
that fit in one chunk are unchanged.
"""
import sys

import onnx
from onnx import numpy_helper

INPUT = "encoder_hidden_states"
AXIS = 1
NAME = "sequence"


def make_dynamic(path):
    # Large exports keep their weights beside the graph (external data): only the graph is read and rewritten.
    model = onnx.load(path, load_external_data=False)
    declared = next((i for i in model.graph.input if i.name == INPUT), None)
    if declared is None:
        raise SystemExit(f"{path} has no input '{INPUT}'")
    dim = declared.type.tensor_type.shape.dim[AXIS]
    if dim.HasField("dim_param"):
        print(f"{path}: {INPUT} axis {AXIS} is already dynamic ('{dim.dim_param}')")
        return
    fixed = dim.dim_value

    # A Reshape whose target shape is a constant holding the fixed length would break on a longer context.
    for node in model.graph.node:
        if node.op_type == "Constant":
            values = numpy_helper.to_array(node.attribute[0].t).flatten().tolist()
            if len(values) <= 8 and fixed in values:
                raise SystemExit(f"{path}: constant {node.name} holds {fixed}; rewrite the node that uses it first")

    dim.Clear()
    dim.dim_param = NAME
    # Shape annotations inferred at export time may carry the fixed length; the runtime infers them again.
    del model.graph.value_info[:]
    onnx.save(model, path)
    onnx.checker.check_model(path)
    print(f"{path}: {INPUT} is now [{', '.join(d.dim_param or str(d.dim_value) for d in declared.type.tensor_type.shape.dim)}]")


if __name__ == "__main__":
    for argument in sys.argv[1:] or ["models/tiny-shapes/unet/model.onnx"]:
        make_dynamic(argument)
