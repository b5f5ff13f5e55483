#include "engine/template/value.h"

#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace hearth::tmpl {

Value Value::none() {
    Value v;
    v.kind_ = Kind::None;
    return v;
}

Value Value::markup(std::string s) {
    Value v(std::move(s));
    v.tuple_ = true;
    return v;
}

Value Value::undefined(std::string hint) {
    Value v;
    v.str_ = std::move(hint);
    return v;
}

namespace {
// Nesting beyond kMaxDepth (only reachable by a template building lists in a loop) is refused:
// printing or freeing such a value would recurse that deep on the native stack.
std::uint16_t nestedDepth(int childMax) {
    if (childMax + 1 > Value::kMaxDepth)
        raise("RecursionError",
              "values nested deeper than " + std::to_string(Value::kMaxDepth) + " levels");
    return static_cast<std::uint16_t>(childMax + 1);
}
} // namespace

Value Value::list(ValueList items, bool isTuple) {
    Value v;
    int childMax = 0;
    for (const auto& i : items) childMax = std::max(childMax, i.depth());
    v.depth_ = nestedDepth(childMax);
    v.kind_ = Kind::List;
    v.tuple_ = isTuple;
    v.obj_ = std::make_shared<ValueList>(std::move(items));
    return v;
}

Value Value::generator(ValueList items) {
    Value v = list(std::move(items));
    v.generator_ = true;
    return v;
}

Value Value::dict(Dict d) {
    Value v;
    int childMax = 0;
    for (const auto& e : d.entries)
        childMax = std::max({childMax, e.first.depth(), e.second.depth()});
    v.depth_ = nestedDepth(childMax);
    v.kind_ = Kind::Dict;
    v.obj_ = std::make_shared<Dict>(std::move(d));
    return v;
}

Value Value::function(std::string name, std::function<Value(Evaluator&, CallArgs&)> fn) {
    Value v;
    v.kind_ = Kind::Function;
    v.obj_ = std::make_shared<Function>(Function{std::move(name), std::move(fn)});
    return v;
}

Value Value::newNamespace(Dict d) {
    Value v;
    v.kind_ = Kind::Namespace;
    v.obj_ = std::make_shared<Dict>(std::move(d));
    return v;
}

Value Value::loop(std::shared_ptr<LoopState> state) {
    Value v;
    v.kind_ = Kind::Loop;
    v.obj_ = std::move(state);
    return v;
}

const ValueList& Value::asList() const {
    return *static_cast<const ValueList*>(obj_.get());
}
const Dict& Value::asDict() const {
    return *static_cast<const Dict*>(obj_.get());
}
Dict& Value::namespaceDict() const {
    return *static_cast<Dict*>(obj_.get());
}
const Function& Value::asFunction() const {
    return *static_cast<const Function*>(obj_.get());
}
LoopState& Value::asLoop() const {
    return *static_cast<LoopState*>(obj_.get());
}

bool Value::truthy() const {
    switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
        return num_.b;
    case Kind::Int:
        return num_.i != 0;
    case Kind::Float:
        return num_.f != 0.0;
    case Kind::String:
        return !str_.empty();
    case Kind::List:
        return generator_ || !asList().empty();
    case Kind::Dict:
        return asDict().size() != 0;
    default:
        return true;
    }
}

std::string Value::typeName() const {
    switch (kind_) {
    case Kind::Undefined:
        return "Undefined";
    case Kind::None:
        return "NoneType";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::List:
        return generator_ ? "generator" : tuple_ ? "tuple" : "list";
    case Kind::Dict:
        return "dict";
    case Kind::Function:
        return "function";
    case Kind::Namespace:
        return "Namespace";
    case Kind::Loop:
        return "LoopContext";
    }
    return "object";
}

const Value* Dict::find(const Value& key) const {
    for (const auto& e : entries)
        if (valuesEqual(e.first, key)) return &e.second;
    return nullptr;
}

const Value* Dict::find(std::string_view key) const {
    for (const auto& e : entries)
        if (e.first.isString() && e.first.asString() == key) return &e.second;
    return nullptr;
}

void Dict::set(Value key, Value value) {
    for (auto& e : entries)
        if (valuesEqual(e.first, key)) {
            e.second = std::move(value);
            return;
        }
    entries.emplace_back(std::move(key), std::move(value));
}

bool valuesEqual(const Value& a, const Value& b) {
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) return a.asDouble() == b.asDouble();
        return a.asInt() == b.asInt();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return true;
    case Value::Kind::String:
        return a.asString() == b.asString();
    case Value::Kind::List: {
        const auto& x = a.asList();
        const auto& y = b.asList();
        if (a.isGenerator() || b.isGenerator()) return &x == &y;
        if (x.size() != y.size() || a.isTuple() != b.isTuple()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!valuesEqual(x[i], y[i])) return false;
        return true;
    }
    case Value::Kind::Dict: {
        const auto& x = a.asDict();
        const auto& y = b.asDict();
        if (x.size() != y.size()) return false;
        for (const auto& [k, v] : x.entries) {
            const Value* other = y.find(k);
            if (!other || !valuesEqual(v, *other)) return false;
        }
        return true;
    }
    case Value::Kind::Namespace:
        return &a.namespaceDict() == &b.namespaceDict();
    case Value::Kind::Function:
        return &a.asFunction() == &b.asFunction();
    default:
        return false;
    }
}

int compareValues(const Value& a, const Value& b, bool& ok) {
    ok = true;
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) {
            double x = a.asDouble(), y = b.asDouble();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
    }
    if (a.isString() && b.isString()) {
        // Byte order of UTF-8 equals code point order, which is what Python compares.
        int c = a.asString().compare(b.asString());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (a.isSequence() && b.isSequence()) {
        const auto& x = a.asList();
        const auto& y = b.asList();
        for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (valuesEqual(x[i], y[i])) continue;
            return compareValues(x[i], y[i], ok);
        }
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    ok = false;
    return 0;
}

std::string pyFloatRepr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr); // e.g. "-1.2345e+02"
    std::string sign;
    if (!sci.empty() && sci[0] == '-') {
        sign = "-";
        sci.erase(0, 1);
    }
    std::size_t ePos = sci.find('e');
    std::string mant = sci.substr(0, ePos);
    int exp = std::stoi(sci.substr(ePos + 1));
    std::string digits;
    for (char c : mant)
        if (c != '.') digits.push_back(c);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    if (exp >= -5 + 1 && exp < 16) {
        std::string out;
        if (exp < 0) {
            out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
        } else if (static_cast<int>(digits.size()) <= exp + 1) {
            out =
                digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0') + ".0";
        } else {
            const std::size_t point = static_cast<std::size_t>(exp) + 1;
            out = digits.substr(0, point) + "." + digits.substr(point);
        }
        return sign + out;
    }
    std::string out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return sign + out + eb;
}

std::string pyStringRepr(const std::string& s) {
    bool hasSingle = s.find('\'') != std::string::npos;
    bool hasDouble = s.find('"') != std::string::npos;
    char quote = hasSingle && !hasDouble ? '"' : '\'';
    std::string out(1, quote);
    for (char32_t c : py::decodeUtf8(s)) {
        char buf[16];
        if (c == static_cast<char32_t>(quote) || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        } else if ((c >= 0x2028 && c <= 0x2029) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            py::appendUtf8(out, c);
        }
    }
    out.push_back(quote);
    return out;
}

namespace {
// Namespaces are mutable and can contain themselves; Python would recurse until RecursionError.
struct ReprDepth {
    static inline thread_local int depth = 0;
    ReprDepth() {
        if (++depth > Value::kMaxDepth) {
            --depth; // this guard never finishes constructing, so its destructor will not run
            raise("RecursionError",
                  "maximum recursion depth exceeded while getting the repr of an object");
        }
    }
    ~ReprDepth() { --depth; }
};
} // namespace

std::string pyRepr(const Value& v) {
    ReprDepth guard;
    switch (v.kind()) {
    case Value::Kind::String:
        return pyStringRepr(v.asString());
    case Value::Kind::List: {
        if (v.isGenerator()) return "<generator object>";
        std::string out = v.isTuple() ? "(" : "[";
        const auto& items = v.asList();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) out += ", ";
            out += pyRepr(items[i]);
        }
        if (v.isTuple() && items.size() == 1) out += ",";
        out += v.isTuple() ? ")" : "]";
        return out;
    }
    case Value::Kind::Dict: {
        std::string out = "{";
        bool first = true;
        for (const auto& [k, val] : v.asDict().entries) {
            if (!first) out += ", ";
            first = false;
            out += pyRepr(k) + ": " + pyRepr(val);
        }
        return out + "}";
    }
    case Value::Kind::Undefined:
        return "Undefined";
    default:
        return pyStr(v);
    }
}

std::string pyStr(const Value& v) {
    ReprDepth guard;
    switch (v.kind()) {
    case Value::Kind::Undefined:
        return "";
    case Value::Kind::None:
        return "None";
    case Value::Kind::Bool:
        return v.asBool() ? "True" : "False";
    case Value::Kind::Int:
        return std::to_string(v.asInt());
    case Value::Kind::Float:
        return pyFloatRepr(v.asDouble());
    case Value::Kind::String:
        return v.asString();
    case Value::Kind::List:
    case Value::Kind::Dict:
        return pyRepr(v);
    case Value::Kind::Function:
        return "<function " + v.asFunction().name + ">";
    case Value::Kind::Namespace:
        return "<Namespace " + pyRepr(Value::dict(v.namespaceDict())) + ">";
    case Value::Kind::Loop:
        return "<LoopContext>";
    }
    return "";
}

} // namespace hearth::tmpl
