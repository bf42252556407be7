// What a minted TURN credential can reach through the project's turnserver.conf, asked of a real
// coturn: a TCP relay (RFC 6062, which reached the relay's own HTTP port) is refused, and so are
// private, loopback, link-local, IPv4-mapped, NAT64 and unspecified peers, while the media host
// (re-allowed with --allowed-peer-ip) still gets a relayed UDP permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnPassword } from '../../signaling/turn/turn-credentials.ts';
import { startCoturn, type TestCoturn } from '../helpers/coturn.ts';
import { TurnSession } from '../helpers/turn-client.ts';

describe('TURN peer policy (turnserver.conf, real coturn)', () => {
  let coturn: TestCoturn;
  const credential = () => {
    const username = `${Math.floor(Date.now() / 1000) + 600}:u-clin-okafor`;
    return { username, password: turnPassword(coturn.secret, username) };
  };
  const session = async (options: { transport?: 'udp' | 'tcp'; host?: string } = {}) =>
    TurnSession.open({ host: options.host ?? coturn.host, port: coturn.port, transport: options.transport });

  beforeAll(async () => {
    coturn = await startCoturn({ allowedPeerIp: '127.0.0.1', ipv6: true });
  }, 30_000);
  afterAll(async () => coturn?.stop());

  it('refuses a TCP relay allocation (RFC 6062)', async () => {
    const turn = await session({ transport: 'tcp' });
    const { username, password } = credential();
    try {
      expect(await turn.allocate(username, password, { relay: 'tcp' })).toMatchObject({ ok: false, code: 442 });
    } finally {
      turn.close();
    }
  });

  it('relays UDP to the media host only: private, loopback and link-local IPv4 peers are refused', async () => {
    const turn = await session();
    const { username, password } = credential();
    try {
      expect(await turn.allocate(username, password)).toMatchObject({ ok: true });
      expect(await turn.createPermission('127.0.0.1')).toEqual({ ok: true });
      for (const peer of ['10.1.2.3', '192.168.1.1', '172.16.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0']) {
        expect({ peer, ...(await turn.createPermission(peer)) }).toMatchObject({ peer, ok: false, code: 403 });
      }
      await turn.release();
    } finally {
      turn.close();
    }
  });

  it('refuses the IPv6 forms of those peers: IPv4-mapped, NAT64, unspecified, loopback, unique-local, link-local', async () => {
    const turn = await session({ host: '::1' });
    const { username, password } = credential();
    try {
      expect(await turn.allocate(username, password, { family: 6 })).toMatchObject({ ok: true });
      for (const peer of ['::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '::', '::1', 'fd00::1', 'fe80::1']) {
        expect({ peer, ...(await turn.createPermission(peer)) }).toMatchObject({ peer, ok: false, code: 403 });
      }
      await turn.release();
    } finally {
      turn.close();
    }
  });
});
