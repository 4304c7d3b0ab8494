// Types of destination.js for the TypeScript tests (the browser loads the .js as is).
export declare function localDestination(destination: string | null, language: 'fr' | 'en',
  where?: { country?: string | null; countries?: readonly string[] }): string | null;
