import { createServer, type Server, type Socket } from 'node:net';
import { encodeMessage, versionPayload } from '../../lib/nodes/handshake-prober';

export const REGTEST_MAGIC_HEX = 'fabfb5da';
const MAGIC = Buffer.from(REGTEST_MAGIC_HEX, 'hex');

/** A fake node on 127.0.0.1: answers version+verack, or misbehaves by mode. */
export function fakeNode(mode: 'ok' | 'bad-magic' | 'silent' | 'close', userAgent = '/Satoshi:27.0.0(peerscope-abc)/'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      if (mode === 'silent') return;
      if (mode === 'close') return socket.end();
      const magic = mode === 'bad-magic' ? Buffer.from('01020304', 'hex') : MAGIC;
      socket.write(encodeMessage(magic, 'version', versionPayload(70016, userAgent)));
      socket.write(encodeMessage(magic, 'verack', Buffer.alloc(0)));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        async close() {
          for (const socket of sockets) socket.destroy();
          await new Promise((done) => server.close(done));
        },
      }),
    ),
  );
}

