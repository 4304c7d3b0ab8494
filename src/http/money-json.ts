// Amounts in JSON are never numbers: an exact decimal string and the integer micro-units as a string.
import { parseMicros, toDecimalString, type Micros } from '../../rating/money';

export interface AmountJson {
  readonly amount: string;
  readonly amount_micros: string;
}

/** `{ [name]: "12.5", [name_micros]: "12500000" }` */
export function amountFields<N extends string>(name: N, micros: Micros): Record<N | `${N}_micros`, string> {
  return { [name]: toDecimalString(micros), [`${name}_micros`]: micros.toString() } as Record<N | `${N}_micros`, string>;
}

/** JSON schema of the two fields written by amountFields, for request and response schemas. */
export function amountSchemas(name: string, description: string): Record<string, object> {
  return {
    [name]: { type: 'string', pattern: '^-?\\d+(\\.\\d{1,6})?$', description: `${description} (exact decimal)` },
    [`${name}_micros`]: { type: 'string', pattern: '^-?\\d+$', description: `${description} in micro-units (1 unit = 1000000)` },
  };
}

export const MICROS_STRING = { type: 'string', pattern: '^\\d{1,16}$' } as const;

export function microsFromJson(text: string): Micros {
  return parseMicros(text);
}
