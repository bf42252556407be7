// The seats of dropped signalling connections that may still be resumed. The registry is one per
// node and lives in the services, typed loosely there since the services do not know the
// signalling layer; this is its one typed door, and only signalling connections are put in it.
import type { ResumeRegistry } from '../cluster/resume-registry.ts';
import type { Services } from '../services.ts';
import type { SignalingConnection } from './connection.ts';

export const seatResumes = (services: Pick<Services, 'resumes'>): ResumeRegistry<SignalingConnection> => services.resumes as ResumeRegistry<SignalingConnection>;
