// Runs under a real Content-Security-Policy without 'unsafe-inline' for styles.
// A policy cannot be lifted once a document has it, so this file has its own
// frame: the kit's stylesheet is loaded first (imports run before the body),
// then the policy is installed for everything the tests render.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ConnectionHealthList, ConnectionStatusBadge, ReconnectBanner } from '../../src/index.js';
import { aConnection, elementsWithStyleAttribute, renderKit } from './componentHarness.js';
import { resetHost } from './fakeHost.js';

const violations: SecurityPolicyViolationEvent[] = [];
const record = (event: SecurityPolicyViolationEvent) => violations.push(event);

beforeAll(async () => {
  document.addEventListener('securitypolicyviolation', record);
  const policy = document.createElement('meta');
  policy.httpEquiv = 'Content-Security-Policy';
  policy.content = "style-src 'self'";
  document.head.append(policy);

  // The policy is in force: a style attribute written as markup is refused and reported.
  const probe = document.createElement('div');
  probe.setAttribute('style', 'width: 123px');
  document.body.append(probe);
  await waitFor(() => expect(violations.map((v) => v.effectiveDirective)).toContain('style-src-attr'));
  expect(probe.getBoundingClientRect().width).not.toBe(123);
  probe.remove();
  violations.length = 0;
  await page.viewport(1280, 800);
});

afterEach(() => {
  cleanup();
  expect(document.querySelector('dialog'), 'a widget dialog outlived its prompt').toBeNull();
});

afterAll(() => {
  document.removeEventListener('securitypolicyviolation', record);
});

describe('under a strict Content-Security-Policy (style-src \'self\')', () => {
  it('given prompts, a badge and the health list, should style them from the stylesheet with no style attribute and no violation', async () => {
    await resetHost([aConnection('p1', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED'), aConnection('p2', 'ACTIVE', 'ACCESS_EXPIRING_SOON')]);
    const { container } = renderKit(
      <>
        <ReconnectBanner connection={aConnection('p0', 'UNRECOVERABLE', 'INSTITUTION_DISABLED')} />
        <ConnectionStatusBadge connection={aConnection('p0', 'UNRECOVERABLE', 'INSTITUTION_DISABLED')} />
        <ConnectionHealthList />
      </>,
    );
    await waitFor(() => expect(container.querySelectorAll('[data-slot="banner"]')).toHaveLength(3));
    const banner = container.querySelector<HTMLElement>('[data-slot="banner"]')!;
    expect(getComputedStyle(banner).backgroundColor).toBe('rgb(253, 232, 232)'); // --mrk-critical-surface
    expect(elementsWithStyleAttribute(container)).toEqual([]);
    expect(violations.map((v) => `${v.effectiveDirective} ${v.sample}`)).toEqual([]);
  });

  it('given the customer reconnects, should size the widget dialog through the CSSOM with no violation', async () => {
    await resetHost([aConnection('p3', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')]);
    const { container } = renderKit(<ReconnectBanner connection={aConnection('p3', 'RECONNECT_REQUIRED', 'LOGIN_REQUIRED')} />);
    await userEvent.click(await within(container).findByRole('button', { name: 'Reconnect' }));
    const dialog = await waitFor(() => {
      const open = document.querySelector('dialog');
      if (!open?.open) throw new Error('no open dialog');
      return open;
    });
    const frame = dialog.querySelector('iframe')!;
    expect(Math.round(dialog.getBoundingClientRect().width)).toBe(360);
    expect(Math.round(frame.getBoundingClientRect().height)).toBe(640);
    expect(getComputedStyle(dialog).borderTopWidth).toBe('0px');
    expect(violations.map((v) => `${v.effectiveDirective} ${v.sample}`)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
  });
});
