import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// The open chat's system prompt and sampling settings. Values start from the model's params
// layer when it has one; each change is saved with the chat.
Rectangle {
    id: panel

    property ChatController chats
    readonly property var s: chats ? chats.settings : ({})

    function save(key, value) {
        let m = {};
        m[key] = value;
        panel.chats.setSettings(m);
    }

    implicitHeight: grid.implicitHeight + 24
    radius: 10
    color: Theme.surfaceRaised
    border.width: 1
    border.color: Theme.border
    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Chat settings")

    GridLayout {
        id: grid

        anchors.fill: parent
        anchors.margins: 12
        columns: 4
        // Label above field, four settings to a row.
        columnSpacing: 12
        rowSpacing: 6

        Label {
            Layout.columnSpan: 4
            text: qsTr("System prompt")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        TextArea {
            objectName: "systemPromptField"
            Layout.columnSpan: 4
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(60, implicitHeight)
            text: panel.s.systemPrompt || ""
            wrapMode: TextEdit.Wrap
            placeholderText: qsTr("How the model should behave in this chat")
            Accessible.name: qsTr("System prompt")
            onEditingFinished: panel.save("systemPrompt", text)
            background: Rectangle {
                radius: 6
                color: Theme.surface
                border.color: parent.activeFocus ? Theme.focusRing : Theme.border
            }
        }

        Repeater {
            model: [
                { key: "temperature", label: qsTr("Temperature"), integer: false },
                { key: "topP", label: qsTr("Top-p"), integer: false },
                { key: "topK", label: qsTr("Top-k"), integer: true },
                { key: "minP", label: qsTr("Min-p"), integer: false },
                { key: "repeatPenalty", label: qsTr("Repeat penalty"), integer: false },
                { key: "maxTokens", label: qsTr("Max tokens (-1: no limit)"), integer: true },
                { key: "contextLength", label: qsTr("Context length"), integer: true },
                { key: "seed", label: qsTr("Seed (-1: random)"), integer: true }
            ]

            delegate: ColumnLayout {
                id: setting

                required property var modelData
                Layout.fillWidth: true
                spacing: 2

                Label {
                    text: setting.modelData.label
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
                TextField {
                    objectName: "setting_" + setting.modelData.key
                    Layout.fillWidth: true
                    text: panel.s[setting.modelData.key] !== undefined ? String(panel.s[setting.modelData.key]) : ""
                    selectByMouse: true
                    inputMethodHints: Qt.ImhFormattedNumbersOnly
                    Accessible.name: setting.modelData.label
                    onEditingFinished: {
                        const v = setting.modelData.integer ? parseInt(text) : parseFloat(text);
                        if (!isNaN(v))
                            panel.save(setting.modelData.key, v);
                    }
                }
            }
        }

        ColumnLayout {
            // The model's last layers run on the GPU: Auto (as many as fit, the default of new
            // chats), a number, or none. Changing it reloads the model.
            Layout.fillWidth: true
            spacing: 2

            Label {
                text: qsTr("GPU layers")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
            ComboBox {
                id: gpuLayersBox

                // -1 is auto, 0 the CPU only; the rest are layer counts typed in.
                function textOf(value) {
                    if (value === undefined)
                        return "";
                    return value < 0 ? qsTr("Auto") : value === 0 ? qsTr("CPU only") : String(value);
                }
                function sync() {
                    const t = textOf(panel.s.gpuLayers);
                    currentIndex = find(t);
                    editText = t;
                }
                function apply() {
                    const t = editText.trim().toLowerCase();
                    if (t === "auto" || t === qsTr("Auto").toLowerCase())
                        panel.save("gpuLayers", -1);
                    else if (t === qsTr("CPU only").toLowerCase())
                        panel.save("gpuLayers", 0);
                    else if (/^[0-9]+$/.test(t))
                        panel.save("gpuLayers", parseInt(t));
                    sync(); // anything else goes back to the saved value
                }

                objectName: "setting_gpuLayers"
                Layout.fillWidth: true
                editable: true
                model: [qsTr("Auto"), qsTr("CPU only")]
                Accessible.name: qsTr("GPU layers")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Auto puts as many of the model's layers on the GPU as fit its "
                                   + "free memory; type a number for exactly that many.")
                // Framed like the number fields beside it: the Basic style draws an editable
                // combo box without an outline, and its text part would paint over a background.
                Rectangle {
                    anchors.fill: parent
                    z: 1
                    color: "transparent"
                    border.width: gpuLayersBox.activeFocus ? 2 : 1
                    border.color: gpuLayersBox.activeFocus ? gpuLayersBox.palette.highlight
                                                           : gpuLayersBox.palette.mid
                }
                Component.onCompleted: sync()
                onActivated: index => panel.save("gpuLayers", index === 0 ? -1 : 0)
                onAccepted: apply()
                onActiveFocusChanged: if (!activeFocus) apply()

                Connections {
                    target: panel
                    function onSChanged() { gpuLayersBox.sync(); }
                }
            }
        }

        Label {
            objectName: "loadedDeviceLabel"
            Layout.columnSpan: 3
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignBottom
            visible: text !== ""
            text: panel.chats && panel.chats.loadedDevice !== ""
                  ? qsTr("Runs on: %1").arg(panel.chats.loadedDevice) : ""
            elide: Text.ElideRight
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            // Why fewer GPU layers than asked run (or, with Auto, why none do).
            objectName: "loadedDeviceNote"
            Layout.columnSpan: 4
            Layout.fillWidth: true
            visible: text !== ""
            text: panel.chats ? panel.chats.loadedDeviceNote : ""
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
    }
}
