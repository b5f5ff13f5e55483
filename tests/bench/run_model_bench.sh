#!/bin/sh
# Speed table for docs/performance.md: hearth-cli bench on synth 1B-shape models, one JSON line
# per model and thread count. Usage: run_model_bench.sh BUILD_DIR OUT_DIR [threads...]
# Models are made once under $HEARTH_BENCH_MODELS (default /tmp) with `hearth-cli synth` and the
# Llama-3 tokenizer of the shared data (so run_reference_bench.sh can give the same files to
# llama.cpp; about 0.8-1.3 GB each; delete them afterwards). Compare a later run with
#   hearth-cli bench MODEL -t 2 --compare OUT_DIR/1b-q4_0-t2.json
# Every run first drops the model from the page cache (--drop-cache): read back from disk it
# maps with 2 MiB pages, as a model Hearth downloaded or wrote does (docs/performance.md).
# READMEBW=1 adds --readme-bandwidth (the decode limit by ../shared/perf/README.md's method too;
# /usr/bin/time's figures then include that probe's 2 GiB buffer and CPU time, the JSON's do not).
set -eu
build=${1:?build dir}
out=${2:?output dir}
shift 2
threads=${*:-2}
models=${HEARTH_BENCH_MODELS:-/tmp}
here=$(cd "$(dirname "$0")" && pwd)
vocab="${HEARTH_SHARED_DIR:-$here/../../../shared}/conformance/vocab/ggml-vocab-llama-bpe.rebuilt.gguf"
cli="$build/app/hearth-cli"
mkdir -p "$out"
for type in Q4_0 Q8_0 Q4_K_M; do
    name=$(echo "1b-$type" | tr 'A-Z' 'a-z')
    model="$models/model-$name.gguf"
    [ -f "$model" ] || "$cli" synth --preset 1b --type "$type" --vocab "$vocab" "$model"
    for t in $threads; do
        /usr/bin/time -f "%U user s, %M KiB max RSS" \
            "$cli" bench "$model" --drop-cache ${READMEBW:+--readme-bandwidth} -p "${PP:-512}" -n "${TG:-128}" -t "$t" -r "${REPS:-3}" --json \
            >"$out/$name-t$t.json" 2>"$out/$name-t$t.time"
        cat "$out/$name-t$t.json" "$out/$name-t$t.time"
    done
done
