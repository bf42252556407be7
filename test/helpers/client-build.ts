// End-to-end tests serve the built client; build it once if this checkout has not.
import { execFileSync } from 'node:child_process';
import { clientDistExists } from '../../signaling/app.ts';

export function ensureClientBuilt(): void {
  if (clientDistExists()) return;
  execFileSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
