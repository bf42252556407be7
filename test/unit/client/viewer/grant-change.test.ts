import { describe, expect, it } from 'vitest';
import { grantChangeNotice } from '../../../../client/src/viewer/grant-change.ts';

const format = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const NOON = Date.UTC(2026, 11, 4, 12, 0);
const minutes = (n: number) => n * 60_000;

describe('what a clinician is told when the end of their access moves', () => {
  it('a later end is an extension', () => {
    expect(grantChangeNotice(NOON, NOON + minutes(30), format)).toEqual({ message: 'Your access was extended until 12:30.', kind: 'ok' });
  });

  it('an earlier end is a shortening, never "extended"', () => {
    const notice = grantChangeNotice(NOON, NOON - minutes(20), format);
    expect(notice).toEqual({ message: 'Your access was shortened: it now ends at 11:40.', kind: 'warn' });
    expect(notice.message).not.toMatch(/extended/);
  });

  it('the same end says so', () => {
    expect(grantChangeNotice(NOON, NOON, format).message).toBe('Your access still ends at 12:00.');
  });

  it('with no end known yet, the new end is announced as an extension', () => {
    expect(grantChangeNotice(null, NOON, format).kind).toBe('ok');
  });
});
