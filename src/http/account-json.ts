// The JSON form of an account (tenant) profile, with the predefined amounts the portal offers.
import type { Account } from '../../rating/funds/accounts';
import type { PaymentMethod } from '../../rating/funds/payment-methods';
import type { Micros } from '../../rating/money';
import { amountFields, amountSchemas } from './money-json';

export const AMOUNT_OPTION_SCHEMA = {
  type: 'object', required: ['amount', 'amount_micros'], properties: amountSchemas('amount', 'Predefined amount'),
} as const;

export const ACCOUNT_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'currency', 'language', 'status', 'max_concurrent_calls', 'topup_amounts', 'recharge_thresholds', 'card'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    currency: { type: 'string' },
    language: { type: 'string', enum: ['fr', 'en'] },
    status: { type: 'string', enum: ['active', 'suspended'] },
    max_concurrent_calls: { type: 'integer' },
    topup_amounts: { type: 'array', items: AMOUNT_OPTION_SCHEMA, description: 'The amounts that may be added' },
    recharge_thresholds: { type: 'array', items: AMOUNT_OPTION_SCHEMA, description: 'The auto-recharge thresholds offered' },
    card: {
      type: 'object', nullable: true, required: ['brand', 'last4'],
      properties: { brand: { type: 'string' }, last4: { type: 'string' } },
      description: 'The card on file (never its number or token)',
    },
    payments: {
      type: 'object', required: ['configured', 'simulated'],
      properties: { configured: { type: 'boolean' }, simulated: { type: 'boolean' } },
      description: 'configured false: no card processor (SOLDE_CARD_PROCESSOR unset), top-ups are refused; simulated: test cards only',
    },
  },
} as const;

export interface AmountOptions {
  readonly topupAmountsMicros: readonly Micros[];
  readonly rechargeThresholdsMicros: readonly Micros[];
}

export function accountJson(account: Account, card: PaymentMethod | undefined, options: AmountOptions, processor?: { configured: boolean; simulated: boolean }) {
  return {
    id: account.id,
    name: account.name,
    currency: account.currency,
    language: account.language,
    status: account.status,
    max_concurrent_calls: account.maxConcurrentCalls,
    topup_amounts: options.topupAmountsMicros.map((micros) => amountFields('amount', micros)),
    recharge_thresholds: options.rechargeThresholdsMicros.map((micros) => amountFields('amount', micros)),
    card: card ? { brand: card.brand, last4: card.last4 } : null,
    ...(processor ? { payments: { configured: processor.configured, simulated: processor.simulated } } : {}),
  };
}
