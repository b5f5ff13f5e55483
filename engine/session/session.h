#pragma once
// Session: one conversation with a model. It owns the KV cache (through ModelContext), reuses
// the cached prefix when a conversation continues, samples tokens and streams UTF-8 text to a
// callback. Synchronous: the caller's thread runs generate(); another thread cancels it through
// the stop_token, which is checked before every token (and between prompt batches).
#include "engine/core/result.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"
#include "engine/sampling/sampler.h"

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class Tokenizer;

enum class ContextOverflow {
    Error,      // a prompt that does not fit is an error; generation stops at the limit
    DropOldest, // drop the oldest tokens (after keepFirst) and carry on
};

struct SessionOptions {
    int nCtx = 2048;
    GgmlType kvType = GgmlType::F16;
    int batch = 512;
    ContextOverflow overflow = ContextOverflow::Error;
    int keepFirst = 1; // tokens never dropped (BOS, or a system prompt)
};

struct GenerateParams {
    int maxTokens = 256;           // < 0: until EOG, a stop string or the context limit
    std::vector<std::string> stop; // generation ends before the first of these strings
    bool stopAtEog = true;         // end at end-of-generation tokens (not emitted)
    SamplingParams sampling;
    // For text prompts: tokenize with BOS/EOS per the vocab's metadata (only when the session
    // is empty), and whether special-token text in the prompt becomes control tokens.
    bool addSpecial = true;
    bool parseSpecial = false;
};

enum class StopReason { MaxTokens, Eog, StopString, Cancelled, ContextFull };
const char* stopReasonName(StopReason r);

struct GenerateStats {
    int promptTokens = 0;    // tokens in the prompt
    int promptEvaluated = 0; // of those, evaluated now (the rest came from the cache)
    double promptSeconds = 0;
    double promptTokensPerSecond = 0;
    double timeToFirstTokenMs = 0; // from the call to the first generated token
    int generatedTokens = 0;
    double generateSeconds = 0;
    double generatedTokensPerSecond = 0;
    StopReason stopReason = StopReason::MaxTokens;
};

// Receives each piece of generated text as soon as it is complete UTF-8.
using TextSink = std::function<void(std::string_view text)>;

class Session {
public:
    static Result<std::unique_ptr<Session>> create(const Model& model, const Tokenizer& tokenizer,
                                                   const SessionOptions& options = {});
    ~Session();

    // `prompt` is the whole conversation so far: the part matching the cache is reused and only
    // the rest is evaluated. The generated tokens are appended to the cached sequence.
    Result<GenerateStats> generate(const std::vector<int32_t>& prompt, const GenerateParams& params,
                                   const TextSink& sink, std::stop_token stop = {});
    // Tokenizes `text` and continues the cached sequence with it.
    Result<GenerateStats> generate(std::string_view text, const GenerateParams& params,
                                   const TextSink& sink, std::stop_token stop = {});

    const std::vector<int32_t>& tokens() const { return tokens_; } // cached sequence
    int nCtx() const { return context_->nCtx(); }
    void reset() { tokens_.clear(); }
    const Tokenizer& tokenizer() const { return tokenizer_; }

private:
    Session(const Model& model, const Tokenizer& tokenizer, const SessionOptions& options,
            std::unique_ptr<ModelContext> context);
    // Makes the cache hold exactly `seq`, evaluating only what differs; logits of the last token.
    Status sync(const std::vector<int32_t>& seq, std::stop_token stop, int* evaluated);
    // Shortens `seq` by dropping old tokens after keepFirst so that `room` positions are free.
    void dropOldest(std::vector<int32_t>& seq, int room) const;

    const Model& model_;
    const Tokenizer& tokenizer_;
    SessionOptions options_;
    std::unique_ptr<ModelContext> context_;
    std::vector<int32_t> tokens_;
};

} // namespace hearth
