// Balance, held and available of an account, as JSON; read from the funds engine (Redis).
import { SoldeError } from '../../core/errors';
import type { FundsPort } from './funds-port';
import { amountFields, amountSchemas } from './money-json';

export const BALANCE_SCHEMA = {
  type: 'object',
  required: ['account_id', 'currency', 'balance', 'balance_micros', 'held', 'held_micros', 'available', 'available_micros'],
  properties: {
    account_id: { type: 'string' },
    currency: { type: 'string' },
    ...amountSchemas('balance', 'Posted balance'),
    ...amountSchemas('held', 'Held by calls in progress'),
    ...amountSchemas('available', 'Balance minus held: what new calls may use'),
  },
} as const;

export async function balanceJson(funds: Pick<FundsPort, 'balance'>, accountId: string, currency: string) {
  const view = await funds.balance(accountId);
  if (view.status === 'not_found') throw new SoldeError('UNKNOWN_ACCOUNT', accountId);
  if (view.status !== 'ok') throw new SoldeError('REDIS_UNAVAILABLE', `balance of ${accountId}: ${view.status}`);
  return {
    account_id: accountId,
    currency,
    ...amountFields('balance', view.balanceMicros),
    ...amountFields('held', view.heldMicros),
    ...amountFields('available', view.availableMicros),
  };
}
