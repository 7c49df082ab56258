// qemu's sockets (the guest agent, the monitor) speak one JSON message per line.
import type { Socket } from 'node:net';

/** Calls `onMessage` with each JSON line the socket sends (a leading 0xff sync byte is dropped). */
export function onJsonLines(sock: Socket, onMessage: (msg: unknown) => void): void {
  let buf = '';
  sock.on('data', (d) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onMessage(JSON.parse(line.replace(/^\xff/, '')));
    }
  });
}
