// A recording lives on the node that recorded it, and any node serves it: two nodes on one Redis,
// each with its own RECORDING_DIR; an incident recorded on node A is listed, played, exported and
// put on hold through node B, which hands each request to A over the node link. A decides and
// audits (with the client's address), and what B answers is byte for byte what A holds.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayResponse, RecordingView } from '../../../../signaling/protocol/recordings.ts';
import { DEMO } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { until } from '../../../helpers/until.ts';

describe('recordings across nodes', () => {
  let nodes: TwoNodes;
  let incidentId: string;
  let supervisor: string;

  beforeAll(async () => {
    nodes = await startTwoNodes({ RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '2' });
    const officer = await goLive(nodes.a);
    incidentId = officer.incidentId;
    expect(nodes.a.services.recordings.isRecording(incidentId)).toBe(true);
    await officer.socket.request('incident.end', {});
    officer.socket.close();
    await until(() => existsSync(join(nodes.a.services.recordingPaths.incidentDir(incidentId), 'manifest.jws')), 15_000, 'the sealed recording on node A');
    supervisor = (await nodes.b.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
  }, 60_000);
  afterAll(async () => nodes?.close());

  it('the shared index says where the recording lives', async () => {
    expect(existsSync(nodes.b.services.recordingPaths.incidentDir(incidentId))).toBe(false);
    expect(await nodes.b.services.recordingIndex.get(incidentId)).toMatchObject({ incidentId, nodeId: 'node-a', agencyId: 'metro-police', endedAt: expect.any(String), manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('lists, plays and exports through the other node, byte for byte, audited by the holder', async () => {
    const listed = await nodes.b.api<RecordingView>('GET', `/api/incidents/${incidentId}/recordings`, { token: supervisor });
    expect(listed.status).toBe(200);
    expect(listed.body.sealed).toBe(true);
    const held = join(nodes.a.services.recordingPaths.incidentDir(incidentId), 'manifest.json');
    expect(listed.body.manifest).toEqual(JSON.parse(await readFile(held, 'utf8')));

    const play = await nodes.b.api<PlayResponse>('POST', `/api/incidents/${incidentId}/recordings/play`, { token: supervisor, body: {} });
    expect(play.status).toBe(200);

    const exported = await fetch(`${nodes.b.url}/api/incidents/${incidentId}/recordings/export`, { headers: { authorization: `Bearer ${supervisor}`, 'user-agent': 'across-nodes-test' } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/x-tar');
    const viaB = Buffer.from(await exported.arrayBuffer());
    const direct = await fetch(`${nodes.a.url}/api/incidents/${incidentId}/recordings/export`, { headers: { authorization: `Bearer ${supervisor}` } });
    const viaA = Buffer.from(await direct.arrayBuffer());
    // The audit extract in each grew by the other export's entry; the manifest and segments are identical.
    expect(viaB.length).toBeGreaterThan(1024);
    expect(viaB.subarray(0, 512).toString('latin1')).toBe(viaA.subarray(0, 512).toString('latin1'));

    const entries = (await nodes.a.services.audit.log.entries()).filter((e) => e.target.incidentId === incidentId && ['recording.list', 'recording.play', 'recording.export'].includes(e.action));
    expect(entries.map((e) => `${e.action} ${e.outcome} ${e.source.node}`)).toEqual(expect.arrayContaining(['recording.list allowed node-a', 'recording.play allowed node-a', 'recording.export allowed node-a']));
    expect(entries.find((e) => e.source.userAgent === 'across-nodes-test')?.source.ip).toBe('127.0.0.1');
  });

  it('refuses through the other node as the holder does, and a hold placed through it lands on the holder', async () => {
    const clinician = (await nodes.b.login(DEMO.clinician.username, DEMO.clinician.password)).token;
    expect((await nodes.b.api('GET', `/api/incidents/${incidentId}/recordings`, { token: clinician })).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const admin = (await nodes.b.login(DEMO.admin.username, DEMO.admin.password)).token;
    const hold = await nodes.b.api('PUT', `/api/incidents/${incidentId}/recordings/hold`, { token: admin, body: { reason: 'Case 77' } });
    expect(hold.status).toBe(200);
    expect(existsSync(join(nodes.a.services.recordingPaths.incidentDir(incidentId), 'legal-hold.json'))).toBe(true);
    // Every node lists it, though only A holds the recording.
    const listed = await nodes.b.api<Array<{ incidentId: string; reason: string }>>('GET', '/api/recording-holds', { token: admin });
    expect(listed.body.map((h) => [h.incidentId, h.reason])).toEqual([[incidentId, 'Case 77']]);
  });

  it('says the recording is unavailable, not missing, while its node is down', async () => {
    await nodes.a.close();
    await until(async () => (await nodes.b.services.cluster.nodes()).length === 1, 10_000, 'node A gone');
    const listed = await nodes.b.api('GET', `/api/incidents/${incidentId}/recordings`, { token: supervisor });
    expect([listed.status, listed.body]).toEqual([503, { error: expect.objectContaining({ code: 'RECORDING_UNAVAILABLE' }) }]);
  });
});
