// The common case of libphonenumber's parse + getType, on the same max metadata, with each regular
// expression compiled once instead of on every call (libphonenumber's matchesEntirely builds a new RegExp
// per test). It only answers when the answer is certain: a country calling code, nothing libphonenumber
// would strip as a national prefix, and a number that matches a type. Anything else returns undefined and
// goes through libphonenumber itself (libphone.ts). test/classify-fast-lookup.test.ts checks that both agree.
import { Metadata } from 'libphonenumber-js/max';

/** libphonenumber's NON_FIXED_LINE_PHONE_TYPES, in its order (getNumberType.js). */
const NON_FIXED_LINE_TYPES = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

/** The parts of libphonenumber's (untyped) NumberingPlan that are read here. */
interface NumberingPlanView {
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): string | undefined;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataView {
  numberingPlan: NumberingPlanView;
  selectNumberingPlan(country: string): void;
  countryCallingCodes(): Record<string, string[]>;
}

interface TypeMatcher {
  readonly name: string;
  readonly lengths: readonly number[] | undefined;
  readonly pattern: RegExp;
}

interface CompiledPlan {
  readonly nationalNumber: RegExp;
  readonly prefixForParsing: RegExp | undefined;
  readonly leadingDigits: RegExp | undefined;
  readonly fixedLine: TypeMatcher | undefined;
  /** MOBILE absent, or its pattern removed because equal to FIXED_LINE's: fixed lines are FIXED_LINE_OR_MOBILE. */
  readonly mobileSameAsFixed: boolean;
  readonly mobile: TypeMatcher | undefined;
  readonly others: readonly TypeMatcher[];
}

export interface FastFound {
  readonly e164: string;
  readonly country: string;
  readonly numberType: string;
}

const metadata = new Metadata() as unknown as MetadataView;
const callingCodes = metadata.countryCallingCodes();
const plans = new Map<string, CompiledPlan>();

function entire(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function compileType(plan: NumberingPlanView, name: string): TypeMatcher | undefined {
  const type = plan.type(name);
  if (!type || !type.pattern()) return undefined;
  return { name, lengths: type.possibleLengths(), pattern: entire(type.pattern()) };
}

function compiledPlan(country: string): CompiledPlan {
  const cached = plans.get(country);
  if (cached) return cached;
  metadata.selectNumberingPlan(country);
  const plan = metadata.numberingPlan;
  const prefix = plan.nationalPrefixForParsing();
  const leading = plan.leadingDigits();
  const mobileType = plan.type('MOBILE');
  const compiled: CompiledPlan = {
    nationalNumber: entire(plan.nationalNumberPattern()),
    prefixForParsing: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
    leadingDigits: leading ? new RegExp(`^(?:${leading})`) : undefined,
    fixedLine: compileType(plan, 'FIXED_LINE'),
    mobileSameAsFixed: !mobileType || mobileType.pattern() === '',
    mobile: compileType(plan, 'MOBILE'),
    others: NON_FIXED_LINE_TYPES.map((name) => compileType(plan, name)).filter((t): t is TypeMatcher => t !== undefined),
  };
  plans.set(country, compiled);
  return compiled;
}

function matches(type: TypeMatcher | undefined, nationalNumber: string): boolean {
  if (type === undefined) return false;
  if (type.lengths && !type.lengths.includes(nationalNumber.length)) return false;
  return type.pattern.test(nationalNumber);
}

/** libphonenumber's getNumberType, with compiled patterns. */
function numberType(plan: CompiledPlan, nationalNumber: string): string | undefined {
  if (!plan.nationalNumber.test(nationalNumber)) return undefined;
  if (matches(plan.fixedLine, nationalNumber)) {
    return plan.mobileSameAsFixed || matches(plan.mobile, nationalNumber) ? 'FIXED_LINE_OR_MOBILE' : 'FIXED_LINE';
  }
  for (const type of plan.others) if (matches(type, nationalNumber)) return type.name;
  return undefined;
}

/** libphonenumber's getCountryByNationalNumber: leading digits if the country has them, else a valid type. */
function countryOf(countries: readonly string[], nationalNumber: string): string | undefined {
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = compiledPlan(country);
    if (plan.leadingDigits ? plan.leadingDigits.test(nationalNumber) : numberType(plan, nationalNumber) !== undefined) return country;
  }
  return undefined;
}

/** `digits`: country code + national significant number. Undefined: ask libphonenumber itself. */
export function fastLookup(digits: string): FastFound | undefined {
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const callingCode = digits.slice(0, length);
    const countries = callingCodes[callingCode];
    if (countries === undefined) continue;
    const nationalNumber = digits.slice(length);
    // Shorter than libphonenumber's minimum national number, or a non-country entry: not the common case.
    if (nationalNumber.length < 2 || !/^[A-Z]{2}$/.test(countries[0] ?? '')) return undefined;
    // Country calling codes are prefix-free: this is the code. Its main country's prefix rule applies (parse.js).
    const main = compiledPlan(countries[0]!);
    const prefix = main.prefixForParsing?.exec(nationalNumber);
    if (prefix && prefix[0] !== '') return undefined; // libphonenumber would strip or rewrite: let it
    const country = countryOf(countries, nationalNumber);
    if (country === undefined) return undefined;
    const type = numberType(compiledPlan(country), nationalNumber);
    if (type === undefined) return undefined;
    return { e164: `+${digits}`, country, numberType: type };
  }
  return undefined;
}
