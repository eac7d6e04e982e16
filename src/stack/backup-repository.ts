/**
 * restic's repository strings, read without the config schema (no zod): the wizard's
 * flags, which every command's --help lists, check them too.
 */

export type RepositoryKind = 'sftp' | 'rest' | 's3';

/** The variable the wizard writes the repository password as, so the file never holds it. */
export const REMOTE_PASSWORD_VARIABLE = 'RESTIC_PASSWORD';

export interface SftpTarget {
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  readonly path: string;
}

/** The kind of a restic repository string, or what is wrong with it. */
export function repositoryKind(repository: string): RepositoryKind | string {
  if (repository.startsWith('sftp:')) {
    const target = parseSftpRepository(repository);
    return typeof target === 'string' ? target : 'sftp';
  }
  for (const [prefix, kind] of [['rest:', 'rest'], ['s3:', 's3']] as const) {
    if (!repository.startsWith(prefix)) continue;
    let url: URL;
    try {
      url = new URL(repository.slice(prefix.length));
    } catch {
      return `"${repository.slice(prefix.length)}" after ${prefix} is not a URL (http:// or https://)`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${prefix} needs an http:// or https:// URL, not ${url.protocol}`;
    if (kind === 's3' && url.pathname.replace(/\//g, '') === '') return 's3: needs a bucket after the endpoint: s3:https://endpoint/bucket';
    return kind;
  }
  return `"${repository}" is none of the supported forms`;
}

/** sftp:user@host:/path or sftp://user@host:port//path (restic's two spellings). */
export function parseSftpRepository(repository: string): SftpTarget | string {
  const rest = repository.slice('sftp:'.length);
  if (rest.startsWith('//')) {
    let url: URL;
    try {
      url = new URL(`sftp:${rest}`);
    } catch {
      return `"${repository}" is not an sftp:// URL`;
    }
    if (url.hostname === '' || url.pathname.length <= 1) return 'sftp://user@host:port//path needs a host and a path';
    return { user: url.username === '' ? undefined : decodeURIComponent(url.username), host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? undefined : Number(url.port), path: url.pathname.slice(1) };
  }
  const match = /^(?:([^@:/\s]+)@)?([^:@/\s]+|\[[0-9a-fA-F:.]+\]):(\S+)$/.exec(rest);
  if (!match) return `"${repository}" is not sftp:user@host:/path`;
  return { user: match[1], host: match[2]!.replace(/^\[|\]$/g, ''), port: undefined, path: match[3]! };
}
