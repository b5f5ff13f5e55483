#pragma once
// The starter catalog (resources/catalog/models.json): where it is and how one entry becomes the
// shape and variants engine/fit estimates. Shared by `hearth-cli fit`, the Memory fit page and
// Discover so the three read it the same way.
#include "engine/core/result.h"
#include "engine/fit/fit_report.h"

#include <QJsonObject>
#include <QString>

namespace hearth {

// explicitPath when given, else $HEARTH_CATALOG, the Qt resource, an install's share/hearth, or
// the source tree above the binary; empty when none exists.
QString findCatalogFile(const QString& explicitPath = {});

// One entry of the catalog's "models" array; the error names the entry and what is wrong.
Result<fit::CatalogModel> parseCatalogModel(const QJsonObject& entry);

} // namespace hearth
