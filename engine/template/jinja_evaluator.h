#pragma once
// Jinja evaluator: walks the syntax tree against a scope chain and writes the output. Scoping
// follows Jinja2: each for-loop iteration and macro call gets its own scope; `if` does not.
// Every statement and expression counts against a step budget, and output, string sizes and
// macro recursion are bounded, so hostile templates stop with an error instead of hanging.
#include "engine/template/jinja_ast.h"
#include "engine/template/value.h"

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tmpl {

struct RenderLimits {
    std::uint64_t maxSteps = 5'000'000;
    int maxCallDepth = 100;
    std::size_t maxOutputBytes = 32u << 20;
    // namespace() objects are mutable and can be chained without bound; real templates make a few.
    int maxNamespaces = 1000;
};

struct RenderEnvironment {
    RenderLimits limits;
    // The "now" strftime_now formats; empty means the local time of the machine.
    std::function<std::tm()> clock;
};

class Scope {
public:
    explicit Scope(std::shared_ptr<Scope> parent = nullptr) : parent_(std::move(parent)) {}
    const Value* lookup(std::string_view name) const;
    void set(const std::string& name, Value v);

private:
    std::vector<std::pair<std::string, Value>> vars_;
    std::shared_ptr<Scope> parent_;
};
using ScopePtr = std::shared_ptr<Scope>;

class Evaluator {
public:
    explicit Evaluator(const RenderEnvironment& env) : env_(env) {}
    ~Evaluator();
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    // Renders `body` in `scope`; throws TemplateError (caught by JinjaTemplate::render).
    std::string render(const StmtList& body, const ScopePtr& scope);

    Value eval(const Expr& e, const ScopePtr& scope);
    Value call(const Value& callee, CallArgs& args);
    // Guards every value that can grow without bound (strings, lists).
    void checkSize(std::size_t bytes) const;
    const RenderEnvironment& environment() const { return env_; }
    // Counts a new namespace() against the limit and keeps it until the render ends.
    void adoptNamespace(const Value& ns);

private:
    enum class Flow { Normal, Break, Continue };

    Flow exec(const StmtList& body, const ScopePtr& scope);
    Flow execStmt(const Stmt& s, const ScopePtr& scope);
    void execFor(const Stmt& s, const ScopePtr& scope, const Value& iterable, int depth);
    void assign(const Expr& target, const Value& v, const ScopePtr& scope);
    std::string capture(const StmtList& body, const ScopePtr& scope);
    Value makeMacro(const Stmt& s, const ScopePtr& scope);
    Value callMacro(const Stmt& s, const ScopePtr& defScope, CallArgs& args, const Value* caller);
    Value evalInner(const Expr& e, const ScopePtr& scope);
    Value evalCall(const Expr& e, const ScopePtr& scope);
    CallArgs evalArgs(const Expr& e, const ScopePtr& scope);
    void write(std::string_view s);
    void step();

    const RenderEnvironment& env_;
    std::string* out_ = nullptr;
    std::uint64_t steps_ = 0;
    int callDepth_ = 0;
    int namespaces_ = 0;
    // Scopes that macros were defined in, held for the render (see makeMacro).
    std::vector<ScopePtr> closureScopes_;
    // Every namespace() made; emptied at the end so ones a template linked in a cycle are freed.
    std::vector<Value> namespaceObjects_;
};

} // namespace hearth::tmpl
