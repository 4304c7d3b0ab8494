// Balance: the three figures, the card on file, and adding funds from one of the account's amounts.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { brandName, needsAuthentication, renderPayments } from './payments.js';
import { loadHistory, renderHistory } from './history.js';
import { $, accountPath, mayWrite, money, notice, show, showError, state } from './page.js';

export function renderBalance() {
  $('available').textContent = money(state.balance.available_micros);
  $('balance-amount').textContent = money(state.balance.balance_micros);
  $('held').textContent = money(state.balance.held_micros);
  $('available').classList.toggle('low', BigInt(state.balance.available_micros) <= 0n);
  renderPayments({ account: state.account, mayWrite: mayWrite(), $, show, text: (key, values) => t(state.language, key, values) });
}

export function renderTopupChoices() {
  const fieldset = $('topup-amounts');
  const checked = fieldset.querySelector('input:checked')?.value;
  fieldset.querySelectorAll('label').forEach((label) => label.remove());
  for (const option of state.account.topup_amounts) {
    const label = document.createElement('label');
    label.className = 'choice';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'topup-amount';
    input.value = option.amount_micros;
    input.checked = option.amount_micros === checked;
    label.append(input, ` ${money(option.amount_micros, { decimals: 0, maxDecimals: 2 })}`);
    fieldset.append(label);
  }
  const card = state.account.card;
  const brand = card ? brandName(card.brand) : '';
  $('card-on-file').textContent = card ? t(state.language, 'topup.card', { brand, last4: card.last4 }) : t(state.language, 'topup.noCard');
}

export async function refreshBalance() {
  state.balance = await api('GET', accountPath('/balance'));
  renderBalance();
}

export function openTopup() {
  // One request id per attempt to add funds: a retry after a network error reuses it, so the card can
  // never be charged twice for one click.
  state.topupRequestId = crypto.randomUUID();
  show($('topup-error'), false);
  show($('topup-auth'), false);
  show($('topup-form'), true);
  $('topup-amounts').querySelector('input')?.focus();
}

export async function confirmTopup(event) {
  event.preventDefault();
  const selected = $('topup-amounts').querySelector('input:checked');
  if (!selected) return showError($('topup-error'), new ApiError('NOT_PREDEFINED_AMOUNT', '', 400));
  $('confirm-topup').disabled = true;
  show($('topup-error'), false);
  try {
    await api('POST', accountPath('/topups'), { amount_micros: selected.value, request_id: state.topupRequestId });
    show($('topup-form'), false);
    state.topupRequestId = null;
    const added = selected.value;
    notice(() => t(state.language, 'topup.done', { amount: money(added) }));
    await Promise.all([refreshBalance(), loadHistory(true)]);
    renderHistory();
  } catch (error) {
    showError($('topup-error'), error);
    show($('topup-auth'), needsAuthentication(error));
  } finally {
    $('confirm-topup').disabled = false;
  }
}
