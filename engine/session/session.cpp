#include "engine/session/session.h"

#include "engine/tokenizer/stream_decoder.h"
#include "engine/tokenizer/tokenizer.h"

#include <algorithm>
#include <chrono>

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Holds back text that could still become a stop string, and finds one when it completes.
class StopMatcher {
public:
    explicit StopMatcher(const std::vector<std::string>& stops) : stops_(stops) {}

    // Appends text; returns what is safe to emit. *hit becomes true when a stop string appeared
    // (the returned text then ends right before it).
    std::string push(std::string_view text, bool* hit) {
        pending_ += text;
        size_t first = std::string::npos;
        for (const auto& s : stops_)
            if (!s.empty()) first = std::min(first, pending_.find(s));
        if (first != std::string::npos) {
            *hit = true;
            std::string out = pending_.substr(0, first);
            pending_.clear();
            return out;
        }
        // Keep the longest tail that is a prefix of some stop string.
        size_t hold = 0;
        for (const auto& s : stops_)
            for (size_t n = std::min(s.size() - (s.empty() ? 0 : 1), pending_.size()); n > hold;
                 --n)
                if (pending_.compare(pending_.size() - n, n, s, 0, n) == 0) {
                    hold = n;
                    break;
                }
        std::string out = pending_.substr(0, pending_.size() - hold);
        pending_.erase(0, pending_.size() - hold);
        return out;
    }
    std::string flush() { return std::exchange(pending_, {}); }

private:
    const std::vector<std::string>& stops_;
    std::string pending_;
};

} // namespace

const char* stopReasonName(StopReason r) {
    switch (r) {
    case StopReason::MaxTokens:
        return "max tokens";
    case StopReason::Eog:
        return "end of generation";
    case StopReason::StopString:
        return "stop string";
    case StopReason::Cancelled:
        return "cancelled";
    case StopReason::ContextFull:
        return "context full";
    }
    return "?";
}

Session::Session(const Model& model, const Tokenizer& tokenizer, const SessionOptions& options,
                 std::unique_ptr<ModelContext> context)
    : model_(model), tokenizer_(tokenizer), options_(options), context_(std::move(context)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::create(const Model& model, const Tokenizer& tokenizer,
                                                 const SessionOptions& options) {
    if (tokenizer.nVocab() > model.params().nVocab)
        return makeError("the tokenizer has more tokens than the model");
    ContextOptions co;
    co.nCtx = options.nCtx;
    co.kvType = options.kvType;
    co.maxBatch = options.batch;
    auto ctx = ModelContext::create(model, co);
    if (!ctx) return std::move(ctx).takeError();
    return std::unique_ptr<Session>(new Session(model, tokenizer, options, std::move(ctx).value()));
}

void Session::dropOldest(std::vector<int32_t>& seq, int room) const {
    const int nCtx = context_->nCtx();
    const size_t keep = static_cast<size_t>(std::clamp(options_.keepFirst, 0, nCtx / 2));
    // Free at least `room` positions, and a quarter of the context so this doesn't happen per
    // token.
    const int target = std::max(0, std::min(nCtx - room, nCtx * 3 / 4));
    if (static_cast<int>(seq.size()) <= target) return;
    const size_t drop = seq.size() - static_cast<size_t>(target);
    seq.erase(seq.begin() + static_cast<ptrdiff_t>(keep),
              seq.begin() + static_cast<ptrdiff_t>(std::min(seq.size(), keep + drop)));
}

Status Session::sync(const std::vector<int32_t>& seq, std::stop_token stop, int* evaluated) {
    if (seq.empty()) return makeError("empty prompt");
    // Reuse the common prefix, but always evaluate at least the last token to get its logits.
    size_t common = 0;
    while (common < tokens_.size() && common < seq.size() && tokens_[common] == seq[common])
        ++common;
    common = std::min(common, seq.size() - 1);
    tokens_.resize(common);
    const size_t batch = static_cast<size_t>(options_.batch);
    for (size_t start = common; start < seq.size(); start += batch) {
        if (stop.stop_requested()) return makeError("cancelled");
        const size_t n = std::min(batch, seq.size() - start);
        const bool last = start + n == seq.size();
        auto s = context_->eval(std::span(seq).subspan(start, n), static_cast<int>(start),
                                last ? LogitsFor::Last : LogitsFor::None);
        if (!s) return s;
        tokens_.insert(tokens_.end(), seq.begin() + static_cast<ptrdiff_t>(start),
                       seq.begin() + static_cast<ptrdiff_t>(start + n));
    }
    *evaluated = static_cast<int>(seq.size() - common);
    return {};
}

Result<GenerateStats> Session::generate(std::string_view text, const GenerateParams& params,
                                        const TextSink& sink, std::stop_token stop) {
    std::vector<int32_t> seq = tokens_;
    const auto ids =
        tokenizer_.encode(text, params.addSpecial && tokens_.empty(), params.parseSpecial);
    seq.insert(seq.end(), ids.begin(), ids.end());
    return generate(seq, params, sink, stop);
}

Result<GenerateStats> Session::generate(const std::vector<int32_t>& promptIn,
                                        const GenerateParams& params, const TextSink& sink,
                                        std::stop_token stop) {
    const auto t0 = Clock::now();
    GenerateStats stats;
    std::vector<int32_t> prompt = promptIn;
    stats.promptTokens = static_cast<int>(prompt.size());
    const int nCtx = context_->nCtx();
    for (int32_t id : prompt)
        if (id < 0 || id >= model_.params().nVocab)
            return makeError("prompt token " + std::to_string(id) + " is outside the vocabulary");
    if (static_cast<int>(prompt.size()) >= nCtx) {
        if (options_.overflow == ContextOverflow::Error)
            return makeError("the prompt (" + std::to_string(prompt.size()) +
                             " tokens) does not fit in the context (" + std::to_string(nCtx) +
                             " tokens)");
        dropOldest(prompt, 1);
    }
    if (auto s = sync(prompt, stop, &stats.promptEvaluated); !s) {
        if (stop.stop_requested()) {
            stats.stopReason = StopReason::Cancelled;
            return stats;
        }
        return std::move(s).takeError();
    }
    stats.promptSeconds = secondsSince(t0);
    if (stats.promptSeconds > 0)
        stats.promptTokensPerSecond = stats.promptEvaluated / stats.promptSeconds;

    Sampler sampler(params.sampling);
    StreamDecoder decoder(tokenizer_, false, false);
    StopMatcher matcher(params.stop);
    std::vector<float> logits(context_->logits().begin(), context_->logits().end());
    const auto tGen = Clock::now();
    bool done = false;
    auto emit = [&](std::string_view piece) {
        if (done) return;
        bool hit = false;
        const std::string out = matcher.push(piece, &hit);
        if (!out.empty() && sink) sink(out);
        if (hit) {
            done = true;
            stats.stopReason = StopReason::StopString;
        }
    };
    while (!done) {
        if (params.maxTokens >= 0 && stats.generatedTokens >= params.maxTokens) {
            stats.stopReason = StopReason::MaxTokens;
            break;
        }
        if (stop.stop_requested()) {
            stats.stopReason = StopReason::Cancelled;
            break;
        }
        const int32_t next = sampler.sample(logits, tokens_);
        if (stats.generatedTokens == 0) stats.timeToFirstTokenMs = secondsSince(t0) * 1000.0;
        ++stats.generatedTokens;
        if (params.stopAtEog && tokenizer_.isEog(next)) {
            stats.stopReason = StopReason::Eog;
            break;
        }
        emit(decoder.push(next));
        if (done) break; // the stop string's token is not evaluated, so not cached either
        if (static_cast<int>(tokens_.size()) >= nCtx) {
            if (options_.overflow == ContextOverflow::Error) {
                stats.stopReason = StopReason::ContextFull;
                break;
            }
            std::vector<int32_t> seq = tokens_;
            dropOldest(seq, 1);
            int evaluated = 0;
            if (auto s = sync(seq, stop, &evaluated); !s) return std::move(s).takeError();
        }
        const int32_t one[1] = {next};
        if (auto s = context_->eval(one, static_cast<int>(tokens_.size()), LogitsFor::Last); !s)
            return std::move(s).takeError();
        tokens_.push_back(next);
        logits.assign(context_->logits().begin(), context_->logits().end());
    }
    if (stats.stopReason != StopReason::StopString) {
        emit(decoder.flush());
        const std::string rest = matcher.flush();
        if (!rest.empty() && sink && stats.stopReason != StopReason::StopString) sink(rest);
    }
    stats.generateSeconds = secondsSince(tGen);
    if (stats.generateSeconds > 0)
        stats.generatedTokensPerSecond = stats.generatedTokens / stats.generateSeconds;
    return stats;
}

} // namespace hearth
