// Reads the camera's video sender every few seconds and reports the officer's own uplink
// (rate, loss the relay reports, round trip, quality: uplink-quality.ts) until stopped.
import type { types } from 'mediasoup-client';
import { uplinkCounters, uplinkQuality, type UplinkCounters, type UplinkQuality } from '../../media/uplink-quality.ts';

const READ_EVERY_MS = 2000;

export function watchUplink(producer: types.Producer, report: (uplink: UplinkQuality) => void): { stop(): void } {
  const sender = producer.rtpSender;
  if (!sender) return { stop() {} };
  let last: UplinkCounters | null = null;
  const timer = setInterval(() => {
    if (producer.closed) return;
    void sender.getStats().then((report_) => {
      const rows: Record<string, unknown>[] = [];
      report_.forEach((row: Record<string, unknown>) => rows.push(row));
      const now = uplinkCounters(rows, Date.now());
      if (now && last) report(uplinkQuality(last, now));
      last = now;
    }, (error: unknown) => console.warn('[uplink] cannot read the sender', error));
  }, READ_EVERY_MS);
  return { stop: () => clearInterval(timer) };
}
