#include "fit_table_model.h"

#include "app/core/byte_size.h"

namespace hearth {

namespace {

QString bytesText(uint64_t bytes) {
    return byteSizeText(bytes);
}

QString verdictKey(fit::Verdict v) {
    const auto name = fit::verdictName(v);
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

} // namespace

FitTableModel::FitTableModel(QObject* parent) : QAbstractListModel(parent) {}

int FitTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(report_.rows.size());
}

QString FitTableModel::verdictText(const fit::FitResult& r) {
    switch (r.verdict) {
    case fit::Verdict::FitsGpu:
        return tr("Fits in GPU");
    case fit::Verdict::PartialOffload:
        return tr("Partial offload (%1 of %2 layers)")
            .arg(r.placement.gpuLayers)
            .arg(r.estimate.nLayer);
    case fit::Verdict::FitsRam:
        return tr("Fits in RAM");
    case fit::Verdict::Tight:
        return tr("Tight");
    case fit::Verdict::DoesNotFit:
        return tr("Does not fit");
    }
    return {};
}

QVariant FitTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const fit::FitRow& row = report_.rows[static_cast<size_t>(index.row())];
    const fit::MemoryEstimate& e = row.fit.estimate;
    const bool ok = row.error.empty();
    switch (role) {
    case Qt::DisplayRole:
    case VariantRole:
        return QString::fromStdString(row.variant);
    case IsFileRole:
        return row.isFile;
    case FileSizeTextRole:
        if (!row.fileBytes) return QString();
        return (row.fileBytesEstimated ? QStringLiteral("≈") : QString()) +
               byteSizeText(row.fileBytes);
    case BitsPerWeightRole:
        return ok ? e.bitsPerWeight : 0.0;
    case WeightsBytesRole:
        return ok ? static_cast<double>(e.weightsBytes) : 0.0;
    case KvBytesRole:
        return ok ? static_cast<double>(e.kvBytes) : 0.0;
    case ComputeBytesRole:
        return ok ? static_cast<double>(e.computeBytes) : 0.0;
    case OverheadBytesRole:
        return ok ? static_cast<double>(e.overheadBytes) : 0.0;
    case TotalBytesRole:
        return ok ? static_cast<double>(e.totalBytes()) : 0.0;
    case WeightsTextRole:
        return ok ? bytesText(e.weightsBytes) : QString();
    case KvTextRole:
        return ok ? bytesText(e.kvBytes) : QString();
    case ComputeTextRole:
        return ok ? bytesText(e.computeBytes) : QString();
    case OverheadTextRole:
        return ok ? bytesText(e.overheadBytes) : QString();
    case TotalTextRole:
        return ok ? bytesText(e.totalBytes()) : QString();
    case VerdictRole:
        return ok ? verdictKey(row.fit.verdict) : QStringLiteral("unavailable");
    case VerdictTextRole:
        return ok ? verdictText(row.fit) : tr("Unavailable");
    case SummaryRole:
        return QString::fromStdString(ok ? row.fit.summary : row.error);
    case RecommendedRole:
        return index.row() == report_.recommended;
    case ErrorRole:
        return QString::fromStdString(row.error);
    default:
        return {};
    }
}

QHash<int, QByteArray> FitTableModel::roleNames() const {
    return {{VariantRole, "variant"},
            {IsFileRole, "isFile"},
            {FileSizeTextRole, "fileSizeText"},
            {BitsPerWeightRole, "bitsPerWeight"},
            {WeightsBytesRole, "weightsBytes"},
            {KvBytesRole, "kvBytes"},
            {ComputeBytesRole, "computeBytes"},
            {OverheadBytesRole, "overheadBytes"},
            {TotalBytesRole, "totalBytes"},
            {WeightsTextRole, "weightsText"},
            {KvTextRole, "kvText"},
            {ComputeTextRole, "computeText"},
            {OverheadTextRole, "overheadText"},
            {TotalTextRole, "totalText"},
            {VerdictRole, "verdict"},
            {VerdictTextRole, "verdictText"},
            {SummaryRole, "summary"},
            {RecommendedRole, "recommended"},
            {ErrorRole, "error"}};
}

void FitTableModel::setReport(fit::FitReport report) {
    beginResetModel();
    report_ = std::move(report);
    endResetModel();
    emit countChanged();
}

void FitTableModel::clear() {
    setReport({});
}

double FitTableModel::largestTotal() const {
    uint64_t most = 0;
    for (const fit::FitRow& row : report_.rows)
        if (row.error.empty()) most = std::max(most, row.fit.estimate.totalBytes());
    return static_cast<double>(most);
}

} // namespace hearth
