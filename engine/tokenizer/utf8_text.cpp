#include "engine/tokenizer/utf8_text.h"

#include <array>

namespace hearth::tok {

size_t utf8SeqLen(uint8_t lead) {
    static constexpr uint8_t kByHighNibble[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kByHighNibble[lead >> 4];
}

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | ((cp >> 18) & 0x07)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string utf8Of(uint32_t cp) {
    std::string s;
    appendUtf8(s, cp);
    return s;
}

namespace {

// One step of the reference decoder: lead-byte driven, continuation bytes checked, no overlong
// or surrogate checks. Returns false (and consumes nothing) on a malformed sequence.
bool decodeOne(std::string_view text, size_t& pos, uint32_t& cp) {
    const auto at = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t b0 = at(pos);
    if (!(b0 & 0x80)) {
        cp = b0;
        pos += 1;
        return true;
    }
    if (!(b0 & 0x40)) return false;
    size_t n = 0;
    if (!(b0 & 0x20)) {
        n = 2;
        cp = b0 & 0x1F;
    } else if (!(b0 & 0x10)) {
        n = 3;
        cp = b0 & 0x0F;
    } else if (!(b0 & 0x08)) {
        n = 4;
        cp = b0 & 0x07;
    } else {
        return false;
    }
    if (pos + n > text.size()) return false;
    for (size_t i = 1; i < n; ++i) {
        if ((at(pos + i) & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (at(pos + i) & 0x3F);
    }
    pos += n;
    return true;
}

} // namespace

std::vector<uint32_t> decodeUtf8Lenient(std::string_view text) {
    std::vector<uint32_t> cps;
    cps.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        uint32_t cp = 0;
        if (decodeOne(text, pos, cp)) {
            cps.push_back(cp);
        } else {
            cps.push_back(0xFFFD);
            ++pos;
        }
    }
    return cps;
}

std::string toValidUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        // Fast path: runs of ASCII are copied as they are.
        const uint8_t b0 = static_cast<uint8_t>(text[pos]);
        if (b0 < 0x80) {
            out.push_back(static_cast<char>(b0));
            ++pos;
            continue;
        }
        uint32_t cp = 0;
        if (!decodeOne(text, pos, cp)) {
            cp = 0xFFFD;
            ++pos;
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
        appendUtf8(out, cp);
    }
    return out;
}

Utf8Prefix validUtf8Prefix(std::string_view bytes) {
    // Strict validation (no overlongs, surrogates or > U+10FFFF) so emitted text is always valid.
    Utf8Prefix r;
    size_t pos = 0;
    const auto at = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
    while (pos < bytes.size()) {
        const uint8_t b0 = at(pos);
        size_t n = 0;
        uint8_t lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (b0 < 0x80) {
            n = 1;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            if (b0 == 0xE0) lo = 0xA0;
            if (b0 == 0xED) hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            if (b0 == 0xF0) lo = 0x90;
            if (b0 == 0xF4) hi = 0x8F;
        } else {
            r.complete = pos;
            return r; // a byte that can never start a character
        }
        for (size_t i = 1; i < n; ++i) {
            if (pos + i >= bytes.size()) {
                r.complete = pos;
                r.tailMayComplete = true;
                return r;
            }
            const uint8_t b = at(pos + i);
            const uint8_t l = i == 1 ? lo : 0x80;
            const uint8_t h = i == 1 ? hi : 0xBF;
            if (b < l || b > h) {
                r.complete = pos;
                return r;
            }
        }
        pos += n;
    }
    r.complete = pos;
    return r;
}

namespace {

struct BpeAlphabet {
    std::array<std::string, 256> byteToChar;
    std::array<int16_t, 324> charToByte{}; // code points 0..323 cover the whole alphabet

    BpeAlphabet() {
        charToByte.fill(-1);
        // Printable Latin-1 bytes keep their code point; the rest are moved to 256 + n in order.
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable =
                (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const uint32_t cp = printable ? b : next++;
            byteToChar[b] = utf8Of(cp);
            charToByte[cp] = static_cast<int16_t>(b);
        }
    }
};

const BpeAlphabet& bpeAlphabet() {
    static const BpeAlphabet alphabet;
    return alphabet;
}

} // namespace

const std::string& byteToBpeChar(uint8_t byte) {
    return bpeAlphabet().byteToChar[byte];
}

int bpeCharToByte(uint32_t cp) {
    if (cp >= bpeAlphabet().charToByte.size()) return -1;
    return bpeAlphabet().charToByte[cp];
}

} // namespace hearth::tok
