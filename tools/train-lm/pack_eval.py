"""Re-pack prepare.py's held-out material for the C# host (gzip, which .NET reads without a dependency):
models/sieve-lm/eval/heldout.u16.gz (the held-out token stream, little-endian uint16) and
models/sieve-lm/eval/passkey.jsonl.gz (one {"id", "length", "depth", "prompt", "answer"} per line).

  python3 pack_eval.py --data DATA_DIR --out models/sieve-lm/eval
"""
import argparse
import gzip
import json
import lzma
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    val = lzma.open(os.path.join(a.data, "val.u16.xz")).read()
    with gzip.GzipFile(os.path.join(a.out, "heldout.u16.gz"), "wb", compresslevel=9, mtime=0) as f:
        f.write(val)
    items = json.load(lzma.open(os.path.join(a.data, "passkey_eval.json.xz"), "rt"))
    with gzip.GzipFile(os.path.join(a.out, "passkey.jsonl.gz"), "wb", compresslevel=9, mtime=0) as f:
        for i, it in enumerate(items):
            line = {"id": f"passkey-{it['length']}-{it['depth']}-{i}", "length": it["length"], "depth": it["depth"],
                    "prompt": it["prompt"], "answer": it["answer"]}
            f.write((json.dumps(line) + "\n").encode("utf-8"))
    print(f"heldout {len(val) // 2} tokens, passkey {len(items)} prompts -> {a.out}")


if __name__ == "__main__":
    main()
