#pragma once
// Verdicts: does a variant fit this machine at a context length, and where. Every verdict carries
// the numbers behind it (the placement, what is left of RAM and VRAM, the margin it was held to).
#include "engine/fit/memory_estimate.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::fit {

struct MachineMemory {
    uint64_t ramTotalBytes = 0;
    uint64_t ramAvailableBytes = 0;
    uint64_t gpuBytes = 0; // device-local memory (budget when the driver reports one); 0 = no GPU
    std::string gpuName;
};

// RAM from the OS; the Vulkan device with the most device-local memory. CPU-type devices (lavapipe)
// are skipped: their "device memory" is the same RAM and offloading to them gains nothing.
MachineMemory probeMachineMemory();

// Memory to leave free for the OS, the desktop and other programs.
struct SafetyMargin {
    double fraction = 0.10;                 // of total RAM / of VRAM
    uint64_t minHostBytes = 512ull << 20;   // at least 512 MiB of RAM
    uint64_t minDeviceBytes = 256ull << 20; // at least 256 MiB of VRAM
};
uint64_t hostMarginBytes(const MachineMemory& m, const SafetyMargin& s);
uint64_t deviceMarginBytes(const MachineMemory& m, const SafetyMargin& s);

enum class Verdict { FitsGpu, PartialOffload, FitsRam, Tight, DoesNotFit };
std::string_view
verdictName(Verdict v); // "fits_gpu", "partial_offload", "fits_ram", "tight", "does_not_fit"

struct FitResult {
    MemoryEstimate estimate;
    Verdict verdict = Verdict::DoesNotFit;
    Placement placement;       // the placement the verdict describes
    int64_t hostLeftBytes = 0; // available RAM minus the placement's host part (may be negative)
    int64_t deviceLeftBytes = 0;
    uint64_t hostMargin = 0, deviceMargin = 0;
    std::string summary; // one line with the numbers, for tables and tooltips

    bool comfortable() const {
        return verdict == Verdict::FitsGpu || verdict == Verdict::PartialOffload ||
               verdict == Verdict::FitsRam;
    }
};

// Tries, in order: everything on the GPU, the most layers on the GPU, everything in RAM — each
// with the margin left; then the same without the margin ("tight"); else "does not fit".
FitResult judgeFit(const ModelShape& shape, const TensorPlan& plan, const EstimateOptions& options,
                   const MachineMemory& machine, const SafetyMargin& margin = {});

// The highest-quality (most bits per weight) result that fits comfortably; -1 when none does.
int recommendedIndex(const std::vector<FitResult>& results);

// Context lengths worth tabulating: 2048, 4096, 8192, ... up to and including the model's maximum.
std::vector<int64_t> contextSteps(int64_t nCtxTrain);

// "1.23 GB", "512 MB": human sizes for summaries, by the app-wide rule (engine/core/byte_size.h).
std::string formatBytes(uint64_t bytes);

} // namespace hearth::fit
