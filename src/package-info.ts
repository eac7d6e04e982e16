import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

/** Who we are, from package.json: the name, the version `ttd --version` prints, and the project's home. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly homepage: string;
}

export const PACKAGE: PackageInfo = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageInfo;
