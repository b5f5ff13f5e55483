#pragma once
// Value: the dynamic value a Jinja template computes with, modelled on Python's objects so that
// printing, truthiness and comparisons match Python Jinja2 byte for byte. Lists and dicts are
// immutable once built (the sandbox Hugging Face uses forbids mutation), so copies share storage.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hearth::tmpl {

class Value;
class Evaluator;
using ValueList = std::vector<Value>;

struct CallArgs {
    ValueList positional;
    std::vector<std::pair<std::string, Value>> keyword;
};

// A callable: a global (range, namespace, ...), a macro, or a bound method.
struct Function {
    std::string name;
    std::function<Value(Evaluator&, CallArgs&)> call;
};

struct Dict;
struct LoopState;

class Value {
public:
    enum class Kind : std::uint8_t {
        Undefined,
        None,
        Bool,
        Int,
        Float,
        String,
        List,
        Dict,
        Function,
        Namespace,
        Loop
    };

    Value() = default; // undefined
    Value(bool b) : kind_(Kind::Bool) { num_.b = b; }
    Value(int i) : kind_(Kind::Int) { num_.i = i; }
    Value(std::int64_t i) : kind_(Kind::Int) { num_.i = i; }
    Value(double f) : kind_(Kind::Float) { num_.f = f; }
    Value(std::string s) : kind_(Kind::String), str_(std::move(s)) {}
    Value(const char* s) : kind_(Kind::String), str_(s) {}

    static Value none();
    // A string marked safe (markupsafe.Markup): `Markup + str` HTML-escapes the plain side.
    static Value markup(std::string s);
    // `hint` is the message an operation on this undefined value reports, e.g. "'x' is undefined".
    static Value undefined(std::string hint = {});
    static Value list(ValueList items, bool isTuple = false);
    // What Jinja2's map/select/... filters return: iterable, always truthy, but no len(),
    // no indexing and not JSON-serializable.
    static Value generator(ValueList items);
    static Value dict(Dict d);
    static Value function(std::string name, std::function<Value(Evaluator&, CallArgs&)> fn);
    static Value newNamespace(Dict d); // mutable attribute bag (Jinja's namespace())
    static Value loop(std::shared_ptr<LoopState> state);

    Kind kind() const { return kind_; }
    bool isUndefined() const { return kind_ == Kind::Undefined; }
    bool isNone() const { return kind_ == Kind::None; }
    bool isBool() const { return kind_ == Kind::Bool; }
    bool isInt() const { return kind_ == Kind::Int; }
    bool isFloat() const { return kind_ == Kind::Float; }
    bool isNumber() const { return isInt() || isFloat() || isBool(); }
    bool isString() const { return kind_ == Kind::String; }
    bool isMarkup() const { return kind_ == Kind::String && tuple_; }
    bool isList() const { return kind_ == Kind::List; }
    bool isTuple() const { return kind_ == Kind::List && tuple_; }
    bool isGenerator() const { return kind_ == Kind::List && generator_; }
    bool isSequence() const { return kind_ == Kind::List && !generator_; }
    bool isDict() const { return kind_ == Kind::Dict; }
    bool isFunction() const { return kind_ == Kind::Function; }
    bool isNamespace() const { return kind_ == Kind::Namespace; }
    bool isLoop() const { return kind_ == Kind::Loop; }

    bool asBool() const { return num_.b; }
    std::int64_t asInt() const { return isBool() ? (num_.b ? 1 : 0) : num_.i; }
    double asDouble() const { return isFloat() ? num_.f : static_cast<double>(asInt()); }
    const std::string& asString() const { return str_; } // also the undefined hint
    const ValueList& asList() const;
    const Dict& asDict() const;
    Dict& namespaceDict() const; // namespaces are the one mutable container
    const Function& asFunction() const;
    LoopState& asLoop() const;

    // How deeply containers nest inside this value (0 for scalars).
    int depth() const { return depth_; }
    static constexpr int kMaxDepth = 1000;

    // Python's truthiness.
    bool truthy() const;
    // Python's type name as used in error messages ("NoneType", "str", "dict", ...).
    std::string typeName() const;

private:
    Kind kind_ = Kind::Undefined;
    bool tuple_ = false; // lists: a tuple; strings: Markup
    bool generator_ = false;
    std::uint16_t depth_ = 0; // container nesting, capped so hostile data cannot blow the stack
    union {
        bool b;
        std::int64_t i;
        double f;
    } num_{};
    std::string str_;
    std::shared_ptr<void> obj_;
};

// An insertion-ordered dict with Python key equality (1 == 1.0 == True).
struct Dict {
    std::vector<std::pair<Value, Value>> entries;

    const Value* find(const Value& key) const;
    const Value* find(std::string_view key) const;
    const Value* find(const std::string& key) const { return find(std::string_view(key)); }
    const Value* find(const char* key) const { return find(std::string_view(key)); }
    void set(Value key, Value value);
    std::size_t size() const { return entries.size(); }
};

// State behind a for loop's `loop` variable.
struct LoopState {
    std::int64_t index0 = 0;
    std::int64_t length = 0;
    std::int64_t depth0 = 0;
    const ValueList* items = nullptr;
    Value lastChanged;
    bool hasChanged = false;
    // Set for `{% for ... recursive %}`: renders the loop body over a nested iterable.
    std::function<std::string(const Value&)> recurse;
};

// Python semantics helpers.
bool valuesEqual(const Value& a, const Value& b);
// Three-way ordering for <, <=, sort; returns false in `ok` when Python would raise TypeError.
int compareValues(const Value& a, const Value& b, bool& ok);
std::string pyStr(const Value& v);  // str(v)
std::string pyRepr(const Value& v); // repr(v)
std::string pyFloatRepr(double d);
std::string pyStringRepr(const std::string& s);

} // namespace hearth::tmpl
