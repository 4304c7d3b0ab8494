// What every part of the account page shares: its state (one object, filled from the API), the element
// lookup and the small helpers that show values and errors.
import { ApiError } from './api.js';
import { errorText, LANGUAGES } from './i18n.js';
import { formatMicros } from './format.js';

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

export function showError(element, error) {
  const code = error instanceof ApiError ? error.code : 'OTHER';
  element.textContent = errorText(state.language, code);
  element.dataset.code = code;
  show(element, true);
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

export function notice(text) {
  $('notice').textContent = text;
  show($('notice'), true);
}
