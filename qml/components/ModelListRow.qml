import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// One local model in the Models page list: name (and where a linked file lives), the facts in
// columns, and the fit badge. Clicking selects it for the details panel.
ItemDelegate {
    id: row

    required property int index
    required property string name
    required property string family
    required property string parameters
    required property string quantization
    required property string sizeText
    required property var contextLength
    required property string modifiedText
    required property bool linked
    required property string linkedFolder
    required property string fitVerdict
    required property string fitText
    required property string problems
    property bool selected: false

    implicitHeight: 52
    padding: 0
    Accessible.name: qsTr("%1, %2, %3").arg(name).arg(quantization).arg(sizeText)

    background: Rectangle {
        color: row.selected ? Theme.accentSoft : row.hovered ? Theme.hover : "transparent"
        radius: Theme.radiusSmall
    }

    contentItem: RowLayout {
        spacing: Theme.gap

        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            spacing: 2

            Label {
                Layout.fillWidth: true
                text: row.name
                elide: Text.ElideMiddle
                color: Theme.text
                font.weight: Font.DemiBold
            }
            Label {
                Layout.fillWidth: true
                visible: text !== ""
                text: row.problems !== "" ? row.problems
                      : row.linked ? qsTr("Linked file · %1").arg(row.linkedFolder) : ""
                elide: Text.ElideMiddle
                color: row.problems !== "" ? Theme.accent : Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
        }
        Label {
            Layout.preferredWidth: 70
            text: row.family
            elide: Text.ElideRight
            color: Theme.textMuted
        }
        Label {
            Layout.preferredWidth: 64
            text: row.parameters
            color: Theme.textMuted
        }
        Label {
            objectName: "quantLabel"
            Layout.preferredWidth: 72
            text: row.quantization
            color: Theme.textMuted
        }
        Label {
            objectName: "sizeLabel"
            Layout.preferredWidth: 76
            horizontalAlignment: Text.AlignRight
            text: row.sizeText
            color: Theme.text
        }
        Label {
            Layout.preferredWidth: 56
            horizontalAlignment: Text.AlignRight
            text: row.contextLength > 0 ? (row.contextLength >= 1024 ? Math.round(row.contextLength / 1024) + "K" : row.contextLength) : "—"
            color: Theme.textMuted
        }
        Label {
            Layout.preferredWidth: 100
            horizontalAlignment: Text.AlignRight
            text: row.modifiedText
            color: Theme.textMuted
        }
        Item {
            Layout.preferredWidth: 90
            Layout.rightMargin: 10
            implicitHeight: badge.implicitHeight

            FitBadge {
                id: badge

                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                verdict: row.fitVerdict
                detail: row.fitText
            }
        }
    }
}
