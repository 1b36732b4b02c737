#!/usr/bin/env bash
# deploy/merge-shards.sh OUTPUT N: joins the N shard outputs of a job (`out.shard-i-of-N.jsonl` next to OUTPUT
# `out.jsonl`) into OUTPUT, once every shard has finished (its .partial renamed), so the result covers the input once.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUTPUT N   (e.g. $0 out/embeddings.jsonl 3)" >&2; exit 2; }
output=$1 shards=$2
dir=$(dirname "$output") file=$(basename "$output")
stem=${file%.*} ext=
[ "$stem" != "$file" ] && ext=.${file##*.}
parts=()
for ((i = 0; i < shards; i++)); do
  part="$dir/$stem.shard-$i-of-$shards$ext"
  if [ ! -f "$part" ]; then
    echo "merge-shards: shard $i of $shards is not finished: $part is missing (rerun that shard; it resumes from its .partial file)" >&2
    exit 1
  fi
  parts+=("$part")
done
cat "${parts[@]}" > "$output.merging"
mv "$output.merging" "$output"
echo "merge-shards: $(wc -l < "$output") records from $shards shards in $output"
