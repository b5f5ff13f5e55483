pragma Singleton
import QtQuick

QtObject {
    property bool dark: false
    readonly property color window: dark ? "#1e1f22" : "#f7f7f8"
    readonly property color text: dark ? "#e6e6e6" : "#1f2328"
}
