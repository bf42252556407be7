// The seats of dropped signalling connections that may still be resumed. The registry is one per
// node, made by the composition root and typed loosely there since the root does not know the
// signalling layer; this is its one typed door, and only signalling connections are put in it.
import type { ResumeRegistry } from '../cluster/resume-registry.ts';
import type { SignalingDeps } from './signaling-deps.ts';
import type { SignalingConnection } from './connection.ts';

export const seatResumes = (deps: Pick<SignalingDeps, 'resumes'>): ResumeRegistry<SignalingConnection> => deps.resumes as ResumeRegistry<SignalingConnection>;
