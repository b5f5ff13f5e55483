// Operators, attribute/item access, iteration and len() with Python's semantics and messages.
#include "engine/template/jinja_builtins.h"
#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <cmath>
#include <cstdio>

namespace hearth::tmpl {

void failUndefined(const Value& u) {
    raise("UndefinedError", u.asString().empty() ? "value is undefined" : u.asString());
}

void failType(const std::string& message) {
    raise("TypeError", message);
}

namespace {

// Jinja2's object_type_repr: how error messages name an object's type.
std::string objectTypeRepr(const Value& v) {
    if (v.isNone()) return "None";
    return v.typeName() + " object";
}

Value missingAttr(const Value& obj, const std::string& name) {
    return Value::undefined(quoted(objectTypeRepr(obj)) + " has no attribute '" + name + "'");
}

Value loopAttr(const Value& loopValue, const std::string& name) {
    LoopState& st = loopValue.asLoop();
    std::int64_t i = st.index0, n = st.length;
    if (name == "index") return Value(i + 1);
    if (name == "index0") return Value(i);
    if (name == "revindex") return Value(n - i);
    if (name == "revindex0") return Value(n - i - 1);
    if (name == "first") return Value(i == 0);
    if (name == "last") return Value(i == n - 1);
    if (name == "length") return Value(n);
    if (name == "depth") return Value(st.depth0 + 1);
    if (name == "depth0") return Value(st.depth0);
    if (name == "previtem") {
        if (i > 0 && st.items) return (*st.items)[static_cast<std::size_t>(i - 1)];
        return Value::undefined("there is no previous item");
    }
    if (name == "nextitem") {
        if (i + 1 < n && st.items) return (*st.items)[static_cast<std::size_t>(i + 1)];
        return Value::undefined("there is no next item");
    }
    if (name == "cycle") {
        return Value::function("cycle", [loopValue](Evaluator&, CallArgs& a) {
            if (a.positional.empty()) raise("TypeError", "no items for cycling given");
            auto idx = static_cast<std::size_t>(loopValue.asLoop().index0) % a.positional.size();
            return a.positional[idx];
        });
    }
    if (name == "changed") {
        return Value::function("changed", [loopValue](Evaluator&, CallArgs& a) {
            LoopState& s = loopValue.asLoop();
            Value key = Value::list(a.positional);
            if (s.hasChanged && valuesEqual(s.lastChanged, key)) return Value(false);
            s.lastChanged = key;
            s.hasChanged = true;
            return Value(true);
        });
    }
    return missingAttr(loopValue, name);
}

Value boundMethod(const Value& obj, const std::string& name) {
    return Value::function(name, [obj, name](Evaluator& ev, CallArgs& a) {
        Value result;
        callMethod(ev, obj, name, a, result);
        return result;
    });
}

std::int64_t normalizeIndex(std::int64_t i, std::int64_t n) {
    return i < 0 ? i + n : i;
}

std::string pyIntDivZero() {
    return "integer division or modulo by zero";
}

double floorMod(double a, double b) {
    double m = std::fmod(a, b);
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
}

// printf-style `str % args` as far as templates use it: %s %r %d %i %f %%.
std::string percentFormat(const std::string& fmt, const Value& argsValue) {
    ValueList args = argsValue.isTuple() ? argsValue.asList() : ValueList{argsValue};
    std::string out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out.push_back(fmt[i]);
            continue;
        }
        if (++i >= fmt.size()) raise("ValueError", "incomplete format");
        std::string spec;
        while (i < fmt.size() && std::string("-+ #0123456789.").find(fmt[i]) != std::string::npos)
            spec.push_back(fmt[i++]);
        if (i >= fmt.size()) raise("ValueError", "incomplete format");
        char c = fmt[i];
        if (c == '%') {
            out.push_back('%');
            continue;
        }
        if (next >= args.size()) raise("TypeError", "not enough arguments for format string");
        const Value& a = args[next++];
        char buf[128];
        switch (c) {
        case 's':
        case 'r': {
            std::string text = c == 's' ? pyStr(a) : pyRepr(a);
            bool left = spec.find('-') != std::string::npos;
            std::int64_t width = 0;
            for (char d : spec) {
                if (d == '.') break;
                if (d >= '0' && d <= '9' && width < 100000) width = width * 10 + (d - '0');
            }
            auto pad =
                static_cast<std::size_t>(std::max<std::int64_t>(0, width - py::length(text)));
            out += left ? text + std::string(pad, ' ') : std::string(pad, ' ') + text;
            break;
        }
        case 'd':
        case 'i':
            if (!a.isNumber())
                raise("TypeError", "%d format: a real number is required, not " + a.typeName());
            std::snprintf(
                buf, sizeof buf, ("%" + spec + "lld").c_str(),
                static_cast<long long>(a.isFloat() ? std::trunc(a.asDouble()) : a.asInt()));
            out += buf;
            break;
        case 'f':
        case 'e':
        case 'g':
            if (!a.isNumber()) raise("TypeError", "must be real number, not " + a.typeName());
            std::snprintf(buf, sizeof buf, ("%" + spec + c).c_str(), a.asDouble());
            out += buf;
            break;
        default:
            raise("ValueError", std::string("unsupported format character '") + c + "'");
        }
    }
    if (next < args.size() && argsValue.isTuple())
        raise("TypeError", "not all arguments converted during string formatting");
    return out;
}

} // namespace

Value getAttr(const Value& obj, const std::string& name) {
    switch (obj.kind()) {
    case Value::Kind::Undefined:
        failUndefined(obj);
    case Value::Kind::Dict:
        if (hasMethod(obj, name)) return boundMethod(obj, name);
        if (const Value* v = obj.asDict().find(name)) return *v;
        return missingAttr(obj, name);
    case Value::Kind::Namespace:
        if (const Value* v = obj.namespaceDict().find(name)) return *v;
        return missingAttr(obj, name);
    case Value::Kind::Loop:
        return loopAttr(obj, name);
    case Value::Kind::String:
    case Value::Kind::List:
        if (hasMethod(obj, name)) return boundMethod(obj, name);
        return missingAttr(obj, name);
    default:
        return missingAttr(obj, name);
    }
}

Value getItem(const Value& obj, const Value& key) {
    switch (obj.kind()) {
    case Value::Kind::Undefined:
        failUndefined(obj);
    case Value::Kind::Dict:
        if (const Value* v = obj.asDict().find(key)) return *v;
        if (key.isString() && hasMethod(obj, key.asString()))
            return boundMethod(obj, key.asString());
        break;
    case Value::Kind::List:
        if ((key.isInt() || key.isBool()) && !obj.isGenerator()) {
            const auto& items = obj.asList();
            auto n = static_cast<std::int64_t>(items.size());
            std::int64_t i = normalizeIndex(key.asInt(), n);
            if (i >= 0 && i < n) return items[static_cast<std::size_t>(i)];
        }
        break;
    case Value::Kind::String:
        if (key.isInt() || key.isBool()) {
            std::u32string u = py::decodeUtf8(obj.asString());
            auto n = static_cast<std::int64_t>(u.size());
            std::int64_t i = normalizeIndex(key.asInt(), n);
            if (i >= 0 && i < n) {
                std::string s;
                py::appendUtf8(s, u[static_cast<std::size_t>(i)]);
                return Value(std::move(s));
            }
        }
        break;
    case Value::Kind::Loop:
    case Value::Kind::Namespace:
        if (key.isString()) return getAttr(obj, key.asString());
        break;
    default:
        break;
    }
    if (key.isString()) {
        if (obj.isString() || obj.isList()) {
            if (hasMethod(obj, key.asString())) return boundMethod(obj, key.asString());
        }
        return missingAttr(obj, key.asString());
    }
    return Value::undefined(objectTypeRepr(obj) + " has no element " + pyRepr(key));
}

Value sliceValue(const Value& obj, std::optional<std::int64_t> start,
                 std::optional<std::int64_t> stop, std::optional<std::int64_t> step) {
    if (obj.isUndefined()) failUndefined(obj);
    if (obj.isGenerator()) return Value::undefined("'generator object' has no element slice");
    if (obj.isList()) {
        const auto& items = obj.asList();
        ValueList out;
        for (auto i : py::sliceIndices(static_cast<std::int64_t>(items.size()), start, stop, step))
            out.push_back(items[static_cast<std::size_t>(i)]);
        return Value::list(std::move(out), obj.isTuple());
    }
    if (obj.isString()) {
        const std::string& s = obj.asString();
        if (py::isAscii(s) && (!step || *step == 1)) {
            auto idx = py::sliceIndices(static_cast<std::int64_t>(s.size()), start, stop, step);
            if (idx.empty()) return Value(std::string());
            return Value(s.substr(static_cast<std::size_t>(idx.front()), idx.size()));
        }
        std::u32string u = py::decodeUtf8(s);
        std::string out;
        for (auto i : py::sliceIndices(static_cast<std::int64_t>(u.size()), start, stop, step))
            py::appendUtf8(out, u[static_cast<std::size_t>(i)]);
        return Value(std::move(out));
    }
    raise("TypeError", quoted(obj.typeName()) + " object is not subscriptable");
}

Value binaryOp(Evaluator& ev, const std::string& op, const Value& a, const Value& b) {
    if (op == "~") {
        std::string s = pyStr(a);
        std::string t = pyStr(b);
        ev.checkSize(s.size() + t.size());
        return Value(s + t);
    }
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
    auto unsupported = [&]() -> Value {
        raise("TypeError", "unsupported operand type(s) for " + op + ": '" + a.typeName() +
                               "' and '" + b.typeName() + "'");
    };
    if (a.isNumber() && b.isNumber()) {
        bool isFloat = a.isFloat() || b.isFloat();
        double x = a.asDouble(), y = b.asDouble();
        std::int64_t i = a.asInt(), j = b.asInt();
        if (op == "+") return isFloat ? Value(x + y) : Value(i + j);
        if (op == "-") return isFloat ? Value(x - y) : Value(i - j);
        if (op == "*") return isFloat ? Value(x * y) : Value(i * j);
        if (op == "/") {
            if (y == 0)
                raise("ZeroDivisionError", isFloat ? "float division by zero" : "division by zero");
            return Value(x / y);
        }
        if (op == "//") {
            if (y == 0)
                raise("ZeroDivisionError",
                      isFloat ? "float floor division by zero" : pyIntDivZero());
            if (isFloat) return Value(std::floor(x / y));
            std::int64_t q = i / j;
            if ((i % j != 0) && ((i < 0) != (j < 0))) --q;
            return Value(q);
        }
        if (op == "%") {
            if (y == 0) raise("ZeroDivisionError", isFloat ? "float modulo" : pyIntDivZero());
            if (isFloat) return Value(floorMod(x, y));
            std::int64_t m = i % j;
            if (m != 0 && ((m < 0) != (j < 0))) m += j;
            return Value(m);
        }
        if (op == "**") {
            if (!isFloat && j >= 0) {
                std::int64_t r = 1;
                for (std::int64_t k = 0; k < j && k < 64; ++k) r *= i;
                return Value(r);
            }
            return Value(std::pow(x, y));
        }
        return unsupported();
    }
    if (op == "+") {
        if (a.isString() && b.isString()) {
            ev.checkSize(a.asString().size() + b.asString().size());
            if (a.isMarkup() || b.isMarkup()) // Markup escapes whatever plain text joins it
                return Value::markup((a.isMarkup() ? a.asString() : htmlEscape(a.asString())) +
                                     (b.isMarkup() ? b.asString() : htmlEscape(b.asString())));
            return Value(a.asString() + b.asString());
        }
        if (a.isSequence() && b.isSequence() && a.isTuple() == b.isTuple()) {
            ValueList out = a.asList();
            ev.checkSize((out.size() + b.asList().size()) * sizeof(Value));
            out.insert(out.end(), b.asList().begin(), b.asList().end());
            return Value::list(std::move(out), a.isTuple());
        }
        if (a.isString())
            raise("TypeError", "can only concatenate str (not \"" + b.typeName() + "\") to str");
        if (a.isList())
            raise("TypeError", "can only concatenate " + a.typeName() + " (not \"" + b.typeName() +
                                   "\") to " + a.typeName());
        return unsupported();
    }
    if (op == "*") {
        const Value* seq = a.isString() || a.isList() ? &a : &b;
        const Value* n = seq == &a ? &b : &a;
        if ((seq->isString() || seq->isList()) && (n->isInt() || n->isBool())) {
            std::int64_t times = std::max<std::int64_t>(0, n->asInt());
            if (seq->isString()) {
                ev.checkSize(seq->asString().size() * static_cast<std::size_t>(times));
                return Value(py::repeat(seq->asString(), times));
            }
            ev.checkSize(seq->asList().size() * sizeof(Value) * static_cast<std::size_t>(times));
            ValueList out;
            for (std::int64_t k = 0; k < times; ++k)
                out.insert(out.end(), seq->asList().begin(), seq->asList().end());
            return Value::list(std::move(out), seq->isTuple());
        }
        return unsupported();
    }
    if (op == "%" && a.isMarkup()) { // Markup % args escapes the string arguments
        ValueList args = b.isTuple() ? b.asList() : ValueList{b};
        for (auto& x : args)
            if (!x.isMarkup() && (x.isString() || x.isList() || x.isDict()))
                x = Value(htmlEscape(pyStr(x)));
        return Value::markup(percentFormat(a.asString(), Value::list(std::move(args), true)));
    }
    if (op == "%" && a.isString()) return Value(percentFormat(a.asString(), b));
    return unsupported();
}

bool compareOp(const std::string& op, const Value& a, const Value& b) {
    if (op == "==") return valuesEqual(a, b);
    if (op == "!=") return !valuesEqual(a, b);
    if (op == "in") return containsValue(b, a);
    if (op == "notin") return !containsValue(b, a);
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
    bool ok = true;
    int c = compareValues(a, b, ok);
    if (!ok)
        raise("TypeError", quoted(op) + " not supported between instances of '" + a.typeName() +
                               "' and '" + b.typeName() + "'");
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
}

bool containsValue(const Value& container, const Value& item) {
    switch (container.kind()) {
    case Value::Kind::String:
        if (!item.isString())
            raise("TypeError",
                  "'in <string>' requires string as left operand, not " + item.typeName());
        return container.asString().find(item.asString()) != std::string::npos;
    case Value::Kind::List:
        for (const auto& v : container.asList())
            if (valuesEqual(v, item)) return true;
        return false;
    case Value::Kind::Dict:
        return container.asDict().find(item) != nullptr;
    case Value::Kind::Undefined:
        return false;
    default:
        raise("TypeError", "argument of type '" + container.typeName() + "' is not iterable");
    }
}

ValueList iterateValue(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::List:
        return v.asList();
    case Value::Kind::Dict: {
        ValueList keys;
        for (const auto& [k, val] : v.asDict().entries) keys.push_back(k);
        return keys;
    }
    case Value::Kind::String: {
        ValueList chars;
        for (char32_t c : py::decodeUtf8(v.asString())) {
            std::string s;
            py::appendUtf8(s, c);
            chars.emplace_back(std::move(s));
        }
        return chars;
    }
    case Value::Kind::Undefined:
        return {};
    default:
        raise("TypeError", quoted(v.typeName()) + " object is not iterable");
    }
}

std::int64_t lengthOf(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::String:
        return py::length(v.asString());
    case Value::Kind::List:
        if (v.isGenerator()) break; // Python: generators have no len()
        return static_cast<std::int64_t>(v.asList().size());
    case Value::Kind::Dict:
        return static_cast<std::int64_t>(v.asDict().size());
    case Value::Kind::Undefined:
        return 0;
    case Value::Kind::Loop:
        return v.asLoop().length;
    default:
        break;
    }
    raise("TypeError", "object of type '" + v.typeName() + "' has no len()");
}

} // namespace hearth::tmpl
