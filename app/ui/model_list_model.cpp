#include "model_list_model.h"

#include "app/core/byte_size.h"

#include <QLocale>

#include <algorithm>

namespace hearth {

ModelListModel::ModelListModel(QObject* parent) : QAbstractListModel(parent) {}

int ModelListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ModelRow& r = shown_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return r.name;
    case FamilyRole:
        return r.family;
    case ParametersRole:
        return r.parameters;
    case QuantizationRole:
        return r.quantization;
    case SizeBytesRole:
        return r.sizeBytes;
    case SizeTextRole:
        return byteSizeText(r.sizeBytes);
    case ContextLengthRole:
        return r.contextLength;
    case ModifiedRole:
        return r.modified;
    case ModifiedTextRole:
        return r.modified.isValid() ? QLocale().toString(r.modified.date(), QLocale::ShortFormat)
                                    : QString();
    case LinkedRole:
        return r.linked;
    case LinkedFolderRole:
        return r.linkedFolder;
    case PathRole:
        return r.path;
    case FitVerdictRole:
        return r.fitVerdict;
    case FitTextRole:
        return r.fitText;
    case ProblemsRole:
        return r.problems;
    default:
        return {};
    }
}

QHash<int, QByteArray> ModelListModel::roleNames() const {
    return {{NameRole, "name"},
            {FamilyRole, "family"},
            {ParametersRole, "parameters"},
            {QuantizationRole, "quantization"},
            {SizeBytesRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {ContextLengthRole, "contextLength"},
            {ModifiedRole, "modified"},
            {ModifiedTextRole, "modifiedText"},
            {LinkedRole, "linked"},
            {LinkedFolderRole, "linkedFolder"},
            {PathRole, "path"},
            {FitVerdictRole, "fitVerdict"},
            {FitTextRole, "fitText"},
            {ProblemsRole, "problems"}};
}

QVariantMap ModelListModel::get(int row) const {
    QVariantMap out;
    if (row < 0 || row >= rowCount()) return out;
    const auto names = roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        out.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return out;
}

const ModelRow* ModelListModel::find(const QString& name) const {
    for (const ModelRow& r : all_)
        if (r.name == name) return &r;
    return nullptr;
}

void ModelListModel::setRows(QVector<ModelRow> rows) {
    all_ = std::move(rows);
    rebuild();
}

void ModelListModel::setFilterText(const QString& text) {
    if (text == filterText_) return;
    filterText_ = text;
    emit filterTextChanged();
    rebuild();
}

void ModelListModel::setSortKey(const QString& key) {
    if (key == sortKey_) return;
    sortKey_ = key;
    emit sortChanged();
    rebuild();
}

void ModelListModel::setSortDescending(bool descending) {
    if (descending == descending_) return;
    descending_ = descending;
    emit sortChanged();
    rebuild();
}

bool ModelListModel::matches(const ModelRow& row) const {
    const QString f = filterText_.trimmed();
    if (f.isEmpty()) return true;
    for (const QString* field : {&row.name, &row.family, &row.quantization, &row.parameters})
        if (field->contains(f, Qt::CaseInsensitive)) return true;
    return false;
}

bool ModelListModel::lessThan(const ModelRow& a, const ModelRow& b) const {
    if (sortKey_ == QLatin1String("family") && a.family != b.family) return a.family < b.family;
    if (sortKey_ == QLatin1String("parameters") && a.parameterCount != b.parameterCount)
        return a.parameterCount < b.parameterCount;
    if (sortKey_ == QLatin1String("quantization") && a.quantization != b.quantization)
        return a.quantization < b.quantization;
    if (sortKey_ == QLatin1String("size") && a.sizeBytes != b.sizeBytes)
        return a.sizeBytes < b.sizeBytes;
    if (sortKey_ == QLatin1String("context") && a.contextLength != b.contextLength)
        return a.contextLength < b.contextLength;
    if (sortKey_ == QLatin1String("modified") && a.modified != b.modified)
        return a.modified < b.modified;
    // Ties (and the "name" key) fall back to the name, so the order is total and stable.
    return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
}

void ModelListModel::rebuild() {
    beginResetModel();
    shown_.clear();
    for (const ModelRow& r : all_)
        if (matches(r)) shown_.push_back(r);
    std::stable_sort(shown_.begin(), shown_.end(), [this](const ModelRow& a, const ModelRow& b) {
        return descending_ ? lessThan(b, a) : lessThan(a, b);
    });
    endResetModel();
    emit countChanged(); // totalCount may change even when the shown count does not
}

} // namespace hearth
