#include "engine/cpu/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HEARTH_CPU_RELAX() _mm_pause()
#else
#define HEARTH_CPU_RELAX() std::this_thread::yield()
#endif

namespace hearth::cpu {
namespace {
// Idle workers spin this long before sleeping: decode issues a hundred small jobs per token a
// few microseconds apart, and waking a sleeping thread costs more than most of them.
constexpr auto kSpinTime = std::chrono::microseconds(100);
// The caller, waiting for pieces other threads are still running, spins this long, then yields
// (on a busy machine the thread it waits for may not be running at all).
constexpr auto kWaitSpinTime = std::chrono::microseconds(50);

constexpr int kIndexBits = 24;
constexpr uint64_t kIndexMask = (uint64_t{1} << kIndexBits) - 1;
constexpr int64_t kMaxPieces = int64_t{1} << (kIndexBits - 1); // headroom for futile claims

// Spins with a pause until done() or `limit` passes; true when done() came true.
template <class Done> bool spinUntil(Done&& done, std::chrono::microseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (done()) return true;
            HEARTH_CPU_RELAX();
        }
        if (std::chrono::steady_clock::now() - start > limit) return false;
    }
}
} // namespace

ThreadPool::ThreadPool(int nThreads)
    : nThreads_(std::max(1, nThreads)), spans_(std::make_unique<Span[]>(nThreads_)) {
    for (int i = 1; i < nThreads_; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true, std::memory_order_seq_cst);
    epoch_.store(++generation_, std::memory_order_seq_cst);
    epoch_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::pieceBounds(int64_t piece, int64_t& begin, int64_t& end) const {
    if (grain_ > 0) {
        begin = piece * grain_;
        end = std::min(n_, begin + grain_);
    } else {
        begin = n_ * piece / pieces_;
        end = n_ * (piece + 1) / pieces_;
    }
}

void ThreadPool::run(int64_t n, int64_t pieces, int64_t grain, PieceFn fn, void* ctx) {
    if (pieces > kMaxPieces) { // keep the count within the state word (bounds still fixed by n)
        grain = (n + kMaxPieces - 1) / kMaxPieces;
        pieces = (n + grain - 1) / grain;
    }
    fn_ = fn;
    ctx_ = ctx;
    n_ = n;
    pieces_ = pieces;
    grain_ = grain;
    if (nThreads_ == 1 || pieces == 1) {
        for (int64_t p = 0; p < pieces; ++p) {
            int64_t begin, end;
            pieceBounds(p, begin, end);
            fn(ctx, begin, end);
        }
        return;
    }
    done_.store(0, std::memory_order_relaxed);
    ++generation_;
    // Span t covers pieces [pieces * t / T, pieces * (t + 1) / T); with fewer pieces than
    // threads some spans are empty. Any thread may run any piece: bounds depend only on n.
    const uint64_t gen = static_cast<uint64_t>(generation_ & 0xFFFF) << 48;
    for (int t = 0; t < nThreads_; ++t) {
        const auto first = static_cast<uint64_t>(pieces * t / nThreads_);
        const auto end = static_cast<uint64_t>(pieces * (t + 1) / nThreads_);
        spans_[t].word.store(gen | (end << kIndexBits) | first, std::memory_order_seq_cst);
    }
    epoch_.store(generation_, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) epoch_.notify_all();
    claimPieces(0);
    auto finished = [&] { return done_.load(std::memory_order_acquire) == pieces; };
    if (!spinUntil(finished, kWaitSpinTime))
        while (!finished()) std::this_thread::yield();
}

void ThreadPool::claimPieces(int self) {
    // Pieces run here are reported once, when none are left: the job cannot finish (and so no
    // new one start) before that, so once a claim succeeds every later claim in this loop
    // belongs to the same job. A thread that has claimed nothing yet may find the next job's
    // words instead; its claims then belong to that job, whose fields were written before them.
    int64_t ran = 0;
    for (int k = 0; k < nThreads_; ++k) {
        std::atomic<uint64_t>& word = spans_[(self + k) % nThreads_].word;
        // Cheap look first, so helpers do not bump spans that are already used up.
        uint64_t s = word.load(std::memory_order_relaxed);
        if ((s & kIndexMask) >= ((s >> kIndexBits) & kIndexMask)) continue;
        for (;;) {
            // A successful claim also acquires the job fields written before the word.
            s = word.fetch_add(1, std::memory_order_acq_rel);
            const int64_t index = static_cast<int64_t>(s & kIndexMask);
            const int64_t end = static_cast<int64_t>((s >> kIndexBits) & kIndexMask);
            if (index >= end) break;
            int64_t begin, stop;
            pieceBounds(index, begin, stop);
            fn_(ctx_, begin, stop);
            ++ran;
        }
    }
    if (ran > 0) done_.fetch_add(ran, std::memory_order_release);
}

void ThreadPool::workerLoop(int self) {
    uint32_t seen = 0;
    for (;;) {
        uint32_t now = epoch_.load(std::memory_order_acquire);
        if (now == seen) {
            spinUntil([&] { return (now = epoch_.load(std::memory_order_acquire)) != seen; },
                      kSpinTime);
            while (now == seen) {
                // Announce the sleep before the last look, so a publisher either sees us asleep
                // (and notifies) or we see its new epoch.
                sleepers_.fetch_add(1, std::memory_order_seq_cst);
                if (epoch_.load(std::memory_order_seq_cst) == seen)
                    epoch_.wait(seen, std::memory_order_seq_cst);
                sleepers_.fetch_sub(1, std::memory_order_seq_cst);
                now = epoch_.load(std::memory_order_acquire);
            }
        }
        seen = now;
        if (stop_.load(std::memory_order_acquire)) return;
        claimPieces(self);
    }
}

} // namespace hearth::cpu
