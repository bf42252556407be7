// Application logs (pino). Credentials never reach them: authorization headers, passwords and
// tokens are redacted wherever they appear.
import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.grantToken',
  '*.dtlsParameters',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
