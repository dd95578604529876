#!/usr/bin/env bash
# The frontier figures of issue 12 through the command line (uniform prior, n = 2 and n = 5,
# SPA, Myerson-reserve SPA, {0,K} lottery with K = 2, every built-in disclosure, N = 1e5 per
# mechanism, seed 0), and the rival audience for the SPA. Outputs under
# validation/results/frontier_cli/: nN.txt (the terminal table and wall time), nN/frontier.csv,
# nN/report.html, frontier_nN.png; rival_nN.* and rival/frontier_nN.png likewise.
set -euo pipefail
cd "$(dirname "$0")/.."
out=validation/results/frontier_cli
mkdir -p "$out"
for n in 2 5; do
  /usr/bin/time -f "%e s wall" python -m privauction.cli frontier --n-bidders "$n" \
    --n-auctions 100000 --seed 0 --out "$out/n$n" --figures "$out" --format png \
    > "$out/n$n.txt" 2>&1
done
for n in 2 5; do
  python -m privauction.cli frontier --n-bidders "$n" --n-auctions 100000 --seed 0 -m spa \
    --audience rival --out "$out/rival_n$n" --figures "$out/rival" --format png \
    > "$out/rival_n$n.txt" 2>&1
done
