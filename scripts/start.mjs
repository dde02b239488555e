// `npm start`: build the web app and the server when the build is missing or
// older than its sources, then run the server in this same process, so that
// Ctrl+C, signals and exit codes reach it directly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['dist/web/index.html', 'build/server/main.js'];
const sources = [
  'src/web',
  'src/worker',
  'src/engine',
  'src/server',
  'vite.config.ts',
  'package.json',
];
const buildSteps = [
  ['npx', 'vite', 'build'],
  ['npx', 'tsc', '-p', 'tsconfig.server.json'],
];

/** The newest file at or under `path`: { path, mtimeMs }, or undefined. */
function newestFile(path) {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };

  let newest;
  for (const name of readdirSync(path)) {
    const file = newestFile(join(path, name));
    if (file && (!newest || file.mtimeMs > newest.mtimeMs)) newest = file;
  }

  return newest;
}

/** Why the build is out of date, or undefined when it is not. */
function reasonToBuild() {
  const missing = outputs.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;

  const builtAt = Math.min(
    ...outputs.map((output) => statSync(join(root, output)).mtimeMs),
  );
  for (const source of sources) {
    const file = newestFile(join(root, source));
    if (file && file.mtimeMs > builtAt) {
      return `${file.path.slice(root.length)} changed since the last build`;
    }
  }

  return undefined;
}

const reason = reasonToBuild();
if (reason) {
  console.info(`Building, because ${reason}...`);
  for (const [command, ...args] of buildSteps) {
    // npx is a .cmd script on Windows, which only a shell can run.
    const result = spawnSync(command, args, {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) {
      console.error(
        `Build step "${[command, ...args].join(' ')}" failed: ` +
          'fix the errors above, then run npm start again.',
      );
      process.exit(result.status ?? 1);
    }
  }
}

await import(pathToFileURL(join(root, 'build/server/main.js')).href);
