#pragma once
// ModelListModel: the local models the Models page shows (store models and linked files), with a
// text filter and a sort key applied here so QML needs no proxy model.
#include <QAbstractListModel>
#include <QDateTime>
#include <QString>
#include <QVector>
#include <QtQml/qqmlregistration.h>

namespace hearth {

struct ModelRow {
    QString name;       // "llama3.2:latest", or a linked file's name
    QString family;     // GGUF general.architecture
    QString parameters; // "1.2B"
    qulonglong parameterCount = 0;
    QString quantization; // "Q4_K_M"
    qulonglong sizeBytes = 0;
    qlonglong contextLength = 0;
    QDateTime modified;
    bool linked = false;
    QString linkedFolder;
    QString path;       // the GGUF file
    QString fitVerdict; // engine verdict key ("fits_ram", ...), empty when unknown
    QString fitText;    // one line with the numbers
    QString problems;   // missing blobs, unreadable GGUF
};

class ModelListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY countChanged)
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(QString sortKey READ sortKey WRITE setSortKey NOTIFY sortChanged)
    Q_PROPERTY(bool sortDescending READ sortDescending WRITE setSortDescending NOTIFY sortChanged)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        FamilyRole,
        ParametersRole,
        QuantizationRole,
        SizeBytesRole,
        SizeTextRole,
        ContextLengthRole,
        ModifiedRole,
        ModifiedTextRole,
        LinkedRole,
        LinkedFolderRole,
        PathRole,
        FitVerdictRole,
        FitTextRole,
        ProblemsRole,
    };
    Q_ENUM(Role)

    explicit ModelListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRows(QVector<ModelRow> rows);
    const ModelRow* find(const QString& name) const;
    int totalCount() const { return static_cast<int>(all_.size()); }

    QString filterText() const { return filterText_; }
    void setFilterText(const QString& text);
    // "name", "family", "parameters", "quantization", "size", "context", "modified".
    QString sortKey() const { return sortKey_; }
    void setSortKey(const QString& key);
    bool sortDescending() const { return descending_; }
    void setSortDescending(bool descending);

    Q_INVOKABLE QVariantMap get(int row) const;

signals:
    void countChanged();
    void filterTextChanged();
    void sortChanged();

private:
    void rebuild();
    bool matches(const ModelRow& row) const;
    bool lessThan(const ModelRow& a, const ModelRow& b) const;

    QVector<ModelRow> all_;
    QVector<ModelRow> shown_;
    QString filterText_;
    QString sortKey_ = QStringLiteral("name");
    bool descending_ = false;
};

} // namespace hearth
