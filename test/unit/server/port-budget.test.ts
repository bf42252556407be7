import { describe, expect, it } from 'vitest';
import { MediaError } from '../../../server/media-errors.ts';
import { PortBudget } from '../../../server/port-budget.ts';

describe('PortBudget', () => {
  it('keeps a tenth of the range (at least two ports) for publishers', () => {
    expect(PortBudget.forRange({ min: 40000, max: 40999 })).toMatchObject({ capacity: 1000, publisherReserve: 100 });
    expect(PortBudget.forRange({ min: 1, max: 20 })).toMatchObject({ capacity: 20, publisherReserve: 2 });
    expect(PortBudget.forRange({ min: 5, max: 5 })).toMatchObject({ capacity: 1, publisherReserve: 1 });
  });

  it('refuses viewers at the reserve and publishers at the capacity, with NODE_AT_CAPACITY', () => {
    const budget = new PortBudget(4, 2);
    const releases = [budget.claim('viewer'), budget.claim('viewer')];
    expect(() => budget.claim('viewer')).toThrow(expect.objectContaining({ code: 'NODE_AT_CAPACITY' }) as MediaError);
    releases.push(budget.claim('publisher'), budget.claim('publisher'));
    expect(() => budget.claim('publisher')).toThrow(MediaError);
    expect(budget.inUse).toBe(4);
    releases[0]!();
    releases[0]!(); // a release is idempotent
    expect(budget.inUse).toBe(3);
    expect(() => budget.claim('viewer')).toThrow(MediaError);
    expect(() => budget.claim('publisher')).not.toThrow();
  });
});
