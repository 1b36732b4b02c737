"""Byte-level BPE tokenizer: trainer, encoder, decoder, save/load.

Format (loadable by Microsoft.ML.Tokenizers 2.0.1 BpeTokenizer with ByteLevel = true):
  vocab.json   {token-string: id}; token strings use the GPT-2 byte->unicode alphabet (space = 'Ġ').
  merges.txt   "#version: 0.2" then one "left right" merge per line, highest priority first.
  tokenizer_config.json  the pre-tokenizer regex and the special tokens.

The pre-tokenizer regex uses only constructs that Python `re` and .NET Regex read the same way
(ASCII letter/digit classes, explicit whitespace set), so both sides split text identically.
Digits are split one by one (" 4", "8", "2"), which keeps numbers (pass keys) easy to copy.
"""
import json
import re
from collections import Counter, defaultdict

# Contractions (ASCII or typographic apostrophe), letter runs, single digits, other-symbol runs
# (all optionally led by one space), then whitespace runs (the last whitespace char is left for the
# next word, as in GPT-2).
PATTERN = (r"['’](?:s|t|re|ve|m|ll|d)(?![A-Za-z])| ?[A-Za-z]+| ?[0-9]| ?[^ \t\n\rA-Za-z0-9]+"
           r"|[ \t\n\r]+(?![^ \t\n\r])|[ \t\n\r]+")
EOT = "<|endoftext|>"


def bytes_to_unicode():
    """GPT-2 mapping: every byte -> a printable unicode char (printable latin-1 bytes map to themselves)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE2CHAR = bytes_to_unicode()
CHAR2BYTE = {c: b for b, c in BYTE2CHAR.items()}
_pre = re.compile(PATTERN)


def pretokenize(text):
    """Split text into pre-tokens, each mapped to the byte-level alphabet."""
    return ["".join(BYTE2CHAR[b] for b in m.encode("utf-8")) for m in _pre.findall(text)]


def train(word_counts, vocab_size, special_tokens):
    """Classic word-frequency BPE. word_counts: {byte-level pre-token: count}.
    Returns (vocab dict, merges list). Ties broken by the pair's strings (deterministic)."""
    n_merges = vocab_size - 256 - len(special_tokens)
    symbols = [BYTE2CHAR[b] for b in range(256)]
    words = [list(w) for w in word_counts]
    counts = list(word_counts.values())
    pair_count = Counter()
    pair_words = defaultdict(set)
    for i, w in enumerate(words):
        c = counts[i]
        for a, b in zip(w, w[1:]):
            pair_count[(a, b)] += c
            pair_words[(a, b)].add(i)
    merges = []
    # Lazy max-heap of pair counts: stale entries are re-checked when popped.
    import heapq
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc:   # stale entry
            if pair_count.get(pair, 0) > 0:
                heapq.heappush(heap, (-pair_count[pair], pair))
            continue
        if -negc < 2:
            break
        a, b = pair
        new = a + b
        merges.append(pair)
        symbols.append(new)
        touched = set()
        for i in list(pair_words[pair]):
            w = words[i]
            c = counts[i]
            # remove old pair counts of this word
            for p in zip(w, w[1:]):
                pair_count[p] -= c
            j, out = 0, []
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(new)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for p in zip(out, out[1:]):
                pair_count[p] += c
                pair_words[p].add(i)
                touched.add(p)
        del pair_count[pair]
        pair_words.pop(pair, None)
        for p in touched:
            if pair_count.get(p, 0) > 0:
                heapq.heappush(heap, (-pair_count[p], p))
    vocab = {s: i for i, s in enumerate(symbols)}
    for t in special_tokens:
        vocab[t] = len(vocab)
    return vocab, merges


class Tokenizer:
    def __init__(self, vocab, merges, special_tokens):
        self.vocab = vocab
        self.inv = {i: s for s, i in vocab.items()}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.merges = merges
        self.special = {t: vocab[t] for t in special_tokens}
        self.cache = {}
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in special_tokens) + ")") if special_tokens else None

    def _bpe(self, word):
        ids = self.cache.get(word)
        if ids is not None:
            return ids
        parts = list(word)
        while len(parts) > 1:
            best, best_rank = None, None
            for p in zip(parts, parts[1:]):
                r = self.ranks.get(p)
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = p, r
            if best is None:
                break
            a, b = best
            out, j = [], 0
            while j < len(parts):
                if j + 1 < len(parts) and parts[j] == a and parts[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(parts[j])
                    j += 1
            parts = out
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text, allow_special=True):
        out = []
        chunks = self._special_re.split(text) if (allow_special and self._special_re) else [text]
        for ch in chunks:
            if ch in self.special:
                out.append(self.special[ch])
            elif ch:
                for w in pretokenize(ch):
                    out.extend(self._bpe(w))
        return out

    def decode(self, ids):
        s = "".join(self.inv[i] for i in ids)
        parts, buf = [], bytearray()
        for ch in s:
            if ch in CHAR2BYTE:
                buf.append(CHAR2BYTE[ch])
            else:
                buf.extend(ch.encode("utf-8"))
        return buf.decode("utf-8", errors="replace")

    def save(self, d):
        import os
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "vocab.json"), "w", encoding="utf-8") as f:
            json.dump(self.vocab, f, ensure_ascii=False)
        with open(os.path.join(d, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for a, b in self.merges:
                f.write(f"{a} {b}\n")
        with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump({"type": "byte-level BPE (GPT-2 byte alphabet)",
                       "pre_tokenizer_pattern": PATTERN,
                       "special_tokens": self.special,
                       "eot_token": EOT, "eot_id": self.special.get(EOT),
                       "vocab_size": len(self.vocab)}, f, ensure_ascii=False, indent=1)

    @staticmethod
    def load(d):
        import os
        with open(os.path.join(d, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        merges = []
        with open(os.path.join(d, "merges.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#version"):
                    continue
                line = line.rstrip("\n")
                if line:
                    a, b = line.split(" ")
                    merges.append((a, b))
        with open(os.path.join(d, "tokenizer_config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        assert cfg["pre_tokenizer_pattern"] == PATTERN
        return Tokenizer(vocab, merges, list(cfg["special_tokens"]))
