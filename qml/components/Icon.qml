import QtQuick
import QtQuick.Controls.impl
import Hearth.Ui

// A monochrome icon from resources/icons, tinted to `color` (any theme colour).
IconImage {
    property string iconName
    property int iconSize: Theme.iconSize

    source: iconName ? Theme.icon(iconName) : ""
    sourceSize: Qt.size(iconSize, iconSize)
    color: Theme.text
    Accessible.ignored: true
}
