// End-to-end tests serve the built client; build it once if this checkout has not.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_DIST, clientDistExists } from '../../signaling/app.ts';

export function ensureClientBuilt(): void {
  if (clientDistExists() && existsSync(join(CLIENT_DIST, 'audit.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
