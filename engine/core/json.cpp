#include "engine/core/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace hearth {

Json::Json(uint64_t v) : type_(Type::Number), num_(static_cast<double>(v)) {
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        int_ = static_cast<int64_t>(v);
        isInt_ = true;
    }
}

int64_t Json::asInt(int64_t fallback) const {
    if (!isNumber()) return fallback;
    if (isInt_) return int_;
    if (std::isfinite(num_) && num_ == std::floor(num_) && std::fabs(num_) < 9.2e18)
        return static_cast<int64_t>(num_);
    return fallback;
}

const std::string& Json::asString() const {
    static const std::string kEmpty;
    return isString() ? str_ : kEmpty;
}

const Json* Json::find(std::string_view key) const {
    for (const auto& [k, v] : members_)
        if (k == key) return &v;
    return nullptr;
}

Json* Json::find(std::string_view key) {
    for (auto& [k, v] : members_)
        if (k == key) return &v;
    return nullptr;
}

const Json& Json::operator[](std::string_view key) const {
    static const Json kNull;
    const Json* v = find(key);
    return v ? *v : kNull;
}

Json& Json::set(std::string_view key, Json v) {
    if (type_ != Type::Object) *this = object();
    if (Json* existing = find(key)) {
        *existing = std::move(v);
        return *existing;
    }
    members_.emplace_back(std::string(key), std::move(v));
    return members_.back().second;
}

bool Json::erase(std::string_view key) {
    for (auto it = members_.begin(); it != members_.end(); ++it)
        if (it->first == key) {
            members_.erase(it);
            return true;
        }
    return false;
}

// ---- parsing ----

class JsonParser {
public:
    explicit JsonParser(std::string_view s) : s_(s) {}

    Result<Json> document() {
        Json v;
        if (auto st = value(v, 0); !st) return std::move(st).takeError();
        skipSpace();
        if (pos_ != s_.size()) return fail("unexpected data after the JSON value");
        return v;
    }

private:
    static constexpr int kMaxDepth = 512;

    Error fail(const std::string& what) const {
        return makeError("invalid JSON at byte " + std::to_string(pos_) + ": " + what);
    }
    void skipSpace() {
        while (pos_ < s_.size() &&
               (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    Status value(Json& out, int depth) {
        if (depth > kMaxDepth) return fail("nested too deeply");
        skipSpace();
        if (pos_ >= s_.size()) return fail("unexpected end of input");
        const char c = s_[pos_];
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            out = Json(std::string());
            return string(out.str_);
        }
        if (literal("true")) {
            out = Json(true);
            return {};
        }
        if (literal("false")) {
            out = Json(false);
            return {};
        }
        if (literal("null")) {
            out = Json();
            return {};
        }
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        return fail(std::string("unexpected character '") + c + "'");
    }

    Status object(Json& out, int depth) {
        out = Json::object();
        ++pos_;
        skipSpace();
        if (pos_ < s_.size() && s_[pos_] == '}') {
            ++pos_;
            return {};
        }
        while (true) {
            skipSpace();
            if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a member name");
            std::string key;
            if (auto st = string(key); !st) return st;
            skipSpace();
            if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
            ++pos_;
            Json v;
            if (auto st = value(v, depth + 1); !st) return st;
            out.set(key, std::move(v)); // a repeated key keeps the last value, like Go
            skipSpace();
            if (pos_ < s_.size() && s_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < s_.size() && s_[pos_] == '}') {
                ++pos_;
                return {};
            }
            return fail("expected ',' or '}'");
        }
    }

    Status array(Json& out, int depth) {
        out = Json::array();
        ++pos_;
        skipSpace();
        if (pos_ < s_.size() && s_[pos_] == ']') {
            ++pos_;
            return {};
        }
        while (true) {
            Json v;
            if (auto st = value(v, depth + 1); !st) return st;
            out.items_.push_back(std::move(v));
            skipSpace();
            if (pos_ < s_.size() && s_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < s_.size() && s_[pos_] == ']') {
                ++pos_;
                return {};
            }
            return fail("expected ',' or ']'");
        }
    }

    static void appendUtf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    Result<uint32_t> hex4() {
        if (s_.size() - pos_ < 4) return fail("truncated \\u escape");
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9')
                v |= static_cast<uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
                v |= static_cast<uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                v |= static_cast<uint32_t>(h - 'A' + 10);
            else
                return fail("bad hex digit in \\u escape");
        }
        return v;
    }

    Status string(std::string& out) {
        ++pos_; // opening quote
        while (true) {
            if (pos_ >= s_.size()) return fail("unterminated string");
            const char c = s_[pos_];
            if (c == '"') {
                ++pos_;
                return {};
            }
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
            if (c != '\\') {
                out += c;
                ++pos_;
                continue;
            }
            if (++pos_ >= s_.size()) return fail("unterminated escape");
            const char e = s_[pos_++];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                auto cp = hex4();
                if (!cp) return std::move(cp).takeError();
                uint32_t code = *cp;
                if (code >= 0xD800 && code < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
                    const size_t save = pos_;
                    pos_ += 2;
                    auto lo = hex4();
                    if (!lo) return std::move(lo).takeError();
                    if (*lo >= 0xDC00 && *lo < 0xE000)
                        code = 0x10000 + ((code - 0xD800) << 10) + (*lo - 0xDC00);
                    else {
                        pos_ = save;
                        code = 0xFFFD;
                    }
                } else if (code >= 0xD800 && code < 0xE000) {
                    code = 0xFFFD; // lone surrogate
                }
                appendUtf8(out, code);
                break;
            }
            default:
                return fail(std::string("unknown escape \\") + e);
            }
        }
    }

    Status number(Json& out) {
        const size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        auto digits = [&] {
            size_t n = 0;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                ++pos_;
                ++n;
            }
            return n;
        };
        if (digits() == 0) return fail("bad number");
        bool integral = true;
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            integral = false;
            if (digits() == 0) return fail("bad number");
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            integral = false;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (digits() == 0) return fail("bad number");
        }
        const std::string text(s_.substr(start, pos_ - start));
        if (integral) {
            errno = 0;
            const long long v = std::strtoll(text.c_str(), nullptr, 10);
            if (errno == 0) {
                out = Json(static_cast<int64_t>(v));
                return {};
            }
        }
        out = Json(std::strtod(text.c_str(), nullptr));
        return {};
    }

    std::string_view s_;
    size_t pos_ = 0;
};

Result<Json> Json::parse(std::string_view text) {
    return JsonParser(text).document();
}

// ---- serializing ----

namespace {

void dumpString(const std::string& s, std::string& out) {
    static const char* kHex = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        default:
            break;
        }
        // Go escapes control characters and, for HTML safety, <, > and &.
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
            continue;
        }
        // U+2028 / U+2029 (E2 80 A8/A9) are escaped by Go as well.
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
             static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
            continue;
        }
        out += static_cast<char>(c);
    }
    out += '"';
}

} // namespace

void dumpJson(const Json& j, std::string& out) {
    switch (j.type_) {
    case Json::Type::Null:
        out += "null";
        return;
    case Json::Type::Bool:
        out += j.bool_ ? "true" : "false";
        return;
    case Json::Type::Number: {
        if (j.isInt_) {
            out += std::to_string(j.int_);
        } else if (!std::isfinite(j.num_)) {
            out += "null"; // JSON has no NaN/Inf
        } else {
            // The shortest text that reads back as the same double, in plain notation for
            // 1e-6 <= |x| < 1e21 and exponent notation otherwise, as Go's encoder prints.
            char buf[64];
            const double mag = std::fabs(j.num_);
            const bool plain = mag == 0 || (mag >= 1e-6 && mag < 1e21);
            for (int precision = plain ? 0 : 1; precision <= (plain ? 30 : 17); ++precision) {
                std::snprintf(buf, sizeof buf, plain ? "%.*f" : "%.*g", precision, j.num_);
                if (std::strtod(buf, nullptr) == j.num_) break;
            }
            out += buf;
        }
        return;
    }
    case Json::Type::String:
        dumpString(j.str_, out);
        return;
    case Json::Type::Array:
        out += '[';
        for (size_t i = 0; i < j.items_.size(); ++i) {
            if (i) out += ',';
            dumpJson(j.items_[i], out);
        }
        out += ']';
        return;
    case Json::Type::Object:
        out += '{';
        for (size_t i = 0; i < j.members_.size(); ++i) {
            if (i) out += ',';
            dumpString(j.members_[i].first, out);
            out += ':';
            dumpJson(j.members_[i].second, out);
        }
        out += '}';
        return;
    }
}

std::string Json::dump() const {
    std::string out;
    dumpJson(*this, out);
    return out;
}

} // namespace hearth
