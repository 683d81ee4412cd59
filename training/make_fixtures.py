"""Writes the test fixtures: tiny Stable-Diffusion-shaped ONNX folders with random, seeded weights.

Each variant mirrors the input/output contract of one real exporter (see training/README.md): the element type
of `input_ids`, the type and rank of `timestep`, float32 or float16 tensors, and whether the VAE encoder
returns a sampled `latent_sample` or optimum's `latent_parameters` (mean and log-variance). The weights are
random, so the images are noise; the fixtures exist to test the pipeline's plumbing in milliseconds.

    /usr/bin/python3 training/make_fixtures.py [--out tests/fixtures/models]
    /usr/bin/python3 training/make_fixtures.py --only clip        # the CLIP folders under tests/fixtures/clip
    /usr/bin/python3 training/make_fixtures.py --only components  # the standalone component folders

The CLIP fixtures have the layout of an OpenAI CLIP ONNX export (text_model.onnx: input_ids, attention_mask ->
text_embeds; vision_model.onnx: pixel_values -> image_embeds; tokenizer/; preprocessor_config.json and config.json as
transformers writes them), plus two wrong-shaped ones the loader must refuse.
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
from onnx_export import describe, export_onnx, write_json, write_pipeline_files, write_tokenizer  # noqa: E402

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
    unet_in_channels: int = 4  # 9 for an inpainting UNet: latents, mask, masked-image latents


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
    Variant("fp32-inpainting-9-channel", False, torch.int32, torch.int64, "batch", "latent_sample",
            "SD 1.5/2 inpainting exports (diffusers convert script): sample is [batch, 9, h, w]", unet_in_channels=9),
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
    def __init__(self, half: bool, in_channels: int = 4):
        super().__init__()
        self.half_io = half
        self.conv_in = nn.Conv2d(in_channels, CHANNELS, 3, padding=1)
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
    unet_module = UNet(variant.half, variant.unet_in_channels)
    unet = export_onnx(unet_module,
                       (torch.zeros(batch, variant.unet_in_channels, h, w, dtype=float_type), timestep,
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

    if variant.unet_in_channels == 9:
        write_inpainting_reference(unet_module, folder)

    print(variant.name, f"({variant.mirrors})")
    for part, model in (("text_encoder", text), ("unet", unet), ("vae_decoder", decoder), ("vae_encoder", encoder)):
        print(f"  {part}: {describe(model)}")


def write_inpainting_reference(unet, folder):
    """One UNet call fed as diffusers' StableDiffusionInpaintPipeline feeds it, for the contract test: the scaled
    latents, then the mask, then the masked image's latents, concatenated on the channel axis
    (torch.cat([latent_model_input, mask, masked_image_latents], dim=1)), prompts [uncond, cond] on the batch axis."""
    generator = torch.Generator().manual_seed(7)
    h, w = 3, 2
    latents = torch.randn(1, 4, h, w, generator=generator)
    mask = (torch.rand(1, 1, h, w, generator=generator) > 0.5).float()
    masked_image_latents = torch.randn(1, 4, h, w, generator=generator)
    states = torch.randn(2, 77, HIDDEN, generator=generator)
    timestep = 501
    sample = torch.cat([torch.cat([latents] * 2), torch.cat([mask] * 2), torch.cat([masked_image_latents] * 2)], dim=1)
    with torch.no_grad():
        out = unet(sample, torch.full((2,), timestep, dtype=torch.int64), states)
    write_json(folder / "inpainting_reference.json", {
        "comment": "make_fixtures.py write_inpainting_reference: one call of this folder's UNet on [uncond, cond]",
        "height": h, "width": w, "timestep": timestep,
        "latents": latents.flatten().tolist(), "mask": mask.flatten().tolist(),
        "masked_image_latents": masked_image_latents.flatten().tolist(),
        "encoder_hidden_states": states.flatten().tolist(), "out_sample": out.flatten().tolist(),
    })


CLIP_ROOT = REPO / "tests" / "fixtures" / "clip"
COMPONENT_ROOT = REPO / "tests" / "fixtures" / "components"


class ClipTextModel(nn.Module):
    """CLIPTextModelWithProjection's contract: pooled at the eos position (the largest id, as transformers pools)."""

    def __init__(self, projection: int):
        super().__init__()
        self.token = nn.Embedding(VOCAB_ROWS, HIDDEN)
        self.position = nn.Parameter(torch.randn(77, HIDDEN) * 0.02)
        self.mlp = nn.Sequential(nn.Linear(HIDDEN, HIDDEN * 2), nn.GELU(), nn.Linear(HIDDEN * 2, HIDDEN))
        self.text_projection = nn.Linear(HIDDEN, projection, bias=False)

    def forward(self, input_ids, attention_mask):
        x = self.token(input_ids % VOCAB_ROWS) + self.position[: input_ids.shape[1]]
        x = (x + self.mlp(x)) * attention_mask.unsqueeze(-1).float()
        pooled = x[torch.arange(x.shape[0]), input_ids.argmax(dim=-1)]
        return self.text_projection(pooled), x


class ClipVisionModel(nn.Module):
    """CLIPVisionModelWithProjection's contract: pixel_values [batch, 3, H, W] -> image_embeds [batch, projection]."""

    def __init__(self, projection: int, flat: bool = False):
        super().__init__()
        self.flat = flat
        self.conv = nn.Conv2d(3, CHANNELS, 4, stride=4)
        self.visual_projection = nn.Linear(CHANNELS, projection, bias=False)

    def forward(self, pixel_values):
        if self.flat:
            pixel_values = pixel_values.reshape(pixel_values.shape[0], 3, 32, 32)
        h = F.silu(self.conv(pixel_values)).mean(dim=(2, 3))
        return self.visual_projection(h)


def make_clip(name, text_projection, image_projection, flat_pixels=False, image_size=32, tokenizer=True):
    """One CLIP folder with random weights; the wrong-shaped variants differ only where their name says (and carry no
    tokenizer: the loader reads the graphs' signatures first, and 1.6 MB of vocabulary per folder buys nothing)."""
    torch.manual_seed(4321)
    folder = CLIP_ROOT / name
    if folder.exists():
        shutil.rmtree(folder)
    text = export_onnx(ClipTextModel(text_projection),
                       (torch.zeros(2, 77, dtype=torch.int64), torch.ones(2, 77, dtype=torch.int64)),
                       folder / "text_model.onnx", ["input_ids", "attention_mask"], ["text_embeds", "last_hidden_state"],
                       {"input_ids": {0: "batch_size", 1: "sequence_length"},
                        "attention_mask": {0: "batch_size", 1: "sequence_length"},
                        "text_embeds": {0: "batch_size"},
                        "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
    pixels = torch.zeros(2, 3 * image_size * image_size) if flat_pixels else torch.zeros(2, 3, image_size, image_size)
    vision = export_onnx(ClipVisionModel(image_projection, flat_pixels), (pixels,),
                         folder / "vision_model.onnx", ["pixel_values"], ["image_embeds"],
                         {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
    if tokenizer:
        write_tokenizer(folder / "tokenizer")
    # transformers' CLIPImageProcessor: resize the shortest edge, centre-crop, normalise with OpenAI's mean and std.
    write_json(folder / "preprocessor_config.json", {
        "crop_size": {"height": image_size, "width": image_size}, "do_center_crop": True, "do_normalize": True,
        "do_resize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711], "image_processor_type": "CLIPImageProcessor",
        "resample": 3, "size": {"shortest_edge": image_size}})
    write_json(folder / "config.json", {"architectures": ["CLIPModel"], "model_type": "clip",
                                        "projection_dim": text_projection})
    print(f"clip/{name}")
    for part, model in (("text_model", text), ("vision_model", vision)):
        print(f"  {part}: {describe(model)}")


def make_clips():
    make_clip("random-clip", 16, 16)
    make_clip("embedding-sizes-differ", 16, 24, tokenizer=False)
    make_clip("flat-pixel-values", 16, 16, flat_pixels=True, tokenizer=False)


class WideVaeDecoder(nn.Module):
    """A decoder for latents of another channel count than every model here: a swap the studio must refuse."""

    def __init__(self, latent_channels):
        super().__init__()
        self.conv_in = nn.Conv2d(latent_channels, CHANNELS, 3, padding=1)
        self.conv_out = nn.Conv2d(CHANNELS, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = F.silu(self.conv_in(latent_sample))
        for _ in range(3):
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        return torch.tanh(self.conv_out(h))


def make_components():
    """Standalone component folders: a VAE of the fixtures' shape with other weights, and one with 8 latent channels."""
    for name, channels, seed in (("vae-other-weights", 4, 99), ("vae-8-latent-channels", 8, 98)):
        torch.manual_seed(seed)
        folder = COMPONENT_ROOT / name
        if folder.exists():
            shutil.rmtree(folder)
        module = VaeDecoder(False) if channels == 4 else WideVaeDecoder(channels)
        decoder = export_onnx(module, (torch.zeros(1, channels, 2, 2),), folder / "vae_decoder" / "model.onnx",
                              ["latent_sample"], ["sample"],
                              {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                               "sample": {0: "batch", 2: "image_height", 3: "image_width"}})
        write_json(folder / "vae_decoder" / "config.json",
                   {"_class_name": "AutoencoderKL", "latent_channels": channels, "scaling_factor": SCALING_FACTOR})
        print(f"components/{name}\n  vae_decoder: {describe(decoder)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "models")
    parser.add_argument("--only", nargs="*", help="variant names to write, or clip, or components (all when left out; "
                                                  "the others stay as they are)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    for variant in VARIANTS:
        if not args.only or variant.name in args.only:
            # Inpainting UNets live apart: the studio's tests serve every folder under models/ for txt2img.
            make_variant(variant, args.out if variant.unet_in_channels == 4 else args.out.parent / "inpainting-models")
    if not args.only or "clip" in args.only:
        make_clips()
    if not args.only or "components" in args.only:
        make_components()


if __name__ == "__main__":
    main()
