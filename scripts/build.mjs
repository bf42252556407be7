// `npm run build`: the production build, run with plain `node` by `npm run serve` (no tsx).
// The relay (server/ and signaling/) is compiled by tsc (tsconfig.build.json) to dist/, one .js
// file per .ts file with its source map; the browser client is built by Vite and copied to
// dist/client/dist, where the compiled relay looks for it (../client/dist from dist/signaling/).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
run('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn']);
cpSync('client/dist', 'dist/client/dist', { recursive: true });
console.error('built dist/: start it with `npm run serve` (node dist/signaling/main.js)');
