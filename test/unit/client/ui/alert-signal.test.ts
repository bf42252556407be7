import { describe, expect, it } from 'vitest';
import { alertTitle } from '../../../../client/src/ui/alert-signal.ts';

describe('the tab title counts open help requests', () => {
  it('puts the count in front while requests are open, and gives the title back after', () => {
    expect(alertTitle('Sightline · Console', 1)).toBe('(1) Help requested · Sightline · Console');
    expect(alertTitle('Sightline · Console', 3)).toBe('(3) Help requested · Sightline · Console');
    expect(alertTitle('Sightline · Console', 0)).toBe('Sightline · Console');
  });
});
