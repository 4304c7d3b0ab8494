// Operator commands for announcements: hear what a caller would hear (the WAV is left in the
// announcements folder to play or copy), and check a prompt set, e.g. after adding studio recordings.
//   solde announce balance fr 12.50 EUR [--minutes 12] [--json]
//   solde announce insufficient en 0.40 GBP [--json]
//   solde announce low-funds fr 30 [--json]
//   solde prompts-check [voice] [--json]   (also: solde announce prompts-check)
import type { ParsedArgs } from './args';
import { command, EXIT_FAILED, EXIT_OK, group, usageError, type CliIO, type Command } from './command';
import { loadConfig } from '../config';
import { isSoldeError } from '../../core/errors';
import { MoneyError, parseAmount } from '../../rating/money';
import { SPOKEN_CURRENCIES } from '../../sip/announce/speech/currencies';
import { balanceMessage, insufficientMessage, lowFundsMessage, messageText, type Message } from '../../sip/announce/speech/messages';
import { LANGUAGES, type Language } from '../../sip/announce/speech/vocabulary';
import { createAnnouncer, DEFAULT_PROMPTS_DIR, type Announcement } from '../../sip/announce/index';
import { loadPromptSet, PromptSetError } from '../../sip/announce/prompt-set';

type Play = (announcer: ReturnType<typeof createAnnouncer>) => Promise<Announcement>;
type Wanted = { message: Message; play: Play };
type Spec = Parameters<typeof command>[0];

const CURRENCY_NOTE = `[currency]: ${SPOKEN_CURRENCIES.join(', ')} (default: SOLDE_CURRENCY)`;

/** One message kind: its spec, and how to build the message from <fr|en> and the value. */
function messageCommand(spec: Spec, build: (lang: Language, value: string, p: ParsedArgs) => Wanted): Command {
  return command(spec, async (p, io) => {
    const [lang, value] = p.positional as [string, string];
    if (!isLanguage(lang)) return usageError(spec, io, `the language is ${LANGUAGES.join(' or ')}, not ${JSON.stringify(lang)}`);
    try {
      const wanted = build(lang, value, p);
      const config = loadConfig();
      const announcement = await wanted.play(createAnnouncer({ outputDir: config.announcementsDir, voice: config.voice }));
      print(io, p.json, messageText(wanted.message), announcement);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof MoneyError || error instanceof RangeError) return usageError(spec, io, error.message);
      if (isSoldeError(error) || error instanceof PromptSetError) {
        io.err(error.message);
        return EXIT_FAILED;
      }
      throw error;
    }
  });
}

const currencyOf = (p: ParsedArgs): string => p.positional[2] ?? loadConfig().currency;

const BALANCE: Spec = {
  usage: 'solde announce balance <fr|en> <amount> [currency]', summary: 'what a caller hears before a paid call; writes the WAV',
  positionals: { min: 2, max: 3 },
  options: { minutes: { type: 'string', value: 'N', description: 'also say "about N minutes of calling"' } },
  notes: [CURRENCY_NOTE],
};

const balance = messageCommand(BALANCE, (lang, value, p) => {
  const amount = parseAmount(value);
  const currency = currencyOf(p);
  const minutesText = p.options.get('minutes');
  const minutes = minutesText === undefined ? undefined : Number(minutesText);
  return { message: balanceMessage(lang, amount, currency, minutes), play: (a) => a.balance(lang, amount, currency, minutes) };
});

const insufficient = messageCommand({
  usage: 'solde announce insufficient <fr|en> <amount> [currency]', summary: 'what a caller hears when the balance is too low',
  positionals: { min: 2, max: 3 }, notes: [CURRENCY_NOTE],
}, (lang, value, p) => {
  const amount = parseAmount(value);
  const currency = currencyOf(p);
  return { message: insufficientMessage(lang, amount, currency), play: (a) => a.insufficient(lang, amount, currency) };
});

const lowFunds = messageCommand({
  usage: 'solde announce low-funds <fr|en> <seconds>', summary: 'the warning before a call is cut for lack of money', positionals: { min: 2, max: 2 },
}, (lang, value) => {
  const seconds = Number(value);
  return { message: lowFundsMessage(lang, seconds), play: (a) => a.lowFunds(lang, seconds) };
});

interface PromptCheck { language: Language; ok: boolean; sample_rate_hz: number | null; problem: string | null }

const promptsCheck = (usage: string): Command => command({
  usage: `${usage} [voice]`, summary: 'check a prompt set (after adding studio recordings); default: SOLDE_VOICE',
  positionals: { min: 0, max: 1 },
}, async (p, io) => {
  const voice = p.positional[0] ?? loadConfig().voice;
  const checks: PromptCheck[] = [];
  for (const language of LANGUAGES) {
    try {
      const set = await loadPromptSet(DEFAULT_PROMPTS_DIR, voice, language);
      checks.push({ language, ok: true, sample_rate_hz: set.sampleRate, problem: null });
    } catch (error) {
      if (!(error instanceof PromptSetError)) throw error;
      checks.push({ language, ok: false, sample_rate_hz: null, problem: error.message });
    }
  }
  if (p.json) io.out(JSON.stringify({ voice, ok: checks.every((c) => c.ok), languages: checks }));
  else for (const c of checks) c.ok ? io.out(`${voice}/${c.language}: ok, ${c.sample_rate_hz} Hz`) : io.err(c.problem!);
  return checks.every((c) => c.ok) ? EXIT_OK : EXIT_FAILED;
});

function print(io: CliIO, json: boolean, text: string, announcement: Announcement): void {
  if (json) io.out(JSON.stringify({ text, ...announcement }));
  else io.out(`${text}\n${announcement.path} (${announcement.durationMs} ms)`);
}

function isLanguage(value: string | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}

export const commands: Record<string, Command> = {
  announce: group('solde announce', 'what a caller hears (writes the WAV into SOLDE_ANNOUNCEMENTS_DIR), and prompt set checks',
    { balance, insufficient, 'low-funds': lowFunds, 'prompts-check': promptsCheck('solde announce prompts-check') }),
  'prompts-check': promptsCheck('solde prompts-check'),
};
