#!/usr/bin/env bash
# Peak memory of `orgsim run` on the M/M/c reference scenario at 1,000 and 100,000 replications.
#
# The runner folds replications into streaming statistics batch by batch, so peak memory should
# not grow with the number of replications: the target is max RSS at 100,000 replications at
# most 1.2 times max RSS at 1,000. Run from anywhere: bash benches/peak_memory.sh
# (100,000 replications take about a minute on 2 cores).
set -euo pipefail

if [ ! -x /usr/bin/time ]; then
    echo "peak_memory.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 1
fi

cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet
binary="$target_dir/release/orgsim"
scenario=scenarios/mmc-reference.toml
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Runs $1 replications under `time -v`, keeping its report in $out/time-$1.txt.
measure() {
    /usr/bin/time -v "$binary" run "$scenario" --replications "$1" \
        --out "$out/run-$1" --force --quiet 2>"$out/time-$1.txt"
}

# Prints the field $2 of the `time -v` report of the run with $1 replications.
field() {
    awk -F': ' -v key="$2" 'index($0, key) { print $2 }' "$out/time-$1.txt"
}

echo "orgsim run $scenario (threads: all cores, $(nproc))"
for replications in 1000 100000; do
    measure "$replications"
    printf '  %6d replications: Maximum resident set size %s KiB (wall clock %s)\n' \
        "$replications" "$(field "$replications" "Maximum resident set size")" \
        "$(field "$replications" "Elapsed (wall clock)")"
done
awk -v small="$(field 1000 "Maximum resident set size")" \
    -v large="$(field 100000 "Maximum resident set size")" \
    'BEGIN { printf "  ratio 100k / 1k: %.3f (target <= 1.2)\n", large / small }'
