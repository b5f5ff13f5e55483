#pragma once
// Runs a model on a golden's prompt and compares logits and greedy tokens with the README's rules.
#include "conformance/golden.h"
#include "engine/model/model.h"

#include <QStringList>

namespace hearth::conformance {

struct CheckResult {
    double maxTopError = 0;    // over every golden top-20 entry of every position
    double maxLastError = 0;   // over the full last-position vector (when shipped)
    double maxGreedyError = 0; // over step_top5 logits while in sync
    int greedyCompared = 0;    // greedy tokens compared (stops at a near-tie divergence)
    QStringList failures;
    QStringList nearTies;
};

CheckResult checkGolden(const Model& model, const Golden& golden, float tolerance);

} // namespace hearth::conformance
