// History: the account's entries page by page, and (support staff) the reversal of a top-up with a reason.
import { api } from './api.js';
import { t } from './i18n.js';
import { formatDate, formatDuration } from './format.js';
import { $, accountPath, cellNum, HISTORY_PAGE, money, notice, show, showError, state } from './page.js';

/** What the page refreshes once a reversal is done (the balance); set by portal.js. */
let afterReversal = async () => {};

export function onReversal(refresh) {
  afterReversal = refresh;
}

function historyDetail(entry) {
  if (entry.call) {
    return t(state.language, 'history.call', {
      destination: entry.call.destination ?? entry.call.number ?? '—',
      duration: entry.call.duration_seconds === null ? '…' : formatDuration(entry.call.duration_seconds),
    });
  }
  if (entry.kind === 'reversal') return t(state.language, 'history.reversedBy', { reason: entry.reason ?? '' });
  return '';
}

export function renderHistory() {
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
      notice(t(state.language, 'history.reverseDone', { amount: money(entry.amount_micros) }));
      await Promise.all([afterReversal(), loadHistory(true)]);
      renderHistory();
    } catch (error) {
      showError($('history-error'), error);
      confirm.disabled = false;
    }
  });
}

export async function loadHistory(fromStart) {
  const cursor = fromStart ? null : state.history.nextCursor;
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  if (cursor) query.set('cursor', cursor);
  const page = await api('GET', accountPath(`/transactions?${query}`));
  state.history = { entries: fromStart ? page.entries : [...state.history.entries, ...page.entries], nextCursor: page.next_cursor };
}

export async function moreHistory() {
  try {
    await loadHistory(false);
    renderHistory();
  } catch (error) {
    showError($('history-error'), error);
  }
}
