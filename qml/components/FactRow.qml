import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// "Label    value" on one line, the label muted and aligned in a column.
RowLayout {
    id: row

    property string label
    property string value
    property bool mono: false
    property alias valueLabel: valueText

    spacing: 12

    Label {
        Layout.preferredWidth: 120
        text: row.label
        color: Theme.textMuted
        font.pixelSize: Theme.fontBody
    }

    Label {
        id: valueText

        Layout.fillWidth: true
        text: row.value
        wrapMode: Text.Wrap
        color: Theme.text
        font.pixelSize: Theme.fontBody
        font.family: row.mono ? Theme.monoFamily : Qt.application.font.family
    }
}
