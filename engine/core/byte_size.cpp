#include "engine/core/byte_size.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace hearth {

namespace {

// bytes / divisor rounded half-up, without the overflow of adding divisor / 2 first.
uint64_t roundedQuotient(uint64_t bytes, uint64_t divisor) {
    return bytes / divisor + (bytes % divisor >= divisor - divisor / 2 ? 1 : 0);
}

} // namespace

std::string formatByteSize(uint64_t bytes) {
    if (bytes < 1000) return std::to_string(bytes) + " B";
    static const char* const units[] = {"kB", "MB", "GB", "TB"};
    uint64_t unit = 1000; // bytes per units[i]
    char text[48];
    for (int i = 0; i < 4; ++i, unit *= 1000) {
        // Each precision is rounded from the exact count, so "9.995 kB" becomes "10.0 kB" rather
        // than "10.00 kB".
        const uint64_t hundredths = roundedQuotient(bytes, unit / 100);
        if (hundredths < 1000) {
            std::snprintf(text, sizeof text, "%u.%02u %s", unsigned(hundredths / 100),
                          unsigned(hundredths % 100), units[i]);
            return text;
        }
        const uint64_t tenths = roundedQuotient(bytes, unit / 10);
        if (tenths < 1000) {
            std::snprintf(text, sizeof text, "%u.%u %s", unsigned(tenths / 10),
                          unsigned(tenths % 10), units[i]);
            return text;
        }
        const uint64_t whole = roundedQuotient(bytes, unit);
        if (whole < 1000 || i == 3) {
            std::snprintf(text, sizeof text, "%llu %s", static_cast<unsigned long long>(whole),
                          units[i]);
            return text;
        }
    }
    return {}; // unreachable: the TB step always returns
}

std::string formatByteRate(double bytesPerSecond) {
    uint64_t rate = 0;
    if (std::isfinite(bytesPerSecond) && bytesPerSecond > 0)
        rate = bytesPerSecond >= 1.8e19 ? std::numeric_limits<uint64_t>::max()
                                        : static_cast<uint64_t>(std::round(bytesPerSecond));
    return formatByteSize(rate) + "/s";
}

} // namespace hearth
