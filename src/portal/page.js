// What every part of the account page shares: its state (one object, filled from the API), the element
// lookup and the small helpers that show values, errors and notices. It imports no other part of the page.
import { ApiError } from './api.js';
import { errorText, LANGUAGES } from './i18n.js';
import { formatMicros } from './format.js';
import { say } from './messages.js';

export const LANGUAGE_STORAGE = 'solde.language';
export const HISTORY_PAGE = 20;

export const state = {
  language: initialLanguage(),
  me: null,
  account: null,
  balance: null,
  recharge: null,
  history: { entries: [], nextCursor: null },
  countryRates: null,
  numberRate: null,
  topupRequestId: null,
  loadSeq: 0,
};

export const $ = (id) => document.getElementById(id);

function initialLanguage() {
  const saved = localStorage.getItem(LANGUAGE_STORAGE);
  if (LANGUAGES.includes(saved)) return saved;
  return navigator.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function show(element, visible) {
  element.hidden = !visible;
}

/** An error in words, in the current language (and in the next one, should the user switch). */
export function showError(element, error) {
  const code = error instanceof ApiError ? error.code : 'OTHER';
  element.dataset.code = code;
  say(element, () => errorText(state.language, code));
}

/** `render` says it in the current language, so that the notice follows a change of language. */
export function notice(render) {
  say($('notice'), render);
}

export function money(microsText, options) {
  return formatMicros(microsText, state.account?.currency ?? 'EUR', state.language, options);
}

export function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(({ value, text }) => {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = text;
    option.selected = value === selected;
    return option;
  }));
}

export function cellNum(row, text) {
  const cell = row.insertCell();
  cell.className = 'num';
  cell.textContent = text;
}

export function accountPath(suffix) {
  return `/accounts/${encodeURIComponent(state.account.id)}${suffix}`;
}

export function mayWrite() {
  return state.me?.role === 'account-admin';
}
