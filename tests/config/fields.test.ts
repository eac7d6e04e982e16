import { describe, expect, it } from 'vitest';
import { cronScheduleProblem } from '../../src/config/cron.js';
import { domainProblem, emailProblem, environmentNameProblem, parseBindAddress } from '../../src/config/fields.js';
import { locateKey } from '../../src/config/locate.js';

describe('cron schedules', () => {
  it.each(['0 3 * * *', '*/15 * * * *', '0 0 * * 0', '0 */6 * * 1-5', '30 2 1,15 * *', '0 4 * jan-mar mon', '0 0 * * 7', '@daily', '@hourly'])('accepts %s', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['0 3 * *', 'it has 4 fields'],
    ['60 * * * *', "minute field '60'"],
    ['0 24 * * *', "hour field '24'"],
    ['0 0 0 * *', "day of month field '0'"],
    ['0 0 * 13 *', "month field '13'"],
    ['0 0 * * 8', "day of week field '8'"],
    ['*/0 * * * *', "step '0'"],
    ['5-1 * * * *', 'runs backwards'],
    ['0 0 * * funday', "'funday' is not a day of week"],
    ['@sometimes', 'not a cron macro'],
  ])('rejects %s', (schedule, reason) => {
    expect(cronScheduleProblem(schedule)).toContain(reason);
  });
});

describe('bind addresses', () => {
  it('parses IPv4 and bracketed IPv6', () => {
    expect(parseBindAddress('0.0.0.0:6969')).toEqual({ ip: '0.0.0.0', port: 6969, family: 4 });
    expect(parseBindAddress('[::]:7070')).toEqual({ ip: '::', port: 7070, family: 6 });
  });

  it.each([
    ['6969', 'not IP:PORT'],
    [':6969', 'not IP:PORT'],
    ['tracker:6969', 'not an IP address'],
    ['::1:6969', 'not IP:PORT'],
    ['[127.0.0.1]:80', 'must be an IPv6 address'],
    ['0.0.0.0:0', 'port 0'],
    ['0.0.0.0:65536', 'above 65535'],
  ])('rejects %s', (address, reason) => {
    expect(parseBindAddress(address)).toEqual(expect.stringContaining(reason));
  });
});

describe('names, domains and emails', () => {
  it.each([['my-tracker', undefined], ['MyTracker', 'uppercase'], ['1st', 'starts with a number'], ['a--b', 'consecutive dashes'], ['a_b', 'invalid characters: _'], ['a-', 'ends with a dash']])(
    'environment name %s',
    (name, reason) => {
      const problem = environmentNameProblem(name);
      if (reason === undefined) expect(problem).toBeUndefined();
      else expect(problem).toContain(reason);
    },
  );

  it.each([['tracker.example.com', undefined], ['localhost', 'at least one dot'], ['a..b', 'empty label'], ['-a.example.com', "label '-a'"], ['a b.com', 'whitespace']])('domain %s', (domain, reason) => {
    const problem = domainProblem(domain);
    if (reason === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(reason);
  });

  it('emails need a local part and a domain', () => {
    expect(emailProblem('admin@example.com')).toBeUndefined();
    expect(emailProblem('admin@localhost')).toContain('not a domain');
    expect(emailProblem('@example.com')).toContain('not an email');
  });
});

describe('locating keys in the file text', () => {
  const toml = `[environment]
name = "x"

[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"

[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6970"

[tracker.http_api]
admin_token = "t"
`;
  it('finds TOML keys inside tables and arrays of tables', () => {
    expect(locateKey(toml, 'toml', ['environment', 'name'])).toEqual({ line: 2 });
    expect(locateKey(toml, 'toml', ['tracker', 'udp_trackers', 1, 'bind_address'])).toEqual({ line: 8 });
    expect(locateKey(toml, 'toml', ['tracker', 'http_api', 'bind_address'])).toEqual({ line: 10 });
    expect(locateKey(toml, 'toml', ['grafana', 'admin_user'])).toBeUndefined();
  });

  it('finds JSON keys, or the nearest parent of a missing one', () => {
    const json = '{\n  "tracker": {\n    "http_api": {\n      "admin_token": "t"\n    }\n  }\n}';
    expect(locateKey(json, 'json', ['tracker', 'http_api', 'admin_token'])).toEqual({ line: 4, column: 7 });
    expect(locateKey(json, 'json', ['tracker', 'http_api', 'bind_address'])).toEqual({ line: 3, column: 5 });
  });
});
