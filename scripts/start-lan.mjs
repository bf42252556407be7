// `npm run start:lan`: a trial on the local network, so that a phone can be the camera.
// Browsers give the camera only to a secure context, so the relay serves HTTPS and WSS itself with
// a self-signed certificate made here once (DATA_DIR/tls/, for this machine's LAN addresses; each
// phone accepts it once). Other machines reach the relay, so the demo accounts are refused: on
// the first run this writes DATA_DIR/lan-seed.json with one agency and its admin (password printed
// once) unless SEED_FILE names a seed of your own. Settings in the environment win over these.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env };
const dataDir = env.DATA_DIR ?? 'var';
const port = env.PORT ?? '8443';
const lan = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && a.family === 'IPv4' && !a.internal)
  .map((a) => a.address);
if (lan.length === 0) console.error('start:lan: no LAN address found; the relay is reachable on this machine only.');
const address = env.LAN_ADDRESS ?? lan[0] ?? '127.0.0.1';

const tlsDir = join(dataDir, 'tls');
const cert = join(tlsDir, 'cert.pem');
const key = join(tlsDir, 'key.pem');
if (!existsSync(cert) || !existsSync(key)) {
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const names = [...new Set([...lan, '127.0.0.1'])].map((ip) => `IP:${ip}`).concat('DNS:localhost');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '90', '-subj', '/CN=Sightline LAN trial',
    '-addext', `subjectAltName=${names.join(',')}`,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.error(`start:lan: made a self-signed certificate for ${names.join(', ')} in ${tlsDir}`);
}

if (!env.SEED_FILE) {
  env.SEED_FILE = join(dataDir, 'lan-seed.json');
  if (!existsSync(env.SEED_FILE)) {
    execFileSync(process.execPath, ['--import', 'tsx', 'signaling/cli/admin.ts', 'first-admin', '--seed-file', env.SEED_FILE,
      '--agency-id', 'trial', '--agency-name', 'LAN trial', '--username', 'admin', '--name', 'Trial administrator'], { stdio: 'inherit' });
  }
}

Object.assign(env, {
  HOST: env.HOST ?? '0.0.0.0',
  PORT: port,
  DATA_DIR: dataDir,
  TLS_CERT_FILE: env.TLS_CERT_FILE ?? cert,
  TLS_KEY_FILE: env.TLS_KEY_FILE ?? key,
  PUBLIC_URL: env.PUBLIC_URL ?? `https://${address}:${port}`,
  MEDIA_LISTEN_IP: env.MEDIA_LISTEN_IP ?? '0.0.0.0',
  MEDIA_ANNOUNCED_ADDRESS: env.MEDIA_ANNOUNCED_ADDRESS ?? address,
});
const relay = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], { env, stdio: 'inherit' });
// Ctrl-C reaches the relay from the terminal itself (same process group); a SIGTERM sent to this
// wrapper alone is passed on. Either way the relay drains once.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => relay.kill('SIGTERM'));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
