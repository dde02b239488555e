/** What a result was measured on, for the report and the JSON. */
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  /** One-minute load average when the run started: other work on the box. */
  loadAverage: number;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();

  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The command as typed, for the report: `npm run bench -- ...`. */
export function commandLine(script: string, argv: readonly string[]): string {
  const quoted = argv.map((arg) =>
    /^[\w./,:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`,
  );

  return quoted.length > 0
    ? `npm run ${script} -- ${quoted.join(' ')}`
    : `npm run ${script}`;
}
