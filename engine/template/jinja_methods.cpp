// The methods templates call on str, dict and list. Mutating methods exist (so that
// `x.append` is found) but raise SecurityError, as in Hugging Face's immutable sandbox.
#include "engine/template/jinja_builtins.h"
#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <algorithm>
#include <array>

namespace hearth::tmpl {
namespace {

constexpr std::array kStringMethods = {
    "strip",        "lstrip",   "rstrip",    "split",      "rsplit",   "splitlines",
    "startswith",   "endswith", "replace",   "upper",      "lower",    "title",
    "capitalize",   "find",     "rfind",     "index",      "rindex",   "count",
    "join",         "format",   "isdigit",   "isalpha",    "isalnum",  "isspace",
    "isupper",      "islower",  "isnumeric", "isdecimal",  "zfill",    "center",
    "ljust",        "rjust",    "partition", "rpartition", "casefold", "removeprefix",
    "removesuffix", "swapcase", "expandtabs"};
constexpr std::array kDictMethods = {"get", "items", "keys", "values", "copy"};
constexpr std::array kListMethods = {"index", "count", "copy"};
constexpr std::array kDictMutators = {"pop", "popitem", "setdefault", "update", "clear"};
constexpr std::array kListMutators = {"append", "extend",  "insert", "pop",
                                      "remove", "reverse", "sort",   "clear"};

template <std::size_t N> bool among(const std::array<const char*, N>& set, const std::string& n) {
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return n == s; });
}

std::optional<std::string> optString(const CallArgs& a, std::size_t i, const char* name) {
    const Value* v = argument(a, i, name);
    if (!v || v->isNone()) return std::nullopt;
    if (!v->isString()) raise("TypeError", std::string(name) + " arg must be None or str");
    return v->asString();
}

std::int64_t optInt(const CallArgs& a, std::size_t i, const char* name, std::int64_t dflt) {
    const Value* v = argument(a, i, name);
    if (!v || v->isNone()) return dflt;
    if (!v->isInt() && !v->isBool())
        raise("TypeError", quoted(v->typeName()) + " object cannot be interpreted as an integer");
    return v->asInt();
}

std::string requireString(const CallArgs& a, std::size_t i, const char* name, const char* method) {
    const Value* v = argument(a, i, name);
    if (!v) raise("TypeError", std::string(method) + "() missing required argument");
    if (!v->isString()) raise("TypeError", std::string("must be str, not ") + v->typeName());
    return v->asString();
}

Value stringList(const std::vector<std::string>& parts) {
    ValueList out;
    out.reserve(parts.size());
    for (const auto& p : parts) out.emplace_back(p);
    return Value::list(std::move(out));
}

bool affixMatch(const std::string& s, const Value& affix, bool prefix) {
    auto one = [&](const Value& v) {
        if (!v.isString())
            raise("TypeError", std::string(prefix ? "startswith" : "endswith") +
                                   " first arg must be str or a tuple of str, not " + v.typeName());
        const std::string& a = v.asString();
        if (a.size() > s.size()) return false;
        return prefix ? s.compare(0, a.size(), a) == 0
                      : s.compare(s.size() - a.size(), a.size(), a) == 0;
    };
    if (affix.isList()) {
        for (const auto& v : affix.asList())
            if (one(v)) return true;
        return false;
    }
    return one(affix);
}

template <class Pred> bool allChars(const std::string& s, Pred p) {
    std::u32string u = py::decodeUtf8(s);
    return !u.empty() && std::all_of(u.begin(), u.end(), p);
}

std::string pad(const std::string& s, std::int64_t width, const std::string& fill, int align) {
    std::int64_t len = py::length(s);
    if (width <= len) return s;
    std::int64_t total = width - len;
    std::int64_t left = align < 0 ? 0 : align > 0 ? total : total / 2 + (total & width & 1);
    return py::repeat(fill, left) + s + py::repeat(fill, total - left);
}

Value strFormat(const std::string& fmt, const CallArgs& a) {
    std::string out;
    std::size_t auto_ = 0;
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        char c = fmt[i];
        if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
            out.push_back('{');
            ++i;
        } else if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
            out.push_back('}');
            ++i;
        } else if (c == '{') {
            std::size_t close = fmt.find('}', i);
            if (close == std::string::npos)
                raise("ValueError", "Single '{' encountered in format string");
            std::string field = fmt.substr(i + 1, close - i - 1);
            std::size_t colon = field.find(':');
            if (colon != std::string::npos) field.resize(colon);
            const Value* v = nullptr;
            if (field.empty()) {
                if (auto_ < a.positional.size()) v = &a.positional[auto_++];
            } else if (std::all_of(field.begin(), field.end(), ::isdigit)) {
                auto idx = static_cast<std::uint64_t>(py::toInt64(field));
                if (idx < a.positional.size()) v = &a.positional[idx];
            } else {
                for (const auto& [k, kv] : a.keyword)
                    if (k == field) v = &kv;
            }
            if (!v) raise("IndexError", "Replacement index out of range for positional args tuple");
            out += pyStr(*v);
            i = close;
        } else {
            out.push_back(c);
        }
    }
    return Value(std::move(out));
}

Value stringMethod(const Value& obj, const std::string& m, CallArgs& a) {
    const std::string& s = obj.asString();
    if (m == "strip") return Value(py::strip(s, optString(a, 0, "chars"), true, true));
    if (m == "lstrip") return Value(py::strip(s, optString(a, 0, "chars"), true, false));
    if (m == "rstrip") return Value(py::strip(s, optString(a, 0, "chars"), false, true));
    if (m == "split" || m == "rsplit") {
        auto sep = optString(a, 0, "sep");
        if (sep && sep->empty()) raise("ValueError", "empty separator");
        return stringList(py::split(s, sep, optInt(a, 1, "maxsplit", -1), m == "rsplit"));
    }
    if (m == "splitlines")
        return stringList(py::splitLines(s, argumentOr(a, 0, "keepends", Value(false)).truthy()));
    if (m == "startswith" || m == "endswith") {
        const Value* affix = argument(a, 0, "prefix");
        if (!affix) raise("TypeError", m + "() takes at least 1 argument (0 given)");
        return Value(affixMatch(s, *affix, m == "startswith"));
    }
    if (m == "replace")
        return Value(py::replace(s, requireString(a, 0, "old", "replace"),
                                 requireString(a, 1, "new", "replace"), optInt(a, 2, "count", -1)));
    if (m == "upper") return Value(py::upper(s));
    if (m == "lower" || m == "casefold") return Value(py::lower(s));
    if (m == "title") return Value(py::title(s));
    if (m == "capitalize") return Value(py::capitalize(s));
    if (m == "swapcase") {
        std::string up = py::upper(s), low = py::lower(s);
        std::u32string u = py::decodeUtf8(s), uu = py::decodeUtf8(up), ll = py::decodeUtf8(low);
        for (std::size_t i = 0; i < u.size(); ++i) u[i] = u[i] == uu[i] ? ll[i] : uu[i];
        return Value(py::encodeUtf8(u));
    }
    if (m == "find" || m == "rfind" || m == "index" || m == "rindex") {
        std::int64_t r = py::find(s, requireString(a, 0, "sub", m.c_str()), m[0] == 'r');
        if (r < 0 && (m == "index" || m == "rindex")) raise("ValueError", "substring not found");
        return Value(r);
    }
    if (m == "count") return Value(py::count(s, requireString(a, 0, "sub", "count")));
    if (m == "join") {
        const Value* it = argument(a, 0, "iterable");
        if (!it) raise("TypeError", "join() takes exactly one argument (0 given)");
        std::string out;
        bool first = true;
        for (const auto& v : iterateValue(*it)) {
            if (!v.isString())
                raise("TypeError",
                      "sequence item: expected str instance, " + v.typeName() + " found");
            if (!first) out += s;
            first = false;
            out += v.asString();
        }
        return Value(std::move(out));
    }
    if (m == "format") return strFormat(s, a);
    if (m == "isdigit" || m == "isnumeric" || m == "isdecimal")
        return Value(allChars(s, [](char32_t c) { return c >= '0' && c <= '9'; }));
    if (m == "isalpha")
        return Value(allChars(s, [](char32_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }));
    if (m == "isalnum")
        return Value(allChars(s, [](char32_t c) {
            return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9');
        }));
    if (m == "isspace") return Value(allChars(s, py::isSpace));
    if (m == "isupper") return Value(py::upper(s) == s && py::lower(s) != s);
    if (m == "islower") return Value(py::lower(s) == s && py::upper(s) != s);
    if (m == "zfill") {
        std::int64_t w = optInt(a, 0, "width", 0);
        std::int64_t len = py::length(s);
        if (w <= len) return obj;
        std::size_t signLen = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
        return Value(s.substr(0, signLen) + std::string(static_cast<std::size_t>(w - len), '0') +
                     s.substr(signLen));
    }
    if (m == "center" || m == "ljust" || m == "rjust") {
        std::string fill = optString(a, 1, "fillchar").value_or(" ");
        return Value(pad(s, optInt(a, 0, "width", 0), fill,
                         m == "center"  ? 0
                         : m == "ljust" ? -1
                                        : 1));
    }
    if (m == "partition" || m == "rpartition") {
        std::string sep = requireString(a, 0, "sep", m.c_str());
        std::size_t hit = m == "partition" ? s.find(sep) : s.rfind(sep);
        if (hit == std::string::npos)
            return m == "partition" ? Value::list({Value(s), Value(""), Value("")}, true)
                                    : Value::list({Value(""), Value(""), Value(s)}, true);
        return Value::list({Value(s.substr(0, hit)), Value(sep), Value(s.substr(hit + sep.size()))},
                           true);
    }
    if (m == "removeprefix" || m == "removesuffix") {
        std::string affix = requireString(a, 0, "affix", m.c_str());
        if (m == "removeprefix" && s.compare(0, affix.size(), affix) == 0)
            return Value(s.substr(affix.size()));
        if (m == "removesuffix" && affix.size() <= s.size() && !affix.empty() &&
            s.compare(s.size() - affix.size(), affix.size(), affix) == 0)
            return Value(s.substr(0, s.size() - affix.size()));
        return obj;
    }
    if (m == "expandtabs") return Value(py::replace(s, "\t", "        ", -1));
    return Value::undefined();
}

Value dictMethod(const Value& obj, const std::string& m, CallArgs& a) {
    const Dict& d = obj.asDict();
    if (m == "get") {
        const Value* key = argument(a, 0, "key");
        if (!key) raise("TypeError", "get expected at least 1 argument, got 0");
        if (const Value* v = d.find(*key)) return *v;
        return argumentOr(a, 1, "default", Value::none());
    }
    if (m == "items") {
        ValueList out;
        for (const auto& [k, v] : d.entries) out.push_back(Value::list({k, v}, true));
        return Value::list(std::move(out));
    }
    if (m == "keys" || m == "values") {
        ValueList out;
        for (const auto& [k, v] : d.entries) out.push_back(m == "keys" ? k : v);
        return Value::list(std::move(out));
    }
    if (m == "copy") return obj;
    return Value::undefined();
}

Value listMethod(const Value& obj, const std::string& m, CallArgs& a) {
    const ValueList& items = obj.asList();
    const Value* x = argument(a, 0, "value");
    if (m == "copy") return Value::list(items, obj.isTuple());
    if (!x) raise("TypeError", m + "() takes exactly one argument (0 given)");
    if (m == "count")
        return Value(static_cast<std::int64_t>(std::count_if(
            items.begin(), items.end(), [&](const Value& v) { return valuesEqual(v, *x); })));
    for (std::size_t i = 0; i < items.size(); ++i)
        if (valuesEqual(items[i], *x)) return Value(static_cast<std::int64_t>(i));
    raise("ValueError", pyRepr(*x) + " is not in list");
}

} // namespace

bool hasMethod(const Value& obj, const std::string& name) {
    if (obj.isString()) return among(kStringMethods, name);
    if (obj.isDict()) return among(kDictMethods, name) || among(kDictMutators, name);
    if (obj.isList())
        return among(kListMethods, name) || (!obj.isTuple() && among(kListMutators, name));
    return false;
}

bool callMethod(Evaluator&, const Value& obj, const std::string& name, CallArgs& args,
                Value& result) {
    if (!hasMethod(obj, name)) return false;
    if ((obj.isDict() && among(kDictMutators, name)) ||
        (obj.isList() && among(kListMutators, name)))
        raise("SecurityError",
              "access to attribute '" + name + "' of '" + obj.typeName() + "' object is unsafe.");
    if (obj.isString())
        result = stringMethod(obj, name, args);
    else if (obj.isDict())
        result = dictMethod(obj, name, args);
    else
        result = listMethod(obj, name, args);
    return true;
}

} // namespace hearth::tmpl
