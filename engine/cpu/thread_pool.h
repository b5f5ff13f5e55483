#pragma once
// A fixed pool of worker threads for splitting one op's work. Work is always split into the same
// independent pieces (rows, heads), each computed start-to-finish by one thread in a fixed order,
// so results never depend on how many threads ran them.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
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
    // n is small); the caller runs chunk 0. Returns when every chunk is done.
    void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

private:
    void workerLoop(int index);

    int nThreads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    const std::function<void(int64_t, int64_t)>* job_ = nullptr;
    int64_t jobSize_ = 0;
    int jobChunks_ = 0;
    bool stop_ = false;
};

} // namespace hearth::cpu
