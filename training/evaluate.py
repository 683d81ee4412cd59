"""Scores a tiny-shapes model: generates 64 prompts x 4 seeds and checks each image with simple image analysis.

    /usr/bin/python3 training/evaluate.py --model models/tiny-shapes                 # through the C# `sd generate`
    /usr/bin/python3 training/evaluate.py --model models/tiny-shapes --speed fast    # the same at Speed: Fast
    /usr/bin/python3 training/evaluate.py --model models/tiny-shapes --torch CKPT    # PyTorch weights from train.py
    /usr/bin/python3 training/evaluate.py --reference                                # the analysis on true renders
    /usr/bin/python3 training/evaluate.py --round-trip CKPT                          # true renders through the VAE

Analysis: background = the median colour of the one-pixel border, named by the nearest of the eight colours;
foreground = pixels further than 60 (RGB, 0-255) from it; blobs = 4-connected foreground components of at least
12 pixels; count = number of blobs; each blob's colour = nearest named colour of its median pixel; each blob's shape
from its fill ratio (area / bounding-box area: square ~1.0, circle ~0.785, triangle ~0.5). An image scores its
shape colour and kind when the majority of its blobs agree with the prompt. Seeds count as visibly different when
the mean absolute pixel difference between two seeds' images of one prompt exceeds 0.01 (RGB in [0, 1]).
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shapes  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = [1, 2, 3, 4]
FOREGROUND_DISTANCE = 60.0
MIN_BLOB = 12
SEED_DIFFERENCE = 0.01
PALETTE = np.array([shapes.COLOURS[n] for n in shapes.COLOUR_NAMES], dtype=np.float64)


def prompts():
    """64 scenes covering every colour, background, shape and count: colour i % 8, shape i % 3, count (i // 8) % 3,
    background a different colour chosen by an offset of 1..7."""
    scenes = []
    for i in range(64):
        colour = i % 8
        background = (colour + 1 + (i // 8) % 7 + (i % 3)) % 8
        if background == colour:
            background = (background + 1) % 8
        scenes.append(((i // 8) % 3 + 1, colour, i % 3, background))
    return scenes


def nearest_colour(rgb):
    return int(np.argmin(((PALETTE - np.asarray(rgb, dtype=np.float64)) ** 2).sum(-1)))


def blobs(mask):
    """4-connected components of a boolean mask, as lists of (y, x)."""
    height, width = mask.shape
    seen = np.zeros_like(mask)
    found = []
    for y0 in range(height):
        for x0 in range(width):
            if not mask[y0, x0] or seen[y0, x0]:
                continue
            stack, pixels = [(y0, x0)], []
            seen[y0, x0] = True
            while stack:
                y, x = stack.pop()
                pixels.append((y, x))
                for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                    if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
            found.append(pixels)
    return found


def shape_of(fill):
    if fill >= 0.89:
        return 1  # square
    if fill >= 0.64:
        return 0  # circle
    return 2  # triangle


def analyse(image):
    """image: uint8 [H, W, 3]. Returns background, colours, shapes (per blob)."""
    pixels = image.astype(np.float64)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    background_rgb = np.median(border, axis=0)
    mask = np.sqrt(((pixels - background_rgb) ** 2).sum(-1)) > FOREGROUND_DISTANCE
    found = [b for b in blobs(mask) if len(b) >= MIN_BLOB]
    colours, kinds = [], []
    for blob in found:
        ys, xs = np.array([p[0] for p in blob]), np.array([p[1] for p in blob])
        colours.append(nearest_colour(np.median(pixels[ys, xs], axis=0)))
        box = (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1)
        kinds.append(shape_of(len(blob) / box))
    return {"background": nearest_colour(background_rgb), "colours": colours, "shapes": kinds}


def majority(values):
    return Counter(values).most_common(1)[0][0] if values else None


def score(scene, found):
    count, colour, shape, background = scene
    return {"background": found["background"] == background,
            "colour": majority(found["colours"]) == colour,
            "shape": majority(found["shapes"]) == shape,
            "count": len(found["colours"]) == count}


# ---------------------------------------------------------------- image sources

def generate_cli(model, scenes, sd_command, workdir, guidance=None, speed=None):
    """One `sd generate` per prompt with --batch 4: the CLI prints a JSON line whose "files" lists the images."""
    images = []
    for i, scene in enumerate(scenes):
        command = sd_command + ["generate", "--model", str(model), "--prompt", shapes.caption(*scene),
                                "--seed", str(SEEDS[0]), "--batch", str(len(SEEDS)),
                                "--out", str(workdir / f"prompt{i:02d}.png")]
        if guidance is not None:
            command += ["--guidance", str(guidance)]
        if speed is not None:
            command += ["--speed", speed]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        files = None
        for line in result.stdout.splitlines():
            line = line.strip()
            if line.startswith("{") and '"files"' in line:
                files = json.loads(line)["files"]
        if not files or len(files) != len(SEEDS):
            raise RuntimeError(f"sd generate printed no list of {len(SEEDS)} files:\n{result.stdout}\n{result.stderr}")
        images.append([np.asarray(Image.open(f).convert("RGB")) for f in files])
    return images


def generate_torch(model, scenes, checkpoint, guidance=None):
    import torch

    import nets
    import sampling
    import train
    from clip_bpe import ClipTokenizer

    torch.set_num_threads(2)
    defaults = json.loads((Path(model) / "defaults.json").read_text())
    state = torch.load(checkpoint)
    tokenizer = ClipTokenizer(train.TOKENIZER_FILES)
    text_encoder = nets.TextEncoder(train.row_table(tokenizer), width=train.TEXT_WIDTH)
    text_encoder.load_state_dict(state["text_encoder"])
    unet = nets.UNet(context_dim=train.TEXT_WIDTH)
    unet.load_state_dict(state["unet"])
    decoder = nets.Decoder(train.AE_CHANNELS)
    decoder.load_state_dict(state["decoder"])
    for module in (text_encoder, unet, decoder):
        module.eval()
    factor = 4
    h, w = defaults["height"] // factor, defaults["width"] // factor
    images = []
    with torch.no_grad():
        uncond = text_encoder(torch.tensor([tokenizer.ids("")]))
        for scene in scenes:
            cond = text_encoder(torch.tensor([tokenizer.ids(shapes.caption(*scene))]))
            noise = torch.cat([torch.randn(1, 4, h, w, generator=torch.Generator().manual_seed(s)) for s in SEEDS])
            latents = sampling.dpmpp_2m(unet, cond.expand(len(SEEDS), -1, -1), uncond.expand(len(SEEDS), -1, -1),
                                        noise, steps=defaults["steps"],
                                        guidance=defaults["guidance_scale"] if guidance is None else guidance)
            rgb = ((decoder(latents / state["scaling_factor"]).clamp(-1, 1) + 1) * 127.5).round().byte()
            images.append(list(rgb.permute(0, 2, 3, 1).numpy()))
    return images


def generate_round_trip(scenes, checkpoint):
    """True renders through the checkpoint's VAE alone (encoder mean, decoder): the ceiling the VAE sets."""
    import torch

    import nets
    import train

    torch.set_num_threads(2)
    state = torch.load(checkpoint)
    encoder, decoder = nets.Encoder(train.AE_CHANNELS), nets.Decoder(train.AE_CHANNELS)
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    encoder.eval()
    decoder.eval()
    rng = random.Random(0)
    images = []
    with torch.no_grad():
        for scene in scenes:
            rendered = shapes.render([scene] * len(SEEDS), rng)
            out = decoder(encoder(rendered)[:, :4]).clamp(-1, 1)
            images.append(list(((out + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()))
    return images


def generate_reference(scenes):
    import torch  # noqa: F401  (shapes renders with torch)

    rng = random.Random(0)
    return [list(((shapes.render([scene] * len(SEEDS), rng) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy())
            for scene in scenes]


# ---------------------------------------------------------------- report

def evaluate(scenes, images):
    totals = Counter()
    by_attribute = {"shape": Counter(), "count": Counter(), "colour": Counter(), "background": Counter()}
    seed_distances = []
    for scene, seeds in zip(scenes, images):
        for image in seeds:
            result = score(scene, analyse(image))
            totals.update({k: int(v) for k, v in result.items()})
            by_attribute["shape"][(shapes.SHAPES[scene[2]], result["shape"])] += 1
            by_attribute["count"][(scene[0], result["count"])] += 1
            by_attribute["colour"][(shapes.COLOUR_NAMES[scene[1]], result["colour"])] += 1
            by_attribute["background"][(shapes.COLOUR_NAMES[scene[3]], result["background"])] += 1
        floats = [s.astype(np.float64) / 255 for s in seeds]
        for a in range(len(floats)):
            for b in range(a + 1, len(floats)):
                seed_distances.append(float(np.abs(floats[a] - floats[b]).mean()))
    n = sum(len(s) for s in images)
    scores = {k: totals[k] / n for k in ("colour", "background", "shape", "count")}
    scores["seed_distance_mean"] = float(np.mean(seed_distances))
    scores["seed_pairs_different"] = float(np.mean([d > SEED_DIFFERENCE for d in seed_distances]))
    scores["images"] = n
    breakdown = {attr: {str(key): counts[(key, True)] / (counts[(key, True)] + counts[(key, False)])
                        for key in sorted({k for k, _ in counts}, key=str)}
                 for attr, counts in by_attribute.items()}
    return scores, breakdown


def save_grid(scenes, images, path, rows=12):
    size = images[0][0].shape[0]
    grid = np.zeros((rows * size, len(SEEDS) * size, 3), dtype=np.uint8)
    for r in range(rows):
        for c in range(len(SEEDS)):
            grid[r * size:(r + 1) * size, c * size:(c + 1) * size] = images[r][c]
    Image.fromarray(grid).resize((grid.shape[1] * 2, grid.shape[0] * 2), Image.NEAREST).save(path, optimize=True)
    Path(path).with_suffix(".txt").write_text("\n".join(shapes.caption(*s) for s in scenes[:rows]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "tiny-shapes")
    parser.add_argument("--torch", type=Path, metavar="CHECKPOINT", help="generate with PyTorch from this checkpoint")
    parser.add_argument("--reference", action="store_true", help="score true renders (checks the analysis itself)")
    parser.add_argument("--round-trip", type=Path, metavar="CHECKPOINT",
                        help="score true renders passed through this checkpoint's VAE (the ceiling it sets)")
    parser.add_argument("--sd", default=str(REPO / "src" / "StableDiffusion.Cli" / "bin" / "Debug" / "net10.0" / "sd"),
                        help="the sd command (may be 'dotnet path/sd.dll')")
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--seed", type=int, default=SEEDS[0],
                        help="first of the 4 seeds (default 1; e.g. 5 for held-out seeds 5-8)")
    parser.add_argument("--guidance", type=float, help="instead of the model's defaults.json guidance_scale")
    parser.add_argument("--speed", choices=["exact", "fast"], help="sd generate's --speed (default: exact)")
    parser.add_argument("--grid", type=Path, help="write a PNG grid of the first 12 prompts x 4 seeds")
    parser.add_argument("--json", type=Path, help="write the scores as JSON")
    args = parser.parse_args()
    SEEDS[:] = range(args.seed, args.seed + len(SEEDS))
    scenes = prompts()[: args.prompts]
    if args.reference:
        source, images = "reference renders", generate_reference(scenes)
    elif args.round_trip:
        source, images = "VAE round trip of true renders", generate_round_trip(scenes, args.round_trip)
    elif args.torch:
        source, images = "PyTorch (DPM-Solver++ 2M)", generate_torch(args.model, scenes, args.torch, args.guidance)
    else:
        with tempfile.TemporaryDirectory() as workdir:
            source, images = "C# sd generate", generate_cli(args.model, scenes, args.sd.split(), Path(workdir),
                                                   args.guidance, args.speed)
    if args.guidance is not None:
        source += f", guidance {args.guidance:g}"
    if args.speed is not None:
        source += f", speed {args.speed}"
    scores, breakdown = evaluate(scenes, images)
    print(f"source: {source}; {len(scenes)} prompts x seeds {SEEDS[0]}-{SEEDS[-1]} = {scores['images']} images")
    print(f"| shape colour | background | shape kind | count | seeds different (> {SEED_DIFFERENCE}) | seed distance |")
    print("|---|---|---|---|---|---|")
    print(f"| {scores['colour']:.1%} | {scores['background']:.1%} | {scores['shape']:.1%} | {scores['count']:.1%} "
          f"| {scores['seed_pairs_different']:.1%} | {scores['seed_distance_mean']:.3f} |")
    for attr, values in breakdown.items():
        print(f"{attr}: " + ", ".join(f"{k} {v:.0%}" for k, v in values.items()))
    if args.grid:
        save_grid(scenes, images, args.grid)
    if args.json:
        args.json.write_text(json.dumps({"source": source, "scores": scores, "breakdown": breakdown}, indent=2) + "\n")


if __name__ == "__main__":
    main()
