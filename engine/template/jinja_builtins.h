#pragma once
// Jinja2's built-in behaviour on values: operators, attribute/item access, the methods templates
// call on str/dict/list, filters, tests and globals. All raise TemplateError like Python would.
#include "engine/template/jinja_evaluator.h"
#include "engine/template/value.h"

#include <optional>
#include <string>

namespace hearth::tmpl {

[[noreturn]] void failUndefined(const Value& u);
[[noreturn]] void failType(const std::string& message);

// Operators and access (jinja_ops.cpp).
Value getAttr(const Value& obj, const std::string& name); // obj.name: attribute, then item
Value getItem(const Value& obj, const Value& key);        // obj[key]: item, then attribute
Value sliceValue(const Value& obj, std::optional<std::int64_t> start,
                 std::optional<std::int64_t> stop, std::optional<std::int64_t> step);
Value binaryOp(Evaluator& ev, const std::string& op, const Value& a, const Value& b);
bool compareOp(const std::string& op, const Value& a, const Value& b);
bool containsValue(const Value& container, const Value& item);
ValueList iterateValue(const Value& v); // Python iter(): TypeError for None, numbers, ...
std::int64_t lengthOf(const Value& v);  // Python len()

// Methods of str, dict and list (jinja_methods.cpp). False when `obj` has no such method.
bool callMethod(Evaluator& ev, const Value& obj, const std::string& name, CallArgs& args,
                Value& result);
bool hasMethod(const Value& obj, const std::string& name);

// Filters, tests, globals (jinja_filters.cpp, jinja_tests.cpp, jinja_globals.cpp).
Value applyFilter(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args);
bool applyTest(Evaluator& ev, const std::string& name, const Value& subject, CallArgs& args);
bool isKnownTest(const std::string& name);
bool isKnownFilter(const std::string& name);
void addGlobals(Scope& globals);
std::string htmlEscape(const std::string& s); // markupsafe.escape
std::string formatTime(const std::string& format, const std::tm& tm);

// Argument helpers: positional index or keyword name, else the default.
const Value* argument(const CallArgs& args, std::size_t index, const char* name);
Value argumentOr(const CallArgs& args, std::size_t index, const char* name, const Value& fallback);

} // namespace hearth::tmpl
