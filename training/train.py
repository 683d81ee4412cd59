"""Trains the embedded default model, tiny-shapes, and exports it in the Stable Diffusion ONNX folder layout.

    /usr/bin/python3 training/train.py --out models/tiny-shapes      # 44 minutes (--minutes) on 2 CPU cores
    /usr/bin/python3 training/train.py --out DIR --ae-steps A --clip-steps C --unet-steps U   # replay a run exactly
    /usr/bin/python3 training/train.py --smoke --out /some/dir       # every stage, a few steps, < 2 min

Stages, as Stable Diffusion was built: (1) a VAE with 4 latent channels (f = 4), (2) a CLIP-style text transformer
trained contrastively against a small image tower, then frozen, (3) a UNet with cross-attention that predicts
noise in the latent space (epsilon, scaled-linear betas 0.00085 -> 0.012 over 1000 steps, 10% empty captions for
classifier-free guidance). Everything is seeded. By default each stage gets a share of a 44-minute budget, so the
run fits 45 minutes on any machine; the steps each stage ran go to training_metrics.json, and passing them back as
--ae-steps/--clip-steps/--unet-steps replays the run by steps: the same seed and thread count give the same weights.
"""

import argparse
import copy
import json
import math
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nets  # noqa: E402
import sampling  # noqa: E402
import shapes  # noqa: E402
from clip_bpe import BOS, EOS, ClipTokenizer  # noqa: E402
from onnx_export import TOKENIZER_FILES, export_onnx, write_json, write_pipeline_files  # noqa: E402

TEXT_WIDTH = 128
AE_CHANNELS = (16, 32, 64)
CAPTION_LENGTH = 20  # captions are at most 12 tokens; the text tower is causal, so later positions never matter

DEFAULT_MINUTES = 44.0


@dataclass(frozen=True)
class TrainingConfig:
    """Steps and batch sizes of each stage, written to training_metrics.json as "config"."""
    ae_steps: int
    ae_batch: int
    clip_min_steps: int  # the text stage may stop from here on, once every minimal pair is told apart
    clip_max_steps: int
    clip_batch: int
    latents: int  # images encoded once for the UNet stage
    unet_steps: int
    unet_batch: int
    eval_prompts: int
    unet_lr: float = 6e-4
    # How often the UNet sees each count (1, 2, 3) and shape (circle, square, triangle), relative to a uniform draw
    # of the pre-encoded latents: more of the scenes it gets wrong (two or three shapes, squares).
    count_weights: tuple = (1.0, 1.0, 1.0)
    shape_weights: tuple = (1.0, 1.0, 1.0)


# Step counts when run by steps (and, raised 10x, the caps under a time budget). On a busy, shared machine run with
# OMP_WAIT_POLICY=PASSIVE, or spinning OpenMP threads slow every step several times; on an idle one it costs 50%.
FULL = TrainingConfig(ae_steps=1500, ae_batch=32, clip_min_steps=300, clip_max_steps=700, clip_batch=128,
                      latents=20000, unet_steps=6000, unet_batch=64, eval_prompts=8)
SMOKE = TrainingConfig(ae_steps=3, ae_batch=8, clip_min_steps=3, clip_max_steps=3, clip_batch=16,
                       latents=64, unet_steps=3, unet_batch=8, eval_prompts=1)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Schedule:
    """Warm-up then cosine decay to 5%, driven by progress in [0, 1]: the step count, or with a time budget
    (--minutes) whichever of steps and elapsed time is further along. Sets the optimizer's learning rate."""

    def __init__(self, optimizer, lr, steps, seconds=None, warmup=50):
        self.optimizer, self.lr, self.steps, self.seconds, self.warmup = optimizer, lr, steps, seconds, warmup
        self.started = time.time()
        self.step_count = 0
        self.current_lr = 0.0

    def progress(self):
        done = self.step_count / self.steps
        if self.seconds is not None:
            done = max(done, (time.time() - self.started) / self.seconds)
        return done

    def running(self):
        """Sets the learning rate for the next step; False once the stage's steps or time are spent."""
        progress = self.progress()
        if progress >= 1:
            return False
        warm = min(1.0, (self.step_count + 1) / self.warmup)
        self.current_lr = self.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in self.optimizer.param_groups:
            group["lr"] = self.current_lr
        self.step_count += 1
        return True


# ---------------------------------------------------------------- stage 1: autoencoder

def sample_posterior(moments):
    """The encoder's mean ++ log-variance, and a latent drawn from that Gaussian (the reparameterisation trick)."""
    mean, logvar = moments[:, :4], moments[:, 4:].clamp(-30, 20)
    return mean, logvar, mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)


def train_autoencoder(cfg, rng, seconds):
    encoder, decoder = nets.Encoder(AE_CHANNELS), nets.Decoder(AE_CHANNELS)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.0)
    schedule = Schedule(optimizer, 2e-3, cfg.ae_steps, seconds)
    step = -1
    while schedule.running():
        step += 1
        _, images = shapes.batch(cfg.ae_batch, rng)
        mean, logvar, z = sample_posterior(encoder(images))
        out = decoder(z)
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        loss = reconstruction_loss(out, images) + 1e-4 * kl
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        if step % 100 == 0:
            log(f"ae step {step} loss {loss.item():.4f} kl {kl.item():.3f}")
    log(f"ae trained for {step + 1} steps")
    encoder.eval()
    decoder.eval()
    return encoder, decoder, step + 1


def edge_l1(out, images):
    """Mean absolute difference of horizontal and vertical image gradients."""
    return (F.l1_loss(out[..., :, 1:] - out[..., :, :-1], images[..., :, 1:] - images[..., :, :-1])
            + F.l1_loss(out[..., 1:, :] - out[..., :-1, :], images[..., 1:, :] - images[..., :-1, :]))


def reconstruction_loss(out, images):
    # L1 on image gradients weights edges, so squares keep their corners and triangles their tips (SD's VAE used
    # a patch discriminator for the same reason; a gradient loss is the cheap CPU stand-in). Without it the
    # decoder rounds small triangles into blobs that the evaluation reads as circles.
    return F.mse_loss(out, images) + 0.5 * F.l1_loss(out, images) + 1.0 * edge_l1(out, images)


def fine_tune_decoder(rng, encoder, decoder, seconds, batch=32, loss_of=None, max_steps=10 ** 6):
    """Decoder alone on the frozen encoder's latents: sharper colours and edges without moving the latent space
    the UNet was trained in. `loss_of(out, images)` defaults to reconstruction_loss."""
    loss_of = loss_of or reconstruction_loss
    decoder.train()
    optimizer = torch.optim.AdamW(decoder.parameters(), lr=5e-4, weight_decay=0.0)
    schedule = Schedule(optimizer, 5e-4, max_steps, seconds, warmup=20)
    step = -1
    while schedule.running():
        step += 1
        _, images = shapes.batch(batch, rng)
        with torch.no_grad():
            _, _, z = sample_posterior(encoder(images))
        loss = loss_of(decoder(z), images)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
        optimizer.step()
        if step % 100 == 0:
            log(f"decoder step {step} loss {loss.item():.4f}")
    decoder.eval()
    return step + 1


def psnr(encoder, decoder, rng, count=256):
    with torch.no_grad():
        _, images = shapes.batch(count, rng)
        out = decoder(encoder(images)[:, :4]).clamp(-1, 1)
        mse = ((out - images) / 2).pow(2).mean()
    return float(10 * torch.log10(1 / mse))


# ---------------------------------------------------------------- stage 2: CLIP-style text encoder

def row_table(tokenizer):
    """uint8 row for each of CLIP's 49408 ids: 0 = any id the grammar never uses, 1 = BOS, 2 = EOS, then words."""
    table = torch.zeros(49408, dtype=torch.uint8)
    ids = sorted({i for scene in shapes.all_scenes() for i in tokenizer.ids(shapes.caption(*scene))} - {BOS, EOS})
    table[BOS], table[EOS] = 1, 2
    for row, token in enumerate(ids, start=3):
        table[token] = row
    return table


def caption_ids(tokenizer, scenes):
    return torch.tensor([tokenizer.ids(shapes.caption(*s))[:CAPTION_LENGTH] for s in scenes])


def pooled(states, ids):
    # CLIP pools at the first EOS; it has the highest id, so argmax finds it.
    return states[torch.arange(states.shape[0]), ids.argmax(dim=1)]


def minimal_pairs(tokenizer):
    """Caption pairs that differ in exactly one word of the grammar, grouped by what differs."""
    pairs = {"shape": [], "colour": [], "count": [], "background": []}
    for scene in shapes.all_scenes():
        n, c, s, b = scene
        for s2 in range(s + 1, len(shapes.SHAPES)):
            pairs["shape"].append((scene, (n, c, s2, b)))
        for c2 in range(c + 1, len(shapes.COLOURS)):
            if c2 != b:
                pairs["colour"].append((scene, (n, c2, s, b)))
        for n2 in range(n + 1, 4):
            pairs["count"].append((scene, (n2, c, s, b)))
        for b2 in range(b + 1, len(shapes.COLOURS)):
            if b2 != c:
                pairs["background"].append((scene, (n, c, s, b2)))
    return pairs


def separation(text_encoder, projection, tokenizer):
    """Max and mean cosine over minimal pairs, of the pooled last_hidden_state and of the contrastive embedding."""
    scenes = shapes.all_scenes()
    index = {scene: i for i, scene in enumerate(scenes)}
    with torch.no_grad():
        ids = caption_ids(tokenizer, scenes)
        hidden = pooled(text_encoder(ids), ids)
        embedded = F.normalize(projection(hidden), dim=-1)
        hidden = F.normalize(hidden, dim=-1)
    report = {}
    for kind, pairs in minimal_pairs(tokenizer).items():
        a = torch.tensor([index[p[0]] for p in pairs])
        b = torch.tensor([index[p[1]] for p in pairs])
        h = (hidden[a] * hidden[b]).sum(-1)
        e = (embedded[a] * embedded[b]).sum(-1)
        report[kind] = {"hidden_max": float(h.max()), "hidden_mean": float(h.mean()),
                        "embedding_max": float(e.max()), "embedding_mean": float(e.mean())}
    return report


def train_text_encoder(cfg, rng, tokenizer, seconds):
    text_encoder = nets.TextEncoder(row_table(tokenizer), width=TEXT_WIDTH)
    image_tower = nets.ImageTower(TEXT_WIDTH)
    projection = torch.nn.Linear(TEXT_WIDTH, TEXT_WIDTH, bias=False)
    logit_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = [*text_encoder.parameters(), *image_tower.parameters(), *projection.parameters(), logit_scale]
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    schedule = Schedule(optimizer, 1e-3, cfg.clip_max_steps, seconds)
    report = None
    step = -1
    while schedule.running():
        step += 1
        # Half the batch are hard negatives, each one word away from a caption in the other half,
        # so every word of the grammar has to be told apart (not just the easy colours).
        base = [shapes.random_scene(rng) for _ in range(cfg.clip_batch // 2)]
        scenes = base + [shapes.sibling(s, rng) for s in base]
        images = shapes.render(scenes, rng)
        ids = caption_ids(tokenizer, scenes)
        hidden = pooled(text_encoder(ids), ids)
        text = F.normalize(projection(hidden), dim=-1)
        image = F.normalize(image_tower(images), dim=-1)
        logits = logit_scale.clamp(max=math.log(100)).exp() * text @ image.T
        keys = torch.tensor([shapes.caption_index(*s) for s in scenes])
        same = (keys[:, None] == keys[None, :]).float()  # repeated captions are all positives
        target = same / same.sum(1, keepdim=True)
        loss = 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean()
                      + torch.sum(-target * F.log_softmax(logits.T, 1), 1).mean())
        # The image tower learns colours long before shapes and counts, and until it does the CLIP loss leaves
        # "circle" and "square" nearly the same (cosine 0.999 after 200 steps). A caption-vs-caption term on the
        # pooled states themselves (each caption its own class, temperature 0.1) keeps every word apart meanwhile.
        unit = F.normalize(hidden, dim=-1)
        text_logits = (unit @ unit.T) / 0.1
        loss = loss + 0.5 * torch.sum(-target * F.log_softmax(text_logits, 1), 1).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        last = schedule.progress() >= 1
        if step % 50 == 0 or last:
            accuracy = float((logits.argmax(1) == torch.arange(len(scenes))).float().mean())
            log(f"clip step {step} loss {loss.item():.3f} acc {accuracy:.2f} scale {logit_scale.exp().item():.1f}")
        if (step + 1) % 100 == 0 or last:
            report = separation(text_encoder, projection, tokenizer)
            worst = max(r["hidden_max"] for r in report.values())
            log("separation (max cosine of pooled states per minimal pair kind): "
                + ", ".join(f"{k} {v['hidden_max']:.3f}" for k, v in report.items()))
            if step + 1 >= cfg.clip_min_steps and worst < 0.8:
                break
    if report is None or (step + 1) % 100 != 0 and not last:
        report = separation(text_encoder, projection, tokenizer)
    log(f"text encoder trained for {step + 1} steps")
    text_encoder.eval()
    for p in text_encoder.parameters():
        p.requires_grad_(False)
    return text_encoder, report, step + 1


# ---------------------------------------------------------------- stage 3: UNet

def latent_dataset(cfg, rng, encoder, scaling_factor=None):
    scenes, latents = [], []
    with torch.no_grad():
        for start in range(0, cfg.latents, 256):
            batch_scenes, images = shapes.batch(min(256, cfg.latents - start), rng)
            scenes += batch_scenes
            latents.append(encoder(images)[:, :4])
    latents = torch.cat(latents)
    scaling_factor = scaling_factor or float(1 / latents.std())
    keys = torch.tensor([shapes.caption_index(*s) for s in scenes])
    return latents * scaling_factor, keys, scaling_factor


def text_states(text_encoder, tokenizer):
    """Frozen text encoder, so every caption's 77 states are computed once; row 0 is the empty prompt."""
    scenes = shapes.all_scenes()
    ids = torch.tensor([tokenizer.ids("")] + [tokenizer.ids(shapes.caption(*s)) for s in scenes])
    with torch.no_grad():
        states = torch.cat([text_encoder(ids[i:i + 128]) for i in range(0, len(ids), 128)])
    row_of_key = torch.zeros(len(shapes.COUNT_WORDS) * len(shapes.SHAPES) * len(shapes.COLOURS) ** 2, dtype=torch.long)
    for row, scene in enumerate(scenes, start=1):
        row_of_key[shapes.caption_index(*scene)] = row
    return states, row_of_key


def mix_weights(cfg, keys):
    """Sampling weight of each latent from its caption's count and shape; None for a uniform draw."""
    if cfg.count_weights == (1.0, 1.0, 1.0) and cfg.shape_weights == (1.0, 1.0, 1.0):
        return None
    per_count = len(shapes.SHAPES) * len(shapes.COLOURS) ** 2  # caption_index's layout
    count = keys // per_count
    shape = (keys // len(shapes.COLOURS) ** 2) % len(shapes.SHAPES)
    return torch.tensor(cfg.count_weights)[count] * torch.tensor(cfg.shape_weights)[shape]


def train_unet(cfg, latents, keys, states, row_of_key, seconds, initial=None, seed=3):
    torch.manual_seed(seed)
    unet = nets.UNet(context_dim=TEXT_WIDTH)
    if initial is not None:
        unet.load_state_dict(initial)
    ema = copy.deepcopy(unet)
    optimizer = torch.optim.AdamW(unet.parameters(), lr=cfg.unet_lr, weight_decay=0.0)
    schedule = Schedule(optimizer, cfg.unet_lr, cfg.unet_steps, seconds, warmup=100)
    ac = sampling.alphas_cumprod().float()
    snr = ac / (1 - ac)
    generator = torch.Generator().manual_seed(seed + 1)
    mix = mix_weights(cfg, keys)
    step = -1
    while schedule.running():
        step += 1
        if mix is None:
            pick = torch.randint(0, len(latents), (cfg.unet_batch,), generator=generator)
        else:
            pick = torch.multinomial(mix, cfg.unet_batch, replacement=True, generator=generator)
        x0 = latents[pick]
        # Random flips keep the scene's words true and double the data.
        flip = torch.rand(len(pick), generator=generator) < 0.5
        x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
        rows = row_of_key[keys[pick]]
        rows = torch.where(torch.rand(len(pick), generator=generator) < 0.1, torch.zeros_like(rows), rows)
        context = states[rows]
        t = torch.randint(0, sampling.TRAIN_STEPS, (len(pick),), generator=generator)
        noise = torch.randn(x0.shape, generator=generator)
        a = ac[t].sqrt()[:, None, None, None]
        s = (1 - ac[t]).sqrt()[:, None, None, None]
        eps = unet(a * x0 + s * noise, t.float(), context)
        # Min-SNR-5 weighting (Hang et al. 2023) speeds up convergence for epsilon prediction.
        weight = (snr[t].clamp(max=5.0) / snr[t])[:, None, None, None]
        loss = (weight * (eps - noise) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
        optimizer.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), unet.parameters()):
                pe.mul_(decay).add_(p, alpha=1 - decay)
        if step % 100 == 0:
            log(f"unet step {step} loss {loss.item():.4f} lr {schedule.current_lr:.2e}")
    log(f"unet trained for {step + 1} steps")
    ema.eval()
    return ema, step + 1


# ---------------------------------------------------------------- export

def latent_rgb_factors(decoder, latents, scaling_factor, count=512):
    """Least squares of RGB in [0, 1] on the 4 latent channels (as the denoising loop holds them, i.e. scaled)."""
    with torch.no_grad():
        z = latents[:count]
        rgb = (decoder(z / scaling_factor).clamp(-1, 1) + 1) / 2
        rgb = F.avg_pool2d(rgb, rgb.shape[-1] // z.shape[-1])
    x = torch.cat([z.permute(0, 2, 3, 1).reshape(-1, 4), torch.ones(z.numel() // 4, 1)], dim=1).double()
    y = rgb.permute(0, 2, 3, 1).reshape(-1, 3).double()
    solution = torch.linalg.lstsq(x, y).solution
    residual = float((x @ solution - y).pow(2).mean().sqrt())
    return {"factors": solution[:4].tolist(), "bias": solution[4].tolist()}, residual


class EncoderMean(torch.nn.Module):
    """vae_encoder/model.onnx returns the posterior mean as `latent_sample` (deterministic; the variance is tiny)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        return self.encoder(sample)[:, :4]


def export_vae(out, encoder, decoder, scaling_factor):
    """vae_decoder/ and vae_encoder/: graphs and config.json (also a standalone VAE component folder)."""
    for part in ("vae_decoder", "vae_encoder"):
        if (out / part).exists():
            shutil.rmtree(out / part)
    export_onnx(decoder, (torch.zeros(1, 4, 16, 16),), out / "vae_decoder" / "model.onnx", ["latent_sample"], ["sample"],
                {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                 "sample": {0: "batch", 2: "image_height", 3: "image_width"}})
    export_onnx(EncoderMean(encoder), (torch.zeros(1, 3, 64, 64),), out / "vae_encoder" / "model.onnx", ["sample"],
                ["latent_sample"], {"sample": {0: "batch", 2: "image_height", 3: "image_width"},
                                    "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    # block_out_channels has three entries: diffusers' vae_scale_factor = 2 ** (3 - 1) = 4 (64x64 image, 16x16 latents).
    vae_config = {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
                  "block_out_channels": list(AE_CHANNELS), "sample_size": 64, "scaling_factor": scaling_factor}
    write_json(out / "vae_decoder" / "config.json", vae_config)
    write_json(out / "vae_encoder" / "config.json", vae_config)


def export(out, text_encoder, unet, encoder, decoder, scaling_factor, rgb_factors):
    for part in ("text_encoder", "unet", "vae_decoder", "vae_encoder"):
        if (out / part).exists():
            shutil.rmtree(out / part)
    export_onnx(text_encoder, (torch.full((1, 77), EOS, dtype=torch.int32),), out / "text_encoder" / "model.onnx",
                ["input_ids"], ["last_hidden_state"],
                {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    export_onnx(unet, (torch.zeros(2, 4, 16, 16), torch.tensor([999.0, 999.0]), torch.zeros(2, 77, TEXT_WIDTH)),
                out / "unet" / "model.onnx", ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
                {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                 "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    export_vae(out, encoder, decoder, scaling_factor)

    write_pipeline_files(out)
    write_json(out / "unet" / "config.json", {"in_channels": 4, "out_channels": 4, "sample_size": 16,
                                             "cross_attention_dim": TEXT_WIDTH})
    write_json(out / "text_encoder" / "config.json", {"hidden_size": TEXT_WIDTH, "max_position_embeddings": 77,
                                                     "vocab_size": 49408, "num_hidden_layers": 3})
    write_json(out / "defaults.json", {"steps": 25, "guidance_scale": 2.0, "scheduler": "dpmpp-2m",
                                       "width": 64, "height": 64, "description": DESCRIPTION, "examples": EXAMPLES})
    write_json(out / "latent_rgb_factors.json", rgb_factors)


# What the studio's Create page says the model draws, and prompts it offers to try (defaults.json).
DESCRIPTION = ("A tiny demo model: 64×64 pictures of one to three circles, squares or triangles of one colour on a plain "
               "background of another (red, green, blue, yellow, white, black, purple, orange); it knows no other words.")
EXAMPLES = ["a red circle on a blue background", "two yellow squares on a black background",
            "three green triangles on a white background", "a purple triangle on a yellow background",
            "two white circles on a green background", "a blue square on a orange background"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--smoke", action="store_true", help="every stage for a few steps (a test of the script)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--minutes", type=float,
                        help=f"time budget (default {DEFAULT_MINUTES:g} unless steps are given): each stage stops at "
                             "its share of it (or at its step cap, raised 10x); the steps run are written to "
                             "training_metrics.json (--ae-steps etc. repeat them)")
    parser.add_argument("--ae-steps", type=int)
    parser.add_argument("--clip-steps", type=int)
    parser.add_argument("--unet-steps", type=int)
    parser.add_argument("--resume", type=Path, metavar="CHECKPOINT",
                        help="keep the VAE and text encoder of a --checkpoint and train its UNet further "
                             "(with --minutes, first the decoder alone for --decoder-share of the time)")
    parser.add_argument("--decoder-share", type=float, default=0.0)
    parser.add_argument("--unet-lr", type=float, help="the UNet's peak learning rate (default 6e-4)")
    parser.add_argument("--latents", type=int, help="images encoded once for the UNet stage (default 20000)")
    parser.add_argument("--hard-mix", action="store_true",
                        help="the UNet sees scenes of two and three shapes, and squares, 1.5x as often")
    parser.add_argument("--checkpoint", type=Path, help="also save the PyTorch weights here (for evaluate.py --torch)")
    args = parser.parse_args()
    if args.minutes is None and not (args.smoke or args.ae_steps or args.clip_steps or args.unet_steps):
        args.minutes = DEFAULT_MINUTES
    return args


def training_config(args):
    cfg = SMOKE if args.smoke else FULL
    if args.minutes:
        cfg = replace(cfg, ae_steps=cfg.ae_steps * 10, clip_max_steps=cfg.clip_max_steps * 10,
                      unet_steps=cfg.unet_steps * 10)
    if args.ae_steps:
        cfg = replace(cfg, ae_steps=args.ae_steps)
    if args.clip_steps:
        # A replay runs the recorded text steps: the separation check may not stop it sooner.
        cfg = replace(cfg, clip_min_steps=args.clip_steps, clip_max_steps=args.clip_steps)
    if args.unet_steps:
        cfg = replace(cfg, unet_steps=args.unet_steps)
    if args.unet_lr:
        cfg = replace(cfg, unet_lr=args.unet_lr)
    if args.latents:
        cfg = replace(cfg, latents=args.latents)
    if args.hard_mix:
        cfg = replace(cfg, count_weights=(1.0, 1.5, 1.5), shape_weights=(1.0, 1.5, 1.0))
    return cfg


@dataclass
class Checkpoint:
    """What --resume keeps of an earlier run: its VAE and frozen text encoder, and its UNet to train further."""
    encoder: nets.Encoder
    decoder: nets.Decoder
    text_encoder: nets.TextEncoder
    unet: dict  # a state_dict
    scaling_factor: float
    separation_report: dict
    steps_run: dict


def load_checkpoint(path, out, tokenizer):
    state = torch.load(path)
    history = state.get("metrics") or json.loads((out / "training_metrics.json").read_text())
    # Building the modules draws their initial weights from torch's global generator, before the decoder fine-tune
    # draws its noise from it: keep this order, or a resumed run no longer replays the same way.
    encoder, decoder = nets.Encoder(AE_CHANNELS), nets.Decoder(AE_CHANNELS)
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    encoder.eval()
    text_encoder = nets.TextEncoder(row_table(tokenizer), width=TEXT_WIDTH)
    text_encoder.load_state_dict(state["text_encoder"])
    text_encoder.eval()
    log(f"resumed from {path}: {history['steps_run']}")
    return Checkpoint(encoder, decoder, text_encoder, state["unet"], state["scaling_factor"],
                      history["text_separation"], history["steps_run"])


def autoencoder_stage(cfg, rng, budget, steps_run, resumed, decoder_share):
    """Trains the VAE, or keeps a checkpoint's and, given a time budget and --decoder-share, its decoder alone."""
    if resumed is None:
        log("stage 1: autoencoder")
        encoder, decoder, steps_run["ae_steps"] = train_autoencoder(cfg, rng, budget and 0.2 * budget)
        return encoder, decoder
    if budget and decoder_share:
        log("decoder fine-tuning")
        steps = fine_tune_decoder(rng, resumed.encoder, resumed.decoder, decoder_share * budget)
        steps_run["decoder_fine_tune_steps"] = steps_run.get("decoder_fine_tune_steps", 0) + steps
    return resumed.encoder, resumed.decoder


def text_encoder_stage(cfg, rng, tokenizer, budget, steps_run, resumed, seed):
    """Trains the text encoder against its image tower and freezes it, or keeps a checkpoint's."""
    if resumed is not None:
        return resumed.text_encoder, resumed.separation_report
    log("stage 2: text encoder (contrastive)")
    torch.manual_seed(seed + 1)
    text_encoder, report, steps_run["clip_steps"] = train_text_encoder(cfg, rng, tokenizer, budget and 0.08 * budget)
    return text_encoder, report


def unet_stage(cfg, rng, tokenizer, encoder, text_encoder, budget_end, steps_run, resumed):
    """Trains the UNet (or a checkpoint's further) on latents of the frozen encoder and states of the frozen text
    encoder; returns its EMA weights, the latents and the scaling factor."""
    log("stage 3: UNet")
    latents, keys, scaling_factor = latent_dataset(cfg, rng, encoder, resumed and resumed.scaling_factor)
    log(f"{len(latents)} latents, scaling factor {scaling_factor:.5f}")
    states, row_of_key = text_states(text_encoder, tokenizer)
    remaining = budget_end and budget_end - time.time() - 60  # a minute kept for the export
    unet, steps = train_unet(cfg, latents, keys, states, row_of_key, remaining, resumed and resumed.unet,
                             seed=3 + 100 * bool(resumed))
    steps_run["unet_steps"] = steps_run.get("unet_steps", 0) + steps
    return unet, latents, scaling_factor


def log_separation(report):
    for kind, r in report.items():
        status = "ok" if r["hidden_max"] < 0.8 else "TOO CLOSE"
        log(f"captions differing only in {kind}: pooled-state cosine max {r['hidden_max']:.3f} "
            f"mean {r['hidden_mean']:.3f}; embedding cosine max {r['embedding_max']:.3f} [{status}]")


def main():
    args = parse_args()
    cfg = training_config(args)
    budget = args.minutes * 60 if args.minutes else None
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tokenizer = ClipTokenizer(TOKENIZER_FILES)
    started = time.time()
    budget_end = budget and started + budget
    resumed = load_checkpoint(args.resume, args.out, tokenizer) if args.resume else None
    steps_run = resumed.steps_run if resumed else {}

    encoder, decoder = autoencoder_stage(cfg, rng, budget, steps_run, resumed, args.decoder_share)
    ae_psnr = psnr(encoder, decoder, random.Random(args.seed + 100), count=8 if args.smoke and not resumed else 256)
    log(f"autoencoder reconstruction PSNR {ae_psnr:.2f} dB")

    text_encoder, separation_report = text_encoder_stage(cfg, rng, tokenizer, budget, steps_run, resumed, args.seed)
    log_separation(separation_report)

    unet, latents, scaling_factor = unet_stage(cfg, rng, tokenizer, encoder, text_encoder, budget_end, steps_run,
                                               resumed)

    log("export")
    rgb_factors, rgb_residual = latent_rgb_factors(decoder, latents, scaling_factor)
    args.out.mkdir(parents=True, exist_ok=True)
    export(args.out, text_encoder, unet, encoder, decoder, scaling_factor, rgb_factors)
    metrics = {"seed": args.seed, "smoke": args.smoke, "config": asdict(cfg), "time_budget_minutes": args.minutes,
               "steps_run": steps_run, "resumed": bool(args.resume), "minutes": round((time.time() - started) / 60, 1),
               "autoencoder_psnr_db": round(ae_psnr, 2), "scaling_factor": scaling_factor,
               "text_separation": separation_report, "latent_rgb_rms_error": rgb_residual,
               "parameters": {part: sum(p.numel() for p in module.parameters()) for part, module in (
                   ("vae_encoder", encoder), ("vae_decoder", decoder), ("text_encoder", text_encoder), ("unet", unet))}}
    write_json(args.out / "training_metrics.json", metrics)
    if args.checkpoint:
        torch.save({"text_encoder": text_encoder.state_dict(), "unet": unet.state_dict(),
                    "encoder": encoder.state_dict(), "decoder": decoder.state_dict(),
                    "scaling_factor": scaling_factor, "metrics": metrics}, args.checkpoint)
    log(f"done in {metrics['minutes']} min: {args.out}")


if __name__ == "__main__":
    main()
