// Types of i18n.js for the TypeScript tests (the browser loads the .js as is).
export declare const LANGUAGES: readonly ['fr', 'en'];
export declare const TEXT: Record<'fr' | 'en', Record<string, string>>;
export declare function t(language: string, key: string, values?: Record<string, unknown>): string;
export declare function errorText(language: string, code: string): string;
export declare function translatePage(language: string): void;
export declare function stoppedText(language: string, reason: string): string;
