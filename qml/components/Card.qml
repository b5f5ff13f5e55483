import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// A titled panel grouping related facts. Children stack vertically in its body.
Rectangle {
    id: card

    property string title
    property string iconName
    default property alias content: body.data

    implicitWidth: 320
    implicitHeight: column.implicitHeight + 2 * column.anchors.margins
    radius: Theme.radius
    color: Theme.surface
    border.width: 1
    border.color: Theme.border

    Accessible.role: Accessible.Grouping
    Accessible.name: title

    ColumnLayout {
        id: column

        // Anchored to the top only: a card stretched to its row's height keeps its content up.
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 20
        spacing: 14

        RowLayout {
            visible: card.title !== ""
            spacing: 10

            Icon {
                visible: card.iconName !== ""
                iconName: card.iconName
                iconSize: 18
                color: Theme.accent
            }

            Label {
                text: card.title
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.weight: Font.DemiBold
                font.capitalization: Font.AllUppercase
                font.letterSpacing: 0.8
            }
        }

        ColumnLayout {
            id: body

            Layout.fillWidth: true
            spacing: 10
        }
    }
}
