// The jisr command line, as the tests use it to make users and tokens.
import { execFileSync } from 'node:child_process';
import { BIN, DB_URL } from './env.mjs';

// Runs a program; returns {status, stdout, stderr} whatever its exit status (throws only
// when it could not run or was killed).
export function run(file, args, input, timeout = 60_000) {
  try {
    const stdout = execFileSync(file, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    if (e.status === null || e.status === undefined) {
      throw new Error(`${file} ${args.join(' ')}: ${e.code || ''} signal ${e.signal}\n${e.stderr || ''}`);
    }
    return { status: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

// `jisr ARGS` as given (the caller adds --db); its stdout; throws with both outputs on failure.
export function jisrRaw(args, input) {
  const r = run(BIN, args, input, 30_000);
  if (r.status !== 0) throw new Error(`jisr ${args.join(' ')} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// `jisr ARGS --db <test database> --log-level warn`; its stdout, trimmed.
export const jisr = (args, input) => jisrRaw([...args, '--db', DB_URL, '--log-level', 'warn'], input).trim();

// Adds a user with `jisr user add`; returns the username.
export function addUser({ username, role, scope, org, displayName, lang, email, password }) {
  const args = ['user', 'add', '--username', username, '--role', role, '--scope', scope];
  if (org) args.push('--org', org);
  if (displayName) args.push('--display-name', displayName);
  if (lang) args.push('--lang', lang);
  if (email) args.push('--email', email);
  args.push('--password-stdin');
  jisr(args, `${password}\n`);
  return username;
}

// An API token for `username` (`jisr token create`).
export const cliToken = (username) => jisr(['token', 'create', '--user', username]);
