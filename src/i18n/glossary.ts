import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatHkt } from '../common/hkt';
import { USER_LANGUAGES, UserLanguage } from './languages';
import { FormStatus, FormType } from '../common/form-status';

/** The languages of e-mails and PDF records (SPEC §11, §13): a user's, or a contact person's. */
export type Language = UserLanguage;
export const LANGUAGES = USER_LANGUAGES;
export const isLanguage = (x: unknown): x is Language => (LANGUAGES as readonly unknown[]).includes(x);

interface Term {
  en: string;
  'zh-HK': string;
  source: string;
}

/** templates/glossary.json, at the project root (also when running from dist/). */
const glossaryFile = (): string => {
  const fromSrc = resolve(__dirname, '..', '..', 'templates', 'glossary.json');
  return existsSync(fromSrc) ? fromSrc : resolve(__dirname, '..', '..', '..', 'templates', 'glossary.json');
};

let loaded: Record<string, Term> | null = null;
const terms = (): Record<string, Term> =>
  (loaded ??= (JSON.parse(readFileSync(glossaryFile(), 'utf8')) as { terms: Record<string, Term> }).terms);

/**
 * The one glossary of the e-mails and PDF records (templates/glossary.json): every term in
 * English and Traditional Chinese. Templates reach it with `{{t "referenceNumber"}}`, code
 * with `term()`. An unknown key is a programming error and throws, so a typo never ships
 * as an empty label.
 */
export function term(key: string, language: Language, values: Record<string, string | number> = {}): string {
  const entry = terms()[key];
  if (!entry) throw new Error(`no glossary term "${key}"`);
  return entry[language].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export const glossaryKeys = (): string[] => Object.keys(terms());
export const hasTerm = (key: string): boolean => Object.hasOwn(terms(), key);

export const statusLabel = (status: FormStatus, language: Language): string => term(`status.${status}`, language);
export const formTitle = (formType: FormType, language: Language): string => term(`form.${formType}`, language);

/**
 * A stored UTC time in Hong Kong time: `07-Feb-2023 10:43 HKT` (SPEC §5) in English,
 * `2023年2月7日 10:43（香港時間）` in Chinese.
 */
export function formatTime(at: Date, language: Language): string {
  if (language === 'en') return formatHkt(at);
  const t = new Date(at.getTime() + 8 * 3600 * 1000);
  const hm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hm}（${term('hkt', language)}）`;
}
