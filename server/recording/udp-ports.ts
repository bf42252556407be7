// Free loopback UDP port pairs for a muxer to listen on (RTP on the even port, RTCP on the next).
// The ports are probed, then released for the muxer to bind: a muxer that loses the race fails to
// start and is started again on another pair.
import { createSocket, type Socket } from 'node:dgram';

const bind = (port: number): Promise<Socket | null> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });

export async function freeUdpPortPair(attempts = 20): Promise<{ rtp: number; rtcp: number }> {
  for (let i = 0; i < attempts; i++) {
    const first = await bind(0);
    if (!first) continue;
    const rtp = first.address().port;
    const second = await bind(rtp + 1);
    first.close();
    if (!second) continue;
    second.close();
    return { rtp, rtcp: rtp + 1 };
  }
  throw new Error('no free UDP port pair on 127.0.0.1');
}
