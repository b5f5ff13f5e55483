#include "engine/template/py_string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace hearth::tmpl::py {

std::u32string decodeUtf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) {
            out.push_back(0xFFFD); // invalid byte: keep going, as a replacement character
            ++i;
            continue;
        }
        char32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
        bool bad = false;
        for (int k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) bad = true;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (bad) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += extra + 1;
    }
    return out;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : s) appendUtf8(out, c);
    return out;
}

bool isAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::int64_t length(std::string_view s) {
    std::int64_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool isSpace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right) {
    std::u32string u = decodeUtf8(s);
    std::u32string set = chars ? decodeUtf8(*chars) : std::u32string();
    auto drop = [&](char32_t c) {
        return chars ? set.find(c) != std::u32string::npos : isSpace(c);
    };
    std::size_t b = 0, e = u.size();
    if (left)
        while (b < e && drop(u[b])) ++b;
    if (right)
        while (e > b && drop(u[e - 1])) --e;
    return encodeUtf8(std::u32string_view(u).substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               std::int64_t maxSplit, bool fromRight) {
    std::vector<std::string> parts;
    if (sep) {
        std::string_view d = *sep;
        if (!fromRight) {
            std::size_t pos = 0;
            while (maxSplit < 0 || static_cast<std::int64_t>(parts.size()) < maxSplit) {
                std::size_t hit = s.find(d, pos);
                if (hit == std::string_view::npos) break;
                parts.emplace_back(s.substr(pos, hit - pos));
                pos = hit + d.size();
            }
            parts.emplace_back(s.substr(pos));
        } else {
            std::size_t end = s.size();
            std::vector<std::string> rev;
            while (maxSplit < 0 || static_cast<std::int64_t>(rev.size()) < maxSplit) {
                if (end < d.size()) break;
                std::size_t hit = s.rfind(d, end - d.size());
                if (hit == std::string_view::npos) break;
                rev.emplace_back(s.substr(hit + d.size(), end - hit - d.size()));
                end = hit;
            }
            rev.emplace_back(s.substr(0, end));
            parts.assign(rev.rbegin(), rev.rend());
        }
        return parts;
    }
    std::u32string u = decodeUtf8(s);
    if (!fromRight) {
        std::size_t i = 0;
        while (true) {
            while (i < u.size() && isSpace(u[i])) ++i;
            if (i >= u.size()) break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(parts.size()) >= maxSplit) {
                std::size_t e = u.size();
                while (e > i && isSpace(u[e - 1])) --e;
                parts.push_back(encodeUtf8(std::u32string_view(u).substr(i, e - i)));
                break;
            }
            std::size_t j = i;
            while (j < u.size() && !isSpace(u[j])) ++j;
            parts.push_back(encodeUtf8(std::u32string_view(u).substr(i, j - i)));
            i = j;
        }
    } else {
        std::vector<std::string> rev;
        std::size_t e = u.size();
        while (true) {
            while (e > 0 && isSpace(u[e - 1])) --e;
            if (e == 0) break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(rev.size()) >= maxSplit) {
                std::size_t b = 0;
                while (b < e && isSpace(u[b])) ++b;
                rev.push_back(encodeUtf8(std::u32string_view(u).substr(b, e - b)));
                break;
            }
            std::size_t b = e;
            while (b > 0 && !isSpace(u[b - 1])) --b;
            rev.push_back(encodeUtf8(std::u32string_view(u).substr(b, e - b)));
            e = b;
        }
        parts.assign(rev.rbegin(), rev.rend());
    }
    return parts;
}

std::vector<std::string> splitLines(std::string_view s, bool keepEnds) {
    std::u32string u = decodeUtf8(s);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < u.size(); ++i) {
        char32_t c = u[i];
        bool brk = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
                   c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!brk) continue;
        std::size_t end = i;
        if (c == '\r' && i + 1 < u.size() && u[i + 1] == '\n') ++i;
        lines.push_back(
            encodeUtf8(std::u32string_view(u).substr(start, (keepEnds ? i + 1 : end) - start)));
        start = i + 1;
    }
    if (start < u.size()) lines.push_back(encodeUtf8(std::u32string_view(u).substr(start)));
    return lines;
}

std::string replace(std::string_view s, std::string_view from, std::string_view to,
                    std::int64_t count) {
    std::string out;
    if (from.empty()) {
        // Python inserts `to` between every code point (and at both ends).
        std::u32string u = decodeUtf8(s);
        std::int64_t done = 0;
        for (std::size_t i = 0; i <= u.size(); ++i) {
            if (count < 0 || done < count) {
                out.append(to);
                ++done;
            }
            if (i < u.size()) appendUtf8(out, u[i]);
        }
        return out;
    }
    std::size_t pos = 0;
    std::int64_t done = 0;
    while (count < 0 || done < count) {
        std::size_t hit = s.find(from, pos);
        if (hit == std::string_view::npos) break;
        out.append(s.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
        ++done;
    }
    out.append(s.substr(pos));
    return out;
}

namespace {
// Case mapping covers ASCII, Latin-1, Greek and Cyrillic: what chat text realistically needs.
char32_t toUpper(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}
char32_t toLower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}
bool isCased(char32_t c) {
    return toUpper(c) != c || toLower(c) != c;
}

template <class F> std::string mapChars(std::string_view s, F f) {
    if (isAscii(s)) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(f(static_cast<char32_t>(c)));
        return out;
    }
    std::u32string u = decodeUtf8(s);
    for (char32_t& c : u) c = f(c);
    return encodeUtf8(u);
}
} // namespace

std::string upper(std::string_view s) {
    return mapChars(s, toUpper);
}
std::string lower(std::string_view s) {
    return mapChars(s, toLower);
}

std::string title(std::string_view s) {
    std::u32string u = decodeUtf8(s);
    bool prevCased = false;
    for (char32_t& c : u) {
        c = prevCased ? toLower(c) : toUpper(c);
        prevCased = isCased(c);
    }
    return encodeUtf8(u);
}

std::string capitalize(std::string_view s) {
    std::u32string u = decodeUtf8(s);
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = i == 0 ? toUpper(u[i]) : toLower(u[i]);
    return encodeUtf8(u);
}

std::int64_t find(std::string_view s, std::string_view sub, bool fromRight) {
    std::size_t hit = fromRight ? s.rfind(sub) : s.find(sub);
    if (hit == std::string_view::npos) return -1;
    return length(s.substr(0, hit));
}

std::int64_t count(std::string_view s, std::string_view sub) {
    if (sub.empty()) return length(s) + 1;
    std::int64_t n = 0;
    for (std::size_t pos = s.find(sub); pos != std::string_view::npos;
         pos = s.find(sub, pos + sub.size()))
        ++n;
    return n;
}

std::int64_t toInt64(std::string_view digits) {
    std::int64_t v = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec == std::errc::result_out_of_range)
        return digits.substr(0, 1) == "-" ? INT64_MIN : INT64_MAX;
    return v;
}

double toDouble(std::string_view text) {
    // from_chars, not strtod: the app's locale must not change what "1.5" means.
    double v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec == std::errc::result_out_of_range) {
        bool negative = text.substr(0, 1) == "-";
        bool tiny =
            text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
        v = tiny ? 0.0 : HUGE_VAL;
        if (negative) v = -v;
    }
    return v;
}

std::string repeat(std::string_view s, std::int64_t n) {
    std::string out;
    for (std::int64_t i = 0; i < n; ++i) out.append(s);
    return out;
}

std::vector<std::int64_t> sliceIndices(std::int64_t len, std::optional<std::int64_t> start,
                                       std::optional<std::int64_t> stop,
                                       std::optional<std::int64_t> step) {
    std::int64_t st = step.value_or(1);
    std::vector<std::int64_t> out;
    if (st == 0) return out;
    auto clamp = [&](std::optional<std::int64_t> v, std::int64_t dflt) {
        if (!v) return dflt;
        std::int64_t x = *v;
        if (x < 0) x += len;
        if (st > 0) return std::clamp<std::int64_t>(x, 0, len);
        return std::clamp<std::int64_t>(x, -1, len - 1);
    };
    std::int64_t b = clamp(start, st > 0 ? 0 : len - 1);
    std::int64_t e = clamp(stop, st > 0 ? len : -1);
    if (st > 0)
        for (std::int64_t i = b; i < e; i += st) out.push_back(i);
    else
        for (std::int64_t i = b; i > e; i += st) out.push_back(i);
    return out;
}

} // namespace hearth::tmpl::py
