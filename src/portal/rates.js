// International rates: the countries of the deck, the rates of one country, the price of one number.
import { api } from './api.js';
import { t } from './i18n.js';
import { countryName, formatRate } from './format.js';
import { $, cellNum, fillSelect, show, showError, state } from './page.js';

export function renderCountries() {
  const select = $('rates-country');
  const selected = select.value;
  const options = state.countries
    .map((iso) => ({ value: iso, text: countryName(iso, state.language) }))
    .sort((a, b) => a.text.localeCompare(b.text, state.language));
  fillSelect(select, [{ value: '', text: t(state.language, 'rates.pick') }, ...options], selected);
}

export function renderCountryRates() {
  const table = $('rates-table');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  if (!state.countryRates) return show(table, false);
  for (const rate of state.countryRates.rates) {
    const row = body.insertRow();
    row.insertCell().textContent = rate.destination;
    row.insertCell().textContent = t(state.language, `kind.${rate.kind}`);
    row.insertCell().textContent = `+${rate.prefix}`;
    cellNum(row, formatRate(rate.per_minute_micros, state.countryRates.currency, state.language));
    cellNum(row, formatRate(rate.connect_fee_micros, state.countryRates.currency, state.language));
    row.insertCell().textContent = `${rate.initial_increment_seconds}/${rate.subsequent_increment_seconds}`;
  }
  show(table, state.countryRates.rates.length > 0);
}

export function renderNumberRate() {
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
      number, destination: rated.rate.destination, price: formatRate(rated.rate.per_minute_micros, rated.currency, state.language),
    });
  }
  result.textContent = text;
  show(result, true);
}

export async function pickCountry() {
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

export async function checkNumber(event) {
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
