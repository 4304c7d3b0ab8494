// Operator commands for announcements: hear what a caller would hear (the WAV is left in the
// announcements folder to play or copy), and check a prompt set, e.g. after adding studio recordings.
//   solde announce balance fr 12.50 EUR [--minutes 12] [--json]
//   solde announce insufficient en 0.40 GBP [--json]
//   solde announce low-funds fr 30 [--json]
//   solde prompts-check [voice]
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { isSoldeError } from '../../core/errors';
import { MoneyError, parseAmount } from '../../rating/money';
import { balanceMessage, insufficientMessage, lowFundsMessage, messageText, type Message } from './speech/messages';
import { LANGUAGES, type Language } from './speech/vocabulary';
import { createAnnouncer, DEFAULT_PROMPTS_DIR, type Announcement } from './index';
import { loadPromptSet, PromptSetError } from './prompt-set';

const USAGE = `usage: solde announce balance <fr|en> <amount> [currency] [--minutes N] [--json]
       solde announce insufficient <fr|en> <amount> [currency] [--json]
       solde announce low-funds <fr|en> <seconds> [--json]
       solde prompts-check [voice]`;

const announce: Command = async (args, io) => {
  const json = args.includes('--json');
  const minutesAt = args.indexOf('--minutes');
  const minutes = minutesAt >= 0 ? Number(args[minutesAt + 1]) : undefined;
  const positional = args.filter((arg, index) => !arg.startsWith('--') && (minutesAt < 0 || index !== minutesAt + 1));
  const [kind, lang, value, currency = loadConfig().currency] = positional;
  if (!kind || !value || !isLanguage(lang)) return usage(io);
  try {
    const wanted = request(kind, lang, value, currency, minutes);
    if (wanted === undefined) return usage(io);
    const config = loadConfig();
    const announcement = await wanted.play(createAnnouncer({ outputDir: config.announcementsDir, voice: config.voice }));
    print(io, json, messageText(wanted.message), announcement);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof MoneyError || error instanceof RangeError) return usage(io, error.message);
    if (isSoldeError(error) || error instanceof PromptSetError) {
      io.err(error.message);
      return EXIT_FAILED;
    }
    throw error;
  }
};

type Play = (announcer: ReturnType<typeof createAnnouncer>) => Promise<Announcement>;

function request(kind: string, lang: Language, value: string, currency: string, minutes?: number): { message: Message; play: Play } | undefined {
  if (kind === 'balance') {
    const amount = parseAmount(value);
    return { message: balanceMessage(lang, amount, currency, minutes), play: (a) => a.balance(lang, amount, currency, minutes) };
  }
  if (kind === 'insufficient') {
    const amount = parseAmount(value);
    return { message: insufficientMessage(lang, amount, currency), play: (a) => a.insufficient(lang, amount, currency) };
  }
  if (kind === 'low-funds') {
    const seconds = Number(value);
    return { message: lowFundsMessage(lang, seconds), play: (a) => a.lowFunds(lang, seconds) };
  }
  return undefined;
}

const promptsCheck: Command = async (args, io) => {
  const voice = args[0] ?? loadConfig().voice;
  let failed = false;
  for (const lang of LANGUAGES) {
    try {
      const set = await loadPromptSet(DEFAULT_PROMPTS_DIR, voice, lang);
      io.out(`${voice}/${lang}: ok, ${set.sampleRate} Hz`);
    } catch (error) {
      if (!(error instanceof PromptSetError)) throw error;
      io.err(error.message);
      failed = true;
    }
  }
  return failed ? EXIT_FAILED : EXIT_OK;
};

function print(io: CliIO, json: boolean, text: string, announcement: Announcement): void {
  if (json) io.out(JSON.stringify({ text, ...announcement }));
  else io.out(`${text}\n${announcement.path} (${announcement.durationMs} ms)`);
}

function usage(io: CliIO, problem?: string): number {
  io.err(problem ? `${problem}\n${USAGE}` : USAGE);
  return EXIT_USAGE;
}

function isLanguage(value: string | undefined): value is Language {
  return value === 'fr' || value === 'en';
}

export const commands: Record<string, Command> = { announce, 'prompts-check': promptsCheck };
