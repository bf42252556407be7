// The tap's own process (forked by RtpTap): receives the camera's RTP and forwards it to the
// forwarder being measured. Kept out of the bench process, whose event loop is busy counting
// the receivers' packets, so that a stall there never turns into a burst at a forwarder.
import { createSocket } from 'node:dgram';
import { isRtcp } from './rtp.ts';

type Command = { route: { host: string; port: number } | null } | { count: number };

const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
let target: { host: string; port: number } | null = null;
let forwarded = 0;
socket.on('message', (packet) => {
  if (!target) return;
  socket.send(packet, target.port, target.host);
  if (packet.length >= 12 && !isRtcp(packet)) forwarded++;
});
socket.bind(0, '127.0.0.1', () => process.send?.({ port: socket.address().port }));
process.on('message', (command: Command) => {
  if ('route' in command) target = command.route;
  else process.send?.({ count: command.count, forwarded });
});
process.on('disconnect', () => process.exit(0));
