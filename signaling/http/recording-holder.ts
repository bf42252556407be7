// A recording lives on the node that recorded it. A request about one that this node does not
// hold is handed, as it came (session, ticket, body, the client's address), to the node that
// does, over the node link (cluster/linked-http.ts); that node decides, audits and answers, and
// the answer streams back. Nodes on shared storage hold every recording and hand nothing over.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LinkedRequest, LinkedResponse } from '../cluster/linked-http.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { SightlineError } from '../errors.ts';
import { MANIFEST_FILE } from '../recording/manifest.ts';
import type { RecordingIndex } from '../recording/recording-index.ts';
import { RecordingPaths } from '../recording/recording-paths.ts';

export interface RecordingHolderDeps {
  cluster: Pick<Cluster, 'forwardHttp' | 'isLivePeer'>;
  recordingIndex: Pick<RecordingIndex, 'get' | 'held' | 'holds'>;
  recordingPaths: RecordingPaths;
}

/** Marks a request handed over by another node: it is answered where it arrives, never handed on. */
export const LINKED_HEADER = 'x-sightline-linked';
const FORWARDED_HEADERS = ['authorization', 'x-play-ticket', 'content-type', 'accept', 'user-agent'];
const RETURNED_HEADERS = ['content-type', 'content-disposition', 'content-length', 'cache-control'];

/** A preHandler for routes about one incident's recording: hands the request over when another node holds it. */
export function answerWhereHeld(deps: RecordingHolderDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (request.headers[LINKED_HEADER]) return undefined;
    const { incidentId } = request.params as { incidentId?: string };
    if (!incidentId || !RecordingPaths.isIncidentId(incidentId)) return undefined;
    if (existsSync(join(deps.recordingPaths.incidentDir(incidentId), MANIFEST_FILE))) return undefined;
    const entry = await deps.recordingIndex.get(incidentId);
    if (!entry) return undefined; // held nowhere: answered here (RECORDING_NOT_FOUND)
    if (!(await deps.cluster.isLivePeer(entry.nodeId))) throw new SightlineError('RECORDING_UNAVAILABLE');
    const headers: Record<string, string> = { [LINKED_HEADER]: '1' };
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await deps.cluster
      .forwardHttp(entry.nodeId, { method: request.method, url: request.url, headers, body: request.body === undefined ? null : JSON.stringify(request.body), remoteAddress: request.ip })
      .catch((error: Error) => {
        throw new SightlineError('RECORDING_UNAVAILABLE', `The node holding this recording did not answer: ${error.message}`);
      });
    reply.code(response.status);
    for (const name of RETURNED_HEADERS) if (response.headers[name] !== undefined) reply.header(name, response.headers[name]);
    return reply.send(response.body);
  };
}

/** How a node answers requests handed to it: its own app, without a socket. */
export function answerLinked(app: FastifyInstance) {
  return async (request: LinkedRequest): Promise<LinkedResponse> => {
    const response = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      ...(request.body !== null ? { payload: request.body } : {}),
      remoteAddress: request.remoteAddress,
      payloadAsStream: true,
    });
    const headers: Record<string, string> = {};
    for (const name of RETURNED_HEADERS) if (response.headers[name] !== undefined) headers[name] = String(response.headers[name]);
    return { status: response.statusCode, headers, body: response.stream() as Readable };
  };
}
