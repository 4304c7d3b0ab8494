// The account page: sign in with a key, then Balance (add funds), Auto-recharge, International rates and
// History, all through the JSON API. Every failure is shown as a sentence (i18n.js), never as a code.
import { api, ApiError, saveKey, savedKey } from './api.js';
import { t, translatePage } from './i18n.js';
import { $, accountPath, fillSelect, HISTORY_PAGE, LANGUAGE_STORAGE, mayWrite, money, notice, show, showError, state } from './page.js';
import { checkNumber, pickCountry, renderCountries, renderCountryRates, renderNumberRate } from './rates.js';
import { loadHistory, moreHistory, onReversal, renderHistory } from './history.js';

// ---- language -------------------------------------------------------------------------------------

function setLanguage(language) {
  state.language = language;
  localStorage.setItem(LANGUAGE_STORAGE, language);
  translatePage(language);
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === language));
  }
  if (state.account) renderAll();
}

// ---- sign in --------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  show($('login-error'), false);
  if (!key) return;
  saveKey(key);
  try {
    await enter();
  } catch (error) {
    saveKey(null);
    showError($('login-error'), error);
  }
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
  $('api-key').value = '';
  show($('login-view'), false);
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
  if (!localStorage.getItem(LANGUAGE_STORAGE)) setLanguage(account.language);
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

function renderBalance() {
  $('available').textContent = money(state.balance.available_micros);
  $('balance-amount').textContent = money(state.balance.balance_micros);
  $('held').textContent = money(state.balance.held_micros);
  $('available').classList.toggle('low', BigInt(state.balance.available_micros) <= 0n);
  show($('open-topup'), mayWrite());
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
  const brand = card ? card.brand.charAt(0).toUpperCase() + card.brand.slice(1) : '';
  $('card-on-file').textContent = card ? t(state.language, 'topup.card', { brand, last4: card.last4 }) : t(state.language, 'topup.noCard');
}

function renderRecharge() {
  const recharge = state.recharge;
  $('recharge-enabled').checked = recharge.enabled;
  const amountOptions = (list) => list.map((o) => ({ value: o.amount_micros, text: money(o.amount_micros, { decimals: 0, maxDecimals: 2 }) }));
  fillSelect($('recharge-threshold'), amountOptions(state.account.recharge_thresholds), recharge.threshold_micros);
  fillSelect($('recharge-amount'), amountOptions(state.account.topup_amounts), recharge.amount_micros);
  const stopped = recharge.stopped_reason;
  $('recharge-stopped').textContent = stopped ? t(state.language, 'settings.stopped', { reason: stopped }) : '';
  show($('recharge-stopped'), Boolean(stopped));
  for (const element of $('recharge-form').elements) element.disabled = !mayWrite();
}

// ---- actions --------------------------------------------------------------------------------------

async function refreshBalance() {
  state.balance = await api('GET', accountPath('/balance'));
  renderBalance();
}

function openTopup() {
  // One request id per attempt to add funds: a retry after a network error reuses it, so the card can
  // never be charged twice for one click.
  state.topupRequestId = crypto.randomUUID();
  show($('topup-error'), false);
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
    notice(t(state.language, 'topup.done', { amount: money(selected.value) }));
    await Promise.all([refreshBalance(), loadHistory(true)]);
    renderHistory();
  } catch (error) {
    showError($('topup-error'), error);
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

// ---- start ----------------------------------------------------------------------------------------

function start() {
  onReversal(refreshBalance);
  setLanguage(state.language);
  for (const button of document.querySelectorAll('[data-lang]')) button.addEventListener('click', () => setLanguage(button.dataset.lang));
  $('login-form').addEventListener('submit', signIn);
  $('logout').addEventListener('click', signOut);
  $('open-topup').addEventListener('click', openTopup);
  $('cancel-topup').addEventListener('click', () => show($('topup-form'), false));
  $('topup-form').addEventListener('submit', confirmTopup);
  $('recharge-form').addEventListener('submit', saveRecharge);
  $('rates-country').addEventListener('change', pickCountry);
  $('number-form').addEventListener('submit', checkNumber);
  $('history-more').addEventListener('click', moreHistory);
  $('tenant-picker').addEventListener('change', () => {
    state.countryRates = null;
    state.numberRate = null;
    show($('notice'), false);
    loadAccount($('tenant-picker').value).catch((error) => showError($('history-error'), error));
  });
  if (savedKey()) {
    enter().catch((error) => {
      saveKey(null);
      showError($('login-error'), error);
    });
  }
}

start();
