#pragma once
// Token sampling: penalties, then temperature, top-k, top-p and min-p, then a seeded draw.
// Temperature <= 0 is greedy (arg-max, lowest id on ties). Same seed, same logits -> same token.
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace hearth {

struct SamplingParams {
    float temperature = 0.8f;
    int topK = 40;                 // <= 0: off
    float topP = 0.95f;            // >= 1: off
    float minP = 0.05f;            // <= 0: off; keeps tokens with p >= minP * p(best)
    float repeatPenalty = 1.0f;    // 1: off; divides positive / multiplies negative logits
    float presencePenalty = 0.0f;  // subtracted once from every token already present
    float frequencyPenalty = 0.0f; // subtracted per occurrence
    int penaltyLastN = 64;         // how many recent tokens the penalties look at
    uint64_t seed = 0;
};

class Sampler {
public:
    explicit Sampler(const SamplingParams& params);

    // Picks the next token from `logits` (one per vocabulary entry); `history` holds the tokens
    // so far (prompt and generated), the most recent last.
    int32_t sample(std::span<const float> logits, std::span<const int32_t> history);

private:
    struct Candidate {
        int32_t id;
        float logit;
    };
    void applyPenalties(std::span<const int32_t> history);

    SamplingParams params_;
    std::mt19937_64 rng_;
    std::vector<Candidate> candidates_;
};

} // namespace hearth
