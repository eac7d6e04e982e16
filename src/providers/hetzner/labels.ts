import { DeployerError } from '../../domain/errors.js';
import type { Labels } from './schema.js';

/** Every resource the deployer creates carries these, so it can find (and only delete) its own. */
export const MANAGED_BY_KEY = 'managed-by';
export const MANAGED_BY_VALUE = 'torrust-tracker-deployer';
export const ENVIRONMENT_KEY = 'environment';

// hcloud-go `hcloud/labels.go`: keys are `[prefix/]name`, values at most 63 characters.
const KEY = /^([a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,253}[a-z0-9A-Z])?\/)?[a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,61}[a-z0-9A-Z])?$/;
const VALUE = /^(([a-z0-9A-Z](?:[-_.]|[a-z0-9A-Z]){0,61})?[a-z0-9A-Z]$|$)/;

export function labelKeyIsValid(key: string): boolean {
  return KEY.test(key);
}

export function labelValueIsValid(value: string): boolean {
  return VALUE.test(value);
}

export function environmentLabels(environment: string): Labels {
  if (!labelValueIsValid(environment)) {
    throw new DeployerError('config.invalid', `The environment name "${environment}" cannot be a Hetzner label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit).`, {
      where: 'environment.name',
      fix: 'use an environment name of at most 63 characters for a Hetzner environment',
    });
  }
  return { [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [ENVIRONMENT_KEY]: environment };
}

/** `managed-by=torrust-tracker-deployer,environment=<name>`: the resources of one environment. */
export function environmentSelector(environment: string): string {
  return Object.entries(environmentLabels(environment))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export function belongsTo(labels: Labels, environment: string): boolean {
  return labels[MANAGED_BY_KEY] === MANAGED_BY_VALUE && labels[ENVIRONMENT_KEY] === environment;
}
