// The role as a zod schema, for the server's records and the HTTP schemas (roles.ts stays free of zod).
import { z } from 'zod';
import { AGENCY_ROLES, ROLES } from './roles.ts';

export const roleSchema = z.enum(ROLES);
export const agencyRoleSchema = z.enum(AGENCY_ROLES);
