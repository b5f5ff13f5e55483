#!/usr/bin/env node
// The reference side of `hearth-cli bench`: llama.cpp's pp/tg speed on a GGUF file, measured the
// way llama-bench does, printed as ONE JSON line with the keys `hearth-cli bench --json` writes,
// so `hearth-cli bench MODEL --compare ref.json` prints the ratio directly.
//
// llama.cpp comes from the npm package node-llama-cpp (prebuilt CPU binaries), installed OUTSIDE
// the repo:  npm install --prefix ${HEARTH_REF_DIR:-/tmp/hearth-ref} node-llama-cpp@3.22.1
// It picks the best of its per-CPU backends (on AVX-512 machines without AMX: "zen4", AVX512
// F/BW/DQ/VL + VBMI + VNNI + BF16). A local build made with `npx node-llama-cpp source download
// --gpu false` (from the llama.cpp source bundled in the package) would be used instead; the
// "engine" field says which (prebuilt / localBuild).
//
// Usage: node llama_bench.mjs MODEL.gguf [-p 512] [-n 128] [-t 2] [-r 3] [--ttft 100]
//                             [--fa auto|on|off] [--api direct|public] [--verbose]
//
// Method (as llama-bench and cmd_bench.cpp): KV cache F16, batch = ubatch = 512, mmap on, CPU
// only. pp = one N-token batch of random ids evaluated into an emptied sequence; tg = N tokens
// evaluated one at a time from an empty sequence; ttft = an N-token prompt to its first logits.
// Each evaluation asks for the last token's logits, as llama-bench does: without that llama.cpp
// skips the output matrix (205 MiB of a 1B model's 760) and tg would look far too fast. No token
// is sampled (see makeEvaluator). The JS cost is reported: native_* are llama.cpp's own decode
// timers (llama_perf), *_js_overhead = 1 - native / wall time of the same evaluations.
// open_ms is llama.cpp's own model load time (llama_model_load: mmap + repack); open_wall_ms
// adds node-llama-cpp's work around it (it parses the GGUF in JS and dry-runs the load first).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

function usage(msg) {
    process.stderr.write(
        (msg ? `llama_bench: ${msg}\n` : "") +
            "usage: node llama_bench.mjs MODEL.gguf [-p N] [-n N] [-t T] [-r R] [--ttft N] " +
            "[--fa auto|on|off] [--api direct|public] [--verbose]\n",
    );
    process.exit(2);
}

function parseArgs(argv) {
    const o = { p: 512, n: 128, t: 0, r: 3, ttft: 100, fa: "auto", api: "direct" };
    o.verbose = false;
    o.model = null;
    const numeric = { "-p": "p", "-n": "n", "-t": "t", "-r": "r", "--ttft": "ttft" };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (a in numeric) {
            const v = Number(argv[++i]);
            if (!Number.isInteger(v) || v < 0) usage(`${a} takes a non-negative integer`);
            o[numeric[a]] = v;
        } else if (a === "--fa") {
            o.fa = argv[++i];
            if (!["auto", "on", "off"].includes(o.fa)) usage("--fa takes auto, on or off");
        } else if (a === "--api") {
            o.api = argv[++i];
            if (!["direct", "public"].includes(o.api)) usage("--api takes direct or public");
        } else if (a === "--verbose") {
            o.verbose = true;
        } else if (a === "-h" || a === "--help") {
            usage();
        } else if (a.startsWith("-") || o.model !== null) {
            usage(`unexpected argument ${a}`);
        } else {
            o.model = a;
        }
    }
    if (o.model === null) usage("a MODEL.gguf is required");
    if (o.r < 1) usage("-r must be at least 1");
    return o;
}

// node-llama-cpp lives outside the repo; resolve it from there.
async function importNodeLlamaCpp(refDir) {
    const req = createRequire(path.join(refDir, "package.json"));
    let entry;
    try {
        entry = req.resolve("node-llama-cpp");
    } catch {
        process.stderr.write(
            `llama_bench: node-llama-cpp is not installed under ${refDir}; run\n` +
                `  npm install --prefix ${refDir} node-llama-cpp@3.22.1\n`,
        );
        process.exit(1);
    }
    const version = JSON.parse(
        readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8"),
    ).version;
    return { lib: await import(pathToFileURL(entry).href), version };
}

// Deterministic token ids (mulberry32), so both runs of a pair see the same kind of input.
function makeRng(seed) {
    let s = seed >>> 0;
    return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 15), z | 1);
        z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
        return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
    };
}

function stats(values) {
    const v = [...values].sort((a, b) => a - b);
    const n = v.length;
    const median = n === 0 ? 0 : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    const mean = n === 0 ? 0 : values.reduce((s, x) => s + x, 0) / n;
    const sd =
        n < 2 ? 0 : Math.sqrt(values.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (n - 1));
    return { median, mean, sd };
}

// The CPU backend variant llama.cpp picked at run time (libggml-cpu-<variant>.so).
function loadedCpuVariant() {
    const maps = readFileSync("/proc/self/maps", "utf8");
    const m = maps.match(/libggml-cpu-([A-Za-z0-9_.]+)\.so/);
    return m ? m[1] : "unknown";
}

// llama_perf_context_print's figures (ms and counts since the last print), from the log text.
function parseTimings(text) {
    const num = (re) => {
        const m = text.match(re);
        return m ? [Number(m[1]), Number(m[2] ?? 0)] : [0, 0];
    };
    const [loadMs] = num(/load time\s*=\s*([\d.]+) ms/);
    const [promptMs, promptTokens] = num(/prompt eval time\s*=\s*([\d.]+) ms\s*\/\s*(\d+)/);
    const [evalMs, evalRuns] = num(/\beval time\s*=\s*([\d.]+) ms\s*\/\s*(\d+) runs/);
    return { loadMs, promptMs, promptTokens, evalMs, evalRuns };
}

const opts = parseArgs(process.argv.slice(2));
const refDir = process.env.HEARTH_REF_DIR || "/tmp/hearth-ref";
const { lib, version } = await importNodeLlamaCpp(refDir);
const { getLlama, LlamaLogLevel } = lib;

// llama.cpp's log: kept to read the load facts and the perf timers; printed with --verbose.
let log = "";
const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: 0, // so the context's thread count is exact, not a hint
    logLevel: LlamaLogLevel.info,
    logger: (level, message) => {
        log += message.endsWith("\n") ? message : message + "\n";
        if (opts.verbose) process.stderr.write(`[${level}] ${message}\n`);
    },
});
const threads = opts.t > 0 ? opts.t : llama.cpuMathCores;

const rssBeforeLoad = process.memoryUsage().rss;
const openStart = performance.now();
let model;
try {
    model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0, useMmap: true });
} catch (e) {
    // llama.cpp's own reason (e.g. a missing tokenizer key) is in its log.
    const why = log.split("\n").filter((l) => /error|failed/i.test(l));
    process.stderr.write(
        `llama_bench: cannot load ${opts.model}: ${e.message}\n${why.join("\n")}\n`,
    );
    process.exit(1);
}
const openWallMs = performance.now() - openStart;

const arch = model.fileInfo.metadata?.general?.architecture;
const nVocab =
    model.fileInfo.metadata?.[arch]?.vocab_size ??
    model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
if (!Number.isInteger(nVocab) || nVocab < 1) {
    process.stderr.write("llama_bench: cannot tell the vocabulary size of the model\n");
    process.exit(1);
}
const context = await model.createContext({
    contextSize: Math.max(16, opts.p, opts.n + 1, opts.ttft),
    batchSize: 512,
    threads,
    flashAttention: opts.fa === "auto" ? "auto" : opts.fa === "on",
    performanceTracking: true,
});
const seq = context.getSequence();

const rand = makeRng(1234);
const pick = () => Math.floor(rand() * nVocab);
const randomTokens = (n) => Array.from({ length: n }, pick);
const prompt = randomTokens(opts.p);
const ttftPrompt = randomTokens(opts.ttft);

// Two ways to evaluate "tokens after what the sequence holds, logits for the last one only":
// - direct (default): node-llama-cpp's native context object (internal, pinned version): per
//   batch one llama_batch and one llama_decode on a worker thread, nothing else, as llama-bench.
// - public: LlamaContextSequence.controlledEvaluate, the public API; it can only ask for logits by
//   also picking the next token (a greedy argmax on a second worker hop) and queues through
//   node-llama-cpp's batch scheduler, which costs time per token (see *_js_overhead).
function makeEvaluator(api) {
    const native = context._ctx;
    if (api === "direct" && typeof native?.decodeBatch === "function") {
        const id = seq._sequenceId;
        let next = 0;
        return {
            api,
            clear: async () => {
                native.disposeSequence(id); // llama_memory_seq_rm(id, -1, -1)
                next = 0;
            },
            evalLast: async (tokens) => {
                for (let at = 0; at < tokens.length; at += context.batchSize) {
                    const chunk = tokens.slice(at, at + context.batchSize);
                    const last = at + chunk.length === tokens.length;
                    native.initBatch(chunk.length);
                    native.addToBatch(
                        id,
                        next,
                        Uint32Array.from(chunk),
                        last ? Uint32Array.of(chunk.length - 1) : new Uint32Array(0),
                    );
                    await native.decodeBatch();
                    next += chunk.length;
                }
            },
        };
    }
    if (api === "direct")
        process.stderr.write(
            "llama_bench: no native context in this node-llama-cpp; using --api public\n",
        );
    return {
        api: "public",
        clear: () => seq.clearHistory(),
        evalLast: (tokens) =>
            seq.controlledEvaluate(
                tokens.map((t, i) =>
                    i === tokens.length - 1 ? [t, { generateNext: { token: true } }] : t,
                ),
            ),
    };
}
const evaluator = makeEvaluator(opts.api);
const evalLast = evaluator.evalLast;
async function runGen(n) {
    for (let i = 0; i < n; ++i) await evalLast([pick()]);
}
// Reads (and resets) llama.cpp's perf timers.
async function takeTimings() {
    log = "";
    await context.printTimings();
    await new Promise((resolve) => setTimeout(resolve, 5));
    return parseTimings(log);
}

// What loading and context creation logged (repacked weights, flash attention), then the first
// timer print, which carries the model load time (llama_model_load: mmap + repack).
await new Promise((resolve) => setTimeout(resolve, 5));
const setupLog = log;
const loadTimings = await takeTimings();

// Warm-up: pages the weights in, as cmd_bench.cpp does.
if (opts.p > 0) {
    await evaluator.clear();
    await evalLast(prompt);
}
if (opts.n > 0) {
    await evaluator.clear();
    await runGen(Math.min(opts.n, 4));
}
await takeTimings();

const pp = [];
const tg = [];
const ttft = [];
// Wall and llama.cpp-timed milliseconds of the same evaluations, for the JS overhead.
const wallMs = { pp: 0, tg: 0 };
const timedMs = { pp: 0, tg: 0 };
for (let r = 0; r < opts.r; ++r) {
    if (opts.ttft > 0) {
        await evaluator.clear();
        const t0 = performance.now();
        await evalLast(ttftPrompt);
        ttft.push(performance.now() - t0);
    }
    if (opts.p > 0) {
        await evaluator.clear();
        await takeTimings();
        const t0 = performance.now();
        await evalLast(prompt);
        const ms = performance.now() - t0;
        const timed = await takeTimings();
        pp.push(opts.p / (ms / 1000));
        wallMs.pp += ms;
        timedMs.pp += timed.promptMs;
    }
    if (opts.n > 0) {
        await evaluator.clear();
        await takeTimings();
        const t0 = performance.now();
        await runGen(opts.n);
        const ms = performance.now() - t0;
        const timed = await takeTimings();
        tg.push(opts.n / (ms / 1000));
        wallMs.tg += ms;
        timedMs.tg += timed.evalMs;
    }
}

const ppS = stats(pp);
const tgS = stats(tg);
const ttftS = stats(ttft);
const repackMiB = (setupLog.match(/CPU_REPACK model buffer size\s*=\s*([\d.]+) MiB/) || [])[1];
const overhead = (k) => (wallMs[k] > 0 && timedMs[k] > 0 ? 1 - timedMs[k] / wallMs[k] : 0);
const release = llama.llamaCppRelease?.release ?? "?";
const flashAttn = (setupLog.match(/Flash Attention (enabled|disabled)/) || [])[1] ?? "?";
const result = {
    model: path.resolve(opts.model),
    description: model.typeDescription,
    engine: `llama.cpp ${release} (${llama.buildType}) via node-llama-cpp ${version}`,
    backend: "cpu",
    cpu_variant: loadedCpuVariant(),
    isa: llama.systemInfo.replace(/^CPU : /, "").replace(/\s*\|\s*$/, ""),
    repack_mib: repackMiB ? Number(repackMiB) : 0,
    flash_attn: `${opts.fa} -> ${flashAttn}`,
    api: evaluator.api,
    threads: context.currentThreads,
    kv_type: "f16",
    n_prompt: opts.p,
    n_gen: opts.n,
    repetitions: opts.r,
    pp_tokens_per_s: ppS.median,
    tg_tokens_per_s: tgS.median,
    pp_tokens_per_s_mean: ppS.mean,
    pp_tokens_per_s_sd: ppS.sd,
    tg_tokens_per_s_mean: tgS.mean,
    tg_tokens_per_s_sd: tgS.sd,
    pp_samples: pp,
    tg_samples: tg,
    pp_js_overhead: overhead("pp"),
    tg_js_overhead: overhead("tg"),
    native_tg_ms_per_token: opts.n > 0 ? timedMs.tg / (opts.n * opts.r) : 0,
    wall_tg_ms_per_token: opts.n > 0 ? wallMs.tg / (opts.n * opts.r) : 0,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    rss_before_load_bytes: rssBeforeLoad,
    open_ms: loadTimings.loadMs,
    open_wall_ms: openWallMs,
};
if (opts.ttft > 0) {
    result.ttft_prompt_tokens = opts.ttft;
    result.ttft_ms = ttftS.median;
    result.ttft_samples_ms = ttft;
}
process.stdout.write(JSON.stringify(result) + "\n");
await context.dispose();
await model.dispose();
await llama.dispose();
