// What the signalling endpoint uses of the node: the composition root (signaling/relay-node.ts)
// passes it to attachSignaling, and every connection and handler reaches only these.
import type { ViewerAdmissionDeps } from '../admission/admit-viewer.ts';
import type { WatcherAdmissionDeps } from '../admission/admit-watcher.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { RefusalSampler } from '../audit/refusal-sampler.ts';
import type { Cluster } from '../cluster/cluster.ts';
import type { ResumeRegistry } from '../cluster/resume-registry.ts';
import type { Config } from '../config.ts';
import type { ConsoleHub } from '../feeds/console-hub.ts';
import type { GrantRepository } from '../grants/grant-repository.ts';
import type { Directory } from '../identity/directory.ts';
import type { SessionStore } from '../identity/sessions.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { LiveIncidents } from '../live/live-incidents.ts';
import type { NodeState } from '../node-state.ts';
import type { Bus } from '../state/bus.ts';
import type { Store } from '../state/store.ts';
import type { TurnSettings } from '../turn/turn-credentials.ts';

export type SignalingDeps = {
    config: Config;
    audit: Auditor;
    /** Refusals anyone can cause in bulk (bad tokens, floods): sampled into the audit. */
    refusals: RefusalSampler;
    sessions: SessionStore;
    directory: Directory;
    grants: GrantRepository;
    incidents: IncidentRepository;
    live: LiveIncidents;
    consoles: ConsoleHub;
    bus: Bus;
    /** Connection counters per address (shared by all nodes). */
    store: Store;
    cluster: Cluster;
    /** Seats of dropped connections that may still be resumed on this node (see seat-resumes.ts). */
    resumes: ResumeRegistry<object>;
    turn: TurnSettings | null;
    nodeState: NodeState;
    source(ip: string | null, userAgent: string | null): AuditSource;
  } & ViewerAdmissionDeps &
  WatcherAdmissionDeps;
