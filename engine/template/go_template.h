#pragma once
// The subset of Go's text/template that Ollama's TEMPLATE layers use: fields (.System,
// .Messages, $.Tools, .Function.Name), variables ($i, $m := ...), if/else if/else, range (with
// else), with, break/continue, comments, trim markers `{{- ` / ` -}}`, and the functions eq, ne,
// lt, le, gt, ge, and, or, not, len, index, slice, print, printf (%s %d %v), json, currentDate.
// Data is a tmpl::Value (dicts keyed by Go field names). Missing fields render as "" (Ollama
// parses with missingkey=zero).
#include "engine/core/result.h"
#include "engine/template/value.h"

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tmpl {

struct GoNode;

class GoTemplate {
public:
    static Result<GoTemplate> parse(std::string_view source);

    // `stopAfterResponse`: Ollama's legacy mode cuts the template after the first action that
    // prints .Response, so the final prompt ends where the model should continue.
    Result<std::string> execute(const Value& data, bool stopAfterResponse = false,
                                std::function<std::tm()> clock = {}) const;

    // True if any action mentions the field (e.g. "Messages"), as Ollama checks to pick a mode.
    bool references(std::string_view field) const;

private:
    std::shared_ptr<const GoNode> root_;
    std::vector<std::string> fields_; // every field name an action mentions
    int cutOrder_ = -1;               // pre-order index of the first action printing .Response
};

} // namespace hearth::tmpl
