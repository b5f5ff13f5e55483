// The kernels on the conformance models (real llama-quantize output): every quantized tensor of
// the tiny-vocab set dequantizes exactly as an independent byte-level decoder written here says,
// lands close to the F32 original, and re-quantizing the F32 original with quantizeWeights()
// reproduces llama-quantize's bytes.
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/gguf/gguf_file.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>

using hearth::GgmlType;
using hearth::GgufFile;
using hearth::GgufTensor;
using namespace hearth::kernels;

namespace {

const char* const kQuantFiles[] = {"F16",    "BF16", "Q8_0",   "Q4_0",   "Q4_1",
                                   "Q5_0",   "Q5_1", "Q2_K",   "Q3_K_M", "Q4_K_M",
                                   "Q5_K_M", "Q6_K", "IQ4_NL", "IQ4_XS"};

QString modelPath(const QString& type) {
    return QStringLiteral(HEARTH_SHARED_DIR
                          "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-%1.gguf")
        .arg(type);
}

std::unique_ptr<GgufFile> openModel(const QString& type) {
    auto f = GgufFile::open(modelPath(type).toStdString());
    if (!f) qWarning() << "cannot open" << modelPath(type) << QString::fromStdString(f.error());
    return f ? std::move(f).value() : nullptr;
}

double half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return hearth::fp16ToFp32(h);
}

const int kNL[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// Element e of a row, straight from the bytes as ggml-common.h lays the blocks out.
double decode(GgmlType t, const uint8_t* row, int64_t e) {
    switch (t) {
    case GgmlType::F16:
        return half(row + 2 * e);
    case GgmlType::BF16: {
        uint16_t b;
        std::memcpy(&b, row + 2 * e, 2);
        return hearth::bf16ToFp32(b);
    }
    default:
        break;
    }
    const int64_t j32 = e % 32, j256 = e % 256;
    const uint8_t* b32 = row;
    const uint8_t* b256 = row;
    auto nibble = [](const uint8_t* qs, int64_t j) {
        return j < 16 ? qs[j] & 15 : qs[j - 16] >> 4;
    };
    switch (t) {
    case GgmlType::Q8_0:
        b32 += (e / 32) * 34;
        return half(b32) * int8_t(b32[2 + j32]);
    case GgmlType::Q4_0:
        b32 += (e / 32) * 18;
        return half(b32) * (nibble(b32 + 2, j32) - 8);
    case GgmlType::IQ4_NL:
        b32 += (e / 32) * 18;
        return half(b32) * kNL[nibble(b32 + 2, j32)];
    case GgmlType::Q4_1:
        b32 += (e / 32) * 20;
        return half(b32) * nibble(b32 + 4, j32) + half(b32 + 2);
    case GgmlType::Q5_0:
    case GgmlType::Q5_1: {
        const bool withMin = t == GgmlType::Q5_1;
        b32 += (e / 32) * (withMin ? 24 : 22);
        const uint8_t* qhp = b32 + (withMin ? 4 : 2);
        const uint32_t qh = uint32_t(qhp[0]) | uint32_t(qhp[1]) << 8 | uint32_t(qhp[2]) << 16 |
                            uint32_t(qhp[3]) << 24;
        const int q = nibble(qhp + 4, j32) | int((qh >> j32) & 1) << 4;
        return withMin ? half(b32) * q + half(b32 + 2) : half(b32) * (q - 16);
    }
    case GgmlType::Q2_K: {
        b256 += (e / 256) * 84;
        const int q = (b256[16 + 32 * (j256 / 128) + j256 % 32] >> (2 * ((j256 % 128) / 32))) & 3;
        const int sc = b256[j256 / 16];
        return half(b256 + 80) * (sc & 15) * q - half(b256 + 82) * (sc >> 4);
    }
    case GgmlType::Q3_K: {
        b256 += (e / 256) * 110;
        const int low = (b256[32 + 32 * (j256 / 128) + j256 % 32] >> (2 * ((j256 % 128) / 32))) & 3;
        const int high = (b256[j256 % 32] >> (j256 / 32)) & 1;
        const int g = int(j256 / 16);
        const uint8_t* s = b256 + 96;
        const int sc6 =
            (g < 8 ? s[g] & 15 : s[g - 8] >> 4) | (((s[8 + g % 4] >> (2 * (g / 4))) & 3) << 4);
        return half(b256 + 108) * (sc6 - 32) * (low - (high ? 0 : 4));
    }
    case GgmlType::Q4_K:
    case GgmlType::Q5_K: {
        const bool five = t == GgmlType::Q5_K;
        b256 += (e / 256) * (five ? 176 : 144);
        const uint8_t* s = b256 + 4;
        const int sb = int(j256 / 32);
        const int sc = sb < 4 ? s[sb] & 63 : (s[sb + 4] & 15) | ((s[sb - 4] >> 6) << 4);
        const int mn = sb < 4 ? s[sb + 4] & 63 : (s[sb + 4] >> 4) | ((s[sb] >> 6) << 4);
        const uint8_t* qs = b256 + (five ? 48 : 16);
        const uint8_t byte = qs[32 * (j256 / 64) + j256 % 32];
        int q = (j256 % 64) < 32 ? byte & 15 : byte >> 4;
        if (five) q |= ((b256[16 + j256 % 32] >> sb) & 1) << 4;
        return half(b256) * sc * q - half(b256 + 2) * mn;
    }
    case GgmlType::Q6_K: {
        b256 += (e / 256) * 210;
        const int64_t h = j256 / 128, part = (j256 % 128) / 32, l = j256 % 32;
        const uint8_t lb = b256[64 * h + l + 32 * (part & 1)];
        const int low = part < 2 ? lb & 15 : lb >> 4;
        const int high = (b256[128 + 32 * h + l] >> (2 * part)) & 3;
        return half(b256 + 208) * int8_t(b256[192 + j256 / 16]) * ((low | high << 4) - 32);
    }
    case GgmlType::IQ4_XS: {
        b256 += (e / 256) * 136;
        const int sb = int(j256 / 32);
        const int sh = (int(b256[2]) | int(b256[3]) << 8) >> (2 * sb) & 3;
        const int ls = ((b256[4 + sb / 2] >> (4 * (sb % 2))) & 15) | sh << 4;
        return half(b256) * (ls - 32) * kNL[nibble(b256 + 8 + 16 * sb, j256 % 32)];
    }
    default:
        return std::nan("");
    }
}

} // namespace

class TestKernelFiles : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        f32_ = openModel("F32");
        if (!f32_) QSKIP("conformance models not available");
    }

    void dequantizeMatchesByteDecoder_data() {
        QTest::addColumn<QString>("file");
        for (const char* f : kQuantFiles) QTest::newRow(f) << QString::fromLatin1(f);
    }
    void dequantizeMatchesByteDecoder() {
        QFETCH(QString, file);
        auto model = openModel(file);
        QVERIFY(model);
        int checked = 0;
        for (const GgufTensor& t : model->tensors()) {
            if (t.type == GgmlType::F32) continue;
            const TypeKernels& k = kernelsFor(t.type, Isa::Scalar);
            QVERIFY2(k.dequantize,
                     qPrintable(QString::fromLatin1(t.name.data(), int(t.name.size()))));
            const GgufTensor* src = f32_->tensor(t.name);
            QVERIFY(src && src->elements() == t.elements());
            const int64_t n = t.ne[0];
            std::vector<float> row(static_cast<size_t>(n));
            double err2 = 0, ref2 = 0;
            for (int64_t r = 0; r < t.rows(); ++r) {
                const uint8_t* bytes = t.data + r * t.rowBytes();
                k.dequantize(bytes, row.data(), n);
                const float* orig = reinterpret_cast<const float*>(src->data) + r * n;
                for (int64_t e = 0; e < n; ++e) {
                    const double want = decode(t.type, bytes, e);
                    if (std::fabs(row[size_t(e)] - want) > 1e-6 * std::fabs(want) + 1e-12)
                        QFAIL(qPrintable(
                            QString("%1 %2 row %3 elem %4: %5 vs %6")
                                .arg(file, QString::fromLatin1(t.name.data(), int(t.name.size())))
                                .arg(r)
                                .arg(e)
                                .arg(row[size_t(e)])
                                .arg(want)));
                    err2 += (row[size_t(e)] - double(orig[e])) * (row[size_t(e)] - double(orig[e]));
                    ref2 += double(orig[e]) * orig[e];
                }
            }
            // A wrong layout would scramble values; real quantization error stays small.
            const double rel = std::sqrt(err2 / ref2);
            QVERIFY2(rel < 0.45, qPrintable(QString("%1: relative error %2").arg(file).arg(rel)));
            ++checked;
        }
        QVERIFY(checked >= 7);
    }

    void requantizeMatchesLlamaQuantize_data() { dequantizeMatchesByteDecoder_data(); }
    void requantizeMatchesLlamaQuantize() {
        QFETCH(QString, file);
        auto model = openModel(file);
        QVERIFY(model);
        std::map<GgmlType, std::pair<int64_t, int64_t>> rowsSameOfTotal;
        for (const GgufTensor& t : model->tensors()) {
            if (t.type == GgmlType::F32) continue;
            const GgufTensor* src = f32_->tensor(t.name);
            QVERIFY(src);
            std::vector<uint8_t> out(t.nbytes);
            const auto s = quantizeWeights(t.type, reinterpret_cast<const float*>(src->data),
                                           out.data(), t.rows(), t.ne[0]);
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
            auto& [same, total] = rowsSameOfTotal[t.type];
            for (int64_t r = 0; r < t.rows(); ++r) {
                same += std::memcmp(out.data() + r * t.rowBytes(), t.data + r * t.rowBytes(),
                                    t.rowBytes()) == 0;
                ++total;
            }
        }
        for (auto [type, counts] : rowsSameOfTotal) {
            qInfo("%s in %s: %lld of %lld rows byte-identical", ggmlTypeName(type).data(),
                  qPrintable(file), static_cast<long long>(counts.first),
                  static_cast<long long>(counts.second));
            QVERIFY2(counts.first == counts.second, ggmlTypeName(type).data());
        }
    }

private:
    std::unique_ptr<GgufFile> f32_;
};

QTEST_APPLESS_MAIN(TestKernelFiles)
#include "test_kernel_files.moc"
