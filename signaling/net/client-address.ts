// The client's address as the audit, rate limits and lockouts see it. Behind a load balancer
// the socket peer is the balancer; its X-Forwarded-For is honoured only when the peer is one of
// the trusted proxies (TRUST_PROXY), through the same proxy-addr rules fastify applies to HTTP.
import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

/** Compiles TRUST_PROXY (addresses, CIDRs, or proxy-addr's names); throws on an invalid entry. */
export function compileTrustProxy(entries: readonly string[] | undefined): TrustProxy {
  return entries && entries.length > 0 ? proxyaddr.compile([...entries]) : () => false;
}

/** The first address, from the client's side, that is not a trusted proxy. */
export function clientAddress(request: IncomingMessage, trust: TrustProxy): string | null {
  if (!request.socket.remoteAddress) return null;
  return proxyaddr(request, trust);
}
