// Application logs (pino). Credentials never reach them: authorization headers, passwords and
// tokens are redacted wherever they appear.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.grantToken',
  '*.dtlsParameters',
  '*.iceParameters',
  '*.srtpParameters',
];

/** `destination` defaults to stdout; tests capture logs with a stream of their own. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  const options = { level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
