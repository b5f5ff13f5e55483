#include "engine/cpu/thread_pool.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HEARTH_CPU_RELAX() _mm_pause()
#else
#define HEARTH_CPU_RELAX() std::this_thread::yield()
#endif

namespace hearth::cpu {
namespace {
// Workers spin this many rounds before sleeping: decode issues hundreds of small ops per token,
// and waking a sleeping thread costs more than most of them.
constexpr int kSpinRounds = 2000;

void chunkBounds(int64_t n, int chunks, int index, int64_t& begin, int64_t& end) {
    begin = n * index / chunks;
    end = n * (index + 1) / chunks;
}
} // namespace

ThreadPool::ThreadPool(int nThreads) : nThreads_(std::max(1, nThreads)) {
    for (int i = 1; i < nThreads_; ++i) workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::parallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    const int chunks = static_cast<int>(std::min<int64_t>(nThreads_, n));
    if (chunks == 1) {
        fn(0, n);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        job_ = &fn;
        jobSize_ = n;
        jobChunks_ = chunks;
        pending_.store(chunks - 1);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    int64_t begin, end;
    chunkBounds(n, chunks, 0, begin, end);
    fn(begin, end);
    // Spin briefly, then yield: on an oversubscribed machine the workers may not be running.
    for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < kSpinRounds)
            HEARTH_CPU_RELAX();
        else
            std::this_thread::yield();
    }
}

void ThreadPool::workerLoop(int index) {
    uint64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (generation_.load(std::memory_order_acquire) == seen && spins < kSpinRounds) {
            HEARTH_CPU_RELAX();
            ++spins;
        }
        const std::function<void(int64_t, int64_t)>* job;
        int64_t size;
        int chunks;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load() != seen; });
            seen = generation_.load();
            if (stop_) return;
            job = job_;
            size = jobSize_;
            chunks = jobChunks_;
        }
        if (index < chunks) {
            int64_t begin, end;
            chunkBounds(size, chunks, index, begin, end);
            (*job)(begin, end);
            pending_.fetch_sub(1, std::memory_order_acq_rel);
        }
    }
}

} // namespace hearth::cpu
