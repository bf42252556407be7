// npm scripts run on the Node the project pins in package.json (the `node` package from the npm
// registry, first on the PATH npm gives its scripts), not on whatever Node runs npm itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const pinned = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.node;

describe('runtime', () => {
  it('vitest runs on the pinned Node', () => {
    console.error(`[runtime] vitest on ${process.version}`);
    expect(process.version).toBe(`v${pinned}`);
  });

  it('tsx, which runs the relay and the CLIs, runs on the pinned Node', () => {
    const version = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' });
    expect(version).toBe(`v${pinned}`);
  });
});
