// Who is playing over WHEP: a player device an admin registered to a clinician, by its credential
// `<playerId>:<key>`. A viewing token is not accepted here: a grant link is redeemed only in the
// browser, by the clinician it names, signed in. A refusal is audited with its code and thrown.
import { refuseAdmission, type AdmissionContext } from '../../admission/admit-viewer.ts';
import { SightlineError } from '../../errors.ts';
import type { Directory, User } from '../../identity/directory.ts';
import { DUMMY_HASH, verifySecret } from '../../identity/passwords.ts';
import { DEVICE_CREDENTIAL } from '../ingest/whip-auth.ts';
import type { Auditor } from '../../audit/auditor.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface WhepAuthDeps {
  audit: Auditor;
  directory: Directory;
}

export async function whepPlayer(deps: WhepAuthDeps, token: string | null, incidentId: string, context: AdmissionContext): Promise<{ deviceId: string; clinician: User }> {
  const refuse = (code: 'NOT_AUTHENTICATED' | 'DEVICE_LOGIN_FAILED') => refuseAdmission(deps.audit, 'join', context, new SightlineError(code), { actor: null, incidentId });
  if (!token) return refuse('NOT_AUTHENTICATED');
  const credential = DEVICE_CREDENTIAL.exec(token);
  if (!credential) return refuse('DEVICE_LOGIN_FAILED');
  const [, deviceId, key] = credential as unknown as [string, string, string];
  const record = await deps.directory.player(deviceId);
  const matches = await verifySecret(key, record?.keyHash ?? DUMMY_HASH);
  const clinician = record && matches ? await deps.directory.userById(record.clinicianId) : undefined;
  if (!clinician || clinician.role !== 'clinician') return refuse('DEVICE_LOGIN_FAILED');
  return { deviceId, clinician };
}
