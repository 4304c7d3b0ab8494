// The account page: sign in with a key, then Balance (add funds), Auto-recharge, International rates and
// History, all through the JSON API. Every failure is shown as a sentence (i18n.js), never as a code.
import { api, ApiError, onKeyRefused, saveKey, savedKey } from './api.js';
import { errorText, LANGUAGES, stoppedText, t, translatePage } from './i18n.js';
import { countryName, formatDate, formatDuration, formatMicros, formatRate } from './format.js';
import { localDestination } from './destination.js';
import { isTransient, resay, say } from './messages.js';
import { labelCells } from './layout.js';
import { brandName, changeCard, finishAuthentication, finishReturn, needsAuthentication, paymentsOn, renderPayments } from './payments.js';

const LANGUAGE_STORAGE = 'solde.language';
const HISTORY_PAGE = 20;

const state = {
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

const $ = (id) => document.getElementById(id);

function initialLanguage() {
  const saved = localStorage.getItem(LANGUAGE_STORAGE);
  if (LANGUAGES.includes(saved)) return saved;
  return navigator.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function show(element, visible) {
  element.hidden = !visible;
}

/** An error in words, in the current language (and in the next one, should the user switch). */
function showError(element, error) {
  const code = error instanceof ApiError ? error.code : 'OTHER';
  element.dataset.code = code;
  say(element, () => errorText(state.language, code));
}

function money(microsText, options) {
  return formatMicros(microsText, state.account?.currency ?? 'EUR', state.language, options);
}

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

function accountPath(suffix) {
  return `/accounts/${encodeURIComponent(state.account.id)}${suffix}`;
}

function mayWrite() {
  return state.me?.role === 'account-admin';
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

function renderBalance() {
  $('available').textContent = money(state.balance.available_micros);
  $('balance-amount').textContent = money(state.balance.balance_micros);
  $('held').textContent = money(state.balance.held_micros);
  $('available').classList.toggle('low', BigInt(state.balance.available_micros) <= 0n);
  renderPayments({ account: state.account, mayWrite: mayWrite(), $, show, text: (key, values) => t(state.language, key, values) });
}

function renderTopupChoices() {
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

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(({ value, text }) => {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = text;
    option.selected = value === selected;
    return option;
  }));
}

function renderRecharge() {
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

function renderCountries() {
  const select = $('rates-country');
  const selected = select.value;
  const options = state.countries
    .map((iso) => ({ value: iso, text: countryName(iso, state.language) }))
    .sort((a, b) => a.text.localeCompare(b.text, state.language));
  fillSelect(select, [{ value: '', text: t(state.language, 'rates.pick') }, ...options], selected);
}

function renderCountryRates() {
  const table = $('rates-table');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  if (!state.countryRates) return show(table, false);
  for (const rate of state.countryRates.rates) {
    const row = body.insertRow();
    row.insertCell().textContent = localDestination(rate.destination, state.language, { country: rate.country });
    row.insertCell().textContent = t(state.language, `kind.${rate.kind}`);
    row.insertCell().textContent = `+${rate.prefix}`;
    cellNum(row, formatRate(rate.per_minute_micros, state.countryRates.currency, state.language));
    cellNum(row, formatRate(rate.connect_fee_micros, state.countryRates.currency, state.language));
    row.insertCell().textContent = `${rate.initial_increment_seconds}/${rate.subsequent_increment_seconds}`;
  }
  labelCells(table);
  show(table, state.countryRates.rates.length > 0);
}

function cellNum(row, text) {
  const cell = row.insertCell();
  cell.className = 'num';
  cell.textContent = text;
}

function renderNumberRate() {
  const result = $('number-result');
  const rated = state.numberRate;
  if (!rated) return show(result, false);
  const number = rated.e164 ?? rated.number;
  const messages = { EMERGENCY: 'rates.emergency', TOLL_FREE: 'rates.tollFree', INCLUDED: 'rates.free', INVALID: 'rates.invalid' };
  let text;
  if (messages[rated.class]) text = t(state.language, messages[rated.class], { number });
  else if (!rated.rate) text = t(state.language, 'rates.unpriced', { number });
  else {
    text = t(state.language, 'rates.priced', {
      number,
      destination: localDestination(rated.rate.destination, state.language, { country: rated.rate.country }),
      price: formatRate(rated.rate.per_minute_micros, rated.currency, state.language),
    });
  }
  result.textContent = text;
  show(result, true);
}

function historyDetail(entry) {
  if (entry.call) {
    return t(state.language, 'history.call', {
      destination: localDestination(entry.call.destination, state.language, { countries: state.countries }) ?? entry.call.number ?? '—',
      duration: entry.call.duration_seconds === null ? '…' : formatDuration(entry.call.duration_seconds),
    });
  }
  if (entry.kind === 'reversal') return t(state.language, 'history.reversedBy', { reason: entry.reason ?? '' });
  return '';
}

function renderHistory() {
  const body = $('history-table').querySelector('tbody');
  body.replaceChildren();
  for (const entry of state.history.entries) {
    const row = body.insertRow();
    row.dataset.entryId = entry.id;
    row.insertCell().textContent = formatDate(entry.created_at, state.language);
    row.insertCell().textContent = t(state.language, `entry.${entry.kind}`);
    row.insertCell().textContent = historyDetail(entry);
    const amount = row.insertCell();
    amount.className = `num ${BigInt(entry.amount_micros) < 0n ? 'debit' : 'credit'}`;
    amount.textContent = (BigInt(entry.amount_micros) > 0n ? '+' : '') + money(entry.amount_micros, { decimals: 2, maxDecimals: 4, up: true });
    cellNum(row, money(entry.balance_after_micros));
    renderEntryAction(row.insertCell(), entry);
  }
  labelCells($('history-table'));
  show($('history-table'), state.history.entries.length > 0);
  show($('history-empty'), state.history.entries.length === 0);
  show($('history-more'), state.history.nextCursor !== null);
}

function renderEntryAction(cell, entry) {
  cell.className = 'actions-col';
  if (entry.reversed) {
    cell.textContent = t(state.language, 'history.reversed');
    cell.classList.add('muted');
    return;
  }
  const reversible = entry.kind === 'topup' || entry.kind === 'auto_recharge';
  if (state.me?.role !== 'support' || !reversible) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary small-button';
  button.textContent = t(state.language, 'history.reverse');
  button.addEventListener('click', () => openReversal(cell, entry));
  cell.append(button);
}

/** Support: the reason is asked inline, beside the entry; one request id per opened form. */
function openReversal(cell, entry) {
  const requestId = crypto.randomUUID();
  const form = document.createElement('form');
  form.className = 'reverse-form';
  const input = document.createElement('input');
  input.required = true;
  input.minLength = 3;
  input.maxLength = 500;
  input.placeholder = t(state.language, 'history.reason');
  input.setAttribute('aria-label', t(state.language, 'history.reason'));
  const confirm = document.createElement('button');
  confirm.type = 'submit';
  confirm.className = 'primary small-button';
  confirm.textContent = t(state.language, 'history.confirmReverse');
  form.append(input, confirm);
  cell.replaceChildren(form);
  input.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show($('history-error'), false);
    confirm.disabled = true;
    try {
      await api('POST', accountPath(`/transactions/${encodeURIComponent(entry.id)}/reversal`), { reason: input.value.trim(), request_id: requestId });
      notice(() => t(state.language, 'history.reverseDone', { amount: money(entry.amount_micros) }));
      await Promise.all([refreshBalance(), loadHistory(true)]);
      renderHistory();
    } catch (error) {
      showError($('history-error'), error);
      confirm.disabled = false;
    }
  });
}

// ---- actions --------------------------------------------------------------------------------------

async function refreshBalance() {
  state.balance = await api('GET', accountPath('/balance'));
  renderBalance();
}

async function loadHistory(fromStart) {
  const cursor = fromStart ? null : state.history.nextCursor;
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  if (cursor) query.set('cursor', cursor);
  const page = await api('GET', accountPath(`/transactions?${query}`));
  state.history = { entries: fromStart ? page.entries : [...state.history.entries, ...page.entries], nextCursor: page.next_cursor };
}

function openTopup() {
  // One request id per attempt to add funds: a retry after a network error reuses it, so the card can
  // never be charged twice for one click.
  state.topupRequestId = crypto.randomUUID();
  show($('topup-error'), false);
  show($('topup-auth'), false);
  show($('topup-form'), true);
  $('topup-amounts').querySelector('input')?.focus();
}

async function confirmTopup(event) {
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

async function saveRecharge(event) {
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

async function pickCountry() {
  const iso = $('rates-country').value;
  show($('rates-error'), false);
  state.countryRates = null;
  if (iso) {
    try {
      state.countryRates = await api('GET', `/rates/countries/${encodeURIComponent(iso)}`);
    } catch (error) {
      showError($('rates-error'), error);
    }
  }
  renderCountryRates();
}

async function checkNumber(event) {
  event.preventDefault();
  const number = $('rates-number').value.trim();
  show($('rates-error'), false);
  state.numberRate = null;
  if (number) {
    try {
      state.numberRate = await api('GET', `/rates/number?${new URLSearchParams({ number })}`);
    } catch (error) {
      showError($('rates-error'), error);
    }
  }
  renderNumberRate();
}

async function moreHistory() {
  try {
    await loadHistory(false);
    renderHistory();
  } catch (error) {
    showError($('history-error'), error);
  }
}

/** `render` says it in the current language, so that the notice follows a change of language. */
function notice(render) {
  say($('notice'), render);
}

// ---- start ----------------------------------------------------------------------------------------

function start() {
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
