// Jinja2's built-in filters as chat templates use them, plus Hugging Face's `tojson`.
#include "engine/template/jinja_builtins.h"
#include "engine/template/json.h"
#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

namespace hearth::tmpl {

const Value* argument(const CallArgs& args, std::size_t index, const char* name) {
    if (index < args.positional.size()) return &args.positional[index];
    for (const auto& [k, v] : args.keyword)
        if (k == name) return &v;
    return nullptr;
}

Value argumentOr(const CallArgs& args, std::size_t index, const char* name, const Value& fallback) {
    const Value* v = argument(args, index, name);
    return v ? *v : fallback;
}

namespace {

using FilterFn = Value (*)(Evaluator&, const Value&, CallArgs&);

std::string softStr(const Value& v) {
    return v.isString() ? v.asString() : pyStr(v);
}

// Jinja's make_attrgetter: "a.b.0" looked up item-first at each step.
Value attrPath(const Value& item, const std::string& path) {
    Value cur = item;
    for (const auto& part : py::split(path, std::string("."), -1, false)) {
        bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
        cur = getItem(cur, digits ? Value(py::toInt64(part)) : Value(part));
    }
    return cur;
}

// Sort key for sort/dictsort/unique/min/max: strings lowercased unless case sensitive.
Value sortKey(const Value& v, bool caseSensitive) {
    if (!caseSensitive && v.isString()) return Value(py::lower(v.asString()));
    return v;
}

void sortValues(ValueList& items, bool reverse, const std::function<Value(const Value&)>& key) {
    std::vector<std::pair<Value, Value>> keyed;
    for (auto& v : items) keyed.emplace_back(key(v), std::move(v));
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        bool ok = true;
        int c = compareValues(a.first, b.first, ok);
        if (!ok)
            raise("TypeError", "'<' not supported between instances of '" + a.first.typeName() +
                                   "' and '" + b.first.typeName() + "'");
        return reverse ? c > 0 : c < 0;
    });
    items.clear();
    for (auto& kv : keyed) items.push_back(std::move(kv.second));
}

Value fTojson(Evaluator&, const Value& v, CallArgs& a) {
    JsonDumpOptions o;
    o.ensureAscii = argumentOr(a, 0, "ensure_ascii", Value(false)).truthy();
    Value indent = argumentOr(a, 1, "indent", Value::none());
    if (indent.isInt())
        o.indent =
            std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, indent.asInt())), ' ');
    else if (indent.isString())
        o.indent = indent.asString();
    if (o.indent) o.itemSeparator = ",";
    Value seps = argumentOr(a, 2, "separators", Value::none());
    if (seps.isList() && seps.asList().size() == 2) {
        o.itemSeparator = softStr(seps.asList()[0]);
        o.keySeparator = softStr(seps.asList()[1]);
    }
    o.sortKeys = argumentOr(a, 3, "sort_keys", Value(false)).truthy();
    auto r = dumpJson(v, o);
    if (!r) {
        const std::string& msg = r.error();
        std::size_t colon = msg.find(": ");
        raise(msg.substr(0, colon), msg.substr(colon + 2));
    }
    return Value(std::move(*r));
}

Value fLength(Evaluator&, const Value& v, CallArgs&) {
    return Value(lengthOf(v));
}
Value fString(Evaluator&, const Value& v, CallArgs&) {
    return Value(softStr(v));
}
Value fUpper(Evaluator&, const Value& v, CallArgs&) {
    return Value(py::upper(softStr(v)));
}
Value fLower(Evaluator&, const Value& v, CallArgs&) {
    return Value(py::lower(softStr(v)));
}
Value fCapitalize(Evaluator&, const Value& v, CallArgs&) {
    return Value(py::capitalize(softStr(v)));
}
Value fPprint(Evaluator&, const Value& v, CallArgs&) {
    return Value(pyRepr(v));
}

Value fTitle(Evaluator&, const Value& v, CallArgs&) {
    // Jinja splits before runs of whitespace and -({[<, then capitalizes each piece.
    std::u32string u = py::decodeUtf8(softStr(v));
    std::u32string out;
    bool wordStart = true;
    for (char32_t c : u) {
        bool sep = py::isSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
        if (sep) {
            out.push_back(c);
            wordStart = true;
            continue;
        }
        std::string one;
        py::appendUtf8(one, c);
        std::u32string mapped = py::decodeUtf8(wordStart ? py::upper(one) : py::lower(one));
        out += mapped;
        wordStart = false;
    }
    return Value(py::encodeUtf8(out));
}

Value fTrim(Evaluator&, const Value& v, CallArgs& a) {
    Value chars = argumentOr(a, 0, "chars", Value::none());
    std::optional<std::string> set;
    if (chars.isString()) set = chars.asString();
    return Value(py::strip(softStr(v), set, true, true));
}

Value fSafe(Evaluator&, const Value& v, CallArgs&) {
    return Value::markup(softStr(v));
}

Value fEscape(Evaluator&, const Value& v, CallArgs&) {
    if (v.isMarkup()) return v;
    return Value::markup(htmlEscape(softStr(v)));
}

} // namespace

std::string htmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&#34;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

namespace {

Value fReplace(Evaluator& ev, const Value& v, CallArgs& a) {
    std::string from = softStr(argumentOr(a, 0, "old", Value("")));
    std::string to = softStr(argumentOr(a, 1, "new", Value("")));
    Value count = argumentOr(a, 2, "count", Value::none());
    std::string r = py::replace(softStr(v), from, to, count.isInt() ? count.asInt() : -1);
    ev.checkSize(r.size());
    return Value(std::move(r));
}

Value fJoin(Evaluator& ev, const Value& v, CallArgs& a) {
    std::string sep = softStr(argumentOr(a, 0, "d", Value("")));
    Value attribute = argumentOr(a, 1, "attribute", Value::none());
    std::string out;
    bool first = true;
    for (const auto& item : iterateValue(v)) {
        if (!first) out += sep;
        first = false;
        out += softStr(attribute.isNone() ? item : attrPath(item, softStr(attribute)));
        ev.checkSize(out.size());
    }
    return Value(std::move(out));
}

Value fDefault(Evaluator&, const Value& v, CallArgs& a) {
    Value fallback = argumentOr(a, 0, "default_value", Value(""));
    bool boolean = argumentOr(a, 1, "boolean", Value(false)).truthy();
    if (v.isUndefined() || (boolean && !v.truthy())) return fallback;
    return v;
}

Value fFirst(Evaluator&, const Value& v, CallArgs&) {
    ValueList items = iterateValue(v);
    if (items.empty()) return Value::undefined("No first item, sequence was empty.");
    return items.front();
}

Value fLast(Evaluator&, const Value& v, CallArgs&) {
    if (v.isGenerator()) raise("TypeError", "'generator' object is not reversible");
    ValueList items = iterateValue(v);
    if (items.empty()) return Value::undefined("No last item, sequence was empty.");
    return items.back();
}

Value fItems(Evaluator&, const Value& v, CallArgs&) {
    if (v.isUndefined()) return Value::generator({});
    if (!v.isDict()) raise("TypeError", "Can only get item pairs from a mapping.");
    ValueList out;
    for (const auto& [k, val] : v.asDict().entries) out.push_back(Value::list({k, val}, true));
    return Value::generator(std::move(out));
}

Value fList(Evaluator&, const Value& v, CallArgs&) {
    return Value::list(iterateValue(v));
}

Value fMap(Evaluator& ev, const Value& v, CallArgs& a) {
    ValueList out;
    if (!v.truthy()) return Value::generator({}); // Jinja2 skips falsy inputs (even None)
    const Value* attribute = argument(a, static_cast<std::size_t>(-1), "attribute");
    if (attribute) {
        Value dflt = argumentOr(a, static_cast<std::size_t>(-1), "default", Value::undefined());
        for (const auto& item : iterateValue(v)) {
            Value got = attrPath(item, softStr(*attribute));
            out.push_back(got.isUndefined() && !dflt.isUndefined() ? dflt : got);
        }
        return Value::generator(std::move(out));
    }
    if (a.positional.empty()) raise("FilterArgumentError", "map requires a filter argument");
    std::string filter = softStr(a.positional[0]);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keyword = a.keyword;
    for (const auto& item : iterateValue(v)) {
        CallArgs copy = rest;
        out.push_back(applyFilter(ev, filter, item, copy));
    }
    return Value::generator(std::move(out));
}

Value selectImpl(Evaluator& ev, const Value& v, CallArgs& a, bool byAttr, bool keep) {
    std::size_t testIdx = byAttr ? 1 : 0;
    std::string attr = byAttr ? softStr(argumentOr(a, 0, "attr", Value(""))) : "";
    ValueList out;
    if (!v.truthy()) return Value::generator({}); // Jinja2 skips falsy inputs (even None)
    for (const auto& item : iterateValue(v)) {
        Value subject = byAttr ? attrPath(item, attr) : item;
        bool pass;
        if (a.positional.size() <= testIdx) {
            pass = subject.truthy();
        } else {
            CallArgs testArgs;
            testArgs.positional.assign(a.positional.begin() + static_cast<long>(testIdx) + 1,
                                       a.positional.end());
            pass = applyTest(ev, softStr(a.positional[testIdx]), subject, testArgs);
        }
        if (pass == keep) out.push_back(item);
    }
    return Value::generator(std::move(out));
}

Value fSelect(Evaluator& ev, const Value& v, CallArgs& a) {
    return selectImpl(ev, v, a, false, true);
}
Value fReject(Evaluator& ev, const Value& v, CallArgs& a) {
    return selectImpl(ev, v, a, false, false);
}
Value fSelectAttr(Evaluator& ev, const Value& v, CallArgs& a) {
    return selectImpl(ev, v, a, true, true);
}
Value fRejectAttr(Evaluator& ev, const Value& v, CallArgs& a) {
    return selectImpl(ev, v, a, true, false);
}

Value fIndent(Evaluator& ev, const Value& v, CallArgs& a) {
    Value width = argumentOr(a, 0, "width", Value(4));
    std::string ind =
        width.isString()
            ? width.asString()
            : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, width.asInt())), ' ');
    bool first = argumentOr(a, 1, "first", Value(false)).truthy();
    bool blank = argumentOr(a, 2, "blank", Value(false)).truthy();
    std::string s = softStr(v) + "\n";
    std::vector<std::string> lines = py::splitLines(s, false);
    std::string out;
    if (blank) {
        for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" + ind : "") + lines[i];
    } else if (!lines.empty()) {
        out = lines[0];
        for (std::size_t i = 1; i < lines.size(); ++i)
            out += "\n" + (lines[i].empty() ? "" : ind + lines[i]);
    }
    if (first) out = ind + out;
    ev.checkSize(out.size());
    return Value(std::move(out));
}

bool parseInt(std::string s, std::int64_t base, std::int64_t& out) {
    s = py::strip(s, std::nullopt, true, true);
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    if (s.empty()) return false;
    std::size_t start = s[0] == '+' ? 1 : 0;
    auto r = std::from_chars(s.data() + start, s.data() + s.size(), out, static_cast<int>(base));
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parseFloat(std::string s, double& out) {
    s = py::strip(s, std::nullopt, true, true);
    if (s.empty()) return false;
    std::size_t start = s[0] == '+' ? 1 : 0;
    auto r = std::from_chars(s.data() + start, s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Value fInt(Evaluator&, const Value& v, CallArgs& a) {
    Value dflt = argumentOr(a, 0, "default", Value(0));
    std::int64_t base = argumentOr(a, 1, "base", Value(10)).asInt();
    if (v.isInt() || v.isBool()) return Value(v.asInt());
    if (v.isFloat())
        return std::isfinite(v.asDouble()) ? Value(static_cast<std::int64_t>(v.asDouble())) : dflt;
    if (v.isString()) {
        std::int64_t i = 0;
        if (parseInt(v.asString(), base, i)) return Value(i);
        double d = 0;
        if (parseFloat(v.asString(), d) && std::isfinite(d))
            return Value(static_cast<std::int64_t>(d));
    }
    return dflt;
}

Value fFloat(Evaluator&, const Value& v, CallArgs& a) {
    Value dflt = argumentOr(a, 0, "default", Value(0.0));
    if (v.isNumber()) return Value(v.asDouble());
    double d = 0;
    if (v.isString() && parseFloat(v.asString(), d)) return Value(d);
    return dflt;
}

Value fAbs(Evaluator&, const Value& v, CallArgs&) {
    if (v.isFloat()) return Value(std::fabs(v.asDouble()));
    if (v.isNumber()) return Value(static_cast<std::int64_t>(std::llabs(v.asInt())));
    raise("TypeError", "bad operand type for abs(): '" + v.typeName() + "'");
}

Value fRound(Evaluator&, const Value& v, CallArgs& a) {
    if (!v.isNumber())
        raise("TypeError", "type " + v.typeName() + " doesn't define __round__ method");
    std::int64_t precision = argumentOr(a, 0, "precision", Value(0)).asInt();
    std::string method = softStr(argumentOr(a, 1, "method", Value("common")));
    double scale = std::pow(10.0, static_cast<double>(precision));
    double x = v.asDouble() * scale;
    double r = method == "ceil"    ? std::ceil(x)
               : method == "floor" ? std::floor(x)
                                   : std::nearbyint(x);
    return Value(r / scale);
}

Value fUnique(Evaluator&, const Value& v, CallArgs& a) {
    bool cs = argumentOr(a, 0, "case_sensitive", Value(false)).truthy();
    Value attribute = argumentOr(a, 1, "attribute", Value::none());
    ValueList out, seen;
    for (const auto& item : iterateValue(v)) {
        Value key = sortKey(attribute.isNone() ? item : attrPath(item, softStr(attribute)), cs);
        if (std::any_of(seen.begin(), seen.end(),
                        [&](const Value& s) { return valuesEqual(s, key); }))
            continue;
        seen.push_back(key);
        out.push_back(item);
    }
    return Value::generator(std::move(out));
}

Value fSort(Evaluator&, const Value& v, CallArgs& a) {
    bool reverse = argumentOr(a, 0, "reverse", Value(false)).truthy();
    bool cs = argumentOr(a, 1, "case_sensitive", Value(false)).truthy();
    Value attribute = argumentOr(a, 2, "attribute", Value::none());
    ValueList items = iterateValue(v);
    sortValues(items, reverse, [&](const Value& x) {
        return sortKey(attribute.isNone() ? x : attrPath(x, softStr(attribute)), cs);
    });
    return Value::list(std::move(items));
}

Value fDictsort(Evaluator&, const Value& v, CallArgs& a) {
    if (!v.isDict())
        raise("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
    bool cs = argumentOr(a, 0, "case_sensitive", Value(false)).truthy();
    bool byValue = softStr(argumentOr(a, 1, "by", Value("key"))) == "value";
    bool reverse = argumentOr(a, 2, "reverse", Value(false)).truthy();
    ValueList items;
    for (const auto& [k, val] : v.asDict().entries) items.push_back(Value::list({k, val}, true));
    sortValues(items, reverse,
               [&](const Value& x) { return sortKey(x.asList()[byValue ? 1 : 0], cs); });
    return Value::list(std::move(items));
}

Value fReverse(Evaluator&, const Value& v, CallArgs&) {
    if (v.isString()) {
        std::u32string u = py::decodeUtf8(v.asString());
        std::reverse(u.begin(), u.end());
        return Value(py::encodeUtf8(u));
    }
    ValueList items = iterateValue(v);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
}

Value fSum(Evaluator& ev, const Value& v, CallArgs& a) {
    Value attribute = argumentOr(a, 0, "attribute", Value::none());
    Value total = argumentOr(a, 1, "start", Value(0));
    for (const auto& item : iterateValue(v))
        total = binaryOp(ev, "+", total,
                         attribute.isNone() ? item : attrPath(item, softStr(attribute)));
    return total;
}

Value minMax(const Value& v, CallArgs& a, bool wantMax) {
    bool cs = argumentOr(a, 0, "case_sensitive", Value(false)).truthy();
    Value attribute = argumentOr(a, 1, "attribute", Value::none());
    ValueList items = iterateValue(v);
    if (items.empty())
        return Value::undefined(std::string("No aggregated item, sequence was empty."));
    std::size_t best = 0;
    for (std::size_t i = 1; i < items.size(); ++i) {
        auto key = [&](const Value& x) {
            return sortKey(attribute.isNone() ? x : attrPath(x, softStr(attribute)), cs);
        };
        bool ok = true;
        int c = compareValues(key(items[i]), key(items[best]), ok);
        if (!ok) raise("TypeError", "'<' not supported between these values");
        if (wantMax ? c > 0 : c < 0) best = i;
    }
    return items[best];
}

Value fMin(Evaluator&, const Value& v, CallArgs& a) {
    return minMax(v, a, false);
}
Value fMax(Evaluator&, const Value& v, CallArgs& a) {
    return minMax(v, a, true);
}

Value fBatch(Evaluator&, const Value& v, CallArgs& a) {
    std::int64_t n = std::max<std::int64_t>(1, argumentOr(a, 0, "linecount", Value(1)).asInt());
    Value fill = argumentOr(a, 1, "fill_with", Value::none());
    ValueList out, cur;
    for (const auto& item : iterateValue(v)) {
        cur.push_back(item);
        if (static_cast<std::int64_t>(cur.size()) == n) {
            out.push_back(Value::list(std::move(cur)));
            cur.clear();
        }
    }
    if (!cur.empty()) {
        if (!fill.isNone())
            while (static_cast<std::int64_t>(cur.size()) < n) cur.push_back(fill);
        out.push_back(Value::list(std::move(cur)));
    }
    return Value::generator(std::move(out));
}

Value fWordcount(Evaluator&, const Value& v, CallArgs&) {
    return Value(static_cast<std::int64_t>(py::split(softStr(v), std::nullopt, -1, false).size()));
}

Value fCenter(Evaluator& ev, const Value& v, CallArgs& a) {
    CallArgs args;
    args.positional.push_back(argumentOr(a, 0, "width", Value(80)));
    Value r;
    callMethod(ev, Value(softStr(v)), "center", args, r);
    return r;
}

Value fFormat(Evaluator& ev, const Value& v, CallArgs& a) {
    Value args = Value::list(a.positional, true);
    return binaryOp(ev, "%", Value(softStr(v)), args);
}

Value fAttr(Evaluator&, const Value& v, CallArgs& a) {
    std::string name = softStr(argumentOr(a, 0, "name", Value("")));
    if (v.isDict() && !hasMethod(v, name))
        return Value::undefined("'dict object' has no attribute '" + name + "'");
    return getAttr(v, name);
}

Value fTruncate(Evaluator&, const Value& v, CallArgs& a) {
    std::string s = softStr(v);
    std::int64_t length = argumentOr(a, 0, "length", Value(255)).asInt();
    bool killwords = argumentOr(a, 1, "killwords", Value(false)).truthy();
    std::string end = softStr(argumentOr(a, 2, "end", Value("...")));
    std::int64_t leeway = argumentOr(a, 3, "leeway", Value(5)).asInt();
    std::u32string u = py::decodeUtf8(s);
    std::int64_t endLen = py::length(end);
    if (static_cast<std::int64_t>(u.size()) <= length + leeway) return Value(s);
    std::int64_t keep = std::max<std::int64_t>(0, length - endLen);
    std::string head =
        py::encodeUtf8(std::u32string_view(u).substr(0, static_cast<std::size_t>(keep)));
    if (killwords) return Value(head + end);
    std::size_t sp = head.rfind(' ');
    if (sp != std::string::npos) head.resize(sp);
    return Value(head + end);
}

Value fStriptags(Evaluator&, const Value& v, CallArgs&) {
    std::string s = softStr(v), out;
    bool inTag = false;
    for (char c : s) {
        if (c == '<')
            inTag = true;
        else if (c == '>' && inTag)
            inTag = false;
        else if (!inTag)
            out.push_back(c);
    }
    std::string joined; // Jinja collapses whitespace runs to single spaces
    for (const auto& w : py::split(out, std::nullopt, -1, false))
        joined += (joined.empty() ? "" : " ") + w;
    return Value(std::move(joined));
}

const std::unordered_map<std::string, FilterFn>& filters() {
    static const std::unordered_map<std::string, FilterFn> table = {
        {"tojson", fTojson},
        {"length", fLength},
        {"count", fLength},
        {"string", fString},
        {"upper", fUpper},
        {"lower", fLower},
        {"title", fTitle},
        {"capitalize", fCapitalize},
        {"trim", fTrim},
        {"safe", fSafe},
        {"escape", fEscape},
        {"e", fEscape},
        {"forceescape", fEscape},
        {"replace", fReplace},
        {"join", fJoin},
        {"default", fDefault},
        {"d", fDefault},
        {"first", fFirst},
        {"last", fLast},
        {"items", fItems},
        {"list", fList},
        {"map", fMap},
        {"select", fSelect},
        {"reject", fReject},
        {"selectattr", fSelectAttr},
        {"rejectattr", fRejectAttr},
        {"indent", fIndent},
        {"int", fInt},
        {"float", fFloat},
        {"abs", fAbs},
        {"round", fRound},
        {"unique", fUnique},
        {"sort", fSort},
        {"dictsort", fDictsort},
        {"reverse", fReverse},
        {"sum", fSum},
        {"min", fMin},
        {"max", fMax},
        {"batch", fBatch},
        {"wordcount", fWordcount},
        {"center", fCenter},
        {"format", fFormat},
        {"attr", fAttr},
        {"truncate", fTruncate},
        {"striptags", fStriptags},
        {"pprint", fPprint},
    };
    return table;
}

} // namespace

bool isKnownFilter(const std::string& name) {
    return filters().count(name) != 0;
}

Value applyFilter(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args) {
    auto it = filters().find(name);
    if (it == filters().end()) raise("TemplateAssertionError", "No filter named '" + name + "'.");
    return it->second(ev, subject, args);
}

} // namespace hearth::tmpl
