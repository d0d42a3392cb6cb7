// Opens the TCP connection to the address the resolver chose (never a fresh DNS lookup by a library),
// within the time left of the operation; TLS is layered on top by the protocol client.
import net from 'node:net';
import { errorCodes, MailConnectionError, type MailProtocol, transportFailure } from './errors.ts';

export function openSocket(
  address: string,
  port: number,
  timeoutMs: number,
  protocol: MailProtocol,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MailConnectionError('timeout', protocol, { detail: 'TCP connect timed out' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      const code = transportFailure(errorCodes(error)) ?? 'port_closed';
      reject(new MailConnectionError(code, protocol, { detail: errorCodes(error)[0], cause: error }));
    });
  });
}
