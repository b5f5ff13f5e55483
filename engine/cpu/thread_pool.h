#pragma once
// A fixed pool of worker threads for splitting one op's work. Work is always split into the same
// independent pieces (rows, heads), each computed start-to-finish by one thread in a fixed order,
// so results never depend on how many threads ran them or which thread took which piece.
//
// Hand-off without locks: the pieces are cut into one contiguous span per thread, each with its
// own atomic claim word (generation, next piece, span end). Every thread, the caller included,
// claims the pieces of its own span in order with fetch_add, then helps with the other spans. So
// each thread streams through neighbouring memory (its weight prefetches land in rows it reads
// next, not in another thread's), the threads do not contend for one cache line, and a thread
// that is late (descheduled on a busy machine) has its span taken over, so nobody waits for a
// thread that never started. Idle workers spin briefly, then sleep on a futex
// (std::atomic::wait), woken only when someone is asleep.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace hearth::cpu {

class ThreadPool {
public:
    explicit ThreadPool(int nThreads); // total threads, the calling thread included
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return nThreads_; }

    // Calls fn(begin, end) on contiguous chunks covering [0, n), one chunk per thread (fewer when
    // n is small). Returns when every chunk is done. Chunk bounds depend on the thread count.
    template <class F> void parallelFor(int64_t n, F&& fn) {
        if (n <= 0) return;
        const int64_t chunks = std::min<int64_t>(nThreads_, n);
        run(n, chunks, 0, thunk<F>, const_cast<void*>(static_cast<const void*>(&fn)));
    }

    // Calls fn(begin, end) on pieces of `grain` items covering [0, n) (the last one shorter).
    // Piece bounds depend only on n and grain, never on the thread count, and whichever thread
    // is free takes the next piece, so a slow thread never holds up the others.
    template <class F> void parallelForGrains(int64_t n, int64_t grain, F&& fn) {
        if (n <= 0) return;
        if (grain < 1) grain = 1;
        run(n, (n + grain - 1) / grain, grain, thunk<F>,
            const_cast<void*>(static_cast<const void*>(&fn)));
    }

private:
    using PieceFn = void (*)(void* ctx, int64_t begin, int64_t end);
    template <class F> static void thunk(void* ctx, int64_t begin, int64_t end) {
        (*static_cast<std::remove_reference_t<F>*>(ctx))(begin, end);
    }

    // Splits [0, n) into `pieces` pieces: `grain` items each, or evenly when grain is 0.
    void run(int64_t n, int64_t pieces, int64_t grain, PieceFn fn, void* ctx);
    void pieceBounds(int64_t piece, int64_t& begin, int64_t& end) const;
    // Claims and runs pieces of the current job until none are left, starting with span `self`.
    void claimPieces(int self);
    void workerLoop(int self);

    int nThreads_;
    std::vector<std::thread> workers_;

    // The job: written by the caller before the state word is published, read by a thread only
    // after it has claimed a piece (so never while the caller may rewrite it).
    PieceFn fn_ = nullptr;
    void* ctx_ = nullptr;
    int64_t n_ = 0, pieces_ = 0, grain_ = 0;

    // One claim word per thread, each on its own cache line. bits 0-23: next piece (an index
    // into the whole job), 24-47: the span's end, 48-63: generation. A claim word is
    // self-describing, so a claim that succeeds always belongs to the job it ran.
    struct alignas(64) Span {
        std::atomic<uint64_t> word{0};
    };
    std::unique_ptr<Span[]> spans_;
    alignas(64) std::atomic<int64_t> done_{0};   // pieces finished in the current job
    alignas(64) std::atomic<uint32_t> epoch_{0}; // generation, for sleeping workers to wait on
    std::atomic<int> sleepers_{0};
    std::atomic<bool> stop_{false};
    uint32_t generation_ = 0;
};

} // namespace hearth::cpu
