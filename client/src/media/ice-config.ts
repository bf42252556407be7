// ICE settings for the page's transports: the relay's TURN servers, and the transport policy.
// `#...&relay=1` in the page URL forces TURN (iceTransportPolicy 'relay'): for testing a
// deployment's TURN path, or for networks where only the TURN server is reachable.
import type { IceServerInfo } from '../../../signaling/protocol/messages.ts';
import type { IceOptions } from './media-device.ts';

export const relayOnly = (): boolean => new URLSearchParams(location.hash.slice(1)).get('relay') === '1';

export function iceOptions(iceServers: IceServerInfo[] | undefined): IceOptions {
  return {
    ...(iceServers?.length ? { iceServers } : {}),
    ...(relayOnly() ? { iceTransportPolicy: 'relay' as const } : {}),
  };
}

/** When the TURN credentials stop working (the earliest "<expiry>:<user>" username), or null. */
export function credentialsExpireAt(iceServers: IceServerInfo[] | undefined): number | null {
  const expiries = (iceServers ?? []).map((s) => /^(\d+):/.exec(s.username)?.[1]).filter((e): e is string => e !== undefined);
  return expiries.length ? Math.min(...expiries.map((e) => Number(e) * 1000)) : null;
}
