import { describe, expect, it } from 'vitest';
import { MeldTestingError, type MeldTestingErrorCode, type MeldTestingErrorKind } from '../../src/testing/index.js';

describe('MeldTestingError', () => {
  it('should say what went wrong in kind and prefix the message with the entry', () => {
    const cause = new Error('EADDRINUSE');
    const error = new MeldTestingError('port-in-use', 'the port 4100 is in use', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'MeldTestingError', kind: 'port-in-use' });
    expect(error.message).toBe('meld-reconnect-kit/testing: the port 4100 is in use');
    expect(error.cause).toBe(cause);
  });

  it('should keep the deprecated code and MeldTestingErrorCode as aliases of kind', () => {
    const kind: MeldTestingErrorKind = 'unknown-webhook';
    const code: MeldTestingErrorCode = kind;
    const error = new MeldTestingError(code, 'no webhook');
    expect(error.code).toBe('unknown-webhook');
    expect(error.code).toBe(error.kind);
  });
});
