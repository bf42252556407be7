// `npm run build`: the production build, run with plain `node` by `npm run serve` (no tsx).
// The relay (server/ and signaling/) is compiled by tsc (tsconfig.build.json) to dist/, one .js
// file per .ts file with its source map; the browser client is built by Vite straight into
// dist/client/dist, where the compiled relay looks for it (../client/dist from dist/signaling/).
// client/dist is left as it is: a relay started from the sources may be serving it meanwhile, and
// emptying it under that relay leaves its pages without their scripts.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
run('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn', '--outDir', resolve('dist/client/dist'), '--emptyOutDir']);
console.error('built dist/: start it with `npm run serve` (node dist/signaling/main.js)');
