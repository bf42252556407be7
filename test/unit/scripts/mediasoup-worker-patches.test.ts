// The worker is built with two NACK-timing fixes and a simulcast timestamp fix
// (scripts/mediasoup-worker/patch-sources.py). They are applied to the pinned mediasoup's own
// sources here, and a source they no longer fit stops the build rather than giving a worker
// without them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const script = join(root, 'scripts/mediasoup-worker/patch-sources.py');
const pinnedWorker = join(root, 'node_modules/mediasoup/worker');
const FILES = ['src/RTC/RTP/RtpStreamRecv.cpp', 'src/RTC/NackGenerator.cpp', 'src/RTC/SimulcastConsumer.cpp'];

/** A worker tree holding the pinned mediasoup's copies of the patched files. */
function pinnedSources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-worker-src-'));
  for (const file of FILES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(pinnedWorker, file), join(dir, file));
  }
  return dir;
}

const patch = (dir: string) => spawnSync('python3', [script, dir], { encoding: 'utf8' });
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('mediasoup-worker source patches', () => {
  it('hand the NACK generator a round trip under 1 ms as 1 ms, and look at the NACK list every 10 ms', () => {
    const dir = pinnedSources();
    const run = patch(dir);
    expect(run.status, run.stderr).toBe(0);
    expect(read(dir, FILES[0]!)).toContain('UpdateRtt(static_cast<uint32_t>(std::ceil(this->rtt)))');
    expect(read(dir, FILES[0]!)).toContain('#include <cmath>');
    expect(read(dir, FILES[1]!)).toContain('TimerInterval{ 10u }');
    expect(read(dir, FILES[1]!)).not.toContain('TimerInterval{ 40u }');
  });

  it('move a switched layer’s timestamps 1 ms past the last one sent, not a 30 fps frame', () => {
    const dir = pinnedSources();
    expect(patch(dir).status).toBe(0);
    expect(read(dir, FILES[2]!)).toContain('MsOffset{ 1u }');
    expect(read(dir, FILES[2]!)).not.toContain('MsOffset{ 33u }');
  });

  it('apply once: a second run changes nothing', () => {
    const dir = pinnedSources();
    patch(dir);
    const once = FILES.map((file) => read(dir, file));
    const again = patch(dir);
    expect(again.status, again.stderr).toBe(0);
    expect(FILES.map((file) => read(dir, file))).toEqual(once);
  });

  it('stop the build when a source no longer has what they change', () => {
    const dir = pinnedSources();
    writeFileSync(join(dir, FILES[1]!), read(dir, FILES[1]!).replace('TimerInterval{ 40u }', 'TimerInterval{ 25u }'));
    const run = patch(dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('review it');
    expect(run.stderr).toContain('nack_timer');
  });
});
