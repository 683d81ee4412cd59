"""Writes the test fixtures: tiny Stable-Diffusion-shaped ONNX folders with random, seeded weights.

Each variant mirrors the input/output contract of one real exporter (see training/README.md): the element type
of `input_ids`, the type and rank of `timestep`, float32 or float16 tensors, and whether the VAE encoder
returns a sampled `latent_sample` or optimum's `latent_parameters` (mean and log-variance). The weights are
random, so the images are noise; the fixtures exist to test the pipeline's plumbing in milliseconds.

    /usr/bin/python3 training/make_fixtures.py [--out tests/fixtures/models]
"""

import argparse
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_export import describe, export_onnx, write_json, write_pipeline_files  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

HIDDEN = 32  # text width D of encoder_hidden_states
CHANNELS = 16  # UNet and VAE width
VOCAB_ROWS = 1024  # ids are folded into this many embedding rows (id % 1024) so any CLIP id up to 49407 works
SCALING_FACTOR = 0.18215
# The variant whose UNet is also written with its batch axis fixed at 1, as Olive's static-shape exports declare it:
# the same weights, so a test can swap it in and compare one call per image with one call per batch.
FIXED_BATCH_SOURCE = "fp32-ids-int64-timestep-float32-one"
FIXED_BATCH_UNET = REPO / "tests" / "fixtures" / "unet-batch-fixed-at-1" / "model.onnx"

@dataclass(frozen=True)
class Variant:
    name: str
    half: bool  # float16 sample, encoder_hidden_states, VAE tensors and outputs
    ids_dtype: torch.dtype
    timestep_dtype: torch.dtype
    timestep_rank: str  # "batch" -> [batch], "one" -> [1], "scalar" -> []
    encoder_output: str  # "latent_sample" (4 channels) or "latent_parameters" (8 channels: mean, logvar)
    mirrors: str
    fixed_sequence: bool = False  # encoder_hidden_states [batch, 77, D]: one 77-token chunk of context only


VARIANTS = [
    Variant("fp32-ids-int32-timestep-int64-batch", False, torch.int32, torch.int64, "batch", "latent_sample",
            "diffusers convert script, Sep-Nov 2022"),
    Variant("fp32-ids-int64-timestep-float32-one", False, torch.int64, torch.float32, "one", "latent_parameters",
            "float timestep of shape [1] as diffusers' pipeline feeds it, int64 ids as optimum >= 1.24"),
    Variant("fp16-ids-int64-timestep-float32-scalar", True, torch.int64, torch.float32, "scalar", "latent_parameters",
            "optimum >= 1.24 with --dtype fp16 (scalar timestep)"),
    Variant("fp16-ids-int32-timestep-float16-batch", True, torch.int32, torch.float16, "batch", "latent_sample",
            "Olive fp16 (keep_io_types false)"),
    Variant("fp32-ids-int64-timestep-int64-context-77", False, torch.int64, torch.int64, "batch", "latent_sample",
            "exports whose UNet context is fixed at 77 positions (no room for a second prompt chunk)", fixed_sequence=True),
]


class TextEncoder(nn.Module):
    def __init__(self, half: bool):
        super().__init__()
        self.half_io = half
        self.token = nn.Embedding(VOCAB_ROWS, HIDDEN)
        self.position = nn.Parameter(torch.randn(77, HIDDEN) * 0.02)
        self.mlp = nn.Sequential(nn.Linear(HIDDEN, HIDDEN * 2), nn.GELU(), nn.Linear(HIDDEN * 2, HIDDEN))
        self.final_layer_norm = nn.LayerNorm(HIDDEN)

    def forward(self, input_ids):
        ids = input_ids.long() % VOCAB_ROWS
        x = self.token(ids) + self.position[: ids.shape[1]]
        x = self.final_layer_norm(x + self.mlp(x))
        return x.half() if self.half_io else x


def timestep_embedding(t, dim):
    # diffusers' get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0.
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class UNet(nn.Module):
    def __init__(self, half: bool):
        super().__init__()
        self.half_io = half
        self.conv_in = nn.Conv2d(4, CHANNELS, 3, padding=1)
        self.time = nn.Sequential(nn.Linear(CHANNELS, CHANNELS * 2), nn.SiLU(), nn.Linear(CHANNELS * 2, CHANNELS))
        self.norm = nn.GroupNorm(4, CHANNELS)
        self.conv = nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1)
        self.to_q = nn.Linear(CHANNELS, CHANNELS, bias=False)
        self.to_k = nn.Linear(HIDDEN, CHANNELS, bias=False)
        self.to_v = nn.Linear(HIDDEN, CHANNELS, bias=False)
        self.to_out = nn.Linear(CHANNELS, CHANNELS)
        self.norm_out = nn.GroupNorm(4, CHANNELS)
        self.conv_out = nn.Conv2d(CHANNELS, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        x = sample.float()
        context = encoder_hidden_states.float()
        batch = x.shape[0]
        # [batch], [1] and [] timesteps all broadcast to one value per sample.
        t = timestep.float().reshape(-1).expand(batch)
        h = self.conv_in(x)
        h = h + self.time(timestep_embedding(t, CHANNELS))[:, :, None, None]
        h = h + self.conv(F.silu(self.norm(h)))
        b, c, height, width = h.shape
        tokens = h.flatten(2).transpose(1, 2)
        q, k, v = self.to_q(tokens), self.to_k(context), self.to_v(context)
        attention = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
        tokens = tokens + self.to_out(attention @ v)
        h = tokens.transpose(1, 2).reshape(b, c, height, width)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return out.half() if self.half_io else out


class VaeDecoder(nn.Module):
    def __init__(self, half: bool):
        super().__init__()
        self.half_io = half
        self.conv_in = nn.Conv2d(4, CHANNELS, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(CHANNELS, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.conv_in(latent_sample.float())
        for conv in self.ups:
            h = F.silu(conv(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        out = torch.tanh(self.conv_out(h))
        return out.half() if self.half_io else out


class VaeEncoder(nn.Module):
    def __init__(self, half: bool, parameters: bool):
        super().__init__()
        self.half_io = half
        self.parameters_out = parameters
        self.conv_in = nn.Conv2d(3, CHANNELS, 3, padding=1)
        self.downs = nn.ModuleList([nn.Conv2d(CHANNELS, CHANNELS, 3, stride=2, padding=1) for _ in range(3)])
        self.conv_out = nn.Conv2d(CHANNELS, 8, 3, padding=1)

    def forward(self, sample):
        h = F.silu(self.conv_in(sample.float()))
        for conv in self.downs:
            h = F.silu(conv(h))
        moments = self.conv_out(h)
        # latent_parameters = mean ++ logvar (optimum); latent_sample returns the mean so fixtures stay deterministic.
        out = moments if self.parameters_out else moments[:, :4]
        return out.half() if self.half_io else out


def make_variant(variant, root):
    torch.manual_seed(1234)
    folder = root / variant.name
    if folder.exists():
        shutil.rmtree(folder)
    float_type = torch.float16 if variant.half else torch.float32
    batch, h, w = 2, 2, 2

    text = export_onnx(TextEncoder(variant.half), (torch.zeros(batch, 77, dtype=variant.ids_dtype),),
                       folder / "text_encoder" / "model.onnx", ["input_ids"], ["last_hidden_state"],
                       {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}},
                       fixed_output_dims={2: HIDDEN})

    timestep_shape = {"batch": (batch,), "one": (1,), "scalar": ()}[variant.timestep_rank]
    timestep = torch.full(timestep_shape, 981, dtype=variant.timestep_dtype)
    unet_axes = {
        "sample": {0: "batch", 2: "height", 3: "width"},
        "encoder_hidden_states": {0: "batch"} if variant.fixed_sequence else {0: "batch", 1: "sequence"},
        "out_sample": {0: "batch", 2: "height", 3: "width"},
    }
    if variant.timestep_rank == "batch":
        unet_axes["timestep"] = {0: "batch"}
    unet_module = UNet(variant.half)
    unet = export_onnx(unet_module,
                       (torch.zeros(batch, 4, h, w, dtype=float_type), timestep,
                        torch.zeros(batch, 77, HIDDEN, dtype=float_type)),
                       folder / "unet" / "model.onnx", ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
                       unet_axes)
    if variant.name == FIXED_BATCH_SOURCE:
        fixed = export_onnx(unet_module,
                            (torch.zeros(1, 4, h, w, dtype=float_type), torch.full((1,), 981, dtype=variant.timestep_dtype),
                             torch.zeros(1, 77, HIDDEN, dtype=float_type)),
                            FIXED_BATCH_UNET, ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
                            {name: {a: n for a, n in axes.items() if a != 0} for name, axes in unet_axes.items()})
        print(f"  unet, batch fixed at 1 ({FIXED_BATCH_UNET.relative_to(REPO)}): {describe(fixed)}")

    decoder = export_onnx(VaeDecoder(variant.half), (torch.zeros(1, 4, h, w, dtype=float_type),),
                          folder / "vae_decoder" / "model.onnx", ["latent_sample"], ["sample"],
                          {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                           "sample": {0: "batch", 2: "image_height", 3: "image_width"}})

    parameters = variant.encoder_output == "latent_parameters"
    encoder = export_onnx(VaeEncoder(variant.half, parameters),
                          (torch.zeros(1, 3, 8 * h, 8 * w, dtype=float_type),),
                          folder / "vae_encoder" / "model.onnx", ["sample"], [variant.encoder_output],
                          {"sample": {0: "batch", 2: "image_height", 3: "image_width"},
                           variant.encoder_output: {0: "batch", 2: "height", 3: "width"}})

    write_pipeline_files(folder)
    write_json(folder / "vae_decoder" / "config.json",
               {"_class_name": "AutoencoderKL", "latent_channels": 4, "scaling_factor": SCALING_FACTOR})

    print(variant.name, f"({variant.mirrors})")
    for part, model in (("text_encoder", text), ("unet", unet), ("vae_decoder", decoder), ("vae_encoder", encoder)):
        print(f"  {part}: {describe(model)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "models")
    parser.add_argument("--only", help="write just this variant (the others stay as they are)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    for variant in VARIANTS:
        if args.only is None or variant.name == args.only:
            make_variant(variant, args.out)


if __name__ == "__main__":
    main()
