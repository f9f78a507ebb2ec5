// A small reverse proxy that makes code-server's page cross-origin isolated (issue #20's e2e): every response gets
// COOP: same-origin, COEP: require-corp and CORP: same-origin, so `crossOriginIsolated` is true in the workbench, its
// web-worker extension host and the workers it starts. HTTP requests are forwarded with node:http, WebSocket upgrades
// as raw TCP (code-server's connection to its server).
'use strict';
const http = require('node:http');
const net = require('node:net');

const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** Starts the proxy on a free port in front of 127.0.0.1:`targetPort`; resolves { port, close() }. */
function startCoiProxy(targetPort) {
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode || 502, up.statusMessage, { ...up.headers, ...ISOLATION_HEADERS });
      up.pipe(res);
    });
    upstream.on('error', (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
    req.pipe(upstream);
  });
  // Every client socket, upgraded ones included: `server.close()` waits for them all, and `closeAllConnections` only
  // knows plain HTTP ones, so an open WebSocket could keep `close()` waiting for ever (a CI run hung there).
  const sockets = new Set();
  server.on('connection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(targetPort, '127.0.0.1', () => {
      sockets.add(up);
      up.on('close', () => sockets.delete(up));
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head && head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    const close = () => { socket.destroy(); up.destroy(); };
    up.on('error', close);
    socket.on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      close: () => new Promise((r) => {
        server.close(() => r());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections?.();
      }),
    }));
    server.on('error', reject);
  });
}

module.exports = { startCoiProxy, ISOLATION_HEADERS };
