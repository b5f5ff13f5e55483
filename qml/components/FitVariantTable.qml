import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// The Memory fit table: one row per variant with weights, KV cache, compute, overhead, total and
// the verdict; the recommended variant is highlighted. `model` is FitController.table.
ColumnLayout {
    id: table

    property var model

    spacing: 2

    component Cell: Label {
        property bool strong: false

        horizontalAlignment: Text.AlignRight
        color: strong ? Theme.text : Theme.textMuted
        font.pixelSize: Theme.fontSmall
        font.weight: strong ? Font.DemiBold : Font.Normal
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.gap

        Cell { Layout.preferredWidth: 110; Layout.leftMargin: 8; horizontalAlignment: Text.AlignLeft; text: qsTr("Variant") }
        Cell { Layout.preferredWidth: 70; text: qsTr("File") }
        Cell { Layout.preferredWidth: 72; text: qsTr("Weights") }
        Cell { Layout.preferredWidth: 72; text: qsTr("KV cache") }
        Cell { Layout.preferredWidth: 72; text: qsTr("Compute") }
        Cell { Layout.preferredWidth: 72; text: qsTr("Overhead") }
        Cell { Layout.preferredWidth: 72; text: qsTr("Total") }
        Item { Layout.fillWidth: true }
        Cell { Layout.preferredWidth: 96; Layout.rightMargin: 8; text: qsTr("Verdict") }
    }

    Repeater {
        model: table.model

        delegate: Rectangle {
            id: line

            required property int index
            required property string variant
            required property bool isFile
            required property string fileSizeText
            required property string weightsText
            required property string kvText
            required property string computeText
            required property string overheadText
            required property string totalText
            required property string verdict
            required property string verdictText
            required property string summary
            required property bool recommended

            objectName: "fitRow_" + variant + (isFile ? "_file" : "")
            Layout.fillWidth: true
            implicitHeight: 32
            radius: Theme.radiusSmall
            color: recommended ? Theme.accentSoft : index % 2 ? Theme.surfaceRaised : "transparent"
            border.width: recommended ? 1 : 0
            border.color: Theme.accent
            Accessible.role: Accessible.Row
            Accessible.name: qsTr("%1: %2, total %3").arg(variant).arg(verdictText).arg(totalText)

            RowLayout {
                anchors.fill: parent
                spacing: Theme.gap

                Cell {
                    Layout.preferredWidth: 110
                    Layout.leftMargin: 8
                    horizontalAlignment: Text.AlignLeft
                    strong: true
                    text: line.variant + (line.isFile ? qsTr(" (file)") : "") + (line.recommended ? " ★" : "")
                    elide: Text.ElideRight
                }
                Cell { Layout.preferredWidth: 70; text: line.fileSizeText }
                Cell { Layout.preferredWidth: 72; text: line.weightsText }
                Cell { Layout.preferredWidth: 72; text: line.kvText }
                Cell { Layout.preferredWidth: 72; text: line.computeText }
                Cell { Layout.preferredWidth: 72; text: line.overheadText }
                Cell { Layout.preferredWidth: 72; strong: true; text: line.totalText }
                Item { Layout.fillWidth: true }
                Item {
                    Layout.preferredWidth: 96
                    Layout.rightMargin: 8
                    implicitHeight: badge.implicitHeight

                    FitBadge {
                        id: badge

                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        verdict: line.verdict
                        detail: line.verdictText + " — " + line.summary
                    }
                }
            }
        }
    }
}
