// A Vitest reporter for `npm test`'s summary: writes the counts, the failed
// tests (with the first line of their error) and the tests that passed only on
// a retry to the JSON file named by MRK_SUMMARY_FILE. The summary prints these
// names last, so the end of a CI log (all it may keep) says what broke.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const firstLine = (text) => String(text ?? '').split('\n').find((line) => line.trim() !== '')?.slice(0, 240) ?? '';

export default class SummaryReporter {
  onInit(vitest) {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const file = process.env.MRK_SUMMARY_FILE;
    if (!file) return;
    const summary = { passed: 0, failed: 0, failures: [], flaky: [] };
    for (const module of testModules) {
      const where = relative(this.root, module.moduleId);
      const project = module.project.name;
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const { state, errors } = test.result();
        const name = `[${project}] ${where} > ${test.fullName}`;
        if (state === 'passed') {
          summary.passed += 1;
          const { retryCount, flaky } = test.diagnostic() ?? {};
          if (flaky) summary.flaky.push(`${name} (passed on retry ${retryCount})`);
        } else if (state === 'failed') {
          summary.failed += 1;
          failedTests += 1;
          summary.failures.push(`${name}: ${firstLine(errors?.[0]?.message)}`);
        }
      }
      // An error outside any test (import, hook) fails the file without a failed test.
      if (failedTests === 0 && module.state() === 'failed') {
        summary.failed += 1;
        summary.failures.push(`[${project}] ${where}: ${firstLine(module.errors()[0]?.message) || 'failed outside its tests'}`);
      }
    }
    for (const error of unhandledErrors) {
      summary.failed += 1;
      summary.failures.push(`unhandled error: ${firstLine(error.message)}`);
    }
    writeFileSync(file, JSON.stringify(summary, null, 2));
  }
}
