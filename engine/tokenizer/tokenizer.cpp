#include "engine/tokenizer/tokenizer.h"

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/special_splitter.h"
#include "engine/tokenizer/token_encoder.h"
#include "engine/tokenizer/utf8_text.h"
#include "engine/tokenizer/vocab.h"

#include <cstdio>

namespace hearth {

namespace {

const std::string kEscapedSpace = "\xE2\x96\x81"; // U+2581, SentencePiece's visible space

std::string escapeSpaces(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    for (char c : text) {
        if (c == ' ') {
            out += kEscapedSpace;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string unescapeSpaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, kEscapedSpace.size(), kEscapedSpace) == 0) {
            out.push_back(' ');
            i += kEscapedSpace.size();
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// Byte-level BPE token text back to bytes. Characters outside the alphabet are kept visible the
// way the reference does, so a broken vocab shows up instead of vanishing.
std::string decodeBpeText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (uint32_t cp : tok::decodeUtf8Lenient(text)) {
        const int byte = tok::bpeCharToByte(cp);
        if (byte >= 0) {
            out.push_back(static_cast<char>(byte));
            continue;
        }
        out += "[UNK_BYTE_0x";
        for (unsigned char c : tok::utf8Of(cp)) {
            char hex[3];
            std::snprintf(hex, sizeof hex, "%02x", c);
            out += hex;
        }
        out += std::string(text) + "]";
    }
    return out;
}

int byteOfByteToken(std::string_view text) {
    // "<0xXX>"
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text.back() != '>') return -1;
    int value = 0;
    for (char c : text.substr(3, 2)) {
        value <<= 4;
        if (c >= '0' && c <= '9') {
            value |= c - '0';
        } else if (c >= 'A' && c <= 'F') {
            value |= c - 'A' + 10;
        } else if (c >= 'a' && c <= 'f') {
            value |= c - 'a' + 10;
        } else {
            return -1;
        }
    }
    return value;
}

// The reference's space clean-up after detokenizing BPE/WordPiece text: no space before . , ! ?,
// " ' " collapses to "'", and " 's", " 'm", " 're", " 've" lose their space.
std::string cleanUpSpaces(const std::string& in) {
    std::string a;
    a.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        const char x = in[i];
        if (i > 0 && in[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') &&
            !a.empty())
            a.pop_back();
        a.push_back(x);
    }
    std::string b;
    b.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const char x = a[i];
        if (i > 0 && x == '\'' && i + 1 < a.size() && a[i - 1] == ' ' && a[i + 1] == ' ') {
            if (!b.empty()) b.pop_back();
            b.push_back(x);
            a[++i] = '\0'; // drop the following space (and, like the reference, forget it)
            continue;
        }
        b.push_back(x);
    }
    std::string c;
    c.reserve(b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        const char x = b[i];
        if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
            const char x1 = b[i + 1];
            const char x2 = i + 2 < b.size() ? b[i + 2] : '\0';
            const bool drop =
                x1 == 's' || x1 == 'm' || (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e');
            if (drop && !c.empty()) c.pop_back();
        }
        c.push_back(x);
    }
    return c;
}

} // namespace

Tokenizer::Tokenizer() = default;
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::fromGguf(const GgufFile& file) {
    auto vocab = loadVocab(file);
    if (!vocab) return std::move(vocab).takeError();
    std::unique_ptr<Tokenizer> t(new Tokenizer());
    t->vocab_ = std::make_unique<Vocab>(std::move(vocab).value());
    switch (t->vocab_->type) {
    case VocabType::Spm:
        t->encoder_ = makeSpmEncoder(*t->vocab_);
        break;
    case VocabType::Wpm:
        t->encoder_ = makeWpmEncoder(*t->vocab_);
        break;
    case VocabType::Bpe: {
        auto encoder = makeBpeEncoder(*t->vocab_);
        if (!encoder) return std::move(encoder).takeError();
        t->encoder_ = std::move(encoder).value();
        break;
    }
    }
    return t;
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool addSpecial,
                                       bool parseSpecial) const {
    const Vocab& v = *vocab_;
    std::vector<int32_t> out;
    const bool withBos = addSpecial && v.addBos && v.bos >= 0;
    if (withBos) out.push_back(v.bos);

    const std::vector<TextFragment> fragments = splitSpecialTokens(v, text, parseSpecial);
    bool afterSpecial = true; // SentencePiece prefixes text at the start or after a special token
    for (const TextFragment& f : fragments) {
        if (f.token >= 0) {
            out.push_back(f.token);
            afterSpecial = true;
            continue;
        }
        if (v.type == VocabType::Spm) {
            std::string piece;
            if (v.addSpacePrefix && afterSpecial) piece = " ";
            piece += f.text;
            encoder_->encode(escapeSpaces(piece), out);
        } else {
            encoder_->encode(f.text, out);
        }
        afterSpecial = false;
    }

    if (addSpecial) {
        if (v.type == VocabType::Wpm) {
            if (v.addSep && v.sep >= 0) out.push_back(v.sep);
        } else if (v.addEos && v.eos >= 0) {
            out.push_back(v.eos);
        }
    }
    return out;
}

std::string Tokenizer::tokenToPiece(int32_t id, bool renderSpecial) const {
    const Vocab& v = *vocab_;
    if (!v.valid(id)) return {};
    const uint32_t attr = v.attrs[id];
    if (!renderSpecial && (attr & (kAttrControl | kAttrUnknown))) return {};
    const std::string& text = v.tokens[id];
    if (attr & (kAttrControl | kAttrUnknown | kAttrUserDefined)) return text;
    if (v.type == VocabType::Bpe) {
        if (attr & kAttrNormal) return decodeBpeText(text);
        return {};
    }
    if (attr & kAttrNormal) return unescapeSpaces(text);
    if (attr & kAttrByte) {
        const int byte = byteOfByteToken(text);
        return byte >= 0 ? std::string(1, static_cast<char>(byte)) : std::string();
    }
    return {};
}

std::string Tokenizer::detokenize(const std::vector<int32_t>& ids, bool removeSpecial,
                                  bool renderSpecial) const {
    const Vocab& v = *vocab_;
    size_t first = 0, last = ids.size();
    bool dropSpace = v.addSpacePrefix;
    if (removeSpecial && v.addBos && last > first && ids[first] == v.bos) {
        dropSpace = false;
        ++first;
    }
    if (removeSpecial && v.addEos && last > first && ids[last - 1] == v.eos) --last;
    std::string text;
    for (size_t i = first; i < last; ++i) {
        std::string piece = tokenToPiece(ids[i], renderSpecial);
        if (dropSpace && !piece.empty() && piece.front() == ' ') piece.erase(0, 1);
        dropSpace = false;
        text += piece;
    }
    return v.cleanSpaces ? cleanUpSpaces(text) : text;
}

bool Tokenizer::isEog(int32_t id) const {
    return id >= 0 && vocab_->eog.count(id) > 0;
}
bool Tokenizer::isControl(int32_t id) const {
    return vocab_->valid(id) && (vocab_->attrs[id] & kAttrControl);
}

int32_t Tokenizer::nVocab() const {
    return vocab_->size();
}
int32_t Tokenizer::bos() const {
    return vocab_->bos;
}
int32_t Tokenizer::eos() const {
    return vocab_->eos;
}
int32_t Tokenizer::eot() const {
    return vocab_->eot;
}
int32_t Tokenizer::eom() const {
    return vocab_->eom;
}
int32_t Tokenizer::pad() const {
    return vocab_->pad;
}
int32_t Tokenizer::unk() const {
    return vocab_->unk;
}
int32_t Tokenizer::sep() const {
    return vocab_->sep;
}
int32_t Tokenizer::newline() const {
    return vocab_->newline;
}
bool Tokenizer::addBos() const {
    return vocab_->addBos;
}
bool Tokenizer::addEos() const {
    return vocab_->addEos;
}
bool Tokenizer::addSpacePrefix() const {
    return vocab_->addSpacePrefix;
}

TokenizerKind Tokenizer::kind() const {
    switch (vocab_->type) {
    case VocabType::Spm:
        return TokenizerKind::Spm;
    case VocabType::Bpe:
        return TokenizerKind::Bpe;
    case VocabType::Wpm:
        return TokenizerKind::Wpm;
    }
    return TokenizerKind::Spm;
}

const std::string& Tokenizer::preTokenizer() const {
    return vocab_->pre;
}

std::optional<int32_t> Tokenizer::findToken(std::string_view text) const {
    const int32_t id = vocab_->find(text);
    if (id < 0) return std::nullopt;
    return id;
}

const std::string& Tokenizer::tokenText(int32_t id) const {
    static const std::string kEmpty;
    return vocab_->valid(id) ? vocab_->tokens[id] : kEmpty;
}

} // namespace hearth
