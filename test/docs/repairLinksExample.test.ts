// @vitest-environment node
// The repair-links example in docs/renewal-and-notifications.md is stories/docs/repairLinksOnTheServer.ts,
// which tsc checks against the real signatures: the guide must hold that file's text, word for word.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the repair-links example in the guide', () => {
  it('should be the type-checked example, from its first import on, importing the package', () => {
    const source = readFileSync(`${root}stories/docs/repairLinksOnTheServer.ts`, 'utf8');
    const code = source.slice(source.indexOf('import {')).replace("'../../src/server/index.js'", "'meld-reconnect-kit/server'");
    const guide = readFileSync(`${root}docs/renewal-and-notifications.md`, 'utf8');
    expect(guide).toContain(`\`\`\`ts\n${code}\`\`\``);
  });
});
