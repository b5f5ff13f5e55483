import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// A small rounded tag. With `showState`, it marks something present (check) or absent (cross).
Rectangle {
    id: chip

    property string text
    property bool present: true
    property bool showState: true

    implicitHeight: 28
    implicitWidth: row.implicitWidth + 22
    radius: height / 2
    color: !showState ? Theme.surfaceRaised : present ? Theme.positiveSoft : Theme.absentSoft
    border.width: showState && !present ? 1 : 0
    border.color: Theme.border

    Accessible.role: Accessible.StaticText
    Accessible.name: showState ? (present ? qsTr("%1: present").arg(text) : qsTr("%1: not present").arg(text))
                               : text

    RowLayout {
        id: row

        anchors.centerIn: parent
        spacing: 6

        Icon {
            visible: chip.showState
            iconName: chip.present ? "check" : "cross"
            iconSize: 14
            color: chip.present ? Theme.positive : Theme.textFaint
        }

        Label {
            text: chip.text
            font.pixelSize: 13
            font.weight: chip.present ? Font.Medium : Font.Normal
            color: chip.present || !chip.showState ? Theme.text : Theme.textFaint
        }
    }
}
