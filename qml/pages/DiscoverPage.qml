import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Discover: the starter catalog, a Hugging Face GGUF search, a repository's GGUF files with
// sizes and quant types, an Ollama name box, and the download queue with progress, pause and
// cancel. Everything shown comes from DiscoverController (the network, the catalog file).
PageScaffold {
    id: page

    property DiscoverController discover

    title: qsTr("Discover")
    subtitle: qsTr("Find GGUF models and download them into %1.").arg(page.discover ? page.discover.storePath : "")

    Card {
        Layout.fillWidth: true
        title: qsTr("Downloads")
        iconName: "models"
        visible: page.discover && page.discover.downloads.count > 0

        Repeater {
            model: page.discover ? page.discover.downloads : null

            delegate: ColumnLayout {
                id: row

                objectName: "downloadRow_" + row.spec
                required property int index
                required property string spec
                required property string name
                required property string status
                required property real progress
                required property string bytesText
                required property string speedText
                required property string etaText
                required property string error
                required property bool active

                Layout.fillWidth: true
                spacing: 4

                RowLayout {
                    Layout.fillWidth: true

                    Label {
                        Layout.fillWidth: true
                        text: row.name
                        color: Theme.text
                        font.weight: Font.DemiBold
                        elide: Text.ElideMiddle
                    }
                    Label {
                        text: row.status + (row.bytesText !== "" ? "  ·  " + row.bytesText : "") + (row.speedText !== "" ? "  ·  " + row.speedText : "") + (row.etaText !== "" ? "  ·  " + row.etaText : "")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    ActionButton {
                        objectName: "pauseDownloadButton"
                        visible: row.status === "downloading" || row.status === "paused"
                        text: row.status === "paused" ? qsTr("Resume") : qsTr("Pause")
                        onClicked: row.status === "paused" ? page.discover.downloads.resume(row.index) : page.discover.downloads.pause(row.index)
                    }
                    ActionButton {
                        objectName: "cancelDownloadButton"
                        text: row.active ? qsTr("Cancel") : qsTr("Clear")
                        iconName: "cross"
                        onClicked: row.active ? page.discover.downloads.cancel(row.index) : page.discover.downloads.remove(row.index)
                    }
                }
                ProgressBar {
                    objectName: "downloadProgress"
                    Layout.fillWidth: true
                    visible: row.active
                    value: row.progress
                    Accessible.name: qsTr("Download progress of %1").arg(row.name)
                }
                Label {
                    Layout.fillWidth: true
                    visible: row.error !== ""
                    text: row.error
                    color: Theme.accent
                    wrapMode: Text.Wrap
                }
            }
        }
    }

    Card {
        Layout.fillWidth: true
        title: qsTr("Pull by name")
        iconName: "plus"

        RowLayout {
            Layout.fillWidth: true

            TextField {
                id: nameField

                objectName: "pullNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("llama3.2:1b, hf.co/user/repo:Q4_K_M or hf:user/repo:Q4_K_M")
                onAccepted: pullButton.clicked()
            }
            ActionButton {
                id: pullButton

                objectName: "pullButton"
                primary: true
                text: qsTr("Download")
                enabled: nameField.text.trim() !== ""
                onClicked: {
                    page.discover.pull(nameField.text);
                    nameField.text = "";
                }
            }
        }
    }

    Card {
        Layout.fillWidth: true
        title: qsTr("Search Hugging Face")
        iconName: "info"

        RowLayout {
            Layout.fillWidth: true

            TextField {
                id: searchField

                objectName: "searchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search GGUF repositories")
                text: page.discover ? page.discover.query : ""
                onTextEdited: page.discover.query = text
                onAccepted: page.discover.search()
            }
            ComboBox {
                objectName: "sortBox"
                model: [qsTr("Downloads"), qsTr("Likes"), qsTr("Recent")]
                onActivated: index => {
                    page.discover.sort = ["downloads", "likes", "recent"][index];
                    page.discover.search();
                }
            }
            ActionButton {
                objectName: "searchButton"
                primary: true
                text: qsTr("Search")
                onClicked: page.discover.search()
            }
        }
        BusyIndicator {
            visible: page.discover && page.discover.busy
            running: visible
        }
        Label {
            Layout.fillWidth: true
            visible: page.discover && page.discover.error !== ""
            text: page.discover ? page.discover.error : ""
            color: Theme.accent
            wrapMode: Text.Wrap
        }
        Repeater {
            model: page.discover ? page.discover.results : []

            delegate: ItemDelegate {
                id: result

                required property var modelData

                objectName: "searchResult_" + result.modelData.id
                Layout.fillWidth: true
                text: result.modelData.id + (result.modelData.gated ? qsTr("  (gated)") : "")
                onClicked: page.discover.openRepo(result.modelData.id)

                Label {
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.gap
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("%1 downloads · %2 likes · %3").arg(result.modelData.downloads).arg(result.modelData.likes).arg(result.modelData.modified)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
        }
    }

    Card {
        objectName: "repoFilesCard"
        Layout.fillWidth: true
        visible: page.discover && page.discover.repo !== ""
        title: page.discover ? page.discover.repo : ""
        iconName: "folder"

        Repeater {
            model: page.discover ? page.discover.files : []

            delegate: RowLayout {
                id: file

                required property var modelData

                objectName: "repoFile_" + file.modelData.path
                Layout.fillWidth: true

                Label {
                    Layout.fillWidth: true
                    text: file.modelData.path
                    color: Theme.text
                    elide: Text.ElideMiddle
                }
                Label {
                    Layout.preferredWidth: 90
                    text: file.modelData.quant
                    color: Theme.textMuted
                }
                Label {
                    Layout.preferredWidth: 90
                    text: file.modelData.sizeText + (file.modelData.parts > 1 ? qsTr(" (%1 parts)").arg(file.modelData.parts) : "")
                    color: Theme.textMuted
                }
                // The memory-fit estimate for this machine, before anything is downloaded.
                FitBadge {
                    objectName: "fitBadge"
                    visible: file.modelData.verdict !== ""
                    verdict: file.modelData.verdict
                    detail: file.modelData.fitDetail
                }
                Label {
                    visible: file.modelData.verdict === ""
                    text: file.modelData.fitDetail === "estimating..." ? qsTr("estimating fit...") : qsTr("fit unknown")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                    ToolTip.visible: fitHover.hovered
                    ToolTip.text: file.modelData.fitDetail

                    HoverHandler {
                        id: fitHover
                    }
                }
                ActionButton {
                    objectName: "downloadFileButton"
                    enabled: file.modelData.pullable
                    text: qsTr("Download")
                    onClicked: page.discover.pull(file.modelData.spec)
                }
            }
        }
    }

    Card {
        Layout.fillWidth: true
        title: qsTr("Starter catalog")
        iconName: "fit"

        Label {
            Layout.fillWidth: true
            visible: page.discover && page.discover.catalogError !== ""
            text: page.discover ? page.discover.catalogError : ""
            color: Theme.textMuted
        }
        Repeater {
            model: page.discover ? page.discover.catalog : []

            delegate: ColumnLayout {
                id: entry

                required property var modelData

                Layout.fillWidth: true
                spacing: 2

                Label {
                    text: entry.modelData.name + "  ·  " + entry.modelData.publisher
                    color: Theme.text
                    font.weight: Font.DemiBold
                }
                Flow {
                    Layout.fillWidth: true
                    spacing: Theme.gap

                    ActionButton {
                        visible: entry.modelData.ollama !== ""
                        text: qsTr("Ollama %1").arg(entry.modelData.ollama)
                        onClicked: page.discover.pull(entry.modelData.ollama)
                    }
                    Repeater {
                        model: entry.modelData.variants

                        delegate: ActionButton {
                            id: variant

                            required property var modelData

                            enabled: variant.modelData.spec !== ""
                            text: variant.modelData.name + (variant.modelData.sizeText !== "" ? "  " + (variant.modelData.estimated ? "≈" : "") + variant.modelData.sizeText : "") + (variant.modelData.fit !== "" ? "  ·  " + variant.modelData.fit : "")
                            ToolTip.visible: hovered && variant.modelData.fit !== ""
                            ToolTip.text: qsTr("Memory-fit estimate for this machine at a 4096-token context")
                            onClicked: page.discover.pull(variant.modelData.spec)
                        }
                    }
                }
            }
        }
    }
}
