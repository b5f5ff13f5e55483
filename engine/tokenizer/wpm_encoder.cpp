// BERT WordPiece as the reference does it: decompose (keeping each character's base letter),
// drop controls, lower-case, split on whitespace and around punctuation and CJK ideographs, then
// take the longest vocab match from the left; a word with an unmatchable part becomes [UNK].
// The vocab spells word starts with a leading U+2581 and continuations without "##".
#include "engine/tokenizer/token_encoder.h"
#include "engine/tokenizer/utf8_text.h"
#include "engine/tokenizer/vocab.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#include <algorithm>

namespace hearth {

namespace {

bool isWhitespace(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

bool isChineseChar(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// First code point of the canonical decomposition: strips accents from precomposed letters.
uint32_t baseOf(const UNormalizer2* nfd, uint32_t cp) {
    if (!nfd) return cp;
    UChar buf[32];
    UErrorCode err = U_ZERO_ERROR;
    const int32_t n = unorm2_getDecomposition(nfd, static_cast<UChar32>(cp), buf, 32, &err);
    if (U_FAILURE(err) || n <= 0) return cp;
    UChar32 first = 0;
    int32_t i = 0;
    U16_NEXT(buf, i, n, first);
    return static_cast<uint32_t>(first);
}

class WpmEncoder final : public TokenEncoder {
public:
    explicit WpmEncoder(const Vocab& vocab) : vocab_(vocab) {
        UErrorCode err = U_ZERO_ERROR;
        nfd_ = unorm2_getNFDInstance(&err);
        if (U_FAILURE(err)) nfd_ = nullptr;
    }

    void encode(std::string_view text, std::vector<int32_t>& out) const override {
        for (const std::string& word : splitWords(text)) {
            const std::string marked = "\xE2\x96\x81" + word; // word-start marker
            const size_t start = out.size();
            const size_t n = marked.size();
            for (size_t i = 0; i < n;) {
                bool matched = false;
                for (size_t j = std::min(n, i + vocab_.maxTokenLen + 1); j > i; --j) {
                    const int32_t id = vocab_.find(std::string_view(marked).substr(i, j - i));
                    if (id >= 0) {
                        out.push_back(id);
                        matched = true;
                        i = j;
                        break;
                    }
                }
                if (!matched) {
                    out.resize(start);
                    break;
                }
            }
            if (out.size() == start) out.push_back(vocab_.unk);
        }
    }

private:
    std::vector<std::string> splitWords(std::string_view text) const {
        std::vector<std::string> words(1);
        for (uint32_t cp : tok::decodeUtf8Lenient(text)) {
            cp = baseOf(nfd_, cp);
            if (isWhitespace(cp)) {
                if (!words.back().empty()) words.emplace_back();
                continue;
            }
            const int8_t type = u_charType(static_cast<UChar32>(cp));
            const bool control = type == U_CONTROL_CHAR || type == U_FORMAT_CHAR ||
                                 type == U_SURROGATE || type == U_PRIVATE_USE_CHAR;
            if (cp == 0 || cp == 0xFFFD || control) continue;
            const bool punct = type == U_DASH_PUNCTUATION || type == U_START_PUNCTUATION ||
                               type == U_END_PUNCTUATION || type == U_CONNECTOR_PUNCTUATION ||
                               type == U_OTHER_PUNCTUATION || type == U_INITIAL_PUNCTUATION ||
                               type == U_FINAL_PUNCTUATION;
            const bool symbol = type == U_MATH_SYMBOL || type == U_CURRENCY_SYMBOL ||
                                type == U_MODIFIER_SYMBOL || type == U_OTHER_SYMBOL;
            const std::string s =
                tok::utf8Of(static_cast<uint32_t>(u_tolower(static_cast<UChar32>(cp))));
            if (punct || (cp < 0x7F && symbol) || isChineseChar(cp)) {
                if (!words.back().empty()) words.emplace_back();
                words.back() = s; // a word of its own
                words.emplace_back();
            } else {
                words.back() += s;
            }
        }
        if (words.back().empty()) words.pop_back();
        return words;
    }

    const Vocab& vocab_;
    const UNormalizer2* nfd_ = nullptr;
};

} // namespace

std::unique_ptr<TokenEncoder> makeWpmEncoder(const Vocab& vocab) {
    return std::make_unique<WpmEncoder>(vocab);
}

} // namespace hearth
