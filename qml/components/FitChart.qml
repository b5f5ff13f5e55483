import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// Bars of each variant's total memory against the RAM available now (a solid line) and the
// same less the safety margin (a dashed-looking faint line). Plain Rectangles: no Qt Charts.
ColumnLayout {
    id: chart

    property var model               // FitController.table
    property real available: 0       // bytes of RAM available
    property real margin: 0          // bytes kept free for the system
    readonly property real scaleMax: Math.max(available, model ? model.largestTotal : 0, 1) * 1.05

    spacing: 4

    Repeater {
        model: chart.model

        delegate: RowLayout {
            id: bar

            required property string variant
            required property bool isFile
            required property real totalBytes
            required property string totalText
            required property string verdict
            required property bool recommended

            Layout.fillWidth: true
            spacing: Theme.gap

            Label {
                Layout.preferredWidth: 110
                text: bar.variant + (bar.isFile ? qsTr(" (file)") : "")
                color: bar.recommended ? Theme.accent : Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.weight: bar.recommended ? Font.DemiBold : Font.Normal
                elide: Text.ElideRight
            }
            Item {
                id: track

                Layout.fillWidth: true
                implicitHeight: 16

                Rectangle {
                    height: parent.height
                    width: Math.max(2, track.width * bar.totalBytes / chart.scaleMax)
                    radius: 3
                    color: bar.verdict === "does_not_fit" ? (Theme.dark ? "#ff7b7b" : "#b42318")
                           : bar.verdict === "tight" ? Theme.accent
                           : bar.recommended ? Theme.positive : Qt.rgba(Theme.positive.r, Theme.positive.g, Theme.positive.b, 0.55)
                }
                // Available RAM and the margin-adjusted budget, drawn over every bar.
                Rectangle {
                    x: track.width * chart.available / chart.scaleMax - 1
                    width: 2
                    height: parent.height + 4
                    y: -2
                    color: Theme.text
                }
                Rectangle {
                    visible: chart.available > chart.margin
                    x: track.width * (chart.available - chart.margin) / chart.scaleMax - 1
                    width: 1
                    height: parent.height + 4
                    y: -2
                    color: Theme.textFaint
                }
            }
            Label {
                Layout.preferredWidth: 76
                horizontalAlignment: Text.AlignRight
                text: bar.totalText
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
        }
    }

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("Dark line: RAM available now. Faint line: the same less the safety margin the verdicts keep free.")
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }
}
