"""Rebuilds a train.py checkpoint (the PyTorch weights `--resume` and `evaluate.py --torch` read) from a model
folder's ONNX graphs, for models whose PyTorch weights were not kept.

    /usr/bin/python3 training/recover_checkpoint.py --model models/tiny-shapes --out tiny-shapes.pt

Each graph's initializers are loaded into the nets.py module it was exported from. Most keep their state_dict names;
the exporter renames the weights of bias-free Linear layers (`onnx::MatMul_N`, stored transposed) and may add
constants of its own. So a freshly built module is exported the same way, each of its initializers is traced back
to the parameter or buffer it holds (by name, or by value: fresh random weights are all distinct), and the shipped
graph's initializers are paired with the fresh graph's by position (same code, same graph: the same order and
shapes, checked).

Verification (run by default): the recovered modules are exported again and every graph must equal the shipped one,
node for node (operators, attributes, wiring) and initializer for initializer, bit for bit; identical graphs give
identical outputs in any runtime. The VAE scaling factor and the run's metrics come from the folder's JSON files.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nets  # noqa: E402
import train  # noqa: E402
from clip_bpe import ClipTokenizer  # noqa: E402


def build_modules(tokenizer):
    """Fresh modules in the shape train.py builds them, keyed by the model folder's part name."""
    text_encoder = nets.TextEncoder(train.row_table(tokenizer), width=train.TEXT_WIDTH)
    unet = nets.UNet(context_dim=train.TEXT_WIDTH)
    encoder, decoder = nets.Encoder(train.AE_CHANNELS), nets.Decoder(train.AE_CHANNELS)
    parts = {"text_encoder": text_encoder, "unet": unet, "vae_decoder": decoder, "vae_encoder": encoder}
    for module in parts.values():
        module.eval()
    return parts


def export_parts(parts, folder):
    """The graphs exactly as train.export writes them (its code, not a copy of it)."""
    train.export(folder, parts["text_encoder"], parts["unet"], parts["vae_encoder"], parts["vae_decoder"],
                 1.0, {"factors": [], "bias": []})


def initializers(path):
    return [(i.name, numpy_helper.to_array(i)) for i in onnx.load(str(path)).graph.initializer]


def trace_initializers(module, fresh, prefix=""):
    """For each initializer of a fresh export: (state_dict key, transposed?) or None for the exporter's own
    constants. `prefix` is the wrapper's attribute name (the VAE encoder is exported inside EncoderMean)."""
    state = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    traced = []
    for name, value in fresh:
        key = name[len(prefix):] if name.startswith(prefix) else name
        if key in state and state[key].shape == value.shape and np.array_equal(state[key], value):
            traced.append((key, False))
            continue
        if value.size <= 1:
            traced.append(None)  # a scalar the exporter made
            continue
        # GroupNorm's weight and bias come out reshaped to [C, 1, 1] (onnx::Mul_N, onnx::Add_N).
        match = [(k, False) for k, v in state.items() if v.size == value.size and np.array_equal(v.ravel(), value.ravel())]
        match += [(k, True) for k, v in state.items()
                  if v.ndim == 2 and v.T.shape == value.shape and np.array_equal(v.T, value)]
        if len(match) > 1:
            raise SystemExit(f"initializer {name} matches several parameters: {match}")
        traced.append(match[0] if match else None)  # None: e.g. GroupNorm's InstanceNormalization scale and bias
    return traced


def distinct_weights(module, generator):
    """Every parameter random (LayerNorm's ones and zeros too), so each initializer traces back to one of them."""
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator))


def recover(module, shipped, fresh, traced):
    if [v.shape for _, v in shipped] != [v.shape for _, v in fresh]:
        raise SystemExit("the shipped graph's initializers differ in number or shape from a fresh export")
    for (shipped_name, _), (fresh_name, _) in zip(shipped, fresh):
        if not (shipped_name == fresh_name or shipped_name.startswith("onnx::") and fresh_name.startswith("onnx::")):
            raise SystemExit(f"initializer order differs: shipped {shipped_name}, fresh {fresh_name}")
    state = {k: v.clone() for k, v in module.state_dict().items()}
    filled = set()
    for (_, value), trace in zip(shipped, traced):
        if trace is None:
            continue
        key, transposed = trace
        tensor = torch.from_numpy(np.ascontiguousarray(value.T if transposed else value).copy())
        state[key] = tensor.reshape(state[key].shape).to(state[key].dtype)
        filled.add(key)
    missing = set(state) - filled
    if missing:
        raise SystemExit(f"no initializer holds {sorted(missing)}")
    module.load_state_dict(state)
    return module


def same_graph(a_path, b_path):
    """Nodes (operator, inputs, outputs, attributes) and initializers (name, dtype, shape, bytes) all equal."""
    a, b = onnx.load(str(a_path)), onnx.load(str(b_path))
    problems = []
    if len(a.graph.node) != len(b.graph.node):
        problems.append(f"{len(a.graph.node)} nodes against {len(b.graph.node)}")
    for x, y in zip(a.graph.node, b.graph.node):
        if (x.op_type, list(x.input), list(x.output)) != (y.op_type, list(y.input), list(y.output)) \
                or [attr.SerializeToString() for attr in x.attribute] != [attr.SerializeToString() for attr in y.attribute]:
            problems.append(f"node {x.name} ({x.op_type}) differs from {y.name} ({y.op_type})")
            break
    ai = {i.name: i for i in a.graph.initializer}
    bi = {i.name: i for i in b.graph.initializer}
    if set(ai) != set(bi):
        problems.append(f"initializer names differ: {sorted(set(ai) ^ set(bi))[:5]}")
    unequal = [n for n in ai if n in bi and ai[n].SerializeToString() != bi[n].SerializeToString()]
    if unequal:
        problems.append(f"{len(unequal)} initializers differ, e.g. {unequal[:3]}")
    for kind in ("input", "output"):
        sig = lambda m: [(v.name, v.type.tensor_type.elem_type) for v in getattr(m.graph, kind)]  # noqa: E731
        if sig(a) != sig(b):
            problems.append(f"graph {kind}s differ")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=train.Path(__file__).resolve().parent.parent / "models" / "tiny-shapes")
    parser.add_argument("--out", type=Path, required=True, help="the checkpoint to write (torch.save)")
    parser.add_argument("--no-verify", action="store_true", help="skip exporting the recovered modules again")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    tokenizer = ClipTokenizer(train.TOKENIZER_FILES)
    parts = build_modules(tokenizer)
    generator = torch.Generator().manual_seed(0)
    for module in parts.values():
        distinct_weights(module, generator)
    prefixes = {"vae_encoder": "encoder."}
    with tempfile.TemporaryDirectory() as scratch:
        fresh_folder = Path(scratch) / "fresh"
        export_parts(parts, fresh_folder)
        for part, module in parts.items():
            fresh = initializers(fresh_folder / part / "model.onnx")
            shipped = initializers(args.model / part / "model.onnx")
            traced = trace_initializers(module, fresh, prefixes.get(part, ""))
            recover(module, shipped, fresh, traced)
            print(f"{part}: {sum(t is not None for t in traced)} of {len(traced)} initializers loaded "
                  f"({sum(1 for t in traced if t and t[1])} transposed MatMul weights), "
                  f"{sum(p.numel() for p in module.parameters())} parameters")
        if not args.no_verify:
            again = Path(scratch) / "again"
            export_parts(parts, again)
            failed = False
            for part in parts:
                problems = same_graph(args.model / part / "model.onnx", again / part / "model.onnx")
                print(f"{part}: re-exported graph " + ("identical to the shipped one (nodes and initializers)"
                                                       if not problems else "DIFFERS: " + "; ".join(problems)))
                failed |= bool(problems)
            if failed:
                raise SystemExit("recovered weights do not reproduce the shipped graphs")

    metrics = json.loads((args.model / "training_metrics.json").read_text())
    scaling_factor = json.loads((args.model / "vae_decoder" / "config.json").read_text())["scaling_factor"]
    if abs(scaling_factor - metrics["scaling_factor"]) > 1e-6:
        raise SystemExit("vae_decoder/config.json and training_metrics.json disagree on the scaling factor")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"text_encoder": parts["text_encoder"].state_dict(), "unet": parts["unet"].state_dict(),
                "encoder": parts["vae_encoder"].state_dict(), "decoder": parts["vae_decoder"].state_dict(),
                "scaling_factor": metrics["scaling_factor"], "metrics": metrics}, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
