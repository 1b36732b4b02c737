"""Sums Nsight Compute's gpu__time_duration per kernel launch from `ncu --csv` output and prints each launch in order
(name, grid, microseconds), so the lexical heads' kernels can be read per call: ToHalf + Run for fp16, Run or
Logits + Pool for fp32."""
import csv, sys

rows = []
with open(sys.argv[1]) as f:
    lines = [l for l in f if l.startswith('"')]
for r in csv.DictReader(lines):
    if r.get("Metric Name") != "gpu__time_duration.sum":
        continue
    rows.append((int(r["ID"]), r["Kernel Name"], r.get("Grid Size", ""), float(r["Metric Value"].replace(",", "")) / 1000.0))
rows.sort()
for i, name, grid, us in rows:
    print(f"{i:4d} {us:10.1f} us  grid {grid:>16}  {name[:90]}")
print(f"{len(rows)} launches")
