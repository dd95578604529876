#!/usr/bin/env bash
# CI's wall time with the docs build: run .ci/run in a fresh clone of this branch, as CI does.
# Usage: bash validation/ci_wall_time.sh [clone-dir]; output in validation/results/ci_wall_time.txt
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-/tmp/ci-docs}"
out="$here/validation/results/ci_wall_time.txt"
rm -rf "$dest" && git clone -q "$here" "$dest" && cd "$dest"
{
  echo "# commit $(git rev-parse --short HEAD); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
  start=$(date +%s.%N)
  /usr/bin/time -f "user %U s, sys %S s (children reaped)" -o "$dest/.time" bash .ci/run > "$dest/.ci.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  echo "exit $rc; wall $(python3 -c "print(round($end - $start, 1))") s; $(cat "$dest/.time" | tail -1)"
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# pytest summary: $(grep -E '^[0-9]+ (passed|failed)' "$dest/.ci.log" | tail -1)"
  echo "# docs: $(grep -E 'build succeeded|build finished|warning' "$dest/.ci.log" | tail -1)"
} > "$out"
cat "$out"
