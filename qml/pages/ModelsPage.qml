import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Models: the local library (Ollama's store layout, shared with an installed Ollama) and linked
// folders of loose GGUF files, with sort, filter, details and the actions on one model.
PageScaffold {
    id: page

    // Emitted by "Chat with it"; the window connects it to the chat controller.
    signal chatRequested(string modelName, string path)
    property alias controller: models
    property string selectedName: ""
    property var selectedDetails: ({})

    function select(name) {
        const d = name !== "" ? models.details(name) : ({});
        selectedName = d.name || "";
        selectedDetails = d;
    }

    fillHeight: true
    title: qsTr("Models")
    // Downloads finished on Discover (or by Ollama) show up when the page is opened again.
    onVisibleChanged: {
        if (visible) {
            store.refresh();
            models.refreshIfChanged();
        }
    }
    subtitle: qsTr("Your local library. Hearth uses Ollama's store layout, so an installed Ollama and Hearth share models.")

    actions: [
        ActionButton {
            objectName: "importButton"
            text: qsTr("Import GGUF")
            iconName: "plus"
            enabled: !models.busy
            onClicked: importDialog.open()
        },
        ActionButton {
            objectName: "rescanButton"
            text: qsTr("Rescan")
            iconName: "refresh"
            onClicked: {
                store.refresh();
                models.refresh();
            }
        }
    ]

    ModelStoreLocation {
        id: store

        objectName: "modelStoreLocation"
    }

    ModelsController {
        id: models

        objectName: "modelsController"
        onChatRequested: (name, path) => page.chatRequested(name, path)
        onStoreChanged: if (page.selectedName !== "") page.select(page.selectedName)
    }

    FileDialog {
        id: importDialog

        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: models.importGguf(selectedFile)
    }

    FolderDialog {
        id: folderDialog

        title: qsTr("Link a folder of GGUF files")
        onAccepted: models.addLinkedFolder(selectedFolder)
    }

    Dialog {
        id: deleteDialog

        property string name
        property var preview: ({})

        objectName: "deleteDialog"
        anchors.centerIn: Overlay.overlay
        width: Math.min(480, page.width - 80)
        modal: true
        title: qsTr("Delete %1?").arg(name)
        standardButtons: Dialog.Cancel | Dialog.Ok
        Component.onCompleted: standardButton(Dialog.Ok).text = qsTr("Delete")
        background: Rectangle {
            color: Theme.surface
            radius: Theme.radius
            border.width: 1
            border.color: Theme.border
        }
        onAccepted: {
            if (models.remove(name))
                page.select("");
        }

        Label {
            objectName: "deleteDialogText"
            width: deleteDialog.availableWidth
            wrapMode: Text.Wrap
            color: Theme.text
            text: qsTr("This frees %1 of disk space.").arg(deleteDialog.preview.freedText || "0 B")
                  + (deleteDialog.preview.keptCount > 0
                     ? " " + (deleteDialog.preview.keptCount === 1 ? qsTr("1 file shared with other models will be kept.")
                                                                   : qsTr("%1 files shared with other models will be kept.").arg(deleteDialog.preview.keptCount)) : "")
        }
    }

    Label {
        objectName: "modelsMessage"
        Layout.fillWidth: true
        visible: models.message !== ""
        text: models.message
        wrapMode: Text.Wrap
        color: models.messageIsError ? Theme.accent : Theme.textMuted
    }
    ProgressBar {
        objectName: "modelsProgress"
        Layout.fillWidth: true
        visible: models.busy
        value: models.progress
        Accessible.name: qsTr("Progress of %1").arg(models.busyName)
    }

    Card {
        objectName: "modelsListCard"
        Layout.fillWidth: true
        visible: models.models.totalCount > 0
        title: models.models.count === models.models.totalCount
               ? (models.models.totalCount === 1 ? qsTr("1 model") : qsTr("%1 models").arg(models.models.totalCount))
               : qsTr("%1 of %2 models").arg(models.models.count).arg(models.models.totalCount)
        iconName: "models"

        RowLayout {
            Layout.fillWidth: true

            TextField {
                objectName: "modelsFilterField"
                Layout.fillWidth: true
                placeholderText: qsTr("Filter by name, family or quantization")
                onTextEdited: models.models.filterText = text
            }
            ComboBox {
                id: sortBox

                objectName: "modelsSortBox"
                readonly property var keys: ["name", "size", "modified", "parameters", "family", "quantization", "context"]
                model: [qsTr("Name"), qsTr("Size"), qsTr("Modified"), qsTr("Parameters"), qsTr("Family"), qsTr("Quantization"), qsTr("Context")]
                onActivated: index => models.models.sortKey = keys[index]
            }
            ActionButton {
                objectName: "sortDirectionButton"
                text: models.models.sortDescending ? qsTr("Descending") : qsTr("Ascending")
                onClicked: models.models.sortDescending = !models.models.sortDescending
            }
        }

        // Column headings, aligned with ModelListRow's columns.
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.gap

            component Heading: Label {
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
            Heading { Layout.fillWidth: true; Layout.leftMargin: 10; text: qsTr("Name") }
            Heading { Layout.preferredWidth: 70; text: qsTr("Family") }
            Heading { Layout.preferredWidth: 64; text: qsTr("Params") }
            Heading { Layout.preferredWidth: 72; text: qsTr("Quant") }
            Heading { Layout.preferredWidth: 76; horizontalAlignment: Text.AlignRight; text: qsTr("Size") }
            Heading { Layout.preferredWidth: 56; horizontalAlignment: Text.AlignRight; text: qsTr("Context") }
            Heading { Layout.preferredWidth: 100; horizontalAlignment: Text.AlignRight; text: qsTr("Modified") }
            Heading { Layout.preferredWidth: 90; Layout.rightMargin: 10; horizontalAlignment: Text.AlignRight; text: qsTr("Fit") }
        }

        ColumnLayout {
            objectName: "modelsList"
            Layout.fillWidth: true
            spacing: 2

            Repeater {
                model: models.models

                delegate: ModelListRow {
                    Layout.fillWidth: true
                    objectName: "modelRow_" + name
                    selected: name === page.selectedName
                    onClicked: page.select(name)
                }
            }
        }
    }

    ModelDetailsPanel {
        objectName: "modelDetailsPanel"
        Layout.fillWidth: true
        visible: page.selectedName !== "" && models.models.totalCount > 0
        details: page.selectedDetails
        busy: models.busy
        onChatClicked: models.requestChat(page.selectedName)
        onVerifyClicked: models.verify(page.selectedName)
        onRevealClicked: models.reveal(page.selectedName)
        onDeleteClicked: {
            deleteDialog.name = page.selectedName;
            deleteDialog.preview = models.removalPreview(page.selectedName);
            deleteDialog.open();
        }
    }

    Card {
        Layout.fillWidth: true
        title: qsTr("Library folder")
        iconName: "folder"

        TextEdit {
            objectName: "storePathText"
            Layout.fillWidth: true
            text: store.path
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            color: Theme.text
            selectionColor: Theme.accent
            selectedTextColor: Theme.textOnAccent
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontBody
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Library folder: %1").arg(store.path)
        }

        Label {
            Layout.fillWidth: true
            text: store.exists ? qsTr("Set OLLAMA_MODELS to use another folder.")
                               : qsTr("This folder does not exist yet. Set OLLAMA_MODELS to use another folder.")
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }

        Label {
            text: qsTr("Linked folders (loose GGUF files, listed in place)")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }
        Repeater {
            model: models.linkedFolders

            delegate: RowLayout {
                required property string modelData

                Layout.fillWidth: true

                Label {
                    Layout.fillWidth: true
                    text: modelData
                    elide: Text.ElideMiddle
                    color: Theme.text
                    font.family: Theme.monoFamily
                }
                ActionButton {
                    text: qsTr("Unlink")
                    iconName: "cross"
                    Accessible.name: qsTr("Unlink %1").arg(modelData)
                    onClicked: models.removeLinkedFolder(modelData)
                }
            }
        }
        ActionButton {
            objectName: "addLinkedFolderButton"
            text: qsTr("Link a folder…")
            iconName: "plus"
            onClicked: folderDialog.open()
        }
    }

    // With nothing in the library, the empty state says what is really on disk.
    Item {
        id: modelsListSlot

        objectName: "modelsListSlot"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: models.models.totalCount === 0
        implicitHeight: emptyState.implicitHeight + 48

        EmptyState {
            id: emptyState

            objectName: "modelsEmptyState"
            anchors.centerIn: parent
            width: Math.min(parent.width, 520)
            iconName: "models"
            title: store.manifestCount === 0 ? qsTr("No models found")
                   : store.manifestCount === 1 ? qsTr("1 model manifest found")
                   : qsTr("%1 model manifests found").arg(store.manifestCount)
            body: store.manifestCount === 0
                  ? qsTr("No models found in %1.").arg(store.path)
                  : qsTr("Hearth sees them in %1 but cannot read them: they may be damaged or from a newer Ollama.").arg(store.path)
            note: qsTr("Download one from Discover, import a .gguf file, or link a folder of GGUF files.")
        }
    }
}
