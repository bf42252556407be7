// The Sightline process: configuration, listening, and signals. Nothing else touches the process.
// First SIGTERM/SIGINT drains (no new incidents; live ones may finish up to SHUTDOWN_DRAIN_SECONDS),
// a second one forces the exit.
import { readFileSync } from 'node:fs';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, publicUrl, type Config } from './config.ts';
import { NodeState } from './node-state.ts';
import { DemoAccountsRefused } from './identity/demo-accounts.ts';
import { createLogger } from './logger.ts';
import { composeRelayNode } from './relay-node.ts';

/** The certificate and key, read once at startup; a missing file stops the start with its name. */
function readTls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(`invalid configuration:\n  ${name}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  return { cert: read('TLS_CERT_FILE', config.TLS_CERT_FILE), key: read('TLS_KEY_FILE', config.TLS_KEY_FILE) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const tls = readTls(config);
  const log = createLogger(config);
  const node = new NodeState(`http://127.0.0.1:${config.PORT}`);
  const relayNode = await composeRelayNode(config, log, { node });
  const { app, startDraining } = await buildApp({ node: relayNode, logger: log, tls });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    startDraining();
    log.info({ signal, drainSeconds: config.SHUTDOWN_DRAIN_SECONDS }, 'draining: no new incidents');
    const deadline = Date.now() + config.SHUTDOWN_DRAIN_SECONDS * 1000;
    while (relayNode.live.all().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const force = setTimeout(() => {
      log.error('shutdown did not finish in time: forcing exit');
      process.exit(1);
    }, 10_000).unref();
    await app.close();
    clearTimeout(force);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  node.publicUrl = publicUrl(config, port);
  log.info({ url: node.publicUrl, workers: relayNode.media.stats().workers, node: relayNode.nodeId }, 'Sightline relay listening');
  const demo = relayNode.demoAccounts ? '\n  Demo accounts are listed on that page.' : '';
  console.log(`\n  Sightline is running: ${node.publicUrl}/${demo}\n`);
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof DemoAccountsRefused) console.error(error.message);
  else console.error('Sightline failed to start:', error);
  process.exit(1);
});
