// Auto-recharge: the threshold and the amount (from the account's lists), on or off, and why it stopped.
import { api } from './api.js';
import { stoppedText } from './i18n.js';
import { paymentsOn } from './payments.js';
import { $, accountPath, fillSelect, mayWrite, money, show, showError, state } from './page.js';

export function renderRecharge() {
  const recharge = state.recharge;
  $('recharge-enabled').checked = recharge.enabled;
  const amountOptions = (list) => list.map((o) => ({ value: o.amount_micros, text: money(o.amount_micros, { decimals: 0, maxDecimals: 2 }) }));
  fillSelect($('recharge-threshold'), amountOptions(state.account.recharge_thresholds), recharge.threshold_micros);
  fillSelect($('recharge-amount'), amountOptions(state.account.topup_amounts), recharge.amount_micros);
  const stopped = recharge.stopped_reason;
  $('recharge-stopped').textContent = stopped ? stoppedText(state.language, stopped) : '';
  show($('recharge-stopped'), Boolean(stopped));
  for (const element of $('recharge-form').elements) element.disabled = !mayWrite() || !paymentsOn(state.account);
}

export async function saveRecharge(event) {
  event.preventDefault();
  show($('recharge-error'), false);
  show($('recharge-saved'), false);
  try {
    state.recharge = await api('PUT', accountPath('/auto-recharge'), {
      enabled: $('recharge-enabled').checked,
      threshold_micros: $('recharge-threshold').value,
      amount_micros: $('recharge-amount').value,
    });
    renderRecharge();
    show($('recharge-saved'), true);
  } catch (error) {
    showError($('recharge-error'), error);
  }
}
