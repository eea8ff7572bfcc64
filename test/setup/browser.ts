import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Unmount what a test rendered even when it failed midway, so nothing it
// started (queries, streams, widgets) leaks into the next test.
afterEach(() => {
  cleanup();
});
