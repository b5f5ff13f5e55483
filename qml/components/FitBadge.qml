import QtQuick
import QtQuick.Controls
import Hearth.Ui

// The memory-fit verdict of a model as a small coloured tag; the numbers are in the tool tip.
// `verdict` is the estimator's key (fits_gpu, partial_offload, fits_ram, tight, does_not_fit).
// Used on the Models, Memory fit and Discover pages.
Rectangle {
    id: badge

    property string verdict
    property string detail

    readonly property bool comfortable: verdict === "fits_gpu" || verdict === "partial_offload" || verdict === "fits_ram"
    readonly property color danger: Theme.dark ? "#ff7b7b" : "#b42318"
    readonly property string label: {
        switch (verdict) {
        case "fits_gpu": return qsTr("Fits GPU");
        case "partial_offload": return qsTr("Partial GPU");
        case "fits_ram": return qsTr("Fits RAM");
        case "tight": return qsTr("Tight");
        case "does_not_fit": return qsTr("Won't fit");
        default: return qsTr("Unknown");
        }
    }

    implicitHeight: 22
    implicitWidth: text.implicitWidth + 16
    radius: height / 2
    color: comfortable ? Theme.positiveSoft : verdict === "tight" ? Theme.accentSoft : Theme.absentSoft
    border.width: verdict === "does_not_fit" ? 1 : 0
    border.color: danger

    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("Memory fit: %1").arg(label)
    Accessible.description: detail

    Label {
        id: text

        anchors.centerIn: parent
        text: badge.label
        font.pixelSize: Theme.fontSmall
        font.weight: Font.Medium
        color: badge.comfortable ? Theme.positive : badge.verdict === "tight" ? Theme.accent
               : badge.verdict === "does_not_fit" ? badge.danger : Theme.textMuted
    }

    HoverHandler {
        id: hover
    }
    ToolTip.visible: hover.hovered && badge.detail !== ""
    ToolTip.text: badge.detail
    ToolTip.delay: 400
}
