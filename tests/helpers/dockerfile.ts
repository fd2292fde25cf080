import { readFileSync } from 'node:fs';

export interface Dockerfile {
  from: string;
  workdir: string | null;
  /** COPY instructions of files from the build context (not `COPY --from`), as [sources…, destination]. */
  copies: string[][];
  /** The exec-form CMD. */
  cmd: string[];
}

/** A small reader for this repository's Dockerfile (one instruction per line, `\` continuations joined). */
export function readDockerfile(path = 'Dockerfile'): Dockerfile {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const result: Dockerfile = { from: '', workdir: null, copies: [], cmd: [] };
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const argument = line.slice(instruction.length).trim();
    switch (instruction.toUpperCase()) {
      case 'FROM':
        result.from = argument;
        break;
      case 'WORKDIR':
        result.workdir = argument;
        break;
      case 'COPY':
        if (!rest.some((word) => word.startsWith('--from'))) result.copies.push(rest.filter((word) => !word.startsWith('--')));
        break;
      case 'CMD':
        result.cmd = JSON.parse(argument) as string[];
        break;
    }
  }
  return result;
}
