import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { NodeSSH } from 'node-ssh';
import { DeployerError } from '../domain/errors.js';

/** The part of ssh2's SFTP client this module uses (ssh2 ships no types of its own). */
interface Sftp {
  fastPut(localPath: string, remotePath: string, options: { mode: number }, callback: (error: Error | null | undefined) => void): void;
  writeFile(remotePath: string, data: string, options: { mode: number }, callback: (error: Error | null | undefined) => void): void;
  mkdir(remotePath: string, attributes: { mode: number }, callback: (error: Error | null | undefined) => void): void;
  chmod(remotePath: string, mode: number, callback: (error: Error | null | undefined) => void): void;
  stat(remotePath: string, callback: (error: (Error & { code?: number }) | null | undefined) => void): void;
  ext_openssh_rename(from: string, to: string, callback: (error: Error | null | undefined) => void): void;
  unlink(remotePath: string, callback: (error: Error | null | undefined) => void): void;
  end(): void;
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02 §7). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

export interface UploadedTree {
  /** Paths relative to the uploaded directory, POSIX separators, sorted. */
  readonly files: readonly string[];
  readonly directories: readonly string[];
}

/**
 * Uploads over one SFTP channel, opened on first use. Each file is written to a
 * temporary name beside its target, given its mode, then renamed over the target, so
 * the host never sees a half-written file or a secret with loose permissions.
 */
export class SftpUploader {
  private sftp: Promise<Sftp> | undefined;

  constructor(
    private readonly ssh: NodeSSH,
    private readonly address: string,
  ) {}

  async file(localPath: string, remotePath: string, mode: number | undefined): Promise<void> {
    const sftp = await this.channel();
    const localMode = mode ?? (await this.localStat(localPath)).mode & 0o7777;
    await this.mkdirs(sftp, posix.dirname(remotePath), localPath);
    await this.replace(sftp, remotePath, localPath, localMode, (temporary) => call((done) => sftp.fastPut(localPath, temporary, { mode: localMode }, done)));
  }

  async content(content: string, remotePath: string, mode: number): Promise<void> {
    const sftp = await this.channel();
    await this.mkdirs(sftp, posix.dirname(remotePath), remotePath);
    await this.replace(sftp, remotePath, '(generated content)', mode, (temporary) => call((done) => sftp.writeFile(temporary, content, { mode }, done)));
  }

  async directory(localDirectory: string, remoteDirectory: string): Promise<UploadedTree> {
    const sftp = await this.channel();
    const rootStat = await this.localStat(localDirectory);
    if (!rootStat.isDirectory()) throw this.failure(localDirectory, remoteDirectory, 'it is not a directory');
    const created = await this.mkdirs(sftp, remoteDirectory, localDirectory);
    if (created) await this.step(localDirectory, remoteDirectory, call((done) => sftp.chmod(remoteDirectory, rootStat.mode & 0o7777, done)));
    const files: string[] = [];
    const directories: string[] = [];
    const walk = async (relative: string): Promise<void> => {
      const entries = await readdir(join(localDirectory, relative), { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
        const localPath = join(localDirectory, childRelative);
        const remotePath = posix.join(remoteDirectory, childRelative);
        // Links are followed, as `scp -r` does; the host gets the content.
        const entryStat = await this.localStat(localPath);
        if (entryStat.isDirectory()) {
          await this.mkdirs(sftp, remotePath, localPath);
          await this.step(localPath, remotePath, call((done) => sftp.chmod(remotePath, entryStat.mode & 0o7777, done)));
          directories.push(childRelative);
          await walk(childRelative);
        } else if (entryStat.isFile()) {
          const mode = entryStat.mode & 0o7777;
          await this.replace(sftp, remotePath, localPath, mode, (temporary) => call((done) => sftp.fastPut(localPath, temporary, { mode }, done)));
          files.push(childRelative);
        } else {
          throw this.failure(localPath, remotePath, 'it is neither a file nor a directory (sockets, devices and FIFOs are not uploaded)');
        }
      }
    };
    await walk('');
    return { files, directories };
  }

  end(): void {
    this.sftp?.then((sftp) => sftp.end()).catch(() => undefined);
    this.sftp = undefined;
  }

  private channel(): Promise<Sftp> {
    this.sftp ??= (this.ssh.requestSFTP() as Promise<unknown> as Promise<Sftp>).catch((error: Error) => {
      this.sftp = undefined;
      throw new DeployerError('ssh.upload_failed', `${this.address} refused an SFTP channel: ${error.message}`, {
        where: this.address,
        fix: 'enable the SFTP subsystem in the host\'s sshd_config (Subsystem sftp internal-sftp) and reload sshd',
      });
    });
    return this.sftp;
  }

  private async replace(sftp: Sftp, remotePath: string, source: string, mode: number, write: (temporary: string) => Promise<void>): Promise<void> {
    const temporary = `${remotePath}.ttd-upload-${randomBytes(4).toString('hex')}`;
    try {
      await this.step(source, remotePath, write(temporary));
      // The server's umask applied to the mode given at creation; set it exactly.
      await this.step(source, remotePath, call((done) => sftp.chmod(temporary, mode, done)));
      await this.step(source, remotePath, call((done) => sftp.ext_openssh_rename(temporary, remotePath, done)));
    } catch (error) {
      await call((done) => sftp.unlink(temporary, done)).catch(() => undefined);
      throw error;
    }
  }

  /** mkdir -p over SFTP; true when the last directory was created (false when it existed). */
  private async mkdirs(sftp: Sftp, remoteDirectory: string, source: string): Promise<boolean> {
    const absolute = remoteDirectory.startsWith('/');
    const parts = remoteDirectory.split('/').filter((part) => part !== '');
    let created = false;
    for (let index = 0; index < parts.length; index += 1) {
      const path = `${absolute ? '/' : ''}${parts.slice(0, index + 1).join('/')}`;
      const exists = await call((done) => sftp.stat(path, done)).then(
        () => true,
        (error: Error & { code?: number }) => {
          if (error.code === NO_SUCH_FILE) return false;
          throw this.failure(source, path, error.message, error.code);
        },
      );
      created = !exists;
      if (!exists) await this.step(source, path, call((done) => sftp.mkdir(path, { mode: 0o755 }, done)));
    }
    return created;
  }

  private async step(source: string, remotePath: string, operation: Promise<void>): Promise<void> {
    try {
      await operation;
    } catch (error) {
      if (error instanceof DeployerError) throw error;
      throw this.failure(source, remotePath, (error as Error).message, (error as { code?: number }).code);
    }
  }

  private async localStat(localPath: string) {
    try {
      return await stat(localPath);
    } catch (error) {
      throw new DeployerError('ssh.upload_failed', `Cannot upload ${localPath}: ${(error as Error).message}`, { where: localPath, fix: 'check that the local file exists and is readable' });
    }
  }

  private failure(source: string, remotePath: string, reason: string, code?: number): DeployerError {
    return new DeployerError('ssh.upload_failed', `Upload of ${source} to ${this.address}:${remotePath} failed: ${reason}`, {
      where: remotePath,
      fix:
        code === PERMISSION_DENIED
          ? 'the SSH user cannot write there: upload into a directory it owns (its home, or one made for it with sudo) and move the files with sudo'
          : 'check the free space and the path on the host, then run the command again',
    });
  }
}

function call(operation: (done: (error: Error | null | undefined) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => operation((error) => (error ? reject(error) : resolve())));
}
