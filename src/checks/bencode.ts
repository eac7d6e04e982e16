/**
 * A bencode decoder (BEP 3) for tracker replies. Byte strings stay Buffers
 * because compact peer lists are binary; dictionary keys are decoded as latin1,
 * which maps bytes one to one (scrape replies use raw 20-byte hashes as keys).
 */

export type BencodeValue = number | Buffer | BencodeValue[] | BencodeDictionary;
export interface BencodeDictionary {
  readonly [key: string]: BencodeValue;
}

export class BencodeError extends Error {
  override readonly name = 'BencodeError';
}

const COLON = 0x3a;
const END = 0x65; // 'e'

export function decodeBencode(input: Buffer): BencodeValue {
  let offset = 0;
  const fail = (what: string): never => {
    throw new BencodeError(`invalid bencode at byte ${offset}: ${what}`);
  };

  const integerUntil = (terminator: number): number => {
    const end = input.indexOf(terminator, offset);
    if (end < 0) fail('unterminated number');
    const text = input.toString('latin1', offset, end);
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) fail(`"${text}" is not an integer`);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) fail(`${text} is too large`);
    offset = end + 1;
    return value;
  };

  const string = (): Buffer => {
    const length = integerUntil(COLON);
    if (length < 0 || offset + length > input.length) fail(`string of ${length} bytes runs past the end`);
    const value = input.subarray(offset, offset + length);
    offset += length;
    return value;
  };

  const value = (depth: number): BencodeValue => {
    if (depth > 64) fail('nested too deeply');
    const type = input[offset];
    if (type === undefined) return fail('unexpected end of input');
    if (type === 0x69 /* i */) {
      offset++;
      return integerUntil(END);
    }
    if (type === 0x6c /* l */) {
      offset++;
      const list: BencodeValue[] = [];
      while (input[offset] !== END) {
        if (offset >= input.length) fail('unterminated list');
        list.push(value(depth + 1));
      }
      offset++;
      return list;
    }
    if (type === 0x64 /* d */) {
      offset++;
      // No prototype: a "__proto__" key from the network stays a plain key.
      const dictionary = Object.create(null) as Record<string, BencodeValue>;
      while (input[offset] !== END) {
        if (offset >= input.length) fail('unterminated dictionary');
        const key = string().toString('latin1');
        dictionary[key] = value(depth + 1);
      }
      offset++;
      return dictionary;
    }
    if (type >= 0x30 && type <= 0x39) return string();
    return fail(`unexpected byte 0x${type.toString(16)}`);
  };

  const decoded = value(0);
  if (offset !== input.length) fail(`${input.length - offset} trailing bytes`);
  return decoded;
}

export function isDictionary(value: BencodeValue | undefined): value is BencodeDictionary {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}
