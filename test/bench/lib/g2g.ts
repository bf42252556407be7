// The glass-to-glass probe (pages/g2g-probe.js) as the benches drive it: injected into the
// officer and watch pages, it paints and reads the clock code and holds a direct peer connection
// between the two pages next to the relay path.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const PROBE = fileURLToPath(new URL('../pages/g2g-probe.js', import.meta.url));

export interface Probe {
  readRelay(): void;
  directOffer(): Promise<string>;
  directAccept(sdp: string): Promise<void>;
  directAnswer(sdp: string): Promise<string>;
  pathStats(): Promise<PathStat[]>;
  record(on: boolean): void;
  setSending(path: 'relay' | 'direct', on: boolean): Promise<void>;
  counts(): { relay: number; direct: number };
  results(): { samples: { relay: number[]; direct: number[] }; undecodable: { relay: number; direct: number } };
}
export type WithProbe = Window & { __g2g: Probe };
export type PathStat = { path: 'relay' | 'direct'; dir: 'in' | 'out' | 'audio-in' } & Record<string, number | string | null>;

/** Cumulative video RTP statistics per path (the caller takes differences). */
export const pathStats = (page: Page): Promise<PathStat[]> => page.evaluate(() => (window as unknown as WithProbe).__g2g.pathStats());

/** Connects the officer page straight to the watch page (SDP exchanged through the bench). */
export async function connectDirect(officer: Page, viewer: Page): Promise<void> {
  const offer = await officer.evaluate(() => (window as unknown as WithProbe).__g2g.directOffer());
  const answer = await viewer.evaluate((sdp) => (window as unknown as WithProbe).__g2g.directAnswer(sdp), offer);
  await officer.evaluate((sdp) => (window as unknown as WithProbe).__g2g.directAccept(sdp), answer);
}
