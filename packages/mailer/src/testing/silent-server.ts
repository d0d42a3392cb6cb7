// Servers that misbehave on purpose: one that accepts TCP connections and never says a word (for
// timeouts), and a plaintext IMAP server that offers no STARTTLS but would take a LOGIN (to prove
// the client stops before sending credentials). Both record what they receive.
import net from 'node:net';

export interface TestRawServer {
  host: '127.0.0.1';
  port: number;
  connections(): number;
  /** Every line received, in order (LOGIN lines included: the test asserts there are none). */
  lines: string[];
  close(): Promise<void>;
}

async function start(onConnection: (socket: net.Socket, lines: string[]) => void): Promise<TestRawServer> {
  const sockets = new Set<net.Socket>();
  const lines: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const parts = buffered.split('\r\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      socket.emit('lines', parts);
    });
    onConnection(socket, lines);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    connections: () => connections,
    lines,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts connections and never greets (nor completes a TLS handshake). */
export function startSilentServer(): Promise<TestRawServer> {
  return start(() => {});
}

/** An IMAP server without STARTTLS: greets, answers CAPABILITY, accepts any LOGIN. */
export function startImapWithoutTls(): Promise<TestRawServer> {
  return start((socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n');
    socket.on('lines', (received: string[]) => {
      for (const line of received) {
        const [tag, command = ''] = line.split(' ');
        if (/^capability$/i.test(command))
          socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
        else if (/^logout$/i.test(command)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} OK done\r\n`);
      }
    });
  });
}
