import { describe, expect, it } from 'vitest';
import { describeUplink, uplinkCounters, uplinkQuality } from '../../../../client/src/media/uplink-quality.ts';

const rows = (bytes: number, packets: number, lost: number, rtt: number) => [
  { type: 'outbound-rtp', kind: 'video', rid: 'r0', bytesSent: bytes / 2, packetsSent: packets / 2, framesPerSecond: 15, frameHeight: 180 },
  { type: 'outbound-rtp', kind: 'video', rid: 'r2', bytesSent: bytes / 2, packetsSent: packets / 2, framesPerSecond: 25, frameHeight: 720 },
  { type: 'remote-inbound-rtp', kind: 'video', packetsLost: lost },
  { type: 'candidate-pair', nominated: true, currentRoundTripTime: rtt },
];

describe('the officer’s uplink', () => {
  it('reads rate, loss over every layer, round trip and the layer sent', () => {
    const before = uplinkCounters(rows(100_000, 1000, 0, 0.04), 0)!;
    const after = uplinkCounters(rows(350_000, 1500, 5, 0.05), 2000)!;
    const uplink = uplinkQuality(before, after);
    expect(uplink).toEqual({ quality: 'good', kbps: 1000, loss: 0.01, roundTripMs: 50, height: 720 });
    expect(describeUplink(uplink)).toBe('Sending 720p · 1000 kbit/s · 1% lost · Good uplink');
  });

  it('is fair at a few percent lost or a long round trip, poor beyond, and says when nothing is sent', () => {
    const at = (lost: number, rtt: number, packets = 1100) => uplinkQuality(uplinkCounters(rows(0, 1000, 0, 0.02), 0)!, uplinkCounters(rows(50_000, packets, lost, rtt), 1000)!).quality;
    expect(at(3, 0.02)).toBe('fair');
    expect(at(0, 0.3)).toBe('fair');
    expect(at(10, 0.02)).toBe('poor');
    expect(at(0, 0.02, 1000)).toBe('none');
    expect(uplinkCounters([{ type: 'candidate-pair' }], 0)).toBeNull();
  });
});
