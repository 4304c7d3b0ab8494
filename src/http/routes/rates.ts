// Rates, for every role: the rates of a country (every destination: fixed, mobile, special) and the rate
// of one dialled number, as the SIP side would classify and price it. Read from the in-memory index only.
import type { FastifyInstance } from 'fastify';
import type { Classification, Tariff } from '../../../rating/contracts';
import { listCountryRates, resolveCountry, type TariffStore } from '../../../rating/tariffs';
import { SoldeError } from '../../../core/errors';
import { amountFields, amountSchemas } from '../money-json';
import { rateKind } from '../rate-kind';

export interface RatesDeps {
  readonly tariffs: TariffStore;
  readonly classify: (dialled: string) => Classification;
  readonly currency: string;
}

const CHARGED_CLASSES = new Set(['PREMIUM', 'INTERNATIONAL']);

const RATE_SCHEMA = {
  type: 'object',
  required: ['prefix', 'destination', 'kind', 'per_minute', 'per_minute_micros', 'connect_fee', 'connect_fee_micros',
    'initial_increment_seconds', 'subsequent_increment_seconds', 'minimum_charge', 'minimum_charge_micros'],
  properties: {
    prefix: { type: 'string', description: 'E.164 digits without +; the longest matching prefix applies' },
    country: { type: 'string' },
    destination: { type: 'string' },
    kind: { type: 'string', enum: ['fixed', 'mobile', 'special'] },
    ...amountSchemas('per_minute', 'Price per minute'),
    ...amountSchemas('connect_fee', 'Charged once when the call is answered'),
    initial_increment_seconds: { type: 'integer' },
    subsequent_increment_seconds: { type: 'integer' },
    ...amountSchemas('minimum_charge', 'Least charged for an answered call'),
  },
} as const;

function rateJson(tariff: Tariff) {
  return {
    prefix: tariff.prefix,
    country: tariff.country,
    destination: tariff.destination,
    kind: rateKind(tariff.destination),
    ...amountFields('per_minute', tariff.perMinuteMicros),
    ...amountFields('connect_fee', tariff.connectFeeMicros),
    initial_increment_seconds: tariff.initialIncrementSeconds,
    subsequent_increment_seconds: tariff.subsequentIncrementSeconds,
    ...amountFields('minimum_charge', tariff.minimumChargeMicros),
  };
}

export function ratesRoutes(deps: RatesDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/rates/countries', {
      config: { permission: 'rates:read' },
      schema: {
        tags: ['rates'],
        summary: 'Countries that have rates (ISO 3166 alpha-2 codes)',
        response: {
          200: {
            type: 'object', required: ['currency', 'countries'],
            properties: { currency: { type: 'string' }, countries: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    }, async () => ({ currency: deps.currency, countries: deps.tariffs.current().countryCodes() }));

    app.get<{ Params: { country: string } }>('/rates/countries/:country', {
      config: { permission: 'rates:read' },
      schema: {
        tags: ['rates'],
        summary: 'Every rate of a country: fixed, mobile and special destinations',
        params: {
          type: 'object', required: ['country'],
          properties: { country: { type: 'string', minLength: 2, maxLength: 60, description: 'ISO code (MA) or name (Morocco, Maroc)' } },
        },
        response: {
          200: {
            type: 'object', required: ['country', 'currency', 'rates'],
            properties: { country: { type: 'string' }, currency: { type: 'string' }, rates: { type: 'array', items: RATE_SCHEMA } },
          },
          404: { $ref: 'ErrorBody#' },
        },
      },
    }, async (request) => {
      const iso = resolveCountry(request.params.country);
      if (!iso) throw new SoldeError('UNKNOWN_COUNTRY', `${JSON.stringify(request.params.country)} is not a country code or name`);
      const rates = listCountryRates(deps.tariffs.current(), iso).map(rateJson);
      return { country: iso, currency: deps.currency, rates };
    });

    app.get<{ Querystring: { number: string } }>('/rates/number', {
      config: { permission: 'rates:read' },
      schema: {
        tags: ['rates'],
        summary: 'How a dialled number is classified, and its rate when it is charged',
        querystring: {
          type: 'object', required: ['number'], additionalProperties: false,
          properties: { number: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[0-9+ .()\\-]+$' } },
        },
        response: {
          200: {
            type: 'object', required: ['number', 'class', 'charged', 'currency', 'rate'],
            properties: {
              number: { type: 'string' },
              e164: { type: 'string', nullable: true },
              class: { type: 'string', enum: ['EMERGENCY', 'TOLL_FREE', 'INCLUDED', 'PREMIUM', 'INTERNATIONAL', 'INVALID'] },
              country: { type: 'string', nullable: true },
              number_type: { type: 'string', nullable: true },
              charged: { type: 'boolean', description: 'true when calls to it are paid from the balance' },
              currency: { type: 'string' },
              rate: { ...RATE_SCHEMA, nullable: true },
            },
          },
        },
      },
    }, async (request) => {
      const classification = deps.classify(request.query.number);
      const charged = CHARGED_CLASSES.has(classification.class);
      const tariff = charged && classification.ratingKey ? deps.tariffs.current().lookup(classification.ratingKey) : undefined;
      return {
        number: request.query.number,
        e164: classification.e164,
        class: classification.class,
        country: classification.country,
        number_type: classification.numberType,
        charged,
        currency: deps.currency,
        rate: tariff ? rateJson(tariff) : null,
      };
    });
  };
}
