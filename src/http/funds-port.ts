// What the HTTP API uses of the funds engine (rating/funds/FundsService): the account methods. Named as a
// Pick so that tests and src/main.ts pass the FundsService itself.
import type { FundsService } from '../../rating/funds';

export type FundsPort = Pick<FundsService,
  'balance' | 'getAccount' | 'createAccount' | 'topUp' | 'setAutoRecharge' | 'ledger' | 'reverse' | 'addPaymentMethod'
  | 'processor' | 'topUpStatus' | 'startCardChange' | 'startAuthentication' | 'finishCheckout'>;
