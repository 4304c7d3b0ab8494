// Input validation: JSON bodies are taken as sent (no type coercion: an amount sent as a JSON number is
// refused, never turned into a string), while path and query parameters, which are always text on the
// wire, are coerced to the declared type (limit=20 is an integer).
import AjvModule from 'ajv';
import type { FastifyInstance } from 'fastify';

// ajv is CommonJS: under ESM its class is the module itself or its `default`, depending on the loader.
type AjvClass = typeof AjvModule;
const Ajv = ((AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule) as AjvClass;

const COMMON = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;

export function installValidation(app: FastifyInstance): void {
  const strict = new Ajv({ ...COMMON, coerceTypes: false });
  const coercing = new Ajv({ ...COMMON, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}
