"""Writing a Stable Diffusion ONNX folder: the graphs, the JSON files and the tokenizer. Shared by train.py (the
embedded model) and make_fixtures.py (the test fixtures), so both folders follow one layout."""

import json
import shutil
from pathlib import Path

import onnx
import torch

OPSET = 17
TOKENIZER_FILES = Path(__file__).resolve().parent / "clip-tokenizer"

# SD 1.5's scheduler_config.json, verbatim.
PNDM_CONFIG = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}

MODEL_INDEX = {
    "_class_name": "OnnxStableDiffusionPipeline",
    "_diffusers_version": "0.6.0",
    "feature_extractor": [None, None],
    "requires_safety_checker": False,
    "safety_checker": [None, None],
    "scheduler": ["diffusers", "PNDMScheduler"],
    "text_encoder": ["diffusers", "OnnxRuntimeModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"],
    "unet": ["diffusers", "OnnxRuntimeModel"],
    "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
    "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
}

SPECIAL_TOKENS_MAP = {
    "bos_token": {"content": "<|startoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
    "eos_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
    "pad_token": "<|endoftext|>",
    "unk_token": {"content": "<|endoftext|>", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False},
}

TOKENIZER_CONFIG = {
    "add_prefix_space": False,
    "bos_token": "<|startoftext|>",
    "do_lower_case": True,
    "eos_token": "<|endoftext|>",
    "errors": "replace",
    "model_max_length": 77,
    "pad_token": "<|endoftext|>",
    "tokenizer_class": "CLIPTokenizer",
    "unk_token": "<|endoftext|>",
}


def export_onnx(module, args, path, input_names, output_names, dynamic_axes, fixed_output_dims=None):
    """Exports, checks and returns the shape-inferred graph (what describe prints)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(str(path))
    if fixed_output_dims:
        # The exporter leaves a width behind a dynamic slice symbolic; readers of the metadata expect the number.
        for axis, size in fixed_output_dims.items():
            model.graph.output[0].type.tensor_type.shape.dim[axis].dim_value = size
        onnx.save(model, str(path))
    onnx.checker.check_model(model, full_check=True)
    return onnx.shape_inference.infer_shapes(model, strict_mode=True)


def describe(model):
    """One line of declared inputs and outputs, e.g. `sample: FLOAT[batch,4,height,width] -> out_sample: ...`."""
    def dims(value):
        tensor = value.type.tensor_type
        shape = [d.dim_param or str(d.dim_value) for d in tensor.shape.dim]
        return f"{value.name}: {onnx.TensorProto.DataType.Name(tensor.elem_type)}[{','.join(shape)}]"
    return ", ".join(dims(v) for v in model.graph.input) + " -> " + ", ".join(dims(v) for v in model.graph.output)


def write_json(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_tokenizer(folder):
    """The real CLIP BPE files, so any CLIP tokenizer reads the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.json", "merges.txt", "LICENSE"):
        shutil.copyfile(TOKENIZER_FILES / name, folder / name)
    write_json(folder / "special_tokens_map.json", SPECIAL_TOKENS_MAP)
    write_json(folder / "tokenizer_config.json", TOKENIZER_CONFIG)


def write_pipeline_files(folder):
    """model_index.json, SD 1.5's scheduler config and the tokenizer: what every folder has besides its graphs."""
    write_json(folder / "model_index.json", MODEL_INDEX)
    write_json(folder / "scheduler" / "scheduler_config.json", PNDM_CONFIG)
    write_tokenizer(folder / "tokenizer")
