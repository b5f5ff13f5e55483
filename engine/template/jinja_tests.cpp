// Jinja2's built-in tests (`x is defined`, `x is string`, ...).
#include "engine/template/jinja_builtins.h"
#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <unordered_map>

namespace hearth::tmpl {
namespace {

using TestFn = bool (*)(Evaluator&, const Value&, CallArgs&);

const Value& arg0(const CallArgs& a, const char* test) {
    if (a.positional.empty()) raise("TypeError", std::string(test) + " test needs an argument");
    return a.positional[0];
}

bool tDefined(Evaluator&, const Value& v, CallArgs&) {
    return !v.isUndefined();
}
bool tUndefined(Evaluator&, const Value& v, CallArgs&) {
    return v.isUndefined();
}
bool tNone(Evaluator&, const Value& v, CallArgs&) {
    return v.isNone();
}
bool tString(Evaluator&, const Value& v, CallArgs&) {
    return v.isString();
}
bool tMapping(Evaluator&, const Value& v, CallArgs&) {
    return v.isDict();
}
bool tNumber(Evaluator&, const Value& v, CallArgs&) {
    return v.isNumber();
}
bool tInteger(Evaluator&, const Value& v, CallArgs&) {
    return v.isInt();
}
bool tFloat(Evaluator&, const Value& v, CallArgs&) {
    return v.isFloat();
}
bool tBoolean(Evaluator&, const Value& v, CallArgs&) {
    return v.isBool();
}
bool tTrue(Evaluator&, const Value& v, CallArgs&) {
    return v.isBool() && v.asBool();
}
bool tFalse(Evaluator&, const Value& v, CallArgs&) {
    return v.isBool() && !v.asBool();
}
bool tCallable(Evaluator&, const Value& v, CallArgs&) {
    return v.isFunction() || v.isLoop();
}
bool tIterable(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() || v.isList() || v.isDict() || v.isUndefined();
}
bool tSequence(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() || v.isSequence() || v.isDict() || v.isUndefined();
}
bool tOdd(Evaluator&, const Value& v, CallArgs&) {
    if (!v.isNumber()) raise("TypeError", "odd test needs an integer");
    return (v.asInt() % 2) != 0;
}
bool tEven(Evaluator&, const Value& v, CallArgs&) {
    if (!v.isNumber()) raise("TypeError", "even test needs an integer");
    return (v.asInt() % 2) == 0;
}
bool tDivisible(Evaluator&, const Value& v, CallArgs& a) {
    const Value& n = arg0(a, "divisibleby");
    if (!v.isNumber() || !n.isNumber() || n.asInt() == 0)
        raise("TypeError", "divisibleby needs non-zero integers");
    return v.asInt() % n.asInt() == 0;
}
bool tEq(Evaluator&, const Value& v, CallArgs& a) {
    return valuesEqual(v, arg0(a, "eq"));
}
bool tNe(Evaluator&, const Value& v, CallArgs& a) {
    return !valuesEqual(v, arg0(a, "ne"));
}
bool tLt(Evaluator&, const Value& v, CallArgs& a) {
    return compareOp("<", v, arg0(a, "lt"));
}
bool tLe(Evaluator&, const Value& v, CallArgs& a) {
    return compareOp("<=", v, arg0(a, "le"));
}
bool tGt(Evaluator&, const Value& v, CallArgs& a) {
    return compareOp(">", v, arg0(a, "gt"));
}
bool tGe(Evaluator&, const Value& v, CallArgs& a) {
    return compareOp(">=", v, arg0(a, "ge"));
}
bool tIn(Evaluator&, const Value& v, CallArgs& a) {
    return containsValue(arg0(a, "in"), v);
}
bool tSameas(Evaluator&, const Value& v, CallArgs& a) {
    const Value& o = arg0(a, "sameas");
    if (v.isNone() || v.isBool() || v.isUndefined())
        return v.kind() == o.kind() && valuesEqual(v, o);
    return valuesEqual(v, o) && v.kind() == o.kind();
}
bool tLower(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() && py::lower(v.asString()) == v.asString();
}
bool tUpper(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() && py::upper(v.asString()) == v.asString();
}
bool tFilter(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() && isKnownFilter(v.asString());
}
bool tTest(Evaluator&, const Value& v, CallArgs&) {
    return v.isString() && isKnownTest(v.asString());
}
bool tEscaped(Evaluator&, const Value&, CallArgs&) {
    return false;
}

const std::unordered_map<std::string, TestFn>& tests() {
    static const std::unordered_map<std::string, TestFn> table = {
        {"defined", tDefined},
        {"undefined", tUndefined},
        {"none", tNone},
        {"string", tString},
        {"mapping", tMapping},
        {"number", tNumber},
        {"integer", tInteger},
        {"float", tFloat},
        {"boolean", tBoolean},
        {"true", tTrue},
        {"false", tFalse},
        {"callable", tCallable},
        {"iterable", tIterable},
        {"sequence", tSequence},
        {"odd", tOdd},
        {"even", tEven},
        {"divisibleby", tDivisible},
        {"eq", tEq},
        {"equalto", tEq},
        {"==", tEq},
        {"ne", tNe},
        {"!=", tNe},
        {"lt", tLt},
        {"lessthan", tLt},
        {"<", tLt},
        {"le", tLe},
        {"<=", tLe},
        {"gt", tGt},
        {"greaterthan", tGt},
        {">", tGt},
        {"ge", tGe},
        {">=", tGe},
        {"in", tIn},
        {"sameas", tSameas},
        {"lower", tLower},
        {"upper", tUpper},
        {"filter", tFilter},
        {"test", tTest},
        {"escaped", tEscaped},
    };
    return table;
}

} // namespace

bool isKnownTest(const std::string& name) {
    return tests().count(name) != 0;
}

bool applyTest(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args) {
    auto it = tests().find(name);
    if (it == tests().end()) raise("TemplateAssertionError", "No test named '" + name + "'.");
    return it->second(ev, subject, args);
}

} // namespace hearth::tmpl
