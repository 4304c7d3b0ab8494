// What each role may do. Every API route names one permission; a route with an :accountId is also
// scoped: an account-admin key reaches its own tenant only (checked before any lookup, so a refused key
// learns nothing, not even whether the other account exists).
import type { Role } from './api-keys';

export const PERMISSIONS = [
  'account:read', // account profile (name, currency, language, predefined amounts)
  'funds:read', // balance, auto-recharge settings, transaction history, call records
  'funds:write', // add funds, change auto-recharge
  'funds:reverse', // reverse a top-up (support)
  'cards:write', // put a card on file (processor token only) (account-admin, operator)
  'tenants:manage', // create and list accounts, issue API keys (operator)
  'tenants:list', // list accounts (support and operator)
  'rates:read', // rates of a country or a number
  'rates:import', // load a rate deck (operator)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  'account-admin': ['account:read', 'funds:read', 'funds:write', 'cards:write', 'rates:read'],
  support: ['account:read', 'funds:read', 'funds:reverse', 'tenants:list', 'rates:read'],
  operator: ['account:read', 'cards:write', 'tenants:manage', 'tenants:list', 'rates:read', 'rates:import'],
};

export function roleMay(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** True when a key of this role and tenant may touch `accountId` at all. */
export function reachesAccount(principal: { role: Role; accountId: string | null }, accountId: string): boolean {
  if (principal.role === 'account-admin') return principal.accountId === accountId;
  return true;
}
