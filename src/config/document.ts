import { extname } from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { parse as parseToml, TomlError } from 'smol-toml';
import { DeployerError } from '../domain/errors.js';
import { checkBounds, checkJsonNesting } from './bounds.js';
import { readConfigBytes } from './read-file.js';
import { lineColumnAt } from './text-position.js';
import { isRecord } from './schema-walk.js';
import { jsoncParser } from './jsonc.js';

export type ConfigFormat = 'toml' | 'json';

export interface ConfigDocument {
  readonly path: string;
  readonly format: ConfigFormat;
  readonly text: string;
  readonly data: Record<string, unknown>;
}

/** Reads and parses a config file; every failure is a DeployerError with exit code 2 and a location. */
export async function readConfigDocument(path: string): Promise<ConfigDocument> {
  const text = decodeText(path, await readConfigBytes(path));
  const format = formatOf(path, text);
  return { path, format, text, data: parseConfigText(path, format, text) };
}

export function formatOf(path: string, text: string): ConfigFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.toml') return 'toml';
  return text.trimStart().startsWith('{') ? 'json' : 'toml';
}

function decodeText(path: string, bytes: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new DeployerError('config.not_text', `Config file ${path} is not text: it holds binary data`, {
      where: path,
      fix: 'pass the TOML or JSON environment file, for example envs/my-tracker.toml',
    });
  }
  if (text.trim() === '') {
    throw new DeployerError('config.empty', `Config file ${path} is empty`, {
      where: path,
      fix: 'write a config into it, or generate one with `ttd create template` or `ttd init`',
    });
  }
  return text.replace(/^\uFEFF/, '');
}

export function parseConfigText(path: string, format: ConfigFormat, text: string): Record<string, unknown> {
  if (format === 'json') checkJsonNesting(path, text);
  const data = format === 'json' ? parseJson(path, text) : parseTomlText(path, text);
  checkBounds(path, data);
  if (!isRecord(data)) {
    throw new DeployerError('config.syntax', `Config file ${path} must hold a table of sections, not ${Array.isArray(data) ? 'an array' : typeof data}`, {
      where: path,
      fix: 'start from `ttd create template`: the file has sections such as environment, provider and tracker',
    });
  }
  return data;
}

function parseJson(path: string, text: string): unknown {
  const errors: ParseError[] = [];
  const { parse, printParseErrorCode } = jsoncParser();
  const data: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumnAt(text, first.offset);
    throw new DeployerError('config.syntax', `${path}:${line}:${column}: invalid JSON: ${describeJsonError(printParseErrorCode(first.error))}`, {
      where: `${path}:${line}:${column}`,
      fix: 'fix the JSON at that position (a missing comma, quote or brace is the usual cause)',
      data: { file: path, line, column },
    });
  }
  return data;
}

function parseTomlText(path: string, text: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0] ?? 'syntax error';
    throw new DeployerError('config.syntax', `${path}:${error.line}:${error.column}: invalid TOML: ${reason}`, {
      where: `${path}:${error.line}:${error.column}`,
      fix: 'fix the TOML at that position (strings need quotes, tables are written [section], each key once)',
      data: { file: path, line: error.line, column: error.column },
    });
  }
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a quoted property name',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected content after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

function describeJsonError(code: string): string {
  return JSON_ERRORS[code] ?? code;
}
