// Presence is read from the live seats, never kept beside them: everyone in an incident hears who
// is there (the clinician too), and what the consoles read from shared state follows the seats
// through quick joins and leaves, on the embedded store and on Redis, and ends empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { endGrants, goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

type Notification = TestSocket['notifications'][number];
const latest = <T extends Notification['type']>(socket: TestSocket, type: T) =>
  [...socket.notifications].reverse().find((n): n is Extract<Notification, { type: T }> => n.type === type);

for (const store of ['memory', 'redis'] as const) {
  describe(`presence (${store} store)`, () => {
    let relay: TestRelay;
    let redis: TestRedis | undefined;
    beforeAll(async () => {
      redis = store === 'redis' ? await startRedis() : undefined;
      relay = await startRelay(redis ? { REDIS_URL: redis.url } : {});
    });
    afterAll(async () => {
      await relay.close();
      await redis?.stop();
    });

    it('tells every seat who is there: the officer sees the viewers, the clinician sees the officer and themself', async () => {
      const live = await goLive(relay);
      const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
      const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
      if (!reply.ok) throw new Error('join failed');
      expect(reply.data.you).toMatchObject({ userId: DEMO.clinician.id, role: 'clinician' });
      await until(() => latest(socket, 'presence'), 3000, 'presence on the clinician’s socket');
      expect(latest(socket, 'presence')!.participants.map((p) => [p.userId, p.role, p.watching])).toEqual([
        [DEMO.officer.id, 'officer', false],
        [DEMO.clinician.id, 'clinician', true],
      ]);
      await until(() => latest(live.socket, 'presence')?.participants.length === 1, 3000, 'presence on the officer’s socket');
      expect(latest(live.socket, 'presence')!.participants[0]).toMatchObject({ userId: DEMO.clinician.id, watching: true });
      socket.close();
      await endGrants(relay, live.incidentId);
      await live.socket.request('incident.end');
      live.socket.close();
    });

    it('the console’s “watching now” follows the seats through quick joins and leaves, and ends with nobody', async () => {
      const live = await goLive(relay);
      const { socket: console_ } = await signedInSocket(relay, DEMO.supervisor);
      const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
      const summary = (): IncidentSummary | undefined => latest(console_, 'console.incidents')?.incidents.find((i) => i.id === live.incidentId);
      for (let round = 0; round < 4; round += 1) {
        const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
        expect(reply.ok).toBe(true);
        socket.close(); // leaves while its join's presence may still be on its way to the store
      }
      const { socket: last, reply } = await joinWith(relay, live.incidentId, granted.token);
      expect(reply.ok).toBe(true);
      await until(() => summary()?.grants.find((g) => g.id === granted.grantId)?.watching === true, 5000, 'the console to show the clinician watching');
      last.close();
      await until(() => summary()?.grants.find((g) => g.id === granted.grantId)?.watching === false, 5000, 'the console to show the clinician gone');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await relay.services.incidents.find(live.incidentId))!.viewers).toEqual([]);
      expect(summary()!.viewers).toEqual([]);
      console_.close();
      await endGrants(relay, live.incidentId);
      await live.socket.request('incident.end');
      live.socket.close();
    });
  });
}
