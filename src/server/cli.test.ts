import { describe, expect, it } from 'vitest';
import {
  UsageError,
  describeListenError,
  formatUrl,
  parseCommand,
} from './cli.js';

describe('parseCommand', () => {
  it.each([
    ['nothing set', [], {}, '127.0.0.1', 5000],
    ['PORT', [], { PORT: '6000' }, '127.0.0.1', 6000],
    ['HOST', [], { HOST: '0.0.0.0' }, '0.0.0.0', 5000],
    ['an empty PORT', [], { PORT: '' }, '127.0.0.1', 5000],
    ['--port', ['--port', '7000'], {}, '127.0.0.1', 7000],
    ['--port=N', ['--port=7001'], {}, '127.0.0.1', 7001],
    [
      '--port over PORT',
      ['--port', '7000'],
      { PORT: '6000' },
      '127.0.0.1',
      7000,
    ],
    ['--port over a bad PORT', ['--port', '0'], { PORT: 'x' }, '127.0.0.1', 0],
    ['--host over HOST', ['--host', '::1'], { HOST: '0.0.0.0' }, '::1', 5000],
  ])('reads %s', (_name, argv, env, host, port) => {
    expect(parseCommand(argv, env)).toEqual({
      kind: 'serve',
      address: { host, port },
      modelOrigins: [],
    });
  });

  it('reads --model-origin as origins, repeatable', () => {
    const command = parseCommand(
      [
        '--model-origin',
        'https://models.example.org/some/path/',
        '--model-origin=http://127.0.0.1:8080',
      ],
      {},
    );

    expect(command).toMatchObject({
      modelOrigins: ['https://models.example.org', 'http://127.0.0.1:8080'],
    });
  });

  it.each([
    ['a word', ['--port', 'abc'], {}],
    ['a port above 65535', ['--port', '65536'], {}],
    ['a negative port', ['--port=-1'], {}],
    ['a fraction', ['--port', '80.5'], {}],
    ['a bad PORT', [], { PORT: '5OOO' }],
    ['an unknown flag', ['--prot', '5001'], {}],
    ['an empty host', ['--host='], {}],
    ['a model origin that is no URL', ['--model-origin', 'models'], {}],
    ['a model origin not on http(s)', ['--model-origin', 'ftp://x.org'], {}],
  ])('refuses %s', (_name, argv, env) => {
    expect(() => parseCommand(argv, env)).toThrow(UsageError);
  });

  it('names the bad value and where it came from', () => {
    expect(() => parseCommand([], { PORT: 'abc' })).toThrow(
      'Invalid port "abc" from PORT',
    );
  });

  it('answers --help', () => {
    expect(parseCommand(['--help'], {})).toEqual({ kind: 'help' });
  });
});

describe('formatUrl', () => {
  it('puts IPv6 hosts in brackets', () => {
    expect(formatUrl({ host: '::1', port: 5000 })).toBe('http://[::1]:5000/');
    expect(formatUrl({ host: '127.0.0.1', port: 80 })).toBe(
      'http://127.0.0.1:80/',
    );
  });
});

describe('describeListenError', () => {
  const address = { host: '127.0.0.1', port: 5000 };

  it('suggests the next port when the port is taken', () => {
    expect(describeListenError({ code: 'EADDRINUSE' }, address)).toBe(
      'Port 5000 on 127.0.0.1 is already in use. Stop the other server ' +
        'or choose another port: npm start -- --port 5001',
    );
  });

  it('leaves errors nobody can act on to the caller', () => {
    expect(describeListenError(new Error('boom'), address)).toBeUndefined();
  });
});
