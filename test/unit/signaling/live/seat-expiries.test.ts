import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SeatExpiries } from '../../../../signaling/live/seat-expiries.ts';

describe('SeatExpiries', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('ends a seat at its time, once; a seat without an end never ends', () => {
    const ended: string[] = [];
    const expiries = new SeatExpiries((seat) => ended.push(seat));
    expiries.set('clinician', Date.now() + 5000);
    expiries.set('officer', null);
    vi.advanceTimersByTime(4999);
    expect(ended).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ended).toEqual(['clinician']);
    vi.advanceTimersByTime(60_000);
    expect(ended).toEqual(['clinician']);
  });

  it('moves the end when the grant is extended or shortened, and forgets a seat that went', () => {
    const ended: string[] = [];
    const expiries = new SeatExpiries((seat) => ended.push(seat));
    expiries.set('a', Date.now() + 5000);
    expiries.set('a', Date.now() + 20_000); // extended
    expiries.set('b', Date.now() + 5000);
    expiries.set('b', Date.now() + 1000); // shortened
    expiries.set('c', Date.now() + 5000);
    expiries.clear('c'); // left
    vi.advanceTimersByTime(1000);
    expect(ended).toEqual(['b']);
    vi.advanceTimersByTime(19_000);
    expect(ended).toEqual(['b', 'a']);
  });

  it('an end already past ends the seat at once; one beyond a timer’s reach still ends on time', () => {
    const ended: string[] = [];
    const expiries = new SeatExpiries((seat) => ended.push(seat));
    expiries.set('late', Date.now() - 1);
    const farOff = 40 * 24 * 3600 * 1000; // 40 days: more than one timer can wait
    expiries.set('far', Date.now() + farOff);
    vi.advanceTimersByTime(0);
    expect(ended).toEqual(['late']);
    vi.advanceTimersByTime(farOff - 1);
    expect(ended).toEqual(['late']);
    vi.advanceTimersByTime(1);
    expect(ended).toEqual(['late', 'far']);
  });

  it('clearAll drops every end', () => {
    const ended: string[] = [];
    const expiries = new SeatExpiries((seat) => ended.push(seat));
    expiries.set('a', Date.now() + 10);
    expiries.set('b', Date.now() + 20);
    expiries.clearAll();
    vi.advanceTimersByTime(1000);
    expect(ended).toEqual([]);
  });
});
