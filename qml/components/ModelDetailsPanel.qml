import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// The selected model: its GGUF summary, chat template, license and path, with the actions.
// `details` is ModelsController.details(name); the page handles the action signals.
Card {
    id: panel

    property var details: ({})
    property bool busy: false

    signal chatClicked
    signal deleteClicked
    signal revealClicked
    signal verifyClicked

    title: details.name || ""
    iconName: "models"

    Flow {
        Layout.fillWidth: true
        spacing: Theme.gap

        ActionButton {
            objectName: "chatWithModelButton"
            primary: true
            text: qsTr("Chat with it")
            iconName: "chat"
            onClicked: panel.chatClicked()
        }
        ActionButton {
            objectName: "verifyModelButton"
            text: qsTr("Verify")
            iconName: "check"
            enabled: !panel.busy && !panel.details.linked
            onClicked: panel.verifyClicked()
        }
        ActionButton {
            objectName: "revealModelButton"
            text: qsTr("Show in folder")
            iconName: "folder"
            onClicked: panel.revealClicked()
        }
        ActionButton {
            objectName: "deleteModelButton"
            text: qsTr("Delete")
            iconName: "cross"
            enabled: !panel.busy && !panel.details.linked
            onClicked: panel.deleteClicked()
        }
    }

    FactRow {
        Layout.fillWidth: true
        label: qsTr("Path")
        value: panel.details.path || ""
    }
    FactRow {
        Layout.fillWidth: true
        visible: !!panel.details.linked
        label: qsTr("Linked folder")
        value: panel.details.linkedFolder || ""
    }
    FactRow {
        Layout.fillWidth: true
        visible: (panel.details.fitText || "") !== ""
        label: qsTr("Memory fit")
        value: panel.details.fitText || ""
    }

    component Section: ColumnLayout {
        property string heading
        property string body

        Layout.fillWidth: true
        visible: body !== ""
        spacing: 4

        Label {
            text: parent.heading
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }
        TextArea {
            Layout.fillWidth: true
            Layout.maximumHeight: 180
            text: parent.body
            readOnly: true
            wrapMode: TextEdit.Wrap
            color: Theme.text
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontSmall
            background: Rectangle {
                color: Theme.surfaceRaised
                radius: Theme.radiusSmall
            }
            clip: true
        }
    }

    Section {
        objectName: "modelSummarySection"
        heading: qsTr("GGUF summary")
        body: panel.details.summary || ""
    }
    Section {
        heading: qsTr("Chat template")
        body: panel.details.template || ""
    }
    Section {
        heading: qsTr("License")
        body: panel.details.license || ""
    }
}
