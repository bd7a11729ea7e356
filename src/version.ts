/** The tool version, read once from package.json (works from src/ under tsx and from dist/). */
import { readFileSync } from 'node:fs';

function find(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const p = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (p.name === 'ldh-link' && typeof p.version === 'string') return p.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = find();
