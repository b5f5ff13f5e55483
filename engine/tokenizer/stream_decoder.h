#pragma once
// StreamDecoder: turns generated token ids into UTF-8 text one token at a time. A character whose
// bytes are spread over several byte-fallback tokens is held back until it is complete, so the
// caller never sees half a UTF-8 character; bytes that can never form one become U+FFFD.
#include <cstdint>
#include <string>

namespace hearth {

class Tokenizer;

class StreamDecoder {
public:
    // renderSpecial: show control tokens' text. dropLeadingSpace: strip the space SentencePiece
    // puts before the first word (pass tokenizer.addSpacePrefix() when decoding from the start).
    explicit StreamDecoder(const Tokenizer& tokenizer, bool renderSpecial = false,
                           bool dropLeadingSpace = false);

    // Text that became complete with this token (may be empty).
    std::string push(int32_t id);
    // Whatever is still held back at the end, with incomplete characters as U+FFFD.
    std::string flush();
    void reset(bool dropLeadingSpace = false);

private:
    const Tokenizer& tokenizer_;
    bool renderSpecial_;
    bool dropLeadingSpace_;
    std::string pending_; // bytes of an unfinished character
};

} // namespace hearth
