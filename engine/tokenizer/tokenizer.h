#pragma once
// Tokenizer: text <-> token ids for a GGUF model's vocabulary, matching the reference
// implementation (llama.cpp) id for id. Supports SentencePiece-style vocabs ("llama"),
// byte-level BPE with the per-model pre-tokenizer regexes ("gpt2") and BERT WordPiece ("bert").
// Immutable after construction, so one instance may be used from several threads at once.
#include "engine/core/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class GgufFile;
struct Vocab;
class TokenEncoder;

enum class TokenizerKind { Spm, Bpe, Wpm };

class Tokenizer {
public:
    // Copies everything it needs out of the file; the file may be closed afterwards.
    static Result<std::unique_ptr<Tokenizer>> fromGguf(const GgufFile& file);
    ~Tokenizer();

    // addSpecial: add BOS/EOS (or CLS/SEP) as the vocab's metadata asks.
    // parseSpecial: control tokens written in the text become single tokens; otherwise they are
    // tokenized as plain text (user-defined tokens are always matched whole, as the reference
    // does).
    std::vector<int32_t> encode(std::string_view text, bool addSpecial, bool parseSpecial) const;

    // The bytes a token stands for. Control/unknown tokens render as their text only when
    // renderSpecial; a byte-fallback token yields its single (possibly partial UTF-8) byte.
    // Out-of-range ids give "".
    std::string tokenToPiece(int32_t id, bool renderSpecial = true) const;

    // Whole-sequence decoding as the reference's llama_detokenize: optional BOS/EOS removal, the
    // SentencePiece leading space dropped, and BPE/WordPiece space clean-up.
    std::string detokenize(const std::vector<int32_t>& ids, bool removeSpecial,
                           bool renderSpecial) const;

    bool isEog(int32_t id) const;     // end of generation: EOS, EOT, EOM and friends
    bool isControl(int32_t id) const; // control-type token (rendered only on request)

    int32_t nVocab() const;
    int32_t bos() const; // -1 when the vocab has none
    int32_t eos() const;
    int32_t eot() const;
    int32_t eom() const;
    int32_t pad() const;
    int32_t unk() const;
    int32_t sep() const;
    int32_t newline() const;
    bool addBos() const;
    bool addEos() const;
    // SentencePiece vocabs prefix the first word with a space; a detokenizer drops it again.
    bool addSpacePrefix() const;

    TokenizerKind kind() const;
    const std::string& preTokenizer() const; // tokenizer.ggml.pre ("default" when absent)
    std::optional<int32_t> findToken(std::string_view text) const; // exact token text lookup
    const std::string& tokenText(int32_t id) const;                // raw vocab text

private:
    Tokenizer();
    std::unique_ptr<Vocab> vocab_;
    std::unique_ptr<TokenEncoder> encoder_;
};

} // namespace hearth
