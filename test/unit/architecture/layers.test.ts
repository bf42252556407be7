// The guard rails themselves: the checks catch what they are there to catch.
import { describe, expect, it } from 'vitest';
import { findCycles } from './import-graph.ts';
import { layeringViolation, unitOf } from './layers.ts';

describe('layeringViolation', () => {
  it('allows imports downwards and inside a folder', () => {
    expect(layeringViolation('signaling/ws/connection.ts', 'signaling/live/live-incident.ts')).toBeNull();
    expect(layeringViolation('signaling/live/live-incident.ts', 'server/media-room.ts')).toBeNull();
    expect(layeringViolation('signaling/audit/a.ts', 'signaling/audit/b.ts')).toBeNull();
    expect(layeringViolation('client/src/net/api.ts', 'signaling/protocol/http.ts')).toBeNull();
  });

  it('refuses imports upwards, between client and server, and out of the bottom folders', () => {
    expect(layeringViolation('signaling/cluster/cluster.ts', 'signaling/ws/client-socket.ts')).toMatch(/not below/);
    expect(layeringViolation('server/media-room.ts', 'signaling/protocol/messages.ts')).toMatch(/media plane/);
    expect(layeringViolation('server/media-room.ts', 'client/src/net/api.ts')).toMatch(/client/);
    expect(layeringViolation('client/src/net/api.ts', 'server/media-types.ts')).toMatch(/client imports only/);
    expect(layeringViolation('client/src/net/api.ts', 'signaling/live/live-incident.ts')).toMatch(/client imports only/);
    expect(layeringViolation('signaling/infra/redis-client.ts', 'signaling/audit/audit-log.ts')).toMatch(/infrastructure/);
    expect(layeringViolation('signaling/protocol/messages.ts', 'signaling/errors.ts')).toMatch(/leaf/);
    expect(layeringViolation('signaling/newfolder/x.ts', 'signaling/protocol/messages.ts')).toMatch(/no floor/);
  });

  it('keeps the client in floors: pages over ui over media over the network, and no page imports another', () => {
    expect(layeringViolation('client/src/pages/watch/watch.ts', 'client/src/ui/ui.ts')).toBeNull();
    expect(layeringViolation('client/src/pages/watch/watch.ts', 'client/src/pages/watch/viewer-session.ts')).toBeNull();
    expect(layeringViolation('client/src/ui/media-view.ts', 'client/src/media/link-quality.ts')).toBeNull();
    expect(layeringViolation('client/src/media/media-device.ts', 'client/src/net/api.ts')).toBeNull();
    expect(layeringViolation('client/src/net/api.ts', 'client/src/media/media-device.ts')).toMatch(/not below/);
    expect(layeringViolation('client/src/media/media-device.ts', 'client/src/ui/ui.ts')).toMatch(/not below/);
    expect(layeringViolation('client/src/ui/ui.ts', 'client/src/pages/home/home.ts')).toMatch(/not below/);
    expect(layeringViolation('client/src/pages/inbox/inbox.ts', 'client/src/pages/watch/watch.ts')).toMatch(/another page/);
    expect(layeringViolation('client/src/stray.ts', 'client/src/net/api.ts')).toMatch(/no floor/);
  });

  it('keeps the client’s build (Vite config, page shell) apart from the code that runs in the browser', () => {
    expect(layeringViolation('client/vite.config.ts', 'client/page-shell.ts')).toBeNull();
    expect(layeringViolation('client/page-shell.ts', 'client/src/ui/ui.ts')).toMatch(/build imports only/);
    expect(layeringViolation('client/src/ui/ui.ts', 'client/page-shell.ts')).toMatch(/never imports its build/);
  });

  it('names units by folder inside signaling/ and by top folder elsewhere', () => {
    expect(unitOf('signaling/ws/handlers/join.ts')).toBe('signaling/ws');
    expect(unitOf('signaling/main.ts')).toBe('signaling/main.ts');
    expect(unitOf('client/src/pages/watch/watch.ts')).toBe('client');
  });
});

describe('findCycles', () => {
  it('finds each cycle once, as the files that form it', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(findCycles(edges)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('finds none in a tree', () => {
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });
});
