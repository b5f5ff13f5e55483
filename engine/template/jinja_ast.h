#pragma once
// Jinja syntax tree. One generic node shape per family keeps the parser and evaluator compact;
// each node remembers its template line and column for error messages.
#include "engine/template/value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hearth::tmpl {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using StmtList = std::vector<StmtPtr>;

enum class ExprKind {
    Literal, // value
    Name,    // name
    Attr,    // a.name
    Item,    // a[b]
    Slice,   // a[b:c:d]; missing parts are null
    Call,    // a(args)
    Filter,  // a | name(args); a is null inside {% filter %}
    Test,    // a is [not] name(args)
    Unary,   // name in {"-", "+", "not"}
    Binary,  // name is the operator
    And,
    Or,
    Compare, // a op1 b op2 c ...: ops in `ops`, operands in args[0..]
    Cond,    // args[0] if args[1] else args[2] (args[2] may be null)
    List,
    Tuple,
    Dict, // keys and values alternate in args
};

struct Expr {
    ExprKind kind;
    int line = 0;
    int column = 0;
    std::string name;
    Value value;
    bool negated = false;
    ExprPtr a; // the subject of Attr/Item/Slice/Call/Filter/Test/Unary, left side of Binary
    ExprPtr b; // right side of Binary
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    std::vector<std::string> ops; // Compare
};

enum class StmtKind {
    Text,
    Output,
    If,        // branches: conds[i] -> bodies[i]; elseBody
    For,       // targets, iter (expr), cond (filter), body, elseBody, recursive
    Set,       // target expr (Name/Attr/Tuple) = expr
    SetBlock,  // targetName, filter (expr, may be null), body
    Macro,     // name, params, defaults, body
    CallBlock, // expr (call), params/defaults for caller, body
    FilterBlock,
    Break,
    Continue,
    Scoped, // generation blocks and {% with %}: body in a (possibly new) scope
};

struct Stmt {
    StmtKind kind;
    int line = 0;
    int column = 0;
    std::string text;
    ExprPtr expr;   // Output value, For iterable, Set value, CallBlock call, Filter chain
    ExprPtr target; // Set / For target
    ExprPtr cond;   // For filter condition
    std::vector<ExprPtr> conds;
    std::vector<StmtList> bodies;
    StmtList body;
    StmtList elseBody;
    bool recursive = false;
    bool newScope = false;
    std::vector<std::string> params;
    std::vector<ExprPtr> defaults; // aligned with params; null where no default
    std::vector<std::pair<std::string, ExprPtr>> assignments; // {% with %}
};

} // namespace hearth::tmpl
