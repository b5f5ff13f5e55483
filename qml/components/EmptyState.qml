import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// What a page shows when it has nothing to show yet: an icon, a headline, a sentence, and
// optionally the one action that gets the user further. Items declared inside it (an offer with
// its own progress, say) sit between the text and that action.
ColumnLayout {
    id: emptyState

    property string iconName
    property string title
    property string body
    property string note
    property string actionText
    property string actionIcon
    property bool actionPrimary: true
    default property alias extras: extraColumn.data
    signal actionTriggered

    spacing: 12

    Rectangle {
        Layout.alignment: Qt.AlignHCenter
        Layout.bottomMargin: 4
        implicitWidth: 72
        implicitHeight: 72
        radius: 36
        color: Theme.accentSoft

        Icon {
            anchors.centerIn: parent
            iconName: emptyState.iconName
            iconSize: 32
            color: Theme.accent
        }
    }

    Label {
        objectName: "emptyStateTitle"
        Layout.fillWidth: true
        text: emptyState.title
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.text
        font.pixelSize: Theme.fontDisplay
        font.weight: Font.DemiBold
    }

    Label {
        objectName: "emptyStateBody"
        Layout.fillWidth: true
        visible: text !== ""
        text: emptyState.body
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textMuted
        font.pixelSize: Theme.fontBody
        lineHeight: 1.2
    }

    Label {
        Layout.fillWidth: true
        visible: text !== ""
        text: emptyState.note
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }

    ColumnLayout {
        id: extraColumn

        Layout.fillWidth: true
        spacing: 8
        visible: children.length > 0
    }

    ActionButton {
        objectName: "emptyStateAction"
        Layout.alignment: Qt.AlignHCenter
        Layout.topMargin: 8
        visible: emptyState.actionText !== ""
        primary: emptyState.actionPrimary
        text: emptyState.actionText
        iconName: emptyState.actionIcon
        onClicked: emptyState.actionTriggered()
    }
}
