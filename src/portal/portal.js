// The account page: sign in with a key, then Balance (add funds), Auto-recharge, International rates and
// History, all through the JSON API. Every failure is shown as a sentence (i18n.js), never as a code.
// This module is the page's life (language, sign in, loading an account) and its wiring; each section
// is its own module (balance.js, recharge.js, rates.js, history.js) over the shared page.js.
import { api, ApiError, onKeyRefused, saveKey, savedKey } from './api.js';
import { t, translatePage } from './i18n.js';
import { isTransient, resay } from './messages.js';
import { changeCard, finishAuthentication, finishReturn } from './payments.js';
import { $, accountPath, fillSelect, HISTORY_PAGE, LANGUAGE_STORAGE, notice, show, showError, state } from './page.js';
import { confirmTopup, openTopup, refreshBalance, renderBalance, renderTopupChoices } from './balance.js';
import { renderRecharge, saveRecharge } from './recharge.js';
import { checkNumber, pickCountry, renderCountries, renderCountryRates, renderNumberRate } from './rates.js';
import { moreHistory, onReversal, renderHistory } from './history.js';

// ---- language -------------------------------------------------------------------------------------

/** `remember`: the user chose it (kept for next time); otherwise the browser's or the account's default. */
function setLanguage(language, remember = true) {
  state.language = language;
  if (remember) localStorage.setItem(LANGUAGE_STORAGE, language);
  translatePage(language);
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === language));
  }
  if (state.account) renderAll();
  resay();
}

// ---- sign in --------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  show($('login-error'), false);
  if (!key) return;
  saveKey(key);
  await tryEnter();
}

/**
 * Opens the account with the saved key. The key is forgotten only when the server refuses it (401) or
 * it cannot open an account page (403); a network failure, a rate limit or a server error keeps it and
 * offers to try again: a flaky connection never signs anyone out.
 */
async function tryEnter() {
  show($('login-error'), false);
  show($('login-retry'), false);
  try {
    await enter();
  } catch (error) {
    state.me = null;
    if (!isTransient(error)) saveKey(null);
    show($('login-retry'), isTransient(error) && savedKey() !== null);
    showError($('login-error'), error);
  }
}

/** The key stopped working while the page was open (revoked): back to the sign-in form, in words. */
function keyRefused(error) {
  if (!state.me) return; // signing in: tryEnter says it
  saveKey(null);
  state.me = null;
  show($('app-view'), false);
  show($('logout'), false);
  show($('login-view'), true);
  showError($('login-error'), error);
}

function signOut() {
  saveKey(null);
  location.reload();
}

async function enter() {
  state.me = await api('GET', '/me');
  const accountId = state.me.account_id ?? (await pickableAccount());
  if (!accountId) throw new ApiError('FORBIDDEN', 'no account', 403);
  await loadAccount(accountId);
  // Back from a hosted card or payment page: finish it, then show the account as it is now.
  // finishReturn says what happened as a sentence to render, so that it follows a change of language.
  const back = await finishReturn(accountPath, (key, values) => () => t(state.language, key, values)).catch((error) => {
    showError($('card-error'), error);
    return null;
  });
  if (back) {
    notice(back);
    await loadAccount(accountId);
  }
  $('api-key').value = '';
  show($('login-view'), false);
  show($('login-retry'), false);
  show($('app-view'), true);
  show($('logout'), true);
}

async function loadAccount(accountId) {
  // Support may switch tenants faster than the answers come: only the latest load is shown.
  const load = ++state.loadSeq;
  const path = `/accounts/${encodeURIComponent(accountId)}`;
  const [account, balance, recharge, countries, history] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/balance`),
    api('GET', `${path}/auto-recharge`),
    api('GET', '/rates/countries'),
    api('GET', `${path}/transactions?limit=${HISTORY_PAGE}`),
  ]);
  if (load !== state.loadSeq) return;
  Object.assign(state, { account, balance, recharge, countries: countries.countries });
  state.history = { entries: history.entries, nextCursor: history.next_cursor };
  if (!localStorage.getItem(LANGUAGE_STORAGE)) setLanguage(account.language, false);
  renderAll();
}

/** Support staff see every tenant: a picker in the top bar lists them; ?account= preselects one. */
async function pickableAccount() {
  if (state.me.role !== 'support') return null;
  const { accounts } = await api('GET', '/accounts?limit=100');
  const picker = $('tenant-picker');
  fillSelect(picker, accounts.map((a) => ({ value: a.id, text: `${a.name} (${a.id})` })), new URLSearchParams(location.search).get('account'));
  show(picker, accounts.length > 0);
  return picker.value || null;
}

// ---- rendering ------------------------------------------------------------------------------------

function renderAll() {
  $('account-name').textContent = state.account.name;
  show($('account-name'), $('tenant-picker').hidden);
  renderBalance();
  renderTopupChoices();
  renderRecharge();
  renderCountries();
  renderCountryRates();
  renderNumberRate();
  renderHistory();
}

// ---- start ----------------------------------------------------------------------------------------

function start() {
  onReversal(refreshBalance);
  setLanguage(state.language, false);
  for (const button of document.querySelectorAll('[data-lang]')) button.addEventListener('click', () => setLanguage(button.dataset.lang));
  $('login-form').addEventListener('submit', signIn);
  $('logout').addEventListener('click', signOut);
  $('open-topup').addEventListener('click', openTopup);
  $('cancel-topup').addEventListener('click', () => show($('topup-form'), false));
  $('topup-form').addEventListener('submit', confirmTopup);
  $('recharge-form').addEventListener('submit', saveRecharge);
  $('change-card').addEventListener('click', () => changeCard(accountPath).catch((error) => showError($('card-error'), error)));
  $('finish-auth').addEventListener('click', () => finishAuthentication(accountPath, state.topupRequestId).catch((error) => showError($('topup-error'), error)));
  $('rates-country').addEventListener('change', pickCountry);
  $('number-form').addEventListener('submit', checkNumber);
  $('history-more').addEventListener('click', moreHistory);
  $('tenant-picker').addEventListener('change', () => {
    state.countryRates = null;
    state.numberRate = null;
    show($('notice'), false);
    loadAccount($('tenant-picker').value).catch((error) => showError($('history-error'), error));
  });
  $('login-retry').addEventListener('click', tryEnter);
  onKeyRefused(keyRefused);
  if (savedKey()) tryEnter();
}

start();
