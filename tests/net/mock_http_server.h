#pragma once
// A tiny HTTP/1.1 server on QTcpServer for loopback tests: one request per connection
// (Connection: close), a handler that fills a MockResponse, and the faults downloads must
// survive: a body cut short (connection dropped), trickled bytes, or headers then silence.
// Bodies go out as the socket drains (a 1 GB body is never copied into the socket's buffer),
// and the server counts how many responses were streaming at once.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QTcpServer>
#include <QVector>

#include <functional>

struct MockRequest {
    QByteArray method;
    QByteArray path;                       // without the query
    QByteArray query;                      // after '?', raw
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray header(const QByteArray& name) const { return headers.value(name.toLower()); }
};

struct MockResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; // may be a QByteArray::fromRawData view into keepAlive
    QByteArray keepAlive;
    qint64 contentLength = -1; // default: body size
    qint64 dropAfter = -1;     // send only this many body bytes, then close
    qint64 bytesPerSecond = 0; // trickle the body
    bool silent = false;       // send the headers, then nothing (a stall)
    void header(const QByteArray& name, const QByteArray& value) {
        headers.append(qMakePair(name, value));
    }
    void json(int code, const QByteArray& text) {
        status = code;
        header("Content-Type", "application/json");
        body = text;
    }
};

class MockHttpServer : public QTcpServer {
    Q_OBJECT
public:
    using Handler = std::function<void(const MockRequest&, MockResponse&)>;
    explicit MockHttpServer(Handler handler, QObject* parent = nullptr)
        : QTcpServer(parent), handler_(std::move(handler)) {}

    QVector<MockRequest> log;
    qint64 bodyBytesSent = 0;
    int streaming = 0;    // responses whose body is being sent now
    int maxStreaming = 0; // the most at once since the last reset

protected:
    void incomingConnection(qintptr fd) override;

private:
    void respond(class QTcpSocket* socket, const MockRequest& request);
    Handler handler_;
};
