// The allowed directions between folders, written down once. Inside `signaling/` each folder sits
// on a floor and imports only from floors below its own (or from inside itself); the media plane
// (`server/`) and the protocol sit under all of it. `client/` and `server/` never import each
// other; `server/` never imports the control plane; the browser client imports only the protocol.

/** Floors of the control plane, bottom first. A folder is named `signaling/<folder>`, a file by its path. */
export const SIGNALING_FLOORS: readonly (readonly string[])[] = [
  ['server', 'signaling/protocol', 'signaling/infra', 'signaling/net'],
  // The typed errors (stable codes) sit under everything that may refuse, the shared state included.
  ['signaling/config.ts', 'signaling/node-state.ts', 'signaling/errors.ts'],
  ['signaling/logger.ts', 'signaling/state', 'signaling/turn'],
  ['signaling/cluster', 'signaling/tokens', 'signaling/identity', 'signaling/agreements'],
  ['signaling/incident-records'],
  ['signaling/audit'],
  ['signaling/live', 'signaling/health'],
  ['signaling/recording'],
  ['signaling/access'],
  ['signaling/grants', 'signaling/metrics', 'signaling/cli'],
  ['signaling/feeds', 'signaling/admission'],
  ['signaling/relay-node.ts'],
  ['signaling/ws'],
  ['signaling/http'],
  ['signaling/http-media'],
  ['signaling/app.ts'],
  ['signaling/main.ts'],
];

/**
 * Floors of the browser client, bottom first: the network (HTTP, signalling), media (mediasoup,
 * stats, link upkeep), page building blocks (ui), and the pages, each of which imports only the
 * floors below it and never another page.
 */
export const CLIENT_FLOORS: readonly (readonly string[])[] = [['client/src/net'], ['client/src/media'], ['client/src/ui'], ['client/src/viewer'], ['client/src/pages']];

/** The client unit of a path: `client/src/<folder>`, or `client/src/pages/<page>` for a page. */
export function clientUnitOf(path: string): string {
  const parts = path.split('/');
  return parts[2] === 'pages' ? parts.slice(0, 4).join('/') : parts.slice(0, 3).join('/');
}

/** The client's build (client/*.ts beside the pages: the Vite config and the page shell); it never runs in the browser. */
const isClientBuild = (path: string) => path.startsWith('client/') && path.split('/').length === 2;

function clientViolation(from: string, to: string): string | null {
  if (isClientBuild(from)) return isClientBuild(to) ? null : 'the client\'s build imports only the build (client/*.ts)';
  if (isClientBuild(to)) return 'the browser client never imports its build';
  const a = clientUnitOf(from);
  const b = clientUnitOf(to);
  if (a === b) return null;
  const floor = (unit: string) => CLIENT_FLOORS.findIndex((units) => units.includes(unit.startsWith('client/src/pages/') ? 'client/src/pages' : unit));
  const fa = floor(a);
  const fb = floor(b);
  if (fa < 0) return `${a} has no floor in CLIENT_FLOORS`;
  if (fb < 0) return `${b} has no floor in CLIENT_FLOORS`;
  if (fa === fb && a.startsWith('client/src/pages/')) return `a page (${a}) never imports another page (${b})`;
  return fb < fa ? null : `${a} (client floor ${fa}) imports ${b} (client floor ${fb}), which is not below it`;
}

/** What the browser client may import besides itself. */
export const CLIENT_MAY_IMPORT: readonly string[] = ['signaling/protocol'];

/** No source file is longer than this. */
export const MAX_SOURCE_LINES = 400;

/**
 * Known departures from the rules above, each to be removed when the code is fixed: an import
 * (`from -> to`, whole paths) or an import cycle (`cycle: <first file of the sorted cycle>`).
 */
export const KNOWN_VIOLATIONS: readonly string[] = [
];

/** The unit a path belongs to: `client`, `server`, `signaling/<folder>` or a top-level signaling file. */
export function unitOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'signaling') return parts[0]!;
  return parts.length > 2 ? `signaling/${parts[1]}` : path;
}

export function floorOf(unit: string): number | undefined {
  const floor = SIGNALING_FLOORS.findIndex((units) => units.includes(unit));
  return floor < 0 ? undefined : floor;
}

/** Why an import from `from` to `to` runs against the layering, or null when it is allowed. Pure. */
export function layeringViolation(from: string, to: string): string | null {
  const a = unitOf(from);
  const b = unitOf(to);
  if (a === 'client' && b === 'client') return clientViolation(from, to);
  if (a === b) return null;
  if (a === 'client') return CLIENT_MAY_IMPORT.includes(b) ? null : `the client imports only ${CLIENT_MAY_IMPORT.join(', ')}`;
  if (b === 'client') return 'nothing imports the client';
  if (a === 'server') return 'the media plane imports only itself';
  if (a === 'signaling/protocol') return 'the protocol is a leaf: it imports only itself';
  if (a === 'signaling/infra') return 'infrastructure imports no feature';
  const fa = floorOf(a);
  const fb = floorOf(b);
  if (fa === undefined) return `${a} has no floor in SIGNALING_FLOORS`;
  if (fb === undefined) return `${b} has no floor in SIGNALING_FLOORS`;
  return fb < fa ? null : `${a} (floor ${fa}) imports ${b} (floor ${fb}), which is not below it`;
}
