// The worker is built with two NACK-timing fixes, a simulcast timestamp fix and retransmissions sent twice
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
const FILES = ['src/RTC/RTP/RtpStreamRecv.cpp', 'src/RTC/NackGenerator.cpp', 'src/RTC/SimulcastConsumer.cpp', 'src/RTC/RTP/RtpStreamSend.cpp'];

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

  it('send each retransmission twice, the copy as the next RTX packet', () => {
    const dir = pinnedSources();
    expect(patch(dir).status).toBe(0);
    const send = read(dir, FILES[3]!);
    const copy = send.slice(send.indexOf('OnRtpStreamRetransmitRtpPacket(this, packet);'));
    expect(copy).toMatch(/^OnRtpStreamRetransmitRtpPacket\(this, packet\);\s+\/\/[^\n]*\n\s*if \(HasRtx\(\)\)\s*\{\s*this->rtxSeq\+\+;\s*packet->SetSequenceNumber\(this->rtxSeq\);\s*static_cast<RTP::RtpStreamSend::Listener\*>\(this->listener\)\s*->OnRtpStreamRetransmitRtpPacket\(this, packet\);/);
    expect(send.split('OnRtpStreamRetransmitRtpPacket(this, packet)').length - 1).toBe(2);
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
