#pragma once
// The error a template raises while parsing or rendering. It only travels inside
// engine/template (thrown, then caught at the public entry points and turned into a Result), so
// the deep recursion of the parser and evaluator does not have to thread Results by hand.
#include <string>
#include <string_view>

namespace hearth::tmpl {

struct TemplateError {
    std::string type;    // Python's exception name, e.g. "TypeError", "TemplateSyntaxError"
    std::string message; // Python's message text
    int line = 0;        // 0 until the innermost node that saw the error stamps its position
    int column = 0;

    std::string describe() const {
        std::string s = type + ": " + message;
        if (line > 0)
            s += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
        return s;
    }
};

// "'name'" built by appending: `"'" + std::string` trips a GCC 12 -Wrestrict false positive.
inline std::string quoted(std::string_view s) {
    std::string r;
    r.reserve(s.size() + 2);
    r.push_back('\'');
    r.append(s);
    r.push_back('\'');
    return r;
}

[[noreturn]] inline void raise(std::string type, std::string message) {
    throw TemplateError{std::move(type), std::move(message), 0, 0};
}

} // namespace hearth::tmpl
