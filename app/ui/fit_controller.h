#pragma once
// FitController: the Memory fit page. Picks a local model (store or linked folder), a catalog
// entry or a remote GGUF (a Hugging Face URL or hf.co/user/repo:QUANT, header read with HTTP Range
// requests), a context length, and fills a FitTableModel with every quantization variant's
// numbers and verdict from engine/fit. Also the one-line fit badge the Models and Discover pages
// show.
#include "app/core/remote_gguf_header.h"
#include "app/core/starter_catalog.h"
#include "engine/fit/fit_report.h"
#include "fit_table_model.h"

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <map>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace hearth {

// The badge for one GGUF as stored, at min(4096, its maximum) context.
struct QuickFit {
    QString verdict; // engine key ("fits_ram", ...); empty when the file cannot be estimated
    QString text;    // "Fits in RAM: 1.2 GiB of 12 GiB available" style
};
QuickFit quickFitForFile(const QString& path, const fit::MachineMemory& machine);

// Every entry of the catalog that has a valid shape; `error` says why the file could not be read.
QVector<fit::CatalogModel> readCatalog(const QString& path, QString* error);

class FitController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVariantList sources READ sources NOTIFY sourcesChanged)
    Q_PROPERTY(int currentIndex READ currentIndex WRITE setCurrentIndex NOTIFY reportChanged)
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY reportChanged)
    Q_PROPERTY(int minContext READ minContext NOTIFY reportChanged)
    Q_PROPERTY(int maxContext READ maxContext NOTIFY reportChanged)
    Q_PROPERTY(FitTableModel* table READ table CONSTANT)
    Q_PROPERTY(QString recommendedVariant READ recommendedVariant NOTIFY reportChanged)
    Q_PROPERTY(QString shapeText READ shapeText NOTIFY reportChanged)
    Q_PROPERTY(QString error READ error NOTIFY reportChanged)
    Q_PROPERTY(double ramTotal READ ramTotal NOTIFY machineChanged)
    Q_PROPERTY(double ramAvailable READ ramAvailable NOTIFY machineChanged)
    Q_PROPERTY(double gpuBytes READ gpuBytes NOTIFY machineChanged)
    Q_PROPERTY(double marginBytes READ marginBytes NOTIFY machineChanged)
    Q_PROPERTY(QString machineText READ machineText NOTIFY machineChanged)
    Q_PROPERTY(bool remoteBusy READ remoteBusy NOTIFY remoteChanged)
    Q_PROPERTY(QString remoteStatus READ remoteStatus NOTIFY remoteChanged)

public:
    explicit FitController(QObject* parent = nullptr);

    QVariantList sources() const { return sources_; }
    int currentIndex() const { return current_; }
    void setCurrentIndex(int index);
    int contextLength() const { return static_cast<int>(ctx_); }
    void setContextLength(int ctx);
    int minContext() const;
    int maxContext() const;
    FitTableModel* table() { return &table_; }
    QString recommendedVariant() const;
    QString shapeText() const { return shapeText_; }
    QString error() const { return error_; }
    double ramTotal() const { return static_cast<double>(machine_.ramTotalBytes); }
    double ramAvailable() const { return static_cast<double>(machine_.ramAvailableBytes); }
    double gpuBytes() const { return static_cast<double>(machine_.gpuBytes); }
    double marginBytes() const;
    QString machineText() const;
    bool remoteBusy() const { return remoteReader_ != nullptr; }
    QString remoteStatus() const { return remoteStatus_; }

    // Re-reads local models (store + linked folders) and the catalog; keeps the selection by key.
    Q_INVOKABLE void reloadSources();
    // Selects the source whose key (a GGUF path or a catalog id) matches; false when none does.
    Q_INVOKABLE bool selectKey(const QString& key);
    // Reads the header of a remote GGUF (HF_ENDPOINT honoured) and, once read, adds it as a source
    // and selects it; remoteStatus says how much was read, or why it failed.
    Q_INVOKABLE void addRemote(const QString& spec);

signals:
    void sourcesChanged();
    void reportChanged();
    void machineChanged();
    void remoteChanged();

private:
    void recompute();

    QVariantList sources_;
    QVector<fit::CatalogModel> catalog_;
    int current_ = -1;
    int64_t ctx_ = 4096;
    int64_t maxCtx_ = 0;
    fit::MachineMemory machine_;
    FitTableModel table_;
    QString shapeText_, error_;
    // Remote headers read this session, by source key (the file URL).
    std::map<QString, std::shared_ptr<RemoteGguf>> remotes_;
    QNetworkAccessManager* nam_ = nullptr;
    RemoteGgufHeader* remoteReader_ = nullptr;
    QString remoteStatus_;
};

} // namespace hearth
