// Who is playing over WHEP: a player device an admin registered to a clinician, by its credential
// `<playerId>:<key>`. A viewing token is not accepted here: a grant link is redeemed only in the
// browser, by the clinician it names, signed in. A refusal is audited with its code and thrown.
import { refuseAdmission, type AdmissionContext } from '../../admission/admit-viewer.ts';
import { SightlineError } from '../../errors.ts';
import type { User } from '../../identity/directory.ts';
import { DUMMY_HASH, verifySecret } from '../../identity/passwords.ts';
import type { Services } from '../../services.ts';
import { DEVICE_CREDENTIAL } from '../ingest/whip-auth.ts';

export async function whepPlayer(services: Services, token: string | null, incidentId: string, context: AdmissionContext): Promise<{ deviceId: string; clinician: User }> {
  const refuse = (code: 'NOT_AUTHENTICATED' | 'DEVICE_LOGIN_FAILED') => refuseAdmission(services.audit, 'join', context, new SightlineError(code), { actor: null, incidentId });
  if (!token) return refuse('NOT_AUTHENTICATED');
  const credential = DEVICE_CREDENTIAL.exec(token);
  if (!credential) return refuse('DEVICE_LOGIN_FAILED');
  const [, deviceId, key] = credential as unknown as [string, string, string];
  const record = await services.directory.player(deviceId);
  const matches = await verifySecret(key, record?.keyHash ?? DUMMY_HASH);
  const clinician = record && matches ? await services.directory.userById(record.clinicianId) : undefined;
  if (!clinician || clinician.role !== 'clinician') return refuse('DEVICE_LOGIN_FAILED');
  return { deviceId, clinician };
}
