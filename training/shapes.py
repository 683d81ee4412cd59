"""The synthetic world: 1-3 shapes of one colour on a plain background, captioned in a fixed grammar."""

import random

import torch

SIZE = 64

# Clear, saturated hues, far apart in RGB so that "nearest named colour" is unambiguous.
COLOURS = {
    "red": (220, 30, 30),
    "green": (30, 170, 50),
    "blue": (30, 70, 230),
    "yellow": (245, 220, 30),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
    "purple": (140, 40, 190),
    "orange": (250, 140, 20),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ["circle", "square", "triangle"]
COUNT_WORDS = ["a", "two", "three"]

# Sizes are radii r (a circle's radius, a square's half-side 0.9 r); three shapes must fit beside each other, so
# they are smaller. Nothing is drawn much under 12 pixels across: below that a 16x16 latent keeps too little of a
# triangle's tips or a square's corners for the decoder to draw them back.
RADIUS_RANGE = {1: (9.0, 15.0), 2: (7.5, 12.0), 3: (6.5, 9.5)}
# A triangle's circumradius, in radii: 1.5 gives it about the area of the circle and square of the same r.
TRIANGLE = 1.5


def caption(count, colour, shape, background):
    noun = SHAPES[shape] if count == 1 else SHAPES[shape] + "s"
    return f"{COUNT_WORDS[count - 1]} {COLOUR_NAMES[colour]} {noun} on a {COLOUR_NAMES[background]} background"


def caption_index(count, colour, shape, background):
    return (((count - 1) * len(SHAPES) + shape) * len(COLOURS) + colour) * len(COLOURS) + background


def all_scenes():
    """Every valid (count, colour, shape, background): shape and background never share a colour."""
    return [(n, c, s, b) for n in (1, 2, 3) for s in range(len(SHAPES)) for c in range(len(COLOURS))
            for b in range(len(COLOURS)) if b != c]


def random_scene(rng):
    colour = rng.randrange(len(COLOURS))
    background = rng.choice([b for b in range(len(COLOURS)) if b != colour])
    return rng.randint(1, 3), colour, rng.randrange(len(SHAPES)), background


def sibling(scene, rng):
    """The scene with exactly one attribute changed: the hard negative for the contrastive stage."""
    count, colour, shape, background = scene
    while True:
        which = rng.randrange(4)
        if which == 0:
            new = (rng.choice([n for n in (1, 2, 3) if n != count]), colour, shape, background)
        elif which == 1:
            new = (count, rng.choice([c for c in range(len(COLOURS)) if c not in (colour, background)]), shape, background)
        elif which == 2:
            new = (count, colour, rng.choice([s for s in range(len(SHAPES)) if s != shape]), background)
        else:
            new = (count, colour, shape, rng.choice([b for b in range(len(COLOURS)) if b not in (colour, background)]))
        return new


def place(count, rng):
    """Centres and radii of `count` shapes that do not touch each other or the border."""
    low, high = RADIUS_RANGE[count]
    while True:
        placed = []
        for _ in range(count):
            for _attempt in range(50):
                r = rng.uniform(low, high)
                margin = TRIANGLE * r + 2
                x, y = rng.uniform(margin, SIZE - margin), rng.uniform(margin, SIZE - margin)
                if all((x - px) ** 2 + (y - py) ** 2 > (1.3 * (r + pr) + 3) ** 2 for px, py, pr in placed):
                    placed.append((x, y, r))
                    break
        if len(placed) == count:
            return placed


def render(scenes, rng):
    """Images in [-1, 1], [B, 3, 64, 64], anti-aliased by a one-pixel ramp on the signed distance."""
    batch = len(scenes)
    centres = torch.zeros(batch, 3, 3)  # x, y, r per shape slot; r = 0 leaves a slot empty
    shape_kind = torch.zeros(batch, dtype=torch.long)
    fg = torch.zeros(batch, 3)
    bg = torch.zeros(batch, 3)
    for i, (count, colour, shape, background) in enumerate(scenes):
        for j, (x, y, r) in enumerate(place(count, rng)):
            centres[i, j] = torch.tensor([x, y, r])
        shape_kind[i] = shape
        fg[i] = torch.tensor(COLOURS[COLOUR_NAMES[colour]], dtype=torch.float32)
        bg[i] = torch.tensor(COLOURS[COLOUR_NAMES[background]], dtype=torch.float32)

    coords = torch.arange(SIZE, dtype=torch.float32) + 0.5
    dx = coords[None, None, None, :] - centres[:, :, 0, None, None]
    dy = coords[None, None, :, None] - centres[:, :, 1, None, None]
    r = centres[:, :, 2, None, None]
    circle = torch.sqrt(dx * dx + dy * dy) - r
    square = torch.maximum(dx.abs(), dy.abs()) - 0.9 * r
    # Upward equilateral triangle with circumradius TRIANGLE * r: the furthest of its three edge half-planes.
    big = TRIANGLE * r
    triangle = torch.maximum(torch.maximum(dy, -0.866 * dx - 0.5 * dy), 0.866 * dx - 0.5 * dy) - big / 2
    distance = torch.stack([circle, square, triangle], dim=1)[torch.arange(batch), shape_kind]
    coverage = (0.5 - distance).clamp(0, 1) * (r > 0)
    mask = coverage.amax(dim=1, keepdim=True)
    image = bg[:, :, None, None] * (1 - mask) + fg[:, :, None, None] * mask
    return image / 127.5 - 1


def batch(size, rng, empty_fraction=0.0):
    scenes = [random_scene(rng) for _ in range(size)]
    return scenes, render(scenes, rng)


if __name__ == "__main__":
    from PIL import Image

    rng = random.Random(0)
    scenes, images = batch(16, rng)
    grid = ((images + 1) * 127.5).round().clamp(0, 255).byte().permute(0, 2, 3, 1).reshape(4, 4, SIZE, SIZE, 3)
    grid = grid.permute(0, 2, 1, 3, 4).reshape(4 * SIZE, 4 * SIZE, 3).numpy()
    Image.fromarray(grid).resize((512, 512), Image.NEAREST).save("shapes-preview.png")
    for scene in scenes:
        print(caption(*scene))
