/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts, which prints its figures as JSON on stdout.
 * Benchmarks measure; they never assert timings (house rule: no timed unit tests).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const available = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [args]`);
  process.exit(2);
}
process.argv = [process.argv[0], join(__dirname, `${name}.ts`), ...rest];
import(join(__dirname, `${name}.ts`)).catch((error) => { console.error(error); process.exit(1); });
