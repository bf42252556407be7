// Every action the audit trail records, with the label a person reads. The server can only write
// an action named here (the type), and the audit page's Action filter offers all of them. Two
// families are named by pattern: a refused signalling request is recorded under its message type,
// and a refused HTTP request as `http <METHOD> <route>`.
import type { ClientMessageType } from './messages.ts';

export const AUDIT_ACTIONS = {
  login: 'Sign-in',
  'mfa.enrol': 'Authenticator enrolled',
  'mfa.verify': 'Second factor checked',
  'admin.mfa.reset': 'Authenticator reset by an admin',
  logout: 'Sign-out',
  'session.expire': 'Session timed out',
  'signalling.auth': 'Signalling sign-in',
  'signalling.session-end': 'Signalling session ended',
  'signalling.message': 'Signalling message refused',
  'signalling.close': 'Signalling connection closed',
  'incident.start': 'Incident started',
  'incident.end': 'Incident ended',
  'incident.media-recovered': 'Camera media recovered',
  'help.request': 'Help requested',
  'help.withdraw': 'Help withdrawn',
  'help.accept': 'Help accepted',
  'help.answered': 'Help answered',
  'grant.create': 'Access granted',
  'grant.extend': 'Access changed',
  'grant.revoke': 'Access revoked',
  'grant.expire': 'Access expired',
  'grant.link': 'Access link opened',
  join: 'Clinician joined',
  prepare: 'Join prepared',
  watch: 'Supervisor watched',
  leave: 'Left',
  resume: 'Reconnected',
  'seat.takeover': 'Moved to another device',
  'access.withdrawn': 'Access withdrawn',
  'talk.start': 'Started talking',
  'talk.stop': 'Stopped talking',
  'whip.publish': 'Camera device streamed',
  'whip.end': 'Camera device stopped',
  'whip.patch': 'Camera device network change',
  'whep.patch': 'Player network change',
  'whep.end': 'Player closed',
  'agreement.create': 'Sharing agreed',
  'agreement.revoke': 'Sharing withdrawn',
  'incident.share': 'Incident shared',
  'incident.unshare': 'Incident sharing withdrawn',
  'recording.start': 'Recording started',
  'recording.segment': 'Recording segment sealed',
  'recording.sealed': 'Recording sealed',
  'recording.failed': 'Recording failed',
  'recording.muxer-restarted': 'Recording restarted',
  'recording.resumed': 'Recording resumed after a stall',
  'recording.list': 'Recordings listed',
  'recording.play': 'Recording played',
  'recording.export': 'Recording exported',
  'recording.hold': 'Recording put on legal hold',
  'recording.hold-release': 'Legal hold released',
  'recording.hold-list': 'Legal holds listed',
  'recording.purge': 'Recording deleted at the end of retention',
  'agency.recording-on': 'Recording switched on',
  'agency.recording-off': 'Recording switched off',
  'admin.user.create': 'User created',
  'admin.user.list': 'Users listed',
  'admin.agency.create': 'Agency created',
  'admin.device.create': 'Camera device registered',
  'admin.player.create': 'Player device registered',
  'audit.view': 'Audit viewed',
  'audit.export': 'Audit downloaded',
  'audit.access-report': 'Access report viewed',
  'audit.purge': 'Audit entries purged',
} as const;

export type NamedAuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditAction = NamedAuditAction | ClientMessageType | `http ${string}`;

const isNamed = (value: string): value is NamedAuditAction => Object.hasOwn(AUDIT_ACTIONS, value);

/** The label a person reads for an action; one this build does not know (an older entry) shows as written. */
export function auditActionLabel(action: string): string {
  if (isNamed(action)) return AUDIT_ACTIONS[action];
  if (action.startsWith('http ')) return `Web request ${action.slice(5)}`;
  return `Signalling request “${action}”`;
}
