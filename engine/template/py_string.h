#pragma once
// Python str semantics on UTF-8 std::string: lengths and indices count code points, and the
// whitespace set is Python's, so templates slice and strip text exactly as Jinja2 does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tmpl::py {

std::u32string decodeUtf8(std::string_view s);
std::string encodeUtf8(std::u32string_view s);
void appendUtf8(std::string& out, char32_t c);
bool isAscii(std::string_view s);
std::int64_t length(std::string_view s); // code points
bool isSpace(char32_t c);

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right);
// str.split / str.rsplit; `sep` empty optional means "runs of whitespace".
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               std::int64_t maxSplit, bool fromRight);
std::vector<std::string> splitLines(std::string_view s, bool keepEnds);
std::string replace(std::string_view s, std::string_view from, std::string_view to,
                    std::int64_t count);
std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);                                       // str.title()
std::string capitalize(std::string_view s);                                  // str.capitalize()
std::int64_t find(std::string_view s, std::string_view sub, bool fromRight); // code points
std::int64_t count(std::string_view s, std::string_view sub);
std::string repeat(std::string_view s, std::int64_t n);

// Number parsing that never throws: out-of-range integers saturate, subnormal floats survive.
std::int64_t toInt64(std::string_view digits);
double toDouble(std::string_view text);

// Resolves Python slice bounds for a sequence of `len` items; returns the selected indices.
std::vector<std::int64_t> sliceIndices(std::int64_t len, std::optional<std::int64_t> start,
                                       std::optional<std::int64_t> stop,
                                       std::optional<std::int64_t> step);

} // namespace hearth::tmpl::py
