#!/usr/bin/env node
// Builds dist/styles.css: tokens, then components. Plain CSS, no runtime.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const parts = ['src/theme/tokens.css', 'src/theme/components.css'].map((file) => readFileSync(`${root}${file}`, 'utf8'));
mkdirSync(`${root}dist`, { recursive: true });
writeFileSync(`${root}dist/styles.css`, `/* meld-reconnect-kit/styles.css */\n${parts.join('\n')}`);
