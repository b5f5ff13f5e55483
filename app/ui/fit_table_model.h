#pragma once
// FitTableModel: one row per quantization variant of the model picked on the Memory fit page, with
// the estimator's numbers (weights, KV cache, compute, overhead, total) and its verdict.
#include "engine/fit/fit_report.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class FitTableModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by FitController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(double largestTotal READ largestTotal NOTIFY countChanged)

public:
    enum Role {
        VariantRole = Qt::UserRole + 1,
        IsFileRole,
        FileSizeTextRole,
        BitsPerWeightRole,
        WeightsBytesRole,
        KvBytesRole,
        ComputeBytesRole,
        OverheadBytesRole,
        TotalBytesRole,
        WeightsTextRole,
        KvTextRole,
        ComputeTextRole,
        OverheadTextRole,
        TotalTextRole,
        VerdictRole,
        VerdictTextRole,
        SummaryRole,
        RecommendedRole,
        ErrorRole,
    };
    Q_ENUM(Role)

    explicit FitTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setReport(fit::FitReport report);
    void clear();
    const fit::FitReport& report() const { return report_; }
    double largestTotal() const;

    // Words for a verdict, as the badge and the table show them.
    static QString verdictText(const fit::FitResult& result);

signals:
    void countChanged();

private:
    fit::FitReport report_;
};

} // namespace hearth
