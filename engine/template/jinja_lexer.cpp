#include "engine/template/jinja_lexer.h"

#include "engine/template/py_string.h"

#include <cctype>

namespace hearth::tmpl {
namespace {

bool isWs(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Jinja2 joins source.splitlines() with "\n": every line-break form becomes "\n".
std::string normalizeNewlines(std::string_view s, bool keepTrailing) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\r') {
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out.push_back('\n');
        } else if (c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e') {
            out.push_back('\n');
        } else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
                   static_cast<unsigned char>(s[i + 1]) == 0x85) {
            out.push_back('\n');
            ++i;
        } else if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < s.size() &&
                   static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
            out.push_back('\n');
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    if (!keepTrailing && !out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

class Lexer {
public:
    Lexer(std::string src, const LexOptions& o) : src_(std::move(src)), o_(o) {}

    Result<std::vector<Token>> run() {
        bool lineStarting = true;
        while (pos_ < src_.size()) {
            std::size_t next = findTagStart(pos_);
            if (next == std::string::npos) {
                emitText(src_.substr(pos_), pos_);
                pos_ = src_.size();
                break;
            }
            char kind = src_[next + 1]; // '{', '%' or '#'
            char sign = next + 2 < src_.size() ? src_[next + 2] : '\0';
            if (sign != '-' && sign != '+') sign = '\0';
            std::string text = src_.substr(pos_, next - pos_);
            if (sign == '-') {
                std::size_t e = text.size();
                while (e > 0 && isWs(text[e - 1])) --e;
                text.resize(e);
            } else if (sign != '+' && o_.lstripBlocks && kind != '{') {
                std::size_t nl = text.rfind('\n');
                std::size_t lpos = nl == std::string::npos ? 0 : nl + 1;
                if (lpos > 0 || lineStarting) {
                    bool allWs = lpos < text.size();
                    for (std::size_t i = lpos; i < text.size(); ++i)
                        if (!isWs(text[i])) allWs = false;
                    if (allWs) text.resize(lpos);
                }
            }
            emitText(std::move(text), pos_);
            std::size_t afterOpen = next + 2 + (sign ? 1 : 0);
            if (kind == '#') {
                std::size_t close = src_.find("#}", afterOpen);
                if (close == std::string::npos) return fail(next, "unterminated comment");
                char endSign = close > afterOpen ? src_[close - 1] : '\0';
                pos_ = close + 2;
                finishTag(endSign, true);
            } else {
                if (kind == '%' && isRawBlock(afterOpen)) {
                    if (auto st = lexRaw(next); !st) return makeError(st.error());
                } else {
                    push(kind == '{' ? TokenType::VariableBegin : TokenType::BlockBegin,
                         kind == '{' ? "{{" : "{%", next);
                    pos_ = afterOpen;
                    if (auto st = lexTag(kind == '{' ? '}' : '%', next); !st)
                        return makeError(st.error());
                }
            }
            lineStarting = pos_ > 0 && src_[pos_ - 1] == '\n';
        }
        push(TokenType::End, "", src_.size());
        return std::move(tokens_);
    }

private:
    std::size_t findTagStart(std::size_t from) const {
        for (std::size_t i = src_.find('{', from); i != std::string::npos;
             i = src_.find('{', i + 1)) {
            if (i + 1 < src_.size() &&
                (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#'))
                return i;
        }
        return std::string::npos;
    }

    void position(std::size_t offset, int& line, int& col) const {
        // Lines and columns are 1-based; computed incrementally from the last query.
        if (offset < lcOffset_) {
            lcOffset_ = 0;
            lcLine_ = 1;
            lcCol_ = 1;
        }
        while (lcOffset_ < offset && lcOffset_ < src_.size()) {
            if (src_[lcOffset_] == '\n') {
                ++lcLine_;
                lcCol_ = 1;
            } else if ((static_cast<unsigned char>(src_[lcOffset_]) & 0xC0) != 0x80) {
                ++lcCol_;
            }
            ++lcOffset_;
        }
        line = lcLine_;
        col = lcCol_;
    }

    void push(TokenType t, std::string text, std::size_t offset) {
        Token tok{t, std::move(text), 0, 0};
        position(offset, tok.line, tok.column);
        tokens_.push_back(std::move(tok));
    }

    void emitText(std::string text, std::size_t offset) {
        if (!text.empty()) push(TokenType::Text, std::move(text), offset);
    }

    Error fail(std::size_t offset, const std::string& msg) const {
        int line = 0, col = 0;
        position(offset, line, col);
        return makeError("TemplateSyntaxError: " + msg + " (line " + std::to_string(line) +
                         ", column " + std::to_string(col) + ")");
    }

    // After `%}` / `#}`: `-` eats all following whitespace, trim_blocks eats one newline.
    void finishTag(char endSign, bool isBlockOrComment) {
        if (endSign == '-') {
            while (pos_ < src_.size() && isWs(src_[pos_])) ++pos_;
        } else if (endSign != '+' && isBlockOrComment && o_.trimBlocks && pos_ < src_.size() &&
                   src_[pos_] == '\n') {
            ++pos_;
        }
    }

    bool isRawBlock(std::size_t p) const {
        while (p < src_.size() && isWs(src_[p])) ++p;
        if (src_.compare(p, 3, "raw") != 0) return false;
        p += 3;
        while (p < src_.size() && isWs(src_[p])) ++p;
        return src_.compare(p, 2, "%}") == 0 || src_.compare(p, 3, "-%}") == 0;
    }

    Status lexRaw(std::size_t open) {
        std::size_t close = src_.find("%}", open);
        bool stripAfterOpen = src_[close - 1] == '-';
        std::size_t bodyStart = close + 2;
        if (stripAfterOpen)
            while (bodyStart < src_.size() && isWs(src_[bodyStart])) ++bodyStart;
        for (std::size_t s = src_.find("{%", bodyStart); s != std::string::npos;
             s = src_.find("{%", s + 2)) {
            std::size_t p = s + 2;
            bool stripBefore = p < src_.size() && src_[p] == '-';
            if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
            while (p < src_.size() && isWs(src_[p])) ++p;
            if (src_.compare(p, 6, "endraw") != 0) continue;
            p += 6;
            while (p < src_.size() && isWs(src_[p])) ++p;
            char endSign = '\0';
            if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) endSign = src_[p++];
            if (src_.compare(p, 2, "%}") != 0) continue;
            std::string body = src_.substr(bodyStart, s - bodyStart);
            if (stripBefore) {
                std::size_t e = body.size();
                while (e > 0 && isWs(body[e - 1])) --e;
                body.resize(e);
            }
            emitText(std::move(body), bodyStart);
            pos_ = p + 2;
            finishTag(endSign, true);
            return {};
        }
        return fail(open, "missing endraw");
    }

    Status lexTag(char endChar, std::size_t open) {
        int depth = 0;
        while (true) {
            while (pos_ < src_.size() && isWs(src_[pos_])) ++pos_;
            if (pos_ >= src_.size())
                return fail(open, endChar == '}' ? "unexpected end of template, expected '}}'"
                                                 : "unexpected end of template, expected '%}'");
            if (depth == 0) {
                char sign = '\0';
                std::size_t p = pos_;
                if (src_[p] == '-' || (src_[p] == '+' && endChar == '%')) sign = src_[p++];
                if (p + 1 < src_.size() && src_[p] == endChar && src_[p + 1] == '}') {
                    push(endChar == '}' ? TokenType::VariableEnd : TokenType::BlockEnd,
                         endChar == '}' ? "}}" : "%}", pos_);
                    pos_ = p + 2;
                    finishTag(sign, endChar == '%');
                    return {};
                }
            }
            char c = src_[pos_];
            std::size_t start = pos_;
            if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                while (pos_ < src_.size() &&
                       (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
                    ++pos_;
                push(TokenType::Name, src_.substr(start, pos_ - start), start);
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                lexNumber();
            } else if (c == '\'' || c == '"') {
                if (auto st = lexString(); !st) return st;
            } else {
                static const char* ops[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "/",
                                            "*",  "%",  "~",  "[",  "]",  "(",  ")", "{", "}",
                                            "<",  ">",  "=",  ".",  ":",  "|",  ",", ";"};
                bool matched = false;
                for (const char* op : ops) {
                    std::size_t n = std::char_traits<char>::length(op);
                    if (src_.compare(pos_, n, op) == 0) {
                        if (op[0] == '(' || op[0] == '[' || op[0] == '{') ++depth;
                        if ((op[0] == ')' || op[0] == ']' || op[0] == '}') && n == 1) --depth;
                        push(TokenType::Operator, op, pos_);
                        pos_ += n;
                        matched = true;
                        break;
                    }
                }
                if (!matched) return fail(pos_, std::string("unexpected char '") + c + "'");
                if (depth < 0) depth = 0;
            }
        }
    }

    void lexNumber() {
        std::size_t start = pos_;
        auto digits = [&] {
            while (pos_ < src_.size() &&
                   (std::isdigit(static_cast<unsigned char>(src_[pos_])) ||
                    (src_[pos_] == '_' && pos_ + 1 < src_.size() &&
                     std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))))
                ++pos_;
        };
        digits();
        bool isFloat = false;
        if (pos_ + 1 < src_.size() && src_[pos_] == '.' &&
            std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
            isFloat = true;
            ++pos_;
            digits();
        }
        if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
            std::size_t p = pos_ + 1;
            if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
            if (p < src_.size() && std::isdigit(static_cast<unsigned char>(src_[p]))) {
                isFloat = true;
                pos_ = p;
                digits();
            }
        }
        std::string text;
        for (std::size_t i = start; i < pos_; ++i)
            if (src_[i] != '_') text.push_back(src_[i]);
        push(isFloat ? TokenType::Float : TokenType::Integer, std::move(text), start);
    }

    Status lexString() {
        char quote = src_[pos_];
        std::size_t start = pos_++;
        std::string value;
        while (pos_ < src_.size() && src_[pos_] != quote) {
            char c = src_[pos_++];
            if (c != '\\') {
                value.push_back(c);
                continue;
            }
            if (pos_ >= src_.size()) break;
            char e = src_[pos_++];
            auto hex = [&](int n) -> bool {
                if (pos_ + static_cast<std::size_t>(n) > src_.size()) return false;
                unsigned cp = 0;
                for (int i = 0; i < n; ++i) {
                    char h = src_[pos_ + static_cast<std::size_t>(i)];
                    if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
                    cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                                             ? h - '0'
                                                             : (std::tolower(h) - 'a' + 10));
                }
                pos_ += static_cast<std::size_t>(n);
                py::appendUtf8(value, cp);
                return true;
            };
            switch (e) {
            case 'n':
                value.push_back('\n');
                break;
            case 't':
                value.push_back('\t');
                break;
            case 'r':
                value.push_back('\r');
                break;
            case '\\':
                value.push_back('\\');
                break;
            case '\'':
                value.push_back('\'');
                break;
            case '"':
                value.push_back('"');
                break;
            case 'a':
                value.push_back('\a');
                break;
            case 'b':
                value.push_back('\b');
                break;
            case 'f':
                value.push_back('\f');
                break;
            case 'v':
                value.push_back('\v');
                break;
            case '0':
                value.push_back('\0');
                break;
            case '\n':
                break; // line continuation
            case 'x':
                if (!hex(2)) return fail(pos_, "bad \\x escape");
                break;
            case 'u':
                if (!hex(4)) return fail(pos_, "bad \\u escape");
                break;
            case 'U':
                if (!hex(8)) return fail(pos_, "bad \\U escape");
                break;
            default: // Python keeps unknown escapes verbatim
                value.push_back('\\');
                value.push_back(e);
            }
        }
        if (pos_ >= src_.size()) return fail(start, "unterminated string");
        ++pos_;
        push(TokenType::String, std::move(value), start);
        return {};
    }

    std::string src_;
    LexOptions o_;
    std::size_t pos_ = 0;
    std::vector<Token> tokens_;
    mutable std::size_t lcOffset_ = 0;
    mutable int lcLine_ = 1;
    mutable int lcCol_ = 1;
};

} // namespace

Result<std::vector<Token>> lexJinja(std::string_view source, const LexOptions& options) {
    return Lexer(normalizeNewlines(source, options.keepTrailingNewline), options).run();
}

} // namespace hearth::tmpl
