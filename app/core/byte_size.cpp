#include "app/core/byte_size.h"

#include "engine/core/byte_size.h"

namespace hearth {

QString byteSizeText(quint64 bytes) {
    return QString::fromStdString(formatByteSize(bytes));
}

QString byteRateText(double bytesPerSec) {
    return QString::fromStdString(formatByteRate(bytesPerSec));
}

} // namespace hearth
