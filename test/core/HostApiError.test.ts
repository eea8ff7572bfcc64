import { describe, expect, it } from 'vitest';
import { HostApiError, OperationNotAllowedError } from '../../src/core/index.js';

describe('OperationNotAllowedError', () => {
  it('given a status that forbids the operation, should say so in kind', () => {
    const error = new OperationNotAllowedError('repair', 'c1', 'EXPIRED', null);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ kind: 'status', operation: 'repair', connectionId: 'c1', status: 'EXPIRED', reason: null });
    expect(error.message).toBe('Cannot repair connection c1: its status EXPIRED does not allow it.');
  });

  it('given an operation that needs a customer action, should say so in kind', () => {
    const error = new OperationNotAllowedError('refresh', 'c1', 'DEGRADED', 'INTERACTIVE_REFRESH', 'needs-customer-action');
    expect(error.kind).toBe('needs-customer-action');
    expect(error.message).toContain("except as the direct result of a customer's action");
  });

  it('should keep the deprecated why as the same value as kind', () => {
    expect(new OperationNotAllowedError('refresh', 'c1', 'DEGRADED', 'INTERACTIVE_REFRESH', 'needs-customer-action').why).toBe(
      'needs-customer-action',
    );
    expect(new OperationNotAllowedError('delete', 'c1', 'IN_PROGRESS', null).why).toBe('status');
  });
});

describe('HostApiError', () => {
  it('should carry its kind, the answer\'s fields and the cause', () => {
    const cause = new Error('no token');
    const error = new HostApiError({ kind: 'headers', message: 'GET /x was not sent', cause });
    expect(error).toMatchObject({ name: 'HostApiError', kind: 'headers', status: undefined });
    expect(error.cause).toBe(cause);
  });
});
