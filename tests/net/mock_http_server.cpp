// MockHttpServer: see mock_http_server.h.
#include "net/mock_http_server.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace {

const char* reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 416:
        return "Range Not Satisfiable";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

void MockHttpServer::incomingConnection(qintptr fd) {
    auto* socket = new QTcpSocket(this);
    socket->setSocketDescriptor(fd);
    auto buffer = std::make_shared<QByteArray>();
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
        buffer->append(socket->readAll());
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0) return;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        buffer->clear();
        MockRequest r;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        r.method = first.value(0);
        const QByteArray target = first.value(1);
        const qsizetype q = target.indexOf('?');
        r.path = q < 0 ? target : target.left(q);
        r.query = q < 0 ? QByteArray() : target.mid(q + 1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                 lines[i].mid(colon + 1).trimmed());
        }
        log.push_back(r);
        respond(socket, r);
    });
}

void MockHttpServer::respond(QTcpSocket* socket, const MockRequest& request) {
    MockResponse resp;
    handler_(request, resp);
    const qint64 length = resp.contentLength >= 0 ? resp.contentLength : resp.body.size();
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(resp.status) + " " + reason(resp.status) + "\r\n";
    for (const auto& h : resp.headers) head += h.first + ": " + h.second + "\r\n";
    head += "Content-Length: " + QByteArray::number(length) + "\r\nConnection: close\r\n\r\n";
    socket->write(head);
    if (request.method == "HEAD" || resp.silent) return; // silent: the client must time out
    const QByteArray body = resp.body;
    qint64 bodyEnd = body.size(); // a drop sends only the first dropAfter bytes
    if (resp.dropAfter >= 0) bodyEnd = std::min(bodyEnd, resp.dropAfter);
    if (resp.bytesPerSecond <= 0 && bodyEnd <= (4 << 20)) {
        // Small bodies in one write, the close queued right behind them.
        socket->write(body.constData(), bodyEnd);
        bodyBytesSent += bodyEnd;
        maxStreaming = std::max(maxStreaming, ++streaming);
        connect(socket, &QTcpSocket::disconnected, this, [this] { --streaming; });
        socket->disconnectFromHost();
        return;
    }
    // The body in slices as the socket drains (or on a timer when trickling), until it is out or
    // the client goes away.
    QPointer<QTcpSocket> s(socket);
    auto offset = std::make_shared<qint64>(0);
    auto finished = std::make_shared<bool>(false);
    ++streaming;
    maxStreaming = std::max(maxStreaming, streaming);
    auto end = [this, s, finished] {
        if (*finished) return;
        *finished = true;
        --streaming;
        if (s) s->disconnectFromHost();
    };
    connect(socket, &QTcpSocket::disconnected, this, end);
    const qint64 slice =
        resp.bytesPerSecond > 0 ? std::max<qint64>(1, resp.bytesPerSecond / 20) : (1 << 20);
    auto pump = [this, s, offset, body, bodyEnd, keep = resp.keepAlive, slice, end,
                 trickle = resp.bytesPerSecond > 0] {
        Q_UNUSED(keep); // holds the bytes body views
        if (!s || s->state() != QAbstractSocket::ConnectedState) return end();
        // Unthrottled: keep a few slices queued in the socket, no more.
        while (*offset < bodyEnd && (trickle ? true : s->bytesToWrite() < 4 * slice)) {
            const qint64 n = std::min<qint64>(slice, bodyEnd - *offset);
            s->write(body.constData() + *offset, n);
            bodyBytesSent += n;
            *offset += n;
            if (trickle) break;
        }
        if (*offset >= bodyEnd && s->bytesToWrite() == 0) end();
    };
    if (resp.bytesPerSecond > 0) {
        auto* timer = new QTimer(socket);
        connect(timer, &QTimer::timeout, socket, pump);
        timer->start(50);
    } else {
        connect(socket, &QTcpSocket::bytesWritten, socket, pump);
        pump();
    }
}
