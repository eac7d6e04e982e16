import { DeployerError, type ErrorCode } from '../../domain/errors.js';
import type { ApiErrorDetails } from './schema.js';

/**
 * An error answer of the Hetzner Cloud API (`{"error": {"code", "message", "details"}}`)
 * as a DeployerError whose message says what to do. `apiCode` keeps the API's
 * own code so callers can branch on it (uniqueness_error, not_found, ...).
 */
export class HetznerApiError extends DeployerError {
  readonly apiCode: string;
  readonly status: number;

  constructor(code: ErrorCode, message: string, apiCode: string, status: number, details: { where?: string; fix?: string; data?: Record<string, unknown> } = {}) {
    super(code, message, { ...details, data: { hetzner_code: apiCode, http_status: status, ...details.data } });
    this.name = 'HetznerApiError';
    this.apiCode = apiCode;
    this.status = status;
  }
}

export const TOKEN_WHERE = 'provider.api_token (or HCLOUD_TOKEN)';

/** The request that failed, as the user can recognise it: `POST /servers`. */
export interface FailedRequest {
  readonly method: string;
  readonly path: string;
}

export function apiErrorFrom(request: FailedRequest, status: number, apiCode: string, apiMessage: string, details: ApiErrorDetails | null | undefined): HetznerApiError {
  const what = `${request.method} ${request.path}`;
  switch (apiCode) {
    case 'unauthorized':
      return new HetznerApiError('hetzner.unauthorized', `The Hetzner Cloud API rejected the token (${what}: ${apiMessage}).`, apiCode, status, {
        where: TOKEN_WHERE,
        fix: 'check the token: it must be an API token of the project you deploy to (Hetzner Console → your project → Security → API tokens), copied whole; a deleted token stops working at once',
      });
    case 'token_readonly':
      return new HetznerApiError('hetzner.token_readonly', `The Hetzner Cloud token is read-only, so ${what} was refused.`, apiCode, status, {
        where: TOKEN_WHERE,
        fix: 'create a token with the "Read & Write" permission (Hetzner Console → your project → Security → API tokens) and use it instead',
      });
    case 'invalid_input': {
      const fields = (details?.fields ?? []).map((field) => ({ name: field.name, messages: [...(field.messages ?? [])] }));
      const listed = fields.map((field) => `${field.name}: ${field.messages.join('; ') || 'invalid'}`).join(', ');
      return new HetznerApiError('hetzner.invalid_input', `The Hetzner Cloud API rejected ${what}: ${apiMessage}${listed ? ` (${listed})` : ''}.`, apiCode, status, {
        fix: fields.some((field) => field.name === 'user_data')
          ? 'the cloud-init user data (the rendered cloud-init.yml with your SSH public key) must be at most 32 KiB: use one short key line in the file ssh_credentials.public_key_path names'
          : 'correct the provider settings named in the fields (server_type, location, image, SSH key) and run the command again',
        data: { fields },
      });
    }
    case 'placement_error':
      return new HetznerApiError('hetzner.api_error', `Hetzner could not place the server (${what}: ${apiMessage}).`, apiCode, status, {
        where: 'provider.location',
        fix: 'the location has no room for this server type right now: set another provider.location (or provider.server_type) and run the command again, or wait and retry later',
      });
    case 'resource_limit_exceeded':
      return new HetznerApiError('hetzner.quota_exceeded', `The Hetzner Cloud project reached a resource limit (${what}: ${apiMessage}).`, apiCode, status, {
        fix: 'delete servers, firewalls or keys the project no longer needs, or ask Hetzner to raise the limit (Hetzner Console → Limits)',
      });
    case 'uniqueness_error':
      return new HetznerApiError('hetzner.name_taken', `A Hetzner resource with this name already exists (${what}: ${apiMessage}).`, apiCode, status, {
        fix: 'choose another environment.instance_name, or delete the existing resource in the Hetzner Console if it is not needed',
      });
    default:
      return new HetznerApiError('hetzner.api_error', `The Hetzner Cloud API answered ${status} ${apiCode} to ${what}: ${apiMessage}.`, apiCode, status, {
        fix: fixFor(apiCode),
      });
  }
}

function fixFor(apiCode: string): string {
  switch (apiCode) {
    case 'rate_limit_exceeded':
      return 'the project\'s request budget (3600 per hour by default) is used up; wait a few minutes and run the command again';
    case 'conflict':
    case 'locked':
      return 'another action is running on the resource; wait for it to finish and run the command again';
    case 'maintenance':
    case 'service_error':
    case 'server_error':
    case 'bad_gateway':
    case 'timeout':
    case 'unavailable':
    case 'resource_unavailable':
      return 'the problem is on Hetzner\'s side; check https://status.hetzner.com and run the command again later';
    case 'forbidden':
      return 'the token is not allowed to do this; check that it belongs to the right project';
    default:
      return 'run the command again with -vvv to see the request; if the error persists, check https://status.hetzner.com';
  }
}

/** No token in the config nor in HCLOUD_TOKEN: provisioning and destroying need one. */
export function missingTokenError(): DeployerError {
  return new DeployerError('config.invalid', 'No Hetzner API token: provider.api_token is not set and neither is HCLOUD_TOKEN', {
    where: 'provider.api_token',
    fix: 'export HCLOUD_TOKEN=<a Read & Write token of your Hetzner project>',
  });
}
