// The command line: defaults, every flag, and the usage errors (exit code 2) in plain words.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseCpu, parseMemory, UsageError, type Command } from '../../src/cli/args.js';

const run = (argv: string[]) => {
  const c = parseCommandLine(argv) as Extract<Command, { kind: 'run' }>;
  expect(c.kind).toBe('run');
  return c.options;
};

const usage = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

/** What `kubeterm` with no arguments runs with: the UI, auto runtime, one node, prune on. */
const DEFAULTS = {
  folder: undefined,
  headless: false,
  stateFile: undefined,
  runtime: 'auto',
  nodes: 1,
  nodeCpu: undefined,
  nodeMemory: undefined,
  prune: true,
  dryRun: false,
  api: { host: '127.0.0.1', port: 6443 },
  network: true,
  nodeAddress: '127.0.0.1',
  ingressPort: 8080,
  ingressTlsPort: 8443,
  nodePools: [],
  allowHostPaths: [],
  logLevel: 'warn',
};

describe('parseCommandLine', () => {
  it('defaults to the UI, auto runtime, one node, prune on', () => {
    expect(run([])).toEqual(DEFAULTS);
  });

  it('reads every flag', () => {
    expect(
      run(['gitops', '--headless', '--state', '/tmp/s.json', '--runtime', 'sim', '--nodes', '3', '--node-cpu', '1500m', '--node-memory', '2Gi', '--no-prune', '--dry-run']),
    ).toEqual({
      ...DEFAULTS,
      folder: 'gitops',
      headless: true,
      stateFile: '/tmp/s.json',
      runtime: 'sim',
      nodes: 3,
      nodeCpu: 1.5,
      nodeMemory: 2 * 2 ** 30,
      prune: false,
      dryRun: true,
    });
    expect(run(['--state=/x.json', '--runtime=docker']).runtime).toBe('docker');
  });

  it('reads --log-level and --log-file, and names a bad level', () => {
    expect(run(['--log-level', 'debug', '--log-file', '/tmp/k.log'])).toMatchObject({ logLevel: 'debug', logFile: '/tmp/k.log' });
    expect(() => parseCommandLine(['--log-level', 'loud'])).toThrow('invalid value "loud" for --log-level: must be one of error, warn, info, debug');
    expect(() => parseCommandLine(['--log-file', ' '])).toThrow('--log-file needs a file path');
  });

  it('reads the API, network, node-pool and hostPath flags', () => {
    const o = run([
      '--api', '127.0.0.2:7443', '--no-network', '--node-address', '127.0.0.3', '--ingress-port', '0', '--ingress-tls-port', '9443',
      '--node-pool', 'small:min=1,max=3,cpu=2,memory=4Gi', '--node-pool', 'big:min=0,max=1,cpu=8,memory=32Gi',
      '--allow-host-path', '/srv/data', '--allow-host-path', '/mnt',
    ]);
    expect(o.api).toEqual({ host: '127.0.0.2', port: 7443 });
    expect(o.network).toBe(false);
    expect(o.nodeAddress).toBe('127.0.0.3');
    expect([o.ingressPort, o.ingressTlsPort]).toEqual([0, 9443]);
    expect(o.nodePools).toEqual(['small:min=1,max=3,cpu=2,memory=4Gi', 'big:min=0,max=1,cpu=8,memory=32Gi']);
    expect(o.allowHostPaths).toEqual(['/srv/data', '/mnt']);
    expect(run(['--api', '6444']).api).toEqual({ host: '127.0.0.1', port: 6444 });
    expect(run(['--no-api']).api).toBe(false);
  });

  it('refuses malformed API, port and host-path flags with exit code 2', () => {
    for (const [argv, msg] of [
      [['--api', 'nowhere'], /invalid value "nowhere" for --api/],
      [['--api', '1:2', '--no-api'], /--api and --no-api cannot be used together/],
      [['--ingress-port', '99999'], /--ingress-port: must be a port number/],
      [['--node-address', 'example.com'], /--node-address: expected an IP address/],
      [['--allow-host-path', ' '], /--allow-host-path needs a folder/],
      [['--kubeconfig', 'k', '--no-api'], /--no-api configures the embedded engine/],
    ] as const) {
      expect(() => parseCommandLine([...argv])).toThrow(msg);
      try {
        parseCommandLine([...argv]);
      } catch (e) {
        expect((e as UsageError).exitCode).toBe(2);
      }
    }
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h', '--nodes', 'zero'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('explains bad usage', () => {
    expect(usage(['--bogus'])).toBe('unknown flag: --bogus');
    expect(usage(['--state'])).toBe('flag needs an argument: --state');
    expect(usage(['--runtime', 'podman'])).toBe('invalid value "podman" for --runtime: must be one of auto, docker, process, sim');
    expect(usage(['--nodes', '0'])).toMatch(/^invalid value "0" for --nodes: must be a whole number from 1 to 100$/);
    expect(usage(['--nodes', '2.5'])).toMatch(/--nodes/);
    expect(usage(['--node-cpu', 'lots'])).toMatch(/^invalid value "lots" for --node-cpu/);
    expect(usage(['--node-memory', '8GB'])).toMatch(/^invalid value "8GB" for --node-memory: must be a positive quantity/);
    expect(usage(['a', 'b'])).toBe('expected at most one FOLDER, got 2: a b');
    expect(usage(['--no-prune'])).toBe('--no-prune only makes sense with a FOLDER');
    expect(usage(['--state', ' '])).toBe('--state needs a file path');
  });
});

describe('quantities', () => {
  it('parses memory as Kubernetes does', () => {
    expect(parseMemory('512Mi')).toBe(512 * 2 ** 20);
    expect(parseMemory('1G')).toBe(1e9);
    expect(parseMemory('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseMemory('1024')).toBe(1024);
    expect(parseMemory('8GB')).toBeUndefined();
  });

  it('parses CPU cores and millicores', () => {
    expect(parseCpu('2')).toBe(2);
    expect(parseCpu('250m')).toBe(0.25);
    expect(parseCpu('0.5')).toBe(0.5);
    expect(parseCpu('-1')).toBeUndefined();
  });
});
