import { z } from 'zod';
import { domainProblem, parseBindAddress } from './fields.js';

/** The zod pieces every section is built from: the config schema's and each stack module's (src/stack/). */

/** A string checked by a validator; the issue carries our code and a fix. */
export function validated(problemOf: (value: string) => string | undefined, what: string, fix: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} is invalid: ${problem}`, params: { code: 'config.invalid_value', fix } });
    }
  });
}

export const bindAddress = (example: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const parsed = parseBindAddress(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({
          code: 'custom',
          message: `invalid bind address: ${parsed}`,
          params: { code: 'config.invalid_value', fix: `write IP:PORT with a port from 1 to 65535, for example "${example}"` },
        });
      }
    })
    .describe(`Address and port the service listens on inside its container, IP:PORT (for example "${example}").`);

export const domain = validated(domainProblem, 'domain', 'use a fully qualified name such as "tracker.example.com"').describe(
  'Domain name the service answers on. With use_tls_proxy, Caddy gets a certificate for it.',
);

export const port = (what: string) =>
  z.number().int().min(1, `${what} must be between 1 and 65535`).max(65535, `${what} must be between 1 and 65535`);

export const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

export const tlsProxy = z
  .boolean()
  .default(false)
  .describe('Serve this service over HTTPS through Caddy (needs a domain and the https section).');

/** The URL, or what is wrong with it. */
export function parseUrl(value: string): URL | string {
  try {
    return new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
}
