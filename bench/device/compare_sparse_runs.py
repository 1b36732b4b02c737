"""Compares the sparse vectors and the search hits of runs of the index and search-sparse jobs against the first run:
kept terms in common, the largest weight difference over common terms, and queries with the same ranked documents.
Usage: compare_sparse_runs.py DIR REFERENCE OTHER...  (files DIR/sparse-vectors-TAG.jsonl, DIR/hits-sparse-TAG.jsonl)"""
import json, sys


def load(path):
    return {r["id"]: r for r in map(json.loads, open(path))}


folder, reference, others = sys.argv[1], sys.argv[2], sys.argv[3:]
ref_vectors = load(f"{folder}/sparse-vectors-{reference}.jsonl")
ref_hits = load(f"{folder}/hits-sparse-{reference}.jsonl")
for tag in others:
    vectors = load(f"{folder}/sparse-vectors-{tag}.jsonl")
    hits = load(f"{folder}/hits-sparse-{tag}.jsonl")
    kept = common = 0
    worst = 0.0
    for key, r in ref_vectors.items():
        mine = dict(zip(vectors[key]["terms"], vectors[key]["weights"]))
        kept += len(r["terms"])
        for t, w in zip(r["terms"], r["weights"]):
            if t in mine:
                common += 1
                worst = max(worst, abs(w - mine[t]))
    same = sum([h["doc"] for h in r.get("hits", [])] == [h["doc"] for h in hits[key].get("hits", [])] for key, r in ref_hits.items())
    print(f"{tag} vs {reference}: {len(vectors)} documents, kept terms in common {common}/{kept} ({common / max(1, kept):.2%}), "
          f"max |Δw| over them {worst:.3g}; queries with the same ranked documents {same}/{len(ref_hits)}")
