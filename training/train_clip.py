"""Trains the embedded CLIP model, tiny-shapes-clip, and exports it in the layout of an OpenAI CLIP ONNX export.

    /usr/bin/python3 training/train_clip.py --checkpoint tiny-shapes.pt --out models/tiny-shapes-clip   # ~6 minutes

tiny-shapes' text encoder was trained contrastively against a small image CNN, which was then thrown away. This
trains a new image tower and both projection heads against that text encoder, frozen (LiT, "locked-image tuning",
turned round: here the text side is locked and the image side learns to meet it), so the CLIP model reads prompts
exactly as the diffusion model does. Loss: CLIP's symmetric cross-entropy, half of every batch hard negatives one
word away from another caption in it (as train.py's text stage), repeated captions all counted as positives.

Written folder (the names and shapes of transformers' CLIP exports, as optimum and transformers.js write them):
    text_model.onnx      input_ids int64 [batch_size, sequence_length] (<= 77), attention_mask int64 (same shape)
                         -> text_embeds float32 [batch_size, 128], last_hidden_state [batch_size, sequence_length, 128]
    vision_model.onnx    pixel_values float32 [batch_size, 3, 64, 64] -> image_embeds float32 [batch_size, 128]
    tokenizer/           the CLIP BPE files, padded with <|endoftext|>
    preprocessor_config.json  CLIPImageProcessor's keys: 64x64, mean = std = 0.5 (pixels in [-1, 1])
    config.json          projection_dim 128 and the towers' sizes
The embeddings are not normalised (as in the real exports); similarity is the cosine.

Measured (written to clip_metrics.json and printed): text-to-image recall@1 and @5 over a gallery of 200 renders of
200 different scenes, drawn from a generator the training never uses, each caption ranking all 200 images.
"""

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import onnx
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nets  # noqa: E402
import shapes  # noqa: E402
import train  # noqa: E402
from clip_bpe import ClipTokenizer  # noqa: E402
from onnx_export import describe, export_onnx, write_json, write_tokenizer  # noqa: E402

EMBEDDING = 128
GALLERY = 200
GALLERY_SEED = 20_000  # scenes and renders of the recall gallery; training draws from --seed


class ClipText(nn.Module):
    """CLIPTextModelWithProjection: the text encoder's state at the first end-of-text token (the largest id, so
    argmax finds it, as transformers pools), projected. The encoder is causal, so padding never reaches that state;
    the attention mask only zeroes the padded positions of last_hidden_state, as a real export's output has them."""

    def __init__(self, text_encoder, dim=EMBEDDING):
        super().__init__()
        self.text_encoder = text_encoder
        self.text_projection = nn.Linear(train.TEXT_WIDTH, dim, bias=False)

    def pooled(self, input_ids):
        states = self.text_encoder(input_ids)
        return states, states[torch.arange(states.shape[0]), input_ids.argmax(dim=-1)]

    def forward(self, input_ids, attention_mask):
        states, pooled = self.pooled(input_ids)
        return self.text_projection(pooled), states * attention_mask.unsqueeze(-1).to(states.dtype)


class ClipVision(nn.Module):
    """CLIPVisionModelWithProjection's contract on a small CNN: pixel_values in [-1, 1] -> image_embeds."""

    def __init__(self, dim=EMBEDDING):
        super().__init__()
        self.tower = nets.ImageTower(train.TEXT_WIDTH)
        self.visual_projection = nn.Linear(train.TEXT_WIDTH, dim, bias=False)

    def forward(self, pixel_values):
        return self.visual_projection(self.tower(pixel_values))


def caption_ids(tokenizer, scenes):
    """Full 77-token rows (BOS, caption, EOS, EOS padding), as a CLIP tokenizer pads for Stable Diffusion."""
    return torch.tensor([tokenizer.ids(shapes.caption(*s)) for s in scenes])


def pooled_states(text_encoder, tokenizer):
    """The frozen text encoder's pooled state of every caption, by caption_index (rows of other indices unused)."""
    scenes = shapes.all_scenes()
    table = torch.zeros(len(shapes.COUNT_WORDS) * len(shapes.SHAPES) * len(shapes.COLOURS) ** 2, train.TEXT_WIDTH)
    with torch.no_grad():
        ids = train.caption_ids(tokenizer, scenes)
        pooled = train.pooled(text_encoder(ids), ids)
    for scene, state in zip(scenes, pooled):
        table[shapes.caption_index(*scene)] = state
    return table


def augment(images, generator):
    """Horizontal flips (every caption stays true) and a little noise, so generated images, which are never quite
    clean renders, land near the renders they resemble."""
    flip = torch.rand(images.shape[0], generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(3), images)
    return images + 0.04 * torch.randn(images.shape, generator=generator)


def contrastive_loss(text, image, keys, logit_scale):
    logits = logit_scale.clamp(max=math.log(100)).exp() * text @ image.T
    same = (keys[:, None] == keys[None, :]).float()
    target = same / same.sum(1, keepdim=True)
    loss = 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean()
                  + torch.sum(-target * F.log_softmax(logits.T, 1), 1).mean())
    return loss, logits


def hard_negative_batch(rng, size):
    base = [shapes.random_scene(rng) for _ in range(size // 2)]
    scenes = base + [shapes.sibling(s, rng) for s in base]
    return scenes, shapes.render(scenes, rng)


def train_image_side(text_table, rng, seconds, max_steps, batch, seed=0):
    """The image tower and both projections, against the frozen text encoder's pooled states."""
    torch.manual_seed(seed)
    text_projection = nn.Linear(train.TEXT_WIDTH, EMBEDDING, bias=False)
    vision = ClipVision()
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = [*text_projection.parameters(), *vision.parameters(), logit_scale]
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    schedule = train.Schedule(optimizer, 1e-3, max_steps, seconds)
    generator = torch.Generator().manual_seed(seed + 1)
    step = -1
    while schedule.running():
        step += 1
        scenes, images = hard_negative_batch(rng, batch)
        keys = torch.tensor([shapes.caption_index(*s) for s in scenes])
        text = F.normalize(text_projection(text_table[keys]), dim=-1)
        image = F.normalize(vision(augment(images, generator)), dim=-1)
        loss, logits = contrastive_loss(text, image, keys, logit_scale)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        if step % 50 == 0:
            accuracy = float((logits.argmax(1) == torch.arange(len(scenes))).float().mean())
            train.log(f"clip step {step} loss {loss.item():.3f} acc {accuracy:.2f} scale {logit_scale.exp().item():.1f}")
    train.log(f"image tower trained for {step + 1} steps")
    vision.eval()
    return text_projection, vision, float(logit_scale.exp()), step + 1


def gallery():
    """200 different scenes and one render of each, from a generator no training run draws from."""
    rng = random.Random(GALLERY_SEED)
    scenes = rng.sample(shapes.all_scenes(), GALLERY)
    return scenes, shapes.render(scenes, rng)


def recall(text_embeds, image_embeds, ks=(1, 5)):
    """Text i's match is image i: the share of texts whose match ranks within the top k of all images."""
    similarity = F.normalize(text_embeds, dim=-1) @ F.normalize(image_embeds, dim=-1).T
    rank = (similarity > similarity.diagonal()[:, None]).sum(1)  # images scoring above the match
    return {f"recall@{k}": float((rank < k).float().mean()) for k in ks}


def measure(clip_text, vision, tokenizer, scenes, images):
    with torch.no_grad():
        ids = caption_ids(tokenizer, scenes)
        text, _ = clip_text(ids, torch.ones_like(ids))
        image = vision(images)
    return {"text_to_image": recall(text, image), "image_to_text": recall(image, text)}


def fix_hidden_width(path):
    """The exporter leaves last_hidden_state's width symbolic behind the mask's Mul; it is always 128."""
    model = onnx.load(str(path))
    model.graph.output[1].type.tensor_type.shape.dim[2].dim_value = train.TEXT_WIDTH
    onnx.save(model, str(path))
    onnx.checker.check_model(model, full_check=True)
    return onnx.shape_inference.infer_shapes(model, strict_mode=True)


def export_clip(out, clip_text, vision, tokenizer):
    out.mkdir(parents=True, exist_ok=True)
    ids = caption_ids(tokenizer, [(2, 0, 1, 2), (1, 3, 0, 4)])
    text = export_onnx(clip_text, (ids, torch.ones_like(ids)), out / "text_model.onnx",
                       ["input_ids", "attention_mask"], ["text_embeds", "last_hidden_state"],
                       {"input_ids": {0: "batch_size", 1: "sequence_length"},
                        "attention_mask": {0: "batch_size", 1: "sequence_length"},
                        "text_embeds": {0: "batch_size"},
                        "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
    text = fix_hidden_width(out / "text_model.onnx")
    image = export_onnx(vision, (torch.zeros(2, 3, shapes.SIZE, shapes.SIZE),), out / "vision_model.onnx",
                        ["pixel_values"], ["image_embeds"],
                        {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
    write_tokenizer(out / "tokenizer")
    # CLIPImageProcessor: resize the shortest edge to 64 (bicubic), centre-crop 64x64, scale to [0, 1], then
    # (x - 0.5) / 0.5: the [-1, 1] pixels the tower was trained on.
    write_json(out / "preprocessor_config.json", {
        "crop_size": {"height": shapes.SIZE, "width": shapes.SIZE}, "do_center_crop": True, "do_normalize": True,
        "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
        "image_processor_type": "CLIPImageProcessor", "resample": 3, "rescale_factor": 1 / 255,
        "size": {"shortest_edge": shapes.SIZE}})
    write_json(out / "config.json", {
        "architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": EMBEDDING,
        "text_config": {"hidden_size": train.TEXT_WIDTH, "max_position_embeddings": 77, "num_hidden_layers": 3,
                        "vocab_size": 49408},
        "vision_config": {"image_size": shapes.SIZE, "num_channels": 3}})
    for part, model in (("text_model", text), ("vision_model", image)):
        print(f"  {part}: {describe(model)}")


def load_text_encoder(checkpoint, tokenizer):
    text_encoder = nets.TextEncoder(train.row_table(tokenizer), width=train.TEXT_WIDTH)
    text_encoder.load_state_dict(torch.load(checkpoint)["text_encoder"])
    text_encoder.eval()
    for p in text_encoder.parameters():
        p.requires_grad_(False)
    return text_encoder


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True,
                        help="train.py's checkpoint (or recover_checkpoint.py's): its text encoder stays frozen")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--save", type=Path, help="also save the PyTorch towers here (for train_components.py)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=6.0, help="time budget for training")
    parser.add_argument("--steps", type=int, default=3000, help="step cap (replay a run by its steps)")
    parser.add_argument("--batch", type=int, default=64, help="images per step, half of them hard negatives")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    started = time.time()
    tokenizer = ClipTokenizer(train.TOKENIZER_FILES)
    text_encoder = load_text_encoder(args.checkpoint, tokenizer)
    table = pooled_states(text_encoder, tokenizer)
    text_projection, vision, scale, steps = train_image_side(table, random.Random(args.seed), args.minutes * 60,
                                                             args.steps, args.batch, seed=args.seed)
    clip_text = ClipText(text_encoder)
    clip_text.text_projection.load_state_dict(text_projection.state_dict())
    clip_text.eval()
    scenes, images = gallery()
    scores = measure(clip_text, vision, tokenizer, scenes, images)
    train.log(f"gallery of {GALLERY}: {scores}")
    export_clip(args.out, clip_text, vision, tokenizer)
    metrics = {"seed": args.seed, "steps": steps, "batch": args.batch, "minutes": round((time.time() - started) / 60, 1),
               "logit_scale": scale, "gallery": GALLERY, **scores}
    write_json(args.out / "clip_metrics.json", metrics)
    if args.save:
        torch.save({"text_projection": text_projection.state_dict(), "vision": vision.state_dict(),
                    "logit_scale": scale}, args.save)
    train.log(f"done in {metrics['minutes']} min: {args.out}")


if __name__ == "__main__":
    main()
