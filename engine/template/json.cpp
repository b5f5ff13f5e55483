#include "engine/template/json.h"

#include "engine/template/py_string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace hearth::tmpl {
namespace {

class JsonParser {
public:
    explicit JsonParser(std::string_view t) : t_(t) {}

    Result<Value> parseDocument() {
        Value v;
        if (!parseValue(v, 0)) return makeError(error_);
        skipWs();
        if (pos_ != t_.size()) return makeError(where("trailing characters after JSON value"));
        return v;
    }

private:
    std::string where(const std::string& what) const {
        return "JSON: " + what + " at offset " + std::to_string(pos_);
    }
    bool fail(const std::string& what) {
        if (error_.empty()) error_ = where(what);
        return false;
    }
    void skipWs() {
        while (pos_ < t_.size() &&
               (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t'))
            ++pos_;
    }
    bool literal(std::string_view word) {
        if (t_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    bool parseValue(Value& out, int depth) {
        if (depth > 512) return fail("nesting too deep");
        skipWs();
        if (pos_ >= t_.size()) return fail("unexpected end of input");
        char c = t_[pos_];
        if (c == '{') return parseObject(out, depth);
        if (c == '[') return parseArray(out, depth);
        if (c == '"') {
            std::string s;
            if (!parseString(s)) return false;
            out = Value(std::move(s));
            return true;
        }
        if (literal("true")) return out = Value(true), true;
        if (literal("false")) return out = Value(false), true;
        if (literal("null")) return out = Value::none(), true;
        if (c == '-' || (c >= '0' && c <= '9')) return parseNumber(out);
        return fail("unexpected character");
    }

    bool parseObject(Value& out, int depth) {
        ++pos_;
        Dict d;
        skipWs();
        if (pos_ < t_.size() && t_[pos_] == '}') {
            ++pos_;
            out = Value::dict(std::move(d));
            return true;
        }
        while (true) {
            skipWs();
            if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected object key");
            std::string key;
            if (!parseString(key)) return false;
            skipWs();
            if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected ':'");
            ++pos_;
            Value v;
            if (!parseValue(v, depth + 1)) return false;
            d.set(Value(std::move(key)), std::move(v));
            skipWs();
            if (pos_ < t_.size() && t_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < t_.size() && t_[pos_] == '}') {
                ++pos_;
                out = Value::dict(std::move(d));
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool parseArray(Value& out, int depth) {
        ++pos_;
        ValueList items;
        skipWs();
        if (pos_ < t_.size() && t_[pos_] == ']') {
            ++pos_;
            out = Value::list(std::move(items));
            return true;
        }
        while (true) {
            Value v;
            if (!parseValue(v, depth + 1)) return false;
            items.push_back(std::move(v));
            skipWs();
            if (pos_ < t_.size() && t_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < t_.size() && t_[pos_] == ']') {
                ++pos_;
                out = Value::list(std::move(items));
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    bool hex4(unsigned& cp) {
        if (pos_ + 4 > t_.size()) return fail("truncated \\u escape");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            char h = t_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
                cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                cp |= static_cast<unsigned>(h - 'A' + 10);
            else
                return fail("bad \\u escape");
        }
        return true;
    }

    bool parseString(std::string& out) {
        ++pos_;
        while (pos_ < t_.size()) {
            char c = t_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= t_.size()) break;
            char e = t_[pos_++];
            switch (e) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp < 0xDC00 && t_.substr(pos_, 2) == "\\u") {
                    std::size_t save = pos_;
                    pos_ += 2;
                    unsigned lo = 0;
                    if (!hex4(lo)) return false;
                    if (lo >= 0xDC00 && lo < 0xE000)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else
                        pos_ = save;
                }
                py::appendUtf8(out, cp);
                break;
            }
            default:
                return fail("bad escape in string");
            }
        }
        return fail("unterminated string");
    }

    bool parseNumber(Value& out) {
        std::size_t start = pos_;
        if (t_[pos_] == '-') ++pos_;
        bool isFloat = false;
        while (pos_ < t_.size()) {
            char c = t_[pos_];
            if (c >= '0' && c <= '9')
                ++pos_;
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                isFloat = true;
                ++pos_;
            } else
                break;
        }
        std::string_view num = t_.substr(start, pos_ - start);
        if (!isFloat) {
            std::int64_t i = 0;
            auto r = std::from_chars(num.data(), num.data() + num.size(), i);
            if (r.ec == std::errc() && r.ptr == num.data() + num.size()) {
                out = Value(i);
                return true;
            }
        }
        double d = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), d);
        if (r.ec != std::errc() || r.ptr != num.data() + num.size()) return fail("bad number");
        out = Value(d);
        return true;
    }

    std::string_view t_;
    std::size_t pos_ = 0;
    std::string error_;
};

void dumpString(std::string& out, const std::string& s, bool ensureAscii) {
    out.push_back('"');
    auto escapeUnit = [&](unsigned u) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
    };
    for (char32_t c : py::decodeUtf8(s)) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20 || (ensureAscii && c >= 0x7F)) {
                if (c >= 0x10000) {
                    unsigned v = static_cast<unsigned>(c) - 0x10000;
                    escapeUnit(0xD800 + (v >> 10));
                    escapeUnit(0xDC00 + (v & 0x3FF));
                } else {
                    escapeUnit(static_cast<unsigned>(c));
                }
            } else {
                py::appendUtf8(out, c);
            }
        }
    }
    out.push_back('"');
}

struct Dumper {
    const JsonDumpOptions& o;
    std::string out;
    std::string error;

    void newline(int level) {
        out.push_back('\n');
        for (int i = 0; i < level; ++i) out += *o.indent;
    }

    bool keyText(const Value& k, std::string& text) {
        switch (k.kind()) {
        case Value::Kind::String:
            text = k.asString();
            return true;
        case Value::Kind::Bool:
            text = k.asBool() ? "true" : "false";
            return true;
        case Value::Kind::None:
            text = "null";
            return true;
        case Value::Kind::Int:
            text = std::to_string(k.asInt());
            return true;
        case Value::Kind::Float:
            text = pyFloatRepr(k.asDouble());
            return true;
        default:
            error = "TypeError: keys must be str, int, float, bool or None, not " + k.typeName();
            return false;
        }
    }

    bool dump(const Value& v, int level) {
        if (level > 512) {
            error = "ValueError: value nested too deeply for JSON";
            return false;
        }
        switch (v.kind()) {
        case Value::Kind::None:
            out += "null";
            return true;
        case Value::Kind::Bool:
            out += v.asBool() ? "true" : "false";
            return true;
        case Value::Kind::Int:
            out += std::to_string(v.asInt());
            return true;
        case Value::Kind::Float: {
            double d = v.asDouble();
            if (std::isnan(d))
                out += "NaN";
            else if (std::isinf(d))
                out += d < 0 ? "-Infinity" : "Infinity";
            else
                out += pyFloatRepr(d);
            return true;
        }
        case Value::Kind::String:
            dumpString(out, v.asString(), o.ensureAscii);
            return true;
        case Value::Kind::List: {
            if (v.isGenerator()) {
                error = "TypeError: Object of type generator is not JSON serializable";
                return false;
            }
            const auto& items = v.asList();
            if (items.empty()) {
                out += "[]";
                return true;
            }
            out.push_back('[');
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i) out += o.itemSeparator;
                if (o.indent) newline(level + 1);
                if (!dump(items[i], level + 1)) return false;
            }
            if (o.indent) newline(level);
            out.push_back(']');
            return true;
        }
        case Value::Kind::Dict:
        case Value::Kind::Namespace: {
            const Dict& d = v.isDict() ? v.asDict() : v.namespaceDict();
            if (!v.isDict()) {
                error = "TypeError: Object of type Namespace is not JSON serializable";
                return false;
            }
            if (d.size() == 0) {
                out += "{}";
                return true;
            }
            std::vector<std::pair<std::string, const Value*>> entries;
            for (const auto& [k, val] : d.entries) {
                std::string text;
                if (!keyText(k, text)) return false;
                entries.emplace_back(std::move(text), &val);
            }
            if (o.sortKeys)
                std::stable_sort(entries.begin(), entries.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
            out.push_back('{');
            for (std::size_t i = 0; i < entries.size(); ++i) {
                if (i) out += o.itemSeparator;
                if (o.indent) newline(level + 1);
                dumpString(out, entries[i].first, o.ensureAscii);
                out += o.keySeparator;
                if (!dump(*entries[i].second, level + 1)) return false;
            }
            if (o.indent) newline(level);
            out.push_back('}');
            return true;
        }
        default:
            error = "TypeError: Object of type " + v.typeName() + " is not JSON serializable";
            return false;
        }
    }
};

} // namespace

Result<Value> parseJson(std::string_view text) {
    return JsonParser(text).parseDocument();
}

Result<std::string> dumpJson(const Value& v, const JsonDumpOptions& options) {
    Dumper d{options, {}, {}};
    if (!d.dump(v, 0)) return makeError(d.error);
    return std::move(d.out);
}

} // namespace hearth::tmpl
