// The funds engine's public surface. See README.md in this folder.
export { FundsService, type FundsOptions } from './service';
export { getAccount, type Account, type AutoRecharge, type NewAccount, type AutoRechargeSettings } from './accounts';
export type { BalanceView, CallDetails } from './call-funds';
export type { LedgerEntry, LedgerPage, EntryKind } from './ledger';
export type { TopUpRequest, TopUpResult } from './topups';
export type { ReverseRequest } from './reversal';
export type { PaymentProvider, ChargeRequest, ChargeResult, ChargeOutcome } from './payments';
export type { PaymentMethod, NewPaymentMethod } from './payment-methods';
export type { Difference } from './reconcile';
export { CardProcessorSimulator, SIMULATOR_CARDS } from './payment-simulator';
export { createFundsRedis } from './redis-client';
