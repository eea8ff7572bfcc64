// Global setup of the `examples` project: the kit packed once (`npm pack`, as
// published), then each example installed as a user would: `npm ci` of its
// own lockfile, then that tarball (examples/installKit.mjs). Both at once.
import { join } from 'node:path';
import { packKit } from '../../examples/installKit.mjs';
import { exampleDir, mustRun, repo } from './harness.js';

export const EXAMPLES = ['next-app-router', 'express-vite'] as const;

export default async function installExamples(): Promise<void> {
  const started = performance.now();
  const tarball = packKit();
  await Promise.all(
    EXAMPLES.map(async (name) => {
      const cwd = exampleDir(name);
      await mustRun('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd });
      await mustRun(process.execPath, [join(repo, 'examples', 'installKit.mjs'), cwd, '--tarball', tarball], { cwd });
    }),
  );
  console.log(`[examples] packed the kit and installed ${EXAMPLES.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
