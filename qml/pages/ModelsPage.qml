import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Models: where the library lives and, for now, an honest empty state. The local models list
// (issue 8) goes into `modelsListSlot`.
PageScaffold {
    id: page

    fillHeight: true
    title: qsTr("Models")
    subtitle: qsTr("Your local library. Hearth uses Ollama's store layout, so an installed Ollama and Hearth share models.")

    actions: [
        ActionButton {
            objectName: "rescanButton"
            text: qsTr("Rescan")
            iconName: "refresh"
            onClicked: store.refresh()
        }
    ]

    ModelStoreLocation {
        id: store

        objectName: "modelStoreLocation"
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
    }

    // Slot for the local models list (issue 8). Until it exists, the empty state below says
    // what is really on disk.
    Item {
        id: modelsListSlot

        objectName: "modelsListSlot"
        Layout.fillWidth: true
        Layout.fillHeight: true
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
                  : qsTr("Hearth sees them in %1 but cannot list or open them yet.").arg(store.path)
            note: qsTr("Listing, downloading and importing models arrive in a coming version.")
        }
    }
}
