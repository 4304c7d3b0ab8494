// Types of format.js for the TypeScript tests (the browser loads the .js as is).
export declare function formatMicros(microsText: string, currency: string, language: 'fr' | 'en',
  options?: { decimals?: number; maxDecimals?: number; up?: boolean }): string;
export declare function formatRate(microsText: string, currency: string, language: 'fr' | 'en'): string;
export declare function formatDuration(seconds: number): string;
export declare function formatDate(iso: string, language: 'fr' | 'en'): string;
export declare function countryName(iso: string, language: 'fr' | 'en'): string;
