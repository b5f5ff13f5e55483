#!/usr/bin/env node
// The table of run_reference_bench.sh: reads OUT_DIR/<model>-t<T>-{ref,hearth}-<round>.json and
// prints, per model and thread count, the medians over rounds of both engines' figures and of the
// per-round ratios Hearth / llama.cpp (from `hearth-cli bench --compare`, adjacent runs).
// Usage: node compare_table.mjs OUT_DIR
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) {
    process.stderr.write("usage: node compare_table.mjs OUT_DIR\n");
    process.exit(2);
}

const median = (xs) => {
    const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (v.length === 0) return NaN;
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const mib = (bytes) => bytes / (1024 * 1024);

const groups = new Map(); // "1b-q4_0-t2" -> {ref: [...], hearth: [...]}
for (const file of readdirSync(dir).sort()) {
    const m = file.match(/^(.+-t\d+)-(ref|hearth)-(\d+)\.json$/);
    if (!m) continue;
    let run;
    try {
        run = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    } catch (e) {
        process.stderr.write(`compare_table: skipping ${file}: ${e.message}\n`);
        continue;
    }
    if (!groups.has(m[1])) groups.set(m[1], { ref: [], hearth: [] });
    groups.get(m[1])[m[2]].push(run);
}
if (groups.size === 0) {
    process.stderr.write(`compare_table: no <model>-t<T>-{ref,hearth}-<round>.json in ${dir}\n`);
    process.exit(1);
}

const anyRef = [...groups.values()].find((g) => g.ref.length)?.ref[0];
const anyHearth = [...groups.values()].find((g) => g.hearth.length)?.hearth[0];
if (anyRef) console.log(`reference: ${anyRef.engine}, CPU backend ${anyRef.cpu_variant}`);
if (anyRef) console.log(`  ${anyRef.isa}; flash attention ${anyRef.flash_attn}`);
if (anyHearth) console.log(`hearth: isa ${anyHearth.isa}`);
console.log("medians over rounds; ratio = Hearth / llama.cpp per adjacent pair, then median\n");
console.log(
    "| model | t | rounds | pp t/s hearth | pp t/s llama | pp ratio | tg t/s hearth | " +
        "tg t/s llama | tg ratio | ttft ms hearth / llama | open ms hearth / llama | " +
        "peak RSS MiB hearth / llama |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const [key, g] of groups) {
    const [, model, t] = key.match(/^(.+)-t(\d+)$/);
    const h = (k) => median(g.hearth.map((r) => r[k]));
    const l = (k) => median(g.ref.map((r) => r[k]));
    const ratio = (k) => median(g.hearth.map((r) => r.compare?.[k] || NaN));
    console.log(
        `| ${model} | ${t} | ${Math.min(g.hearth.length, g.ref.length)} ` +
            `| ${fmt(h("pp_tokens_per_s"), 1)} | ${fmt(l("pp_tokens_per_s"), 1)} ` +
            `| ${fmt(ratio("pp_ratio"), 3)} ` +
            `| ${fmt(h("tg_tokens_per_s"), 2)} | ${fmt(l("tg_tokens_per_s"), 2)} ` +
            `| ${fmt(ratio("tg_ratio"), 3)} ` +
            `| ${fmt(h("ttft_ms"), 0)} / ${fmt(l("ttft_ms"), 0)} ` +
            `| ${fmt(h("open_ms"), 0)} / ${fmt(l("open_ms"), 0)} ` +
            `| ${fmt(mib(h("peak_rss_bytes")), 0)} / ${fmt(mib(l("peak_rss_bytes")), 0)} |`,
    );
}
