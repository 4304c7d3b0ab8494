// The portal's card payments: whether a card processor is configured (no processor: no top-up buttons,
// and a sentence saying why), the card on file and "Change card" (a processor-hosted page), finishing a
// top-up the bank wants confirmed (hosted page too), and the return from those pages (?checkout=<id>).
import { api, ApiError } from './api.js';

/** False only when the server has no card processor (SOLDE_CARD_PROCESSOR unset). */
export function paymentsOn(account) {
  return account?.payments?.configured !== false;
}

/** view: { account, mayWrite, $, show, text(key, values) } */
export function renderPayments(view) {
  const { account, $, show, text } = view;
  const on = paymentsOn(account);
  show($('payments-off'), !on);
  show($('payments-simulated'), Boolean(account.payments?.simulated));
  show($('open-topup'), view.mayWrite && on);
  show($('change-card'), view.mayWrite && on);
  const card = account.card;
  $('card-summary').textContent = card ? text('card.summary', { brand: brandName(card.brand), last4: card.last4 }) : text('card.none');
  if (!on) show($('topup-form'), false);
}

export function brandName(brand) {
  return brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : '';
}

/** Opens the hosted page where the card holder saves a new card. */
export async function changeCard(accountPath) {
  const { url } = await api('POST', accountPath('/card/checkout'));
  location.assign(url);
}

/** Opens the hosted page where the card holder confirms a top-up the bank held back. */
export async function finishAuthentication(accountPath, requestId) {
  const { url } = await api('POST', accountPath(`/topups/${encodeURIComponent(requestId)}/authentication`));
  location.assign(url);
}

export function needsAuthentication(error) {
  return error instanceof ApiError && error.code === 'PAYMENT_NEEDS_AUTHENTICATION';
}

/**
 * Back from a hosted page: finishes its checkout (the card goes on file, or the top-up is credited) and
 * returns what `text` makes of the sentence to show (a string, or a render function), or null when the
 * page was not opened from a checkout.
 */
export async function finishReturn(accountPath, text) {
  const params = new URLSearchParams(location.search);
  const session = params.get('checkout');
  if (!session) return null;
  params.delete('checkout');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
  if (!/^[A-Za-z0-9_]{1,200}$/.test(session) || session === 'cancelled') return text('card.cancelled');
  const done = await api('POST', accountPath(`/checkout/${encodeURIComponent(session)}`));
  if (done.kind === 'setup') return text('card.changed', { brand: brandName(done.card.brand), last4: done.card.last4 });
  if (done.kind === 'payment') return text('topup.authDone');
  return text('card.cancelled');
}
