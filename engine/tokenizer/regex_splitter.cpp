#include "engine/tokenizer/regex_splitter.h"

#include "engine/tokenizer/utf8_text.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace hearth::tok {

struct RegexSplitter::Compiled {
    pcre2_code* code = nullptr;
    ~Compiled() { pcre2_code_free(code); }
};

namespace {

struct MatchData {
    pcre2_match_data* data;
    explicit MatchData(const pcre2_code* code)
        : data(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
};

// A bigger JIT stack for pathological inputs (very long runs matched by nested quantifiers).
struct BigJitStack {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    BigJitStack() { pcre2_jit_stack_assign(context, nullptr, stack); }
    ~BigJitStack() {
        pcre2_match_context_free(context);
        pcre2_jit_stack_free(stack);
    }
    BigJitStack(const BigJitStack&) = delete;
    BigJitStack& operator=(const BigJitStack&) = delete;
};

int matchAt(const pcre2_code* code, std::string_view subject, size_t start, MatchData& md,
            std::unique_ptr<BigJitStack>& big) {
    const auto* s = reinterpret_cast<PCRE2_SPTR>(subject.data());
    int rc = pcre2_match(code, s, subject.size(), start, PCRE2_NO_UTF_CHECK, md.data,
                         big ? big->context : nullptr);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !big) {
        big = std::make_unique<BigJitStack>();
        rc = pcre2_match(code, s, subject.size(), start, PCRE2_NO_UTF_CHECK, md.data, big->context);
    }
    return rc;
}

} // namespace

RegexSplitter::~RegexSplitter() = default;

Result<std::unique_ptr<RegexSplitter>>
RegexSplitter::create(const std::vector<std::string>& patterns) {
    std::unique_ptr<RegexSplitter> splitter(new RegexSplitter());
    for (const std::string& pattern : patterns) {
        int err = 0;
        PCRE2_SIZE errOffset = 0;
        auto compiled = std::make_unique<Compiled>();
        compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                       PCRE2_UTF | PCRE2_UCP, &err, &errOffset, nullptr);
        if (!compiled->code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            return makeError("pre-tokenizer regex does not compile at offset " +
                             std::to_string(errOffset) + ": " + reinterpret_cast<const char*>(msg));
        }
        // JIT is an optimisation only: without it (e.g. no executable memory) matching still works.
        pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
        splitter->regexes_.push_back(std::move(compiled));
    }
    return splitter;
}

std::vector<std::string_view> RegexSplitter::split(std::string_view text) const {
    std::vector<std::string_view> pieces;
    if (text.empty()) return pieces;
    pieces.push_back(text);
    std::unique_ptr<BigJitStack> big;
    std::vector<std::string_view> next;
    for (const auto& regex : regexes_) {
        MatchData md(regex->code);
        next.clear();
        next.reserve(pieces.size() * 2);
        for (std::string_view piece : pieces) {
            // Each piece is matched on its own, so lookarounds and '$' see the piece's ends.
            size_t pos = 0;     // where the next search starts
            size_t emitted = 0; // end of what has been emitted
            while (pos < piece.size()) {
                const int rc = matchAt(regex->code, piece, pos, md, big);
                if (rc < 0) break; // no match (or a matching error): the rest stays one piece
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.data);
                const size_t begin = ov[0], end = ov[1];
                if (end == begin) {
                    if (begin >= piece.size()) break;
                    // An empty match separates nothing; step over one character.
                    pos = begin + utf8SeqLen(static_cast<uint8_t>(piece[begin]));
                    continue;
                }
                if (begin > emitted) next.push_back(piece.substr(emitted, begin - emitted));
                next.push_back(piece.substr(begin, end - begin));
                emitted = pos = end;
            }
            if (emitted < piece.size()) next.push_back(piece.substr(emitted));
        }
        pieces.swap(next);
    }
    return pieces;
}

} // namespace hearth::tok
