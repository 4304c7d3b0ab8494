// A rate deck row carries a destination name but no number type; the portal groups a country's rates
// into fixed, mobile and special (premium, shared-cost, satellite, personal...). The carriers' naming
// convention is the only signal, so the kind is read from the name; "fixed" is the default.
export type RateKind = 'fixed' | 'mobile' | 'special';

const MOBILE = /\b(mobile?s?|mobil|cellular|cell|gsm|wireless|portable|móvil|movil)\b/i;
const SPECIAL = /\b(premium|special|spécial|shared|audiotex|satellite|personal|pager|paging|surtax\w*|non[- ]geographic|voip|toll|service|services|directory|118)\b/i;

export function rateKind(destination: string): RateKind {
  if (SPECIAL.test(destination)) return 'special';
  if (MOBILE.test(destination)) return 'mobile';
  return 'fixed';
}
