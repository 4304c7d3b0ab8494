// A rate as JSON: amounts as exact decimal strings plus their micros as strings (docs/DECISIONS.md), with the
// same field names as the HTTP API so that a script can read either.
import type { Tariff } from '../contracts';
import { toDecimalString, type Micros } from '../money';

export function amountJson<K extends string>(name: K, amount: Micros): Record<K | `${K}_micros`, string> {
  return { [name]: toDecimalString(amount), [`${name}_micros`]: amount.toString() } as Record<K | `${K}_micros`, string>;
}

export function tariffJson(tariff: Tariff) {
  return {
    prefix: tariff.prefix,
    country: tariff.country,
    destination: tariff.destination,
    ...amountJson('per_minute', tariff.perMinuteMicros),
    ...amountJson('connect_fee', tariff.connectFeeMicros),
    initial_increment_seconds: tariff.initialIncrementSeconds,
    subsequent_increment_seconds: tariff.subsequentIncrementSeconds,
    ...amountJson('minimum_charge', tariff.minimumChargeMicros),
  };
}
