// Vite build for the Sightline browser client: a plain multi-page app.
// Run from the repo root: `npm run build:client` (vite build --config client/vite.config.ts).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pageShell } from './page-shell.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Dev server only: where the control plane listens (API + WebSocket are proxied to it). */
const devBackend = process.env.SIGHTLINE_DEV_BACKEND ?? 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  // Every page's head, top bar, account and sign-in form, written once (page-shell.ts).
  plugins: [pageShell()],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    // Never inline assets as data: URIs, so a strict CSP needs no exceptions.
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        audit: resolve(root, 'audit.html'),
        index: resolve(root, 'index.html'),
        officer: resolve(root, 'officer.html'),
        watch: resolve(root, 'watch.html'),
        supervisor: resolve(root, 'supervisor.html'),
        inbox: resolve(root, 'inbox.html'),
        admin: resolve(root, 'admin.html'),
      },
      // Third-party code (mediasoup-client) in its own, stable, cacheable chunk; zod (the protocol
      // schemas the admin page checks its forms with) apart, so the other pages do not load it.
      output: {
        codeSplitting: {
          groups: [
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 2 },
            { name: 'vendor', test: /node_modules/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': devBackend,
      '/ws': { target: devBackend, ws: true },
    },
  },
});
