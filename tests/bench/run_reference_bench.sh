#!/bin/sh
# Hearth side by side with the reference implementation (llama.cpp) on the same GGUF files.
# Usage: run_reference_bench.sh BUILD_DIR OUT_DIR [threads...]        (opt-in; never run by CTest)
#
# llama.cpp comes from the npm package node-llama-cpp@3.22.1 (prebuilt CPU binaries, llama.cpp
# tag v0.5.0 / commit 0ad4a86), installed outside the repo in ${HEARTH_REF_DIR:-/tmp/hearth-ref}
# on first use (`npm install --prefix`, needs the npm registry once). Its bench is
# reference/llama_bench.mjs: the same method and JSON keys as `hearth-cli bench --json`.
#
# For each synth 1B model of run_model_bench.sh (model-1b-{q4_0,q8_0,q4_k_m}.gguf under
# $HEARTH_BENCH_MODELS, default /tmp; TYPES="Q4_0 Q8_0 Q4_K_M" picks them) and each thread
# count, ROUNDS (default 2) rounds of: the reference, then Hearth with `--compare` against that
# reference run, so every ratio comes from two runs next to each other. Then a table of medians
# and ratios (reference/compare_table.mjs). PP, TG, REPS as in run_model_bench.sh.
# llama.cpp needs a tokenizer in the file, so models are made with the Llama-3 vocabulary of the
# shared data ($HEARTH_SHARED_DIR, default the checkout's ../shared). A model that
# run_model_bench.sh left without one is not used: its twin model-<name>-vocab.gguf (the same
# weights; synth's weights depend only on the seed) is made and used by both engines.
# Before each run the model file is dropped from the page cache (dd iflag=nocache), so both
# engines read it from disk and map what their own reads bring in.
# READMEBW=1: Hearth's runs also report the decode limit by ../shared/perf/README.md's method.
# Minutes per model: run it on an otherwise idle machine, and read the ratios, not the t/s.
set -eu
build=${1:?build dir}
out=${2:?output dir}
shift 2
threads=${*:-2}
here=$(cd "$(dirname "$0")" && pwd)
ref=${HEARTH_REF_DIR:-/tmp/hearth-ref}
models=${HEARTH_BENCH_MODELS:-/tmp}
shared=${HEARTH_SHARED_DIR:-$here/../../../shared}
vocab="$shared/conformance/vocab/ggml-vocab-llama-bpe.rebuilt.gguf"
cli="$build/app/hearth-cli"
rounds=${ROUNDS:-2}
set -- -p "${PP:-512}" -n "${TG:-128}" -r "${REPS:-3}"

[ -x "$cli" ] || { echo "no $cli: build hearth-cli first" >&2; exit 1; }
[ -f "$vocab" ] || { echo "no $vocab: set HEARTH_SHARED_DIR" >&2; exit 1; }
if [ ! -f "$ref/node_modules/node-llama-cpp/package.json" ]; then
    mkdir -p "$ref"
    npm install --prefix "$ref" --ignore-scripts --no-audit --no-fund node-llama-cpp@3.22.1
fi
export HEARTH_REF_DIR="$ref"
mkdir -p "$out"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

has_tokenizer() { head -c 16777216 "$1" | grep -qa tokenizer.ggml.model; }

for type in ${TYPES:-Q4_0 Q8_0 Q4_K_M}; do
    name=$(echo "1b-$type" | tr 'A-Z' 'a-z')
    model="$models/model-$name.gguf"
    if [ ! -f "$model" ]; then
        "$cli" synth --preset 1b --type "$type" --vocab "$vocab" "$model"
    elif ! has_tokenizer "$model"; then
        model="$models/model-$name-vocab.gguf"
        [ -f "$model" ] || "$cli" synth --preset 1b --type "$type" --vocab "$vocab" "$model"
    fi
    for t in $threads; do
        r=1
        while [ "$r" -le "$rounds" ]; do
            base="$out/$name-t$t"
            # Each engine opens the file as from disk: the page cache is dropped first, and
            # what each one's reads bring in decides its page size (docs/performance.md).
            dd if="$model" iflag=nocache count=0 status=none
            node "$here/reference/llama_bench.mjs" "$model" "$@" -t "$t" >"$base-ref-$r.json"
            dd if="$model" iflag=nocache count=0 status=none
            "$cli" bench "$model" "$@" ${READMEBW:+--readme-bandwidth} -t "$t" --json \
                --compare "$base-ref-$r.json" \
                >"$base-hearth-$r.json"
            r=$((r + 1))
        done
    done
done
node "$here/reference/compare_table.mjs" "$out"
