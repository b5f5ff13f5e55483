#pragma once
// Kf6Highlighter: colours code in-process with KF6::SyntaxHighlighting (Repository, Definition,
// AbstractHighlighter), using the "Breeze Light"/"Breeze Dark" themes like the out-of-process
// tool. Only compiled when CMake finds KF6SyntaxHighlighting (HEARTH_HAVE_KF6_HIGHLIGHTING);
// Highlighter::create() then prefers it, unless HEARTH_HIGHLIGHTER=process. Colouring one block
// takes well under a millisecond, so it answers at once; results are cached all the same.
#if HEARTH_HAVE_KF6_HIGHLIGHTING

#include "app/core/highlighter.h"

#include <QHash>
#include <QStringList>

#include <memory>

namespace KSyntaxHighlighting {
class Repository;
}

namespace hearth {

class Kf6Highlighter : public Highlighter {
    Q_OBJECT

public:
    explicit Kf6Highlighter(QObject* parent = nullptr);
    ~Kf6Highlighter() override;

    QString highlighted(const QString& code, const QString& language, bool dark) override;
    bool available() const override { return !syntaxes_.isEmpty(); }

private:
    std::unique_ptr<KSyntaxHighlighting::Repository> repository_;
    QStringList syntaxes_;          // definition names, for syntaxNameFor()
    QHash<QString, QString> cache_; // (theme, syntax, code) -> HTML; "" = cannot colour
};

} // namespace hearth

#endif // HEARTH_HAVE_KF6_HIGHLIGHTING
