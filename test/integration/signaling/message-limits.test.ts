import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../helpers/relay.ts';
import { TestSocket } from '../../helpers/ws-client.ts';

describe('malformed, oversized and flooding input', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ WS_RATE_PER_SECOND: '10', WS_RATE_BURST: '20', WS_MAX_MESSAGE_BYTES: '4096' });
  });
  afterAll(async () => relay.close());

  it('answers bad messages with stable codes and keeps the socket usable', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    const bad: Array<[string | Buffer, string, number | null]> = [
      ['{not json', 'MESSAGE_MALFORMED', null],
      [JSON.stringify({ id: 7, type: 'launch.missiles' }), 'MESSAGE_MALFORMED', 7],
      [JSON.stringify({ id: 8, type: 'join' }), 'MESSAGE_MALFORMED', 8],
      [JSON.stringify({ id: 9, type: 'ping', extra: true }), 'MESSAGE_MALFORMED', 9],
      [JSON.stringify({ id: 'ten', type: 'ping' }), 'MESSAGE_MALFORMED', null],
      [JSON.stringify([1, 2, 3]), 'MESSAGE_MALFORMED', null],
      [Buffer.from([0, 1, 2, 3]), 'MESSAGE_MALFORMED', null],
      [JSON.stringify({ id: 11, type: 'ping', pad: 'x'.repeat(5000) }), 'MESSAGE_TOO_LARGE', null],
    ];
    for (const [data, code, id] of bad) {
      const before = socket.responses.length;
      socket.sendRaw(data);
      const reply = await socket.waitFor(() => (socket.responses.length > before ? socket.responses.at(-1) : undefined));
      expect(reply).toMatchObject({ ok: false, id, error: { code } });
      expect(reply.ok === false && reply.error.message.length).toBeGreaterThan(0);
    }
    expect((await socket.send('ping')).ok).toBe(true);
    socket.close();
  });

  it('refuses requests that need a session or a role before they do anything', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    expect(await socket.send('incident.start', { rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    expect(await socket.send('auth', { token: 'forged-session' })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
    expect(await socket.send('transport.connect', { transportId: 't', dtlsParameters: {} })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    await socket.request('auth', { token });
    expect(await socket.send('incident.start', { rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await socket.send('auth', { token })).toMatchObject({ ok: false, error: { code: 'ALREADY_AUTHENTICATED' } });
    socket.close();
  });

  it('rate-limits a flood with RATE_LIMITED, stays up, and serves the socket again once it slows down', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    for (let i = 0; i < 60; i++) socket.sendRaw(JSON.stringify({ id: 1000 + i, type: 'ping' }));
    await socket.waitFor(() => (socket.responses.length >= 60 ? true : undefined));
    const limited = socket.responses.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(30);
    expect(socket.responses.filter((r) => r.ok).length).toBeGreaterThanOrEqual(20);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await socket.send('ping')).ok).toBe(true);
    socket.close();
  });

  it('closes a socket that keeps flooding after being told to stop, and other sockets are unaffected', async () => {
    const flooder = await TestSocket.open(relay.wsUrl);
    const bystander = await TestSocket.open(relay.wsUrl);
    for (let i = 0; i < 400 && flooder.closeCode === null; i++) flooder.sendRaw(JSON.stringify({ id: i, type: 'ping' }));
    await flooder.waitFor(() => flooder.closeCode ?? undefined);
    expect(flooder.closeCode).toBe(1008);
    expect((await bystander.send('ping')).ok).toBe(true);
    bystander.close();
  });

  it('closes the socket (1009) for a message beyond the hard cap, and the server stays up', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    socket.sendRaw(JSON.stringify({ id: 1, type: 'ping', pad: 'x'.repeat(4096 * 4 + 10) }));
    await socket.waitFor(() => socket.closeCode ?? undefined);
    expect(socket.closeCode).toBe(1009);
    const next = await TestSocket.open(relay.wsUrl);
    expect((await next.send('ping')).ok).toBe(true);
    next.close();
  });

  it('limits new connections per client address', async () => {
    const limited = await startRelay({ WS_CONNECTS_PER_MINUTE: '3' });
    const sockets = [await TestSocket.open(limited.wsUrl), await TestSocket.open(limited.wsUrl), await TestSocket.open(limited.wsUrl)];
    await expect(TestSocket.open(limited.wsUrl)).rejects.toThrow(/429/);
    for (const socket of sockets) socket.close();
    await limited.close();
  });

  it('refuses a browser connection from a foreign origin', async () => {
    await expect(TestSocket.open(relay.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const same = await TestSocket.open(relay.wsUrl, { origin: relay.url });
    expect((await same.send('ping')).ok).toBe(true);
    same.close();
  });
});
