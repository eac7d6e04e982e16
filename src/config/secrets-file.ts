import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DeployerError } from '../domain/errors.js';

/**
 * The secrets file beside a config: envs/<name>.secrets for envs/<name>.toml.
 * Dotenv lines (NAME=value, # comments, blank lines) whose variables the config's
 * ${VAR} references read, so the config itself holds no secret and can be committed.
 */

/** A secrets file is a few lines; anything near this is not one. */
const MAX_SECRETS_BYTES = 1024 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SecretsFile {
  readonly path: string;
  readonly values: Readonly<Record<string, string>>;
}

export interface SecretEntry {
  readonly name: string;
  readonly value: string;
  /** Shown above the line: what the value is for (the config key). */
  readonly comment?: string;
}

/** The config path with its extension replaced by .secrets. */
export function secretsPathFor(configPath: string): string {
  const extension = extname(basename(configPath));
  return `${extension === '' ? configPath : configPath.slice(0, -extension.length)}.secrets`;
}

/**
 * The variables of the secrets file beside this config, or undefined when there is
 * none. A file that group or others may read is refused, as OpenSSH refuses such a key.
 */
export function readSecretsFileFor(configPath: string): SecretsFile | undefined {
  const path = secretsPathFor(configPath);
  const text = readSecretsText(path);
  return text === undefined ? undefined : { path, values: parseSecrets(text, path) };
}

/** The environment ${VAR} references see: the process environment wins over the file, as with compose's .env. */
export function withSecretsFile(env: NodeJS.ProcessEnv, file: SecretsFile | undefined): NodeJS.ProcessEnv {
  if (!file) return env;
  const merged: NodeJS.ProcessEnv = { ...file.values };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return merged;
}

function readSecretsText(path: string): string | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new DeployerError('config.file_unreadable', `Cannot read secrets file ${path}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`, {
      where: path,
      fix: `make it readable by you alone: chmod 600 ${path}`,
    });
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) {
      throw new DeployerError('config.not_regular_file', `Secrets file ${path} is not a regular file`, { where: path, fix: `remove it, or make it a file of NAME=value lines` });
    }
    if ((stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new DeployerError('config.secrets_exposed', `Secrets file ${path} has mode ${mode}: group or others may read or change it`, {
        where: path,
        fix: `chmod 600 ${path} (then consider the secrets in it seen, and replace them if others use this machine)`,
      });
    }
    if (stats.size > MAX_SECRETS_BYTES) throw secretsSyntax(path, undefined, `it is larger than ${MAX_SECRETS_BYTES / 1024 / 1024} MiB: no secrets file is that large`, 'check the path: it should hold a few NAME=value lines');
    return decode(path, readAll(descriptor, path));
  } finally {
    closeSync(descriptor);
  }
}

function readAll(descriptor: number, path: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const bytesRead = readSync(descriptor, buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > MAX_SECRETS_BYTES) throw secretsSyntax(path, undefined, 'it grew larger than 1 MiB while it was read', 'check the path: it should hold a few NAME=value lines');
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

function decode(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw secretsSyntax(path, undefined, 'it is not UTF-8 text', 'write it as text: NAME=value lines');
  }
}

/**
 * NAME=value lines; `export NAME=value` is accepted too. A value is 'single-quoted'
 * (taken as it is), "double-quoted" (with \\ \" \$ \` \n \r \t and \xHH escapes), or
 * bare (up to a " #" comment, spaces around it trimmed). Values are never expanded.
 */
export function parseSecrets(text: string, path: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lineOf: Record<string, number> = {};
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const assignment = trimmed.replace(/^export\s+/, '');
    const equals = assignment.indexOf('=');
    if (equals === -1) throw secretsSyntax(path, line, 'this line is not NAME=value', 'write NAME=value, or start the line with # to make it a comment');
    const name = assignment.slice(0, equals).trim();
    if (!NAME.test(name)) throw secretsSyntax(path, line, 'the text before = is not a variable name', 'names hold letters, digits and _ and do not start with a digit, for example TTD_MYSQL_PASSWORD');
    if (name in values) throw secretsSyntax(path, line, `${name} is set again (first on line ${lineOf[name]})`, 'keep one of the two lines');
    values[name] = parseValue(assignment.slice(equals + 1).trimStart(), path, line);
    lineOf[name] = line;
  });
  return values;
}

function parseValue(text: string, path: string, line: number): string {
  const quote = text[0];
  if (quote !== "'" && quote !== '"') {
    const comment = text.search(/\s#/);
    return (comment === -1 ? text : text.slice(0, comment)).trimEnd();
  }
  let value = '';
  let index = 1;
  for (; index < text.length && text[index] !== quote; index += 1) {
    const char = text[index]!;
    if (quote === '"' && char === '\\') {
      const [unescaped, length] = unescape(text, index, path, line);
      value += unescaped;
      index += length - 1;
    } else {
      value += char;
    }
  }
  if (index >= text.length) throw secretsSyntax(path, line, `the value's ${quote} quote is not closed on this line`, `end the value with ${quote}; a newline in a value is written \\n inside "double quotes"`);
  const rest = text.slice(index + 1).trim();
  if (rest !== '' && !rest.startsWith('#')) throw secretsSyntax(path, line, `text follows the closing ${quote} quote`, 'put the whole value inside the quotes, or start a comment with #');
  return value;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', $: '$', '`': '`', n: '\n', r: '\r', t: '\t' };

function unescape(text: string, index: number, path: string, line: number): [string, number] {
  const next = text[index + 1] ?? '';
  if (next in ESCAPES) return [ESCAPES[next]!, 2];
  const hex = /^x([0-9A-Fa-f]{2})/.exec(text.slice(index + 1));
  if (hex) return [String.fromCharCode(Number.parseInt(hex[1]!, 16)), 4];
  throw secretsSyntax(path, line, `\\${next} is not an escape a double-quoted value knows`, 'write \\\\ for a backslash (or put the value in single quotes, where nothing is escaped)');
}

/** The line of one variable: single quotes when they hold the value as it is, else double quotes with escapes. */
export function secretLine(name: string, value: string): string {
  if (!value.includes("'") && !/[\u0000-\u001f\u007f]/.test(value)) return `${name}='${value}'`;
  const escaped = [...value]
    .map((char) => {
      if (char === '\n') return '\\n';
      if (char === '\r') return '\\r';
      if (char === '\t') return '\\t';
      if ('\\"$`'.includes(char)) return `\\${char}`;
      const code = char.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
    })
    .join('');
  return `${name}="${escaped}"`;
}

/** The whole file: a header saying what it is, then each variable under its comment. */
export function secretsFileText(entries: readonly SecretEntry[], configShownPath: string): string {
  const header = [
    `# Secrets for ${configShownPath}, which reads them as \${NAME}. Keep this file out of version`,
    '# control (mode 0600). A variable set in the environment where ttd runs wins over this file.',
  ];
  const lines = entries.flatMap((entry) => ['', ...(entry.comment ? [`# ${entry.comment}`] : []), secretLine(entry.name, entry.value)]);
  return `${[...header, ...lines].join('\n')}\n`;
}

/**
 * Writes the file atomically, created 0600 (never widened, then narrowed): a reader sees
 * the old file or the new one. Without overwrite an existing file is refused, also one
 * that appears meanwhile.
 */
export async function writeSecretsFile(path: string, text: string, options: { overwrite: boolean }): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) await rename(temporary, path);
    else await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new DeployerError('file.exists', `${path} already exists`, { where: path, fix: 'pass --force to overwrite it, or choose another name' });
    }
    throw new DeployerError('io.write_failed', `Cannot write ${path}: ${(error as Error).message}`, { where: path, fix: 'check the directory exists and is writable' });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

function secretsSyntax(path: string, line: number | undefined, what: string, fix: string): DeployerError {
  const where = line === undefined ? path : `${path}:${line}`;
  return new DeployerError('config.secrets_syntax', `${where}: ${what}`, { where, fix });
}
