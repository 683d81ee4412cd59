"""The three networks of Stable Diffusion, at toy size: VAE, CLIP-style text tower (plus its image tower), UNet.

Layer choices follow diffusers (ResnetBlock2D, BasicTransformerBlock, get_timestep_embedding) and CLIP's text
transformer (causal self-attention, final layer norm), so the exported graphs use the operators real SD
exports use.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def group_norm(channels):
    return nn.GroupNorm(min(8, channels // 4), channels)


class ResBlock(nn.Module):
    """diffusers' ResnetBlock2D: norm-SiLU-conv twice, time embedding added between, 1x1 shortcut."""

    def __init__(self, cin, cout, time_dim=0):
        super().__init__()
        self.norm1, self.conv1 = group_norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(time_dim, cout) if time_dim else None
        self.norm2, self.conv2 = group_norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time is not None:
            h = h + self.time(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x, context, mask=None):
        b, n, d = x.shape
        h = self.heads
        q = self.to_q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.to_k(context).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.to_v(context).reshape(b, -1, h, d // h).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        if mask is not None:
            scores = scores + mask
        out = torch.softmax(scores, dim=-1) @ v
        return self.to_out(out.transpose(1, 2).reshape(b, n, d))


# ---------------------------------------------------------------- autoencoder (f = 4, 4 latent channels)

class Encoder(nn.Module):
    def __init__(self, channels=(16, 32, 64)):
        super().__init__()
        c0, c1, c2 = channels
        self.conv_in = nn.Conv2d(3, c0, 3, padding=1)
        self.blocks = nn.Sequential(
            ResBlock(c0, c0), nn.Conv2d(c0, c1, 3, stride=2, padding=1),
            ResBlock(c1, c1), nn.Conv2d(c1, c2, 3, stride=2, padding=1),
            ResBlock(c2, c2), ResBlock(c2, c2))
        self.norm_out = group_norm(c2)
        self.conv_out = nn.Conv2d(c2, 8, 3, padding=1)

    def forward(self, x):
        h = self.blocks(self.conv_in(x))
        return self.conv_out(F.silu(self.norm_out(h)))  # mean (4) ++ logvar (4)


class Decoder(nn.Module):
    def __init__(self, channels=(16, 32, 64)):
        super().__init__()
        c0, c1, c2 = channels
        self.conv_in = nn.Conv2d(4, c2, 3, padding=1)
        self.blocks = nn.Sequential(
            ResBlock(c2, c2), ResBlock(c2, c2),
            nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c2, c1, 3, padding=1), ResBlock(c1, c1),
            nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c1, c0, 3, padding=1), ResBlock(c0, c0))
        self.norm_out = group_norm(c0)
        self.conv_out = nn.Conv2d(c0, 3, 3, padding=1)

    def forward(self, z):
        return self.conv_out(F.silu(self.norm_out(self.blocks(self.conv_in(z)))))


# ---------------------------------------------------------------- CLIP-style towers

class TextBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width)
        self.self_attn = Attention(width, width, heads)
        self.layer_norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x, mask):
        h = self.layer_norm1(x)
        x = x + self.self_attn(h, h, mask)
        return x + self.mlp(self.layer_norm2(x))


class TextEncoder(nn.Module):
    """CLIP's text transformer. CLIP ids are first mapped through `row_of_id` (a constant table over the full
    49408-id vocabulary) to the few embedding rows the caption grammar needs; every other id shares row 0."""

    def __init__(self, row_of_id, width=128, layers=3, heads=4, length=77):
        super().__init__()
        self.register_buffer("row_of_id", row_of_id)  # uint8 [49408]
        rows = int(row_of_id.max()) + 1
        self.token_embedding = nn.Embedding(rows, width)
        self.position_embedding = nn.Parameter(torch.randn(length, width) * 0.01)
        self.layers = nn.ModuleList([TextBlock(width, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(width)
        self.register_buffer("causal", torch.full((length, length), float("-inf")).triu(1))

    def forward(self, input_ids):
        rows = self.row_of_id[input_ids.long()].long()
        length = input_ids.shape[1]
        x = self.token_embedding(rows) + self.position_embedding[:length]
        mask = self.causal[:length, :length]
        for layer in self.layers:
            x = layer(x, mask)
        return self.final_layer_norm(x)


class ImageTower(nn.Module):
    """A small CNN standing in for CLIP's vision tower during the contrastive stage only."""

    def __init__(self, out_dim):
        super().__init__()
        layers, cin = [nn.AvgPool2d(2)], 3  # shapes stay recognisable at 32x32
        for cout in (32, 64, 96, 128):
            layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.SiLU(), nn.Conv2d(cout, cout, 3, stride=2, padding=1),
                       group_norm(cout), nn.SiLU()]
            cin = cout
        self.net = nn.Sequential(*layers)
        # 32 -> 16 -> 8 -> 4 -> 2
        self.proj = nn.Linear(128 * 4, out_dim)

    def forward(self, x):
        return self.proj(self.net(x).flatten(1))


# ---------------------------------------------------------------- UNet

def timestep_embedding(t, dim):
    """diffusers' get_timestep_embedding(flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TransformerBlock(nn.Module):
    """diffusers' Transformer2DModel with one BasicTransformerBlock: self-attention, cross-attention, MLP."""

    def __init__(self, channels, context_dim, heads=4):
        super().__init__()
        self.norm = group_norm(channels)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.norm1, self.attn1 = nn.LayerNorm(channels), Attention(channels, channels, heads)
        self.norm2, self.attn2 = nn.LayerNorm(channels), Attention(channels, context_dim, heads)
        self.norm3 = nn.LayerNorm(channels)
        self.ff = nn.Sequential(nn.Linear(channels, 4 * channels), nn.GELU(), nn.Linear(4 * channels, channels))
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        n = self.norm1(t)
        t = t + self.attn1(n, n)
        t = t + self.attn2(self.norm2(t), context)
        t = t + self.ff(self.norm3(t))
        return x + self.proj_out(t.transpose(1, 2).reshape(b, c, h, w))


class UNet(nn.Module):
    def __init__(self, context_dim=128, channels=(32, 64, 96), time_dim=128):
        super().__init__()
        c0, c1, c2 = channels
        self.time_dim = time_dim
        self.time_embedding = nn.Sequential(nn.Linear(c0, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.conv_in = nn.Conv2d(4, c0, 3, padding=1)
        self.down0 = ResBlock(c0, c0, time_dim)
        self.downsample0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResBlock(c0, c1, time_dim)
        self.down1_attn = TransformerBlock(c1, context_dim)
        self.downsample1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.down2 = ResBlock(c1, c2, time_dim)
        self.down2_attn = TransformerBlock(c2, context_dim)
        self.mid1 = ResBlock(c2, c2, time_dim)
        self.mid_attn = TransformerBlock(c2, context_dim)
        self.mid2 = ResBlock(c2, c2, time_dim)
        self.up2 = ResBlock(c2 + c2, c2, time_dim)
        self.up2_attn = TransformerBlock(c2, context_dim)
        self.upsample2 = nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c2, c2, 3, padding=1))
        self.up1 = ResBlock(c2 + c1, c1, time_dim)
        self.up1_attn = TransformerBlock(c1, context_dim)
        self.upsample1 = nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c1, c1, 3, padding=1))
        self.up0 = ResBlock(c1 + c0, c0, time_dim)
        self.up0b = ResBlock(c0, c0, time_dim)
        self.norm_out = group_norm(c0)
        self.conv_out = nn.Conv2d(c0, 4, 3, padding=1)
        self.c0 = c0

    def forward(self, sample, timestep, context):
        # A timestep of shape [batch], [1] or [] broadcasts to one value per sample.
        t = timestep.float().reshape(-1).expand(sample.shape[0])
        emb = self.time_embedding(timestep_embedding(t, self.c0))
        h0 = self.down0(self.conv_in(sample), emb)
        h1 = self.down1_attn(self.down1(self.downsample0(h0), emb), context)
        h2 = self.down2_attn(self.down2(self.downsample1(h1), emb), context)
        m = self.mid2(self.mid_attn(self.mid1(h2, emb), context), emb)
        u = self.up2_attn(self.up2(torch.cat([m, h2], 1), emb), context)
        u = self.up1_attn(self.up1(torch.cat([self.upsample2(u), h1], 1), emb), context)
        u = self.up0b(self.up0(torch.cat([self.upsample1(u), h0], 1), emb), emb)
        return self.conv_out(F.silu(self.norm_out(u)))
