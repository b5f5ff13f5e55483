#!/bin/sh
# Bounded fuzzing run for CTest (label "slow"): seeds from the conformance GGUFs (their first
# 256 KiB: the header is what the reader parses), then FUZZ_SECONDS of libFuzzer.
# usage: run_fuzz.sh <fuzzer> <shared-dir> <work-dir> [seconds]
set -eu
fuzzer=$1 shared=$2 work=$3 seconds=${4:-60}
rm -rf "$work/corpus" && mkdir -p "$work/corpus" "$work/artifacts"
for f in "$shared"/conformance/models/*/*.gguf "$shared"/conformance/vocab/*.gguf; do
  [ -f "$f" ] && head -c 262144 "$f" > "$work/corpus/$(basename "$f")"
done
cp "$shared/conformance/models/stories260K/stories260K.gguf" "$work/corpus/stories-full.gguf" 2>/dev/null || true
exec "$fuzzer" "$work/corpus" -max_total_time="$seconds" -max_len=1300000 -rss_limit_mb=2048 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/"
