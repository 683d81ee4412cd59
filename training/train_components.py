"""Trains the standalone components that show swapping frozen parts: a second VAE decoder and a second text encoder.

    /usr/bin/python3 training/train_components.py --checkpoint tiny-shapes.pt --clip clip.pt --models models

writes
    models/tiny-shapes-vae-sharp/                vae_decoder/ (+ vae_encoder/, tiny-shapes' own)
    models/tiny-shapes-text-encoder-seed1/       text_encoder/ + tokenizer/

- **vae-sharp**: tiny-shapes' decoder trained further, alone, on latents of tiny-shapes' frozen encoder, with the
  image-gradient (edge) term weighted 2 instead of 1. Its latent space is tiny-shapes' own, so it plugs in.
- **text-encoder-seed1**: a text transformer of tiny-shapes' shape, trained from another seed against the frozen
  image tower of tiny-shapes-clip (train_clip.py): CLIP's loss, hard negatives, the caption-vs-caption term and the
  separation bar of train.py's text stage. It describes the same images in the same contrastive space, but its
  hidden states, which the UNet reads, are its own.

`--vae-minutes` and `--text-minutes` box each part (steps are capped by `--vae-steps`/`--text-steps` for a replay).
"""

import argparse
import math
import random
import shutil
import sys
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nets  # noqa: E402
import shapes  # noqa: E402
import train  # noqa: E402
import train_clip  # noqa: E402
from clip_bpe import ClipTokenizer  # noqa: E402
from onnx_export import write_json, write_tokenizer  # noqa: E402

RENDERS_PER_CAPTION = 4
EDGE_WEIGHT = 2.0


def sharp_loss(out, images):
    return F.mse_loss(out, images) + 0.5 * F.l1_loss(out, images) + EDGE_WEIGHT * train.edge_l1(out, images)


def second_decoder(state, seconds, steps, seed):
    encoder, decoder = nets.Encoder(train.AE_CHANNELS), nets.Decoder(train.AE_CHANNELS)
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    encoder.eval()
    rng = random.Random(seed)
    torch.manual_seed(seed)
    before = train.psnr(encoder, decoder, random.Random(seed + 100))
    steps_run = train.fine_tune_decoder(rng, encoder, decoder, seconds, loss_of=sharp_loss, max_steps=steps)
    after = train.psnr(encoder, decoder, random.Random(seed + 100))
    train.log(f"sharp decoder: {steps_run} steps, PSNR {before:.2f} -> {after:.2f} dB")
    return encoder, decoder, {"steps": steps_run, "psnr_before_db": round(before, 2), "psnr_after_db": round(after, 2)}


def image_bank(vision, seed):
    """RENDERS_PER_CAPTION renders of every caption through the frozen image tower, normalised: [keys, renders, D]."""
    rng = random.Random(seed)
    scenes = shapes.all_scenes()
    bank = torch.zeros(len(shapes.COUNT_WORDS) * len(shapes.SHAPES) * len(shapes.COLOURS) ** 2, RENDERS_PER_CAPTION,
                       train_clip.EMBEDDING)
    with torch.no_grad():
        for copy in range(RENDERS_PER_CAPTION):
            for start in range(0, len(scenes), 128):
                chunk = scenes[start:start + 128]
                embeds = F.normalize(vision(shapes.render(chunk, rng)), dim=-1)
                for scene, embed in zip(chunk, embeds):
                    bank[shapes.caption_index(*scene), copy] = embed
    return bank


def second_text_encoder(tokenizer, vision, seconds, steps, seed, batch=128):
    """A fresh text encoder and projection against the frozen image tower; stops at the separation bar."""
    bank = image_bank(vision, seed + 10)
    torch.manual_seed(seed)
    text_encoder = nets.TextEncoder(train.row_table(tokenizer), width=train.TEXT_WIDTH)
    projection = nn.Linear(train.TEXT_WIDTH, train_clip.EMBEDDING, bias=False)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = [*text_encoder.parameters(), *projection.parameters(), logit_scale]
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    schedule = train.Schedule(optimizer, 1e-3, steps, seconds)
    rng = random.Random(seed)
    generator = torch.Generator().manual_seed(seed + 1)
    report, step = None, -1
    while schedule.running():
        step += 1
        base = [shapes.random_scene(rng) for _ in range(batch // 2)]
        scenes = base + [shapes.sibling(s, rng) for s in base]
        keys = torch.tensor([shapes.caption_index(*s) for s in scenes])
        image = bank[keys, torch.randint(0, RENDERS_PER_CAPTION, (len(keys),), generator=generator)]
        ids = train.caption_ids(tokenizer, scenes)
        hidden = train.pooled(text_encoder(ids), ids)
        text = F.normalize(projection(hidden), dim=-1)
        loss, _ = train_clip.contrastive_loss(text, image, keys, logit_scale)
        same = (keys[:, None] == keys[None, :]).float()
        target = same / same.sum(1, keepdim=True)
        unit = F.normalize(hidden, dim=-1)  # train.py's caption-vs-caption term: every word kept apart meanwhile
        loss = loss + 0.5 * torch.sum(-target * F.log_softmax((unit @ unit.T) / 0.1, 1), 1).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        if (step + 1) % 100 == 0:
            report = train.separation(text_encoder, projection, tokenizer)
            worst = max(r["hidden_max"] for r in report.values())
            train.log(f"text step {step + 1} loss {loss.item():.3f}, worst minimal-pair cosine {worst:.3f}")
            if worst < 0.8:
                break
    report = train.separation(text_encoder, projection, tokenizer)
    text_encoder.eval()
    projection.eval()
    return text_encoder, projection, {"steps": step + 1, "text_separation": report}


def export_decoder_folder(folder, encoder, decoder, scaling_factor):
    if folder.exists():
        shutil.rmtree(folder)
    train.export_vae(folder, encoder, decoder, scaling_factor)


def export_text_folder(folder, text_encoder):
    if folder.exists():
        shutil.rmtree(folder)
    train.export_onnx(text_encoder, (torch.full((1, 77), train.EOS, dtype=torch.int32),),
                      folder / "text_encoder" / "model.onnx", ["input_ids"], ["last_hidden_state"],
                      {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    write_json(folder / "text_encoder" / "config.json", {"hidden_size": train.TEXT_WIDTH, "max_position_embeddings": 77,
                                                         "vocab_size": 49408, "num_hidden_layers": 3})
    write_tokenizer(folder / "tokenizer")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True, help="tiny-shapes' checkpoint (VAE, text encoder)")
    parser.add_argument("--clip", type=Path, required=True, help="train_clip.py --save's towers")
    parser.add_argument("--models", type=Path, required=True, help="where the component folders go")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vae-minutes", type=float, default=8.0)
    parser.add_argument("--vae-steps", type=int, default=10 ** 6)
    parser.add_argument("--text-minutes", type=float, default=8.0)
    parser.add_argument("--text-steps", type=int, default=3000)
    parser.add_argument("--only", choices=["vae", "text"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    state = torch.load(args.checkpoint)
    if args.only != "text":
        started = time.time()
        encoder, decoder, vae = second_decoder(state, args.vae_minutes * 60, args.vae_steps, args.seed)
        export_decoder_folder(args.models / "tiny-shapes-vae-sharp", encoder, decoder, state["scaling_factor"])
        write_json(args.models / "tiny-shapes-vae-sharp" / "training_metrics.json",
                   {**vae, "seed": args.seed, "edge_weight": EDGE_WEIGHT,
                    "minutes": round((time.time() - started) / 60, 1)})
    if args.only != "vae":
        started = time.time()
        tokenizer = ClipTokenizer(train.TOKENIZER_FILES)
        towers = torch.load(args.clip)
        vision = train_clip.ClipVision()
        vision.load_state_dict(towers["vision"])
        vision.eval()
        text_encoder, _, text = second_text_encoder(tokenizer, vision, args.text_minutes * 60, args.text_steps,
                                                    args.seed)
        export_text_folder(args.models / "tiny-shapes-text-encoder-seed1", text_encoder)
        write_json(args.models / "tiny-shapes-text-encoder-seed1" / "training_metrics.json",
                   {**text, "seed": args.seed, "minutes": round((time.time() - started) / 60, 1)})
        train.log_separation(text["text_separation"])


if __name__ == "__main__":
    main()
