import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Memory fit: pick a local model, a catalog entry or a remote GGUF (Hugging Face URL; only its
// header is read) and a context length; every quantization variant's memory (weights, KV cache,
// compute, overhead) and verdict against this machine.
PageScaffold {
    id: page

    property SystemController system
    property alias controller: fit

    fillHeight: true
    title: qsTr("Memory fit")
    subtitle: qsTr("Which quantization of which model fits this machine.")

    actions: [
        ActionButton {
            objectName: "fitReloadButton"
            text: qsTr("Rescan")
            iconName: "refresh"
            onClicked: fit.reloadSources()
        }
    ]

    FitController {
        id: fit

        objectName: "fitController"
    }

    Card {
        Layout.fillWidth: true
        title: qsTr("Model and context")
        iconName: "fit"

        RowLayout {
            Layout.fillWidth: true

            Label {
                text: qsTr("Model")
                color: Theme.textMuted
                Layout.preferredWidth: 80
            }
            ComboBox {
                objectName: "fitSourceBox"
                Layout.fillWidth: true
                model: fit.sources
                textRole: "label"
                currentIndex: fit.currentIndex
                onActivated: index => fit.currentIndex = index
                Accessible.name: qsTr("Model to estimate")
            }
        }
        RowLayout {
            Layout.fillWidth: true

            Label {
                text: qsTr("Remote")
                color: Theme.textMuted
                Layout.preferredWidth: 80
            }
            TextField {
                id: remoteField

                objectName: "fitRemoteField"
                Layout.fillWidth: true
                placeholderText: qsTr("Hugging Face file URL or hf.co/user/repo:Q4_K_M")
                enabled: !fit.remoteBusy
                onAccepted: fit.addRemote(text)
                Accessible.name: qsTr("Remote GGUF to estimate")
            }
            ActionButton {
                objectName: "fitRemoteButton"
                text: qsTr("Read header")
                enabled: !fit.remoteBusy && remoteField.text.trim() !== ""
                onClicked: fit.addRemote(remoteField.text)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Reads only the first megabytes of the file (HTTP Range requests)")
            }
            BusyIndicator {
                running: fit.remoteBusy
                visible: running
                Layout.preferredHeight: 28
                Layout.preferredWidth: 28
            }
        }
        Label {
            objectName: "fitRemoteStatus"
            Layout.fillWidth: true
            visible: text !== ""
            text: fit.remoteStatus
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        RowLayout {
            Layout.fillWidth: true
            visible: fit.maxContext > 0

            Label {
                text: qsTr("Context")
                color: Theme.textMuted
                Layout.preferredWidth: 80
            }
            Slider {
                id: ctxSlider

                objectName: "fitContextSlider"
                Layout.fillWidth: true
                // Steps of 1024 tokens, from 2K (or the model's maximum if smaller) to its maximum.
                from: fit.minContext
                to: Math.max(fit.maxContext, fit.minContext + 1)
                stepSize: fit.maxContext > 4096 ? 1024 : 256
                enabled: fit.maxContext > fit.minContext
                value: fit.contextLength
                onMoved: fit.contextLength = Math.round(value)
                Accessible.name: qsTr("Context length")
            }
            Label {
                objectName: "fitContextLabel"
                Layout.preferredWidth: 190
                horizontalAlignment: Text.AlignRight
                text: qsTr("%L1 of %L2 tokens").arg(fit.contextLength).arg(fit.maxContext)
                color: Theme.text
            }
        }
        Label {
            Layout.fillWidth: true
            visible: text !== ""
            text: fit.shapeText
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            objectName: "fitMachineLabel"
            Layout.fillWidth: true
            text: fit.machineText
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            objectName: "fitErrorLabel"
            Layout.fillWidth: true
            visible: fit.error !== ""
            text: fit.error
            wrapMode: Text.Wrap
            color: Theme.accent
        }
    }

    Card {
        objectName: "fitTableCard"
        Layout.fillWidth: true
        visible: fit.table.count > 0
        title: fit.recommendedVariant !== "" ? qsTr("Recommended: %1").arg(fit.recommendedVariant)
                                             : qsTr("No variant fits comfortably at this context length")
        iconName: "memory"

        FitVariantTable {
            objectName: "fitVariantTable"
            Layout.fillWidth: true
            model: fit.table
        }
    }

    Card {
        objectName: "fitChartCard"
        Layout.fillWidth: true
        visible: fit.table.count > 0
        title: qsTr("Total memory against available RAM")
        iconName: "memory"

        FitChart {
            objectName: "fitChart"
            Layout.fillWidth: true
            model: fit.table
            available: fit.ramAvailable
            margin: fit.marginBytes
        }
    }

    Item {
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: fit.sources.length === 0
        implicitHeight: emptyState.implicitHeight + 48

        EmptyState {
            id: emptyState

            objectName: "fitEmptyState"
            anchors.centerIn: parent
            width: Math.min(parent.width, 520)
            iconName: "fit"
            title: qsTr("No models to estimate")
            body: qsTr("Neither the library nor the starter catalog has a model. Import or download one from the Models page.")
        }
    }
}
