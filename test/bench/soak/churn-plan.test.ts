import { describe, expect, it } from 'vitest';
import { ChurnPlan, seededRandom } from './churn-plan.ts';

const options = { seats: 100, meanWatchSeconds: 120, revokeShare: 1 / 3, awaySeconds: [5, 20] as [number, number], seed: 7 };

function run(plan: ChurnPlan, seconds: number) {
  const log: Array<{ t: number; seat: number; action: string; afterRevoke?: boolean }> = [];
  for (let t = 1; t <= seconds; t++) for (const a of plan.tick(t, 1)) log.push({ t, ...a });
  return log;
}

describe('ChurnPlan', () => {
  it('alternates each seat between an ending and a rejoin, and a rejoin after a revoke says so', () => {
    const log = run(new ChurnPlan(options), 600);
    for (let seat = 0; seat < options.seats; seat++) {
      const mine = log.filter((a) => a.seat === seat);
      mine.forEach((a, i) => {
        if (i % 2 === 0) expect(['leave', 'revoke']).toContain(a.action);
        else {
          expect(a.action).toBe('rejoin');
          expect(a.afterRevoke).toBe(mine[i - 1]!.action === 'revoke');
          const away = a.t - mine[i - 1]!.t;
          expect(away).toBeGreaterThanOrEqual(5);
          expect(away).toBeLessThanOrEqual(21);
        }
      });
    }
  });

  it('ends seats at the mean rate asked for, a third of them by revocation, and keeps most seats watching', () => {
    const plan = new ChurnPlan(options);
    const log = run(plan, 600);
    const endings = log.filter((a) => a.action !== 'rejoin');
    // 100 seats, ~90 % of the time watching, one ending per 120 s watched: about 450 in 600 s.
    expect(endings.length).toBeGreaterThan(350);
    expect(endings.length).toBeLessThan(550);
    const revokes = endings.filter((a) => a.action === 'revoke').length / endings.length;
    expect(revokes).toBeGreaterThan(0.25);
    expect(revokes).toBeLessThan(0.42);
    expect(plan.watching()).toBeGreaterThan(80);
  });

  it('repeats itself for a seed, and differs for another', () => {
    expect(run(new ChurnPlan(options), 120)).toEqual(run(new ChurnPlan(options), 120));
    expect(run(new ChurnPlan({ ...options, seed: 8 }), 120)).not.toEqual(run(new ChurnPlan(options), 120));
  });

  it('draws numbers in [0, 1)', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});
