"""CLIP's byte-level BPE tokenizer (openai/CLIP simple_tokenizer.py), enough for the training captions.

Written out because neither `transformers` nor `regex` is available with Debian's python3-torch; the split pattern
uses `re` with ASCII letter classes instead of CLIP's \\p{L}/\\p{N}, which is the same for the caption grammar.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

BOS, EOS = 49406, 49407
LENGTH = 77
PATTERN = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[a-zA-Z]+|[0-9]|[^\sa-zA-Z0-9]+",
                     re.IGNORECASE)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class ClipTokenizer:
    def __init__(self, folder: Path):
        self.encoder = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        merges = (folder / "merges.txt").read_text(encoding="utf-8").split("\n")[1:49152 - 256 - 2 + 1]
        self.ranks = {tuple(m.split()): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.bpe = lru_cache(maxsize=None)(self._bpe)

    def _bpe(self, token):
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        return word

    def ids(self, text):
        """[BOS, tokens..., EOS] padded with EOS to 77, as SD 1.x's CLIPTokenizer (pad_token = <|endoftext|>)."""
        text = re.sub(r"\s+", " ", text).strip().lower()
        tokens = []
        for piece in PATTERN.findall(text):
            piece = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            tokens.extend(self.encoder[t] for t in self.bpe(piece))
        tokens = [BOS] + tokens[: LENGTH - 2] + [EOS]
        return tokens + [EOS] * (LENGTH - len(tokens))
