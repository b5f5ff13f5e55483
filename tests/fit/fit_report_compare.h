#pragma once
// Two fit reports that must agree row by row: every estimate, placement and verdict. With
// `sameFile`, also each row's file size and summary text (the remote test's file row is sized by
// the server instead, so it leaves those out).
#include "engine/fit/fit_report.h"

#include <QtTest>

inline void compareFitReports(const hearth::fit::FitReport& actual,
                              const hearth::fit::FitReport& expected, bool sameFile) {
    QCOMPARE(actual.rows.size(), expected.rows.size());
    QCOMPARE(actual.recommended, expected.recommended);
    for (size_t i = 0; i < expected.rows.size(); ++i) {
        const auto& a = actual.rows[i];
        const auto& b = expected.rows[i];
        QCOMPARE(a.variant, b.variant);
        QCOMPARE(a.isFile, b.isFile);
        QCOMPARE(a.error, b.error);
        QCOMPARE(a.fit.estimate.weightsBytes, b.fit.estimate.weightsBytes);
        QCOMPARE(a.fit.estimate.kvBytes, b.fit.estimate.kvBytes);
        QCOMPARE(a.fit.estimate.computeBytes, b.fit.estimate.computeBytes);
        QCOMPARE(a.fit.estimate.overheadBytes, b.fit.estimate.overheadBytes);
        QCOMPARE(a.fit.verdict, b.fit.verdict);
        QCOMPARE(a.fit.placement.hostTotal(), b.fit.placement.hostTotal());
        QCOMPARE(a.fit.placement.deviceTotal(), b.fit.placement.deviceTotal());
        if (sameFile) {
            QCOMPARE(a.fileBytes, b.fileBytes);
            QCOMPARE(a.fit.summary, b.fit.summary);
        }
    }
}
