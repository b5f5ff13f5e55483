#include "engine/tokenizer/stream_decoder.h"

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8_text.h"

namespace hearth {

namespace {
const char kReplacement[] = "\xEF\xBF\xBD"; // U+FFFD
}

StreamDecoder::StreamDecoder(const Tokenizer& tokenizer, bool renderSpecial, bool dropLeadingSpace)
    : tokenizer_(tokenizer), renderSpecial_(renderSpecial), dropLeadingSpace_(dropLeadingSpace) {}

std::string StreamDecoder::push(int32_t id) {
    std::string piece = tokenizer_.tokenToPiece(id, renderSpecial_);
    if (dropLeadingSpace_ && !piece.empty()) {
        if (piece.front() == ' ') piece.erase(0, 1);
        dropLeadingSpace_ = false;
    }
    pending_ += piece;
    std::string out;
    // Emit every complete character; replace bytes that can never complete one.
    while (!pending_.empty()) {
        const tok::Utf8Prefix p = tok::validUtf8Prefix(pending_);
        out.append(pending_, 0, p.complete);
        if (p.complete == pending_.size()) {
            pending_.clear();
            break;
        }
        if (p.tailMayComplete) {
            pending_.erase(0, p.complete);
            break;
        }
        out += kReplacement;
        pending_.erase(0, p.complete + 1);
    }
    return out;
}

std::string StreamDecoder::flush() {
    std::string out;
    // Whatever is left is an unfinished character: one replacement per stray byte run.
    if (!pending_.empty()) out = kReplacement;
    pending_.clear();
    return out;
}

void StreamDecoder::reset(bool dropLeadingSpace) {
    pending_.clear();
    dropLeadingSpace_ = dropLeadingSpace;
}

} // namespace hearth
