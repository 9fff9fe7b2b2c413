// What the test runners (scripts/run-api-tests.sh, scripts/run-e2e-tests.sh) give every test
// file, and the message catalogs the tests compare pages with.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
export const BIN = process.env.JISR_BIN || '';
export const DB_URL = process.env.JISR_DB_URL || '';
export const ENGINE = process.env.JISR_DB_ENGINE || (DB_URL.startsWith('sqlite') ? 'sqlite' : 'postgres');

// The catalog of `lang` (web/locales/<lang>.json) merged with those of `modules`
// (web/locales/<module>/<lang>.json), later ones winning.
export function catalog(lang, ...modules) {
  const read = (rel) => JSON.parse(readFileSync(new URL(`../../web/locales/${rel}`, import.meta.url), 'utf8'));
  return Object.assign(read(`${lang}.json`), ...modules.map((m) => read(`${m}/${lang}.json`)));
}

// A random suffix for the names of one test file's records (all files share one server).
export const newSuffix = () => randomBytes(4).toString('hex');
// The same hex suffix in Latin letters (a-p) or Arabic letters, for names that must be letters.
export const latinLetters = (hex) => [...hex].map((c) => 'abcdefghijklmnop'[parseInt(c, 16)]).join('');
export const arabicLetters = (hex) => [...hex].map((c) => 'بتثجحخدذرزسشصضطظ'[parseInt(c, 16)]).join('');

export const isoDate = (d) => d.toISOString().slice(0, 10);
// Today ± n days, YYYY-MM-DD (UTC).
export const daysFromNow = (n) => isoDate(new Date(Date.now() + n * 86400_000));
