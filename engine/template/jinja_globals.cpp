// Global functions: Jinja2's range/namespace/dict/joiner/cycler and Hugging Face's
// raise_exception and strftime_now.
#include "engine/template/jinja_builtins.h"
#include "engine/template/template_error.h"

#include <cstdio>

namespace hearth::tmpl {
namespace {

// The sandbox's MAX_RANGE: bigger ranges are refused outright.
constexpr std::int64_t kMaxRange = 100000;

Value rangeFn(Evaluator&, CallArgs& a) {
    std::vector<std::int64_t> n;
    for (const auto& v : a.positional) {
        if (!v.isInt() && !v.isBool())
            raise("TypeError",
                  quoted(v.typeName()) + " object cannot be interpreted as an integer");
        n.push_back(v.asInt());
    }
    if (n.empty() || n.size() > 3) raise("TypeError", "range expected 1 to 3 arguments");
    std::int64_t start = n.size() == 1 ? 0 : n[0];
    std::int64_t stop = n.size() == 1 ? n[0] : n[1];
    std::int64_t step = n.size() == 3 ? n[2] : 1;
    if (step == 0) raise("ValueError", "range() arg 3 must not be zero");
    std::int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                  : (start > stop ? (start - stop - step - 1) / -step : 0);
    if (count > kMaxRange)
        raise("OverflowError",
              "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    ValueList out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0, v = start; i < count; ++i, v += step) out.emplace_back(v);
    return Value::list(std::move(out));
}

Dict kwargsDict(const CallArgs& a) {
    Dict d;
    for (const auto& v : a.positional) {
        if (v.isDict())
            for (const auto& [k, val] : v.asDict().entries) d.set(k, val);
    }
    for (const auto& [k, v] : a.keyword) d.set(Value(k), v);
    return d;
}

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                       "Thursday", "Friday", "Saturday"};

} // namespace

// A locale-independent strftime (the app may set a UI locale; templates expect C/English).
std::string formatTime(const std::string& f, const std::tm& tm) {
    std::string out;
    char buf[64];
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%' || i + 1 >= f.size()) {
            out.push_back(f[i]);
            continue;
        }
        char c = f[++i];
        bool noPad = false;
        if (c == '-' && i + 1 < f.size()) {
            noPad = true;
            c = f[++i];
        }
        auto num = [&](int v, int width) {
            if (noPad)
                std::snprintf(buf, sizeof buf, "%d", v);
            else
                std::snprintf(buf, sizeof buf, "%0*d", width, v);
            out += buf;
        };
        int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
        switch (c) {
        case 'Y':
            num(tm.tm_year + 1900, 4);
            break;
        case 'y':
            num((tm.tm_year + 1900) % 100, 2);
            break;
        case 'm':
            num(tm.tm_mon + 1, 2);
            break;
        case 'd':
            num(tm.tm_mday, 2);
            break;
        case 'e':
            std::snprintf(buf, sizeof buf, "%2d", tm.tm_mday);
            out += buf;
            break;
        case 'H':
            num(tm.tm_hour, 2);
            break;
        case 'I':
            num(hour12, 2);
            break;
        case 'M':
            num(tm.tm_min, 2);
            break;
        case 'S':
            num(tm.tm_sec, 2);
            break;
        case 'j':
            num(tm.tm_yday + 1, 3);
            break;
        case 'p':
            out += tm.tm_hour < 12 ? "AM" : "PM";
            break;
        case 'B':
            out += kMonths[tm.tm_mon % 12];
            break;
        case 'b':
        case 'h':
            out += std::string(kMonths[tm.tm_mon % 12]).substr(0, 3);
            break;
        case 'A':
            out += kDays[tm.tm_wday % 7];
            break;
        case 'a':
            out += std::string(kDays[tm.tm_wday % 7]).substr(0, 3);
            break;
        case 'F':
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday);
            out += buf;
            break;
        case '%':
            out.push_back('%');
            break;
        default:
            out.push_back('%');
            out.push_back(c);
        }
    }
    return out;
}

void addGlobals(Scope& g) {
    g.set("range", Value::function("range", rangeFn));
    g.set("namespace", Value::function("namespace", [](Evaluator& ev, CallArgs& a) {
              Value ns = Value::newNamespace(kwargsDict(a));
              ev.adoptNamespace(ns);
              return ns;
          }));
    g.set("dict", Value::function(
                      "dict", [](Evaluator&, CallArgs& a) { return Value::dict(kwargsDict(a)); }));
    g.set("raise_exception",
          Value::function("raise_exception", [](Evaluator&, CallArgs& a) -> Value {
              const Value* msg = argument(a, 0, "message");
              raise("TemplateError", msg ? pyStr(*msg) : std::string());
          }));
    g.set("strftime_now", Value::function("strftime_now", [](Evaluator& ev, CallArgs& a) {
              const Value* fmt = argument(a, 0, "format");
              if (!fmt || !fmt->isString())
                  raise("TypeError", "strftime_now() needs a format string");
              std::tm tm{};
              if (ev.environment().clock) {
                  tm = ev.environment().clock();
              } else {
                  std::time_t now = std::time(nullptr);
                  localtime_r(&now, &tm);
              }
              return Value(formatTime(fmt->asString(), tm));
          }));
    g.set("joiner", Value::function("joiner", [](Evaluator&, CallArgs& a) {
              std::string sep = pyStr(argumentOr(a, 0, "sep", Value(", ")));
              auto used = std::make_shared<bool>(false);
              return Value::function("joiner", [sep, used](Evaluator&, CallArgs&) {
                  if (!*used) {
                      *used = true;
                      return Value("");
                  }
                  return Value(sep);
              });
          }));
}

} // namespace hearth::tmpl
