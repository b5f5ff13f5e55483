#include "conformance/golden_check.h"

#include "engine/model/model_context.h"

#include <algorithm>
#include <cmath>

namespace hearth::conformance {
namespace {

int32_t argmax(std::span<const float> v) { // ties: lowest id, as the reference's greedy pick
    return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

float twentieth(std::span<const float> v) {
    std::vector<float> copy(v.begin(), v.end());
    std::nth_element(copy.begin(), copy.begin() + 19, copy.end(), std::greater<float>());
    return copy[19];
}

} // namespace

CheckResult checkGolden(const Model& model, const Golden& g, float tol) {
    CheckResult r;
    auto fail = [&](const QString& what) {
        if (r.failures.size() < 8) r.failures << g.label + ": " + what;
    };
    if (model.params().nVocab != g.nVocab) {
        fail("vocabulary size differs");
        return r;
    }
    ContextOptions co;
    co.nCtx = 512;
    co.kvType = g.kvF32 ? GgmlType::F32 : GgmlType::F16;
    auto ctx = ModelContext::create(model, co);
    if (!ctx) {
        fail(QString::fromStdString(ctx.error()));
        return r;
    }
    ModelContext& c = **ctx;
    if (auto s = c.eval(g.promptTokens, 0, LogitsFor::All); !s) {
        fail(QString::fromStdString(s.error()));
        return r;
    }
    const size_t nVocab = static_cast<size_t>(g.nVocab);
    std::vector<float> last;
    for (size_t pos = 0; pos < g.positionTop.size(); ++pos) {
        std::span<const float> ours = c.logits().subspan(pos * nVocab, nVocab);
        const Ranked& top = g.positionTop[pos];
        const float ours20 = twentieth(ours);
        for (const auto& [id, value] : top) {
            const double err = std::fabs(static_cast<double>(ours[id]) - value);
            r.maxTopError = std::max(r.maxTopError, err);
            if (err > tol)
                fail(QStringLiteral("pos %1 token %2: logit %3, golden %4")
                         .arg(pos)
                         .arg(id)
                         .arg(ours[id], 0, 'g', 9)
                         .arg(value, 0, 'g', 9));
            if (ours[id] < ours20 - tol)
                fail(QStringLiteral("pos %1: golden top-20 id %2 is far outside ours")
                         .arg(pos)
                         .arg(id));
        }
        if (top.size() >= 2 && top[0].second - top[1].second > tol && argmax(ours) != top[0].first)
            fail(QStringLiteral("pos %1: top-1 is %2, golden %3")
                     .arg(pos)
                     .arg(argmax(ours))
                     .arg(top[0].first));
        if (pos + 1 == g.positionTop.size()) last.assign(ours.begin(), ours.end());
    }
    for (size_t i = 0; i < g.lastLogits.size(); ++i) {
        const double err = std::fabs(static_cast<double>(last[i]) - g.lastLogits[i]);
        r.maxLastError = std::max(r.maxLastError, err);
        if (err > tol) {
            fail(QStringLiteral("last logits id %1: %2, golden %3")
                     .arg(i)
                     .arg(last[i])
                     .arg(g.lastLogits[i]));
            break;
        }
    }

    int pos = static_cast<int>(g.promptTokens.size());
    for (size_t k = 0; k < g.greedyTokens.size(); ++k) {
        const int32_t ours = argmax(last);
        for (const auto& [id, value] : g.greedyTop5[k])
            r.maxGreedyError =
                std::max(r.maxGreedyError, std::fabs(static_cast<double>(last[id]) - value));
        const int32_t expected = g.greedyTokens[k];
        if (ours != expected) {
            const Ranked& t5 = g.greedyTop5[k];
            const double gap = t5.size() >= 2 ? t5[0].second - t5[1].second : 1e9;
            if (gap <= tol)
                r.nearTies << QStringLiteral("%1: greedy step %2 picked %3, golden %4 (gap %5)")
                                  .arg(g.label)
                                  .arg(k)
                                  .arg(ours)
                                  .arg(expected)
                                  .arg(gap);
            else
                fail(QStringLiteral("greedy step %1: token %2, golden %3")
                         .arg(k)
                         .arg(ours)
                         .arg(expected));
            break;
        }
        ++r.greedyCompared;
        if (k + 1 == g.greedyTokens.size()) break;
        const int32_t tok[1] = {expected};
        if (auto s = c.eval(tok, pos++, LogitsFor::Last); !s) {
            fail(QString::fromStdString(s.error()));
            break;
        }
        last.assign(c.logits().begin(), c.logits().end());
    }
    if (r.maxGreedyError > tol)
        fail(QStringLiteral("greedy step logits differ by %1").arg(r.maxGreedyError));
    return r;
}

} // namespace hearth::conformance
