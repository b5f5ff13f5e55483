pragma Singleton
import QtQuick
import Hearth.App

// Colours and metrics for the whole UI. `dark` follows the system palette live
// (SystemTheme, C++), or HEARTH_THEME=light|dark.
QtObject {
    readonly property bool dark: SystemTheme.dark

    // Surfaces, back to front.
    readonly property color window: dark ? "#16171b" : "#f5f6f8"
    readonly property color sidebar: dark ? "#1d1f24" : "#ebedf1"
    readonly property color surface: dark ? "#22252b" : "#ffffff"
    readonly property color surfaceRaised: dark ? "#2a2d35" : "#f2f4f7"
    readonly property color hover: dark ? "#2b2e36" : "#e2e5eb"
    readonly property color pressed: dark ? "#343843" : "#d7dbe3"
    readonly property color border: dark ? "#31353e" : "#dfe2e8"

    // Text.
    readonly property color text: dark ? "#e9eaee" : "#1b1e23"
    readonly property color textMuted: dark ? "#a0a5b1" : "#5b6270"
    readonly property color textFaint: dark ? "#6e7481" : "#8a909c"

    // Accent: a warm ember, darker in light mode so white text on it stays readable.
    readonly property color accent: dark ? "#ff9c57" : "#c4520c"
    readonly property color accentHover: dark ? "#ffb07a" : "#a94507"
    readonly property color textOnAccent: dark ? "#1b130d" : "#ffffff"
    readonly property color accentSoft: dark ? "#3a2a1f" : "#fbe5d5"
    readonly property color focusRing: dark ? "#ffb07a" : "#c4520c"

    // States.
    readonly property color positive: dark ? "#6fd49a" : "#1c7c45"
    readonly property color positiveSoft: dark ? "#1c3326" : "#e1f3e8"
    readonly property color absentSoft: dark ? "#2a2c31" : "#eff0f3"

    // Metrics.
    readonly property int gap: 8
    readonly property int gapLarge: 16
    readonly property int pageMargin: 32
    readonly property int radius: 10
    readonly property int radiusSmall: 6
    readonly property int sidebarWidth: 212
    readonly property int contentMaxWidth: 1040
    readonly property int controlHeight: 36
    readonly property int iconSize: 20

    // Type scale (pixels).
    readonly property int fontSmall: 12
    readonly property int fontBody: 14
    readonly property int fontLarge: 16
    readonly property int fontTitle: 24
    readonly property int fontDisplay: 20
    readonly property string monoFamily: "monospace"

    function icon(name) {
        return "qrc:/Hearth/Ui/icons/" + name + ".svg";
    }
}
