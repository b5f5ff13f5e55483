#include "engine/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace hearth {

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) {}

void Sampler::applyPenalties(std::span<const int32_t> history) {
    const bool repeat = params_.repeatPenalty != 1.0f;
    if (!repeat && params_.presencePenalty == 0.0f && params_.frequencyPenalty == 0.0f) return;
    const size_t n =
        std::min(history.size(), static_cast<size_t>(std::max(0, params_.penaltyLastN)));
    std::unordered_map<int32_t, int> counts;
    for (size_t i = history.size() - n; i < history.size(); ++i) ++counts[history[i]];
    for (const auto& [id, count] : counts) {
        if (id < 0 || static_cast<size_t>(id) >= candidates_.size()) continue;
        float& l = candidates_[static_cast<size_t>(id)].logit; // still indexed by id here
        if (repeat) l = l > 0 ? l / params_.repeatPenalty : l * params_.repeatPenalty;
        l -= static_cast<float>(count) * params_.frequencyPenalty + params_.presencePenalty;
    }
}

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
    candidates_.resize(logits.size());
    for (size_t i = 0; i < logits.size(); ++i)
        candidates_[i] = {static_cast<int32_t>(i), logits[i]};
    applyPenalties(history);

    // Best first; ties by lowest id so greedy matches the reference's arg-max.
    auto better = [](const Candidate& a, const Candidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };
    if (params_.temperature <= 0.0f)
        return std::min_element(candidates_.begin(), candidates_.end(), better)->id;

    size_t keep = candidates_.size();
    if (params_.topK > 0) keep = std::min(keep, static_cast<size_t>(params_.topK));
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<ptrdiff_t>(keep),
                      candidates_.end(), better);
    candidates_.resize(keep);

    // Softmax at the temperature, then the top-p and min-p cuts on the sorted list.
    const float maxLogit = candidates_.front().logit;
    std::vector<double> probs(keep);
    double sum = 0;
    for (size_t i = 0; i < keep; ++i) {
        probs[i] = std::exp((candidates_[i].logit - maxLogit) / params_.temperature);
        sum += probs[i];
    }
    for (double& p : probs) p /= sum;
    size_t cut = keep;
    if (params_.minP > 0.0f) {
        const double floor = params_.minP * probs.front();
        cut = static_cast<size_t>(
            std::find_if(probs.begin(), probs.end(), [&](double p) { return p < floor; }) -
            probs.begin());
    }
    if (params_.topP < 1.0f) {
        double acc = 0;
        for (size_t i = 0; i < cut; ++i) {
            acc += probs[i];
            if (acc >= params_.topP) {
                cut = i + 1;
                break;
            }
        }
    }
    cut = std::max<size_t>(cut, 1);
    std::discrete_distribution<size_t> pick(probs.begin(),
                                            probs.begin() + static_cast<ptrdiff_t>(cut));
    return candidates_[pick(rng_)].id;
}

} // namespace hearth
