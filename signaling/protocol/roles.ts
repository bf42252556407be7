// Who a user is to the relay, spelled out once for the directory, the protocol and the policy.
//   officer         streams incidents from a camera
//   clinician       watches and talks back under a supervisor's grant
//   supervisor      sees the incidents of their agency (and those shared with it), grants access
//   admin           administers the directory of their own agency: its users and cameras
//   platform-admin  runs the relay for every agency: creates agencies, administers any agency's
//                   directory; sees no incident. Every one of its actions is audited with the
//                   agency it touched.
// No zod here: the browser's pages import these, and zod (the admin page's form checks) stays
// out of their first bundle. Its schema is in role-schema.ts.

export const ROLES = ['officer', 'clinician', 'supervisor', 'admin', 'platform-admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that grant access or administer it: they sign in with a second factor (app code or passkey). */
export const SECOND_FACTOR_ROLES: ReadonlySet<Role> = new Set(['supervisor', 'admin', 'platform-admin']);

/** Roles that may open the administration console. */
export const ADMIN_ROLES: readonly Role[] = ['admin', 'platform-admin'];

/**
 * Roles an agency's own identity provider may map its claims to. Platform admins exist only in
 * the relay's own directory: an agency's provider cannot mint one.
 */
export const AGENCY_ROLES = ['officer', 'clinician', 'supervisor', 'admin'] as const satisfies readonly Role[];
