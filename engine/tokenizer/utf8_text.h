#pragma once
// UTF-8 helpers shared by the tokenizers, with the reference implementation's exact leniency:
// sequence lengths come from the lead byte alone, and undecodable bytes become U+FFFD.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

// Bytes in the sequence a lead byte starts (1 for continuation/invalid bytes).
size_t utf8SeqLen(uint8_t lead);

// Appends the UTF-8 encoding of a code point.
void appendUtf8(std::string& out, uint32_t cp);
std::string utf8Of(uint32_t cp);

// Decodes as the reference does: a malformed sequence yields U+FFFD and skips one byte.
std::vector<uint32_t> decodeUtf8Lenient(std::string_view text);

// Re-encodes text as strictly valid UTF-8 (what PCRE2 requires); malformed input bytes,
// surrogates and out-of-range code points become U+FFFD, one per decoded unit.
std::string toValidUtf8(std::string_view text);

// Length of the longest prefix of `bytes` made of complete, valid UTF-8 characters, and whether
// the remainder could still become valid with more bytes.
struct Utf8Prefix {
    size_t complete = 0;
    bool tailMayComplete = false;
};
Utf8Prefix validUtf8Prefix(std::string_view bytes);

// GPT-2 byte-level BPE alphabet: every byte maps to one printable code point.
const std::string& byteToBpeChar(uint8_t byte);
// Inverse of the above; -1 when the code point is not part of the alphabet.
int bpeCharToByte(uint32_t cp);

} // namespace hearth::tok
