// The reconnect flow end to end, through the real stack: the demo page (the
// kit's components from source) -> the demo backend (meld-reconnect-kit/server)
// -> the Meld simulator -> its widget on its own origin -> webhook -> the
// backend -> SSE -> the page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../demo/connections.js';
import { badge, banner, card, expectAttribute, expectGone, expectText, pageErrors, startE2E, signIn, widgetDialog, widgetFrame, widgetFrameElement, type E2E } from './harness.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
beforeEach(async () => {
  await e2e.reset();
});

function meldCalls(path: string) {
  return e2e.demo.simulator.requests().filter((r) => r.path === path);
}

describe('given a connection that needs the customer to sign in again (RECONNECT_REQUIRED + LOGIN_REQUIRED)', () => {
  it('when they reconnect in the dialog, should open the widget at the bank login on its own origin, verify, and go back to Connected', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await expectAttribute(banner(harbor), 'data-state', 'reconnect');
    await expectAttribute(badge(harbor), 'data-state', 'reconnect');

    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await widgetDialog(page).waitFor();
    const src = new URL((await widgetFrameElement(page).getAttribute('src')) ?? '');
    expect(src.origin).toBe(simulator.widgetOrigin);
    expect(src.origin).not.toBe(new URL(e2e.demo.url).origin);
    const frame = await widgetFrame(page, simulator.widgetOrigin);
    // Repair skips the institution picker: the bank's login is the first thing shown.
    await signIn(frame);

    await expectText(banner(harbor), 'Your Harbor Credit Union connection is working again.');
    await expectAttribute(banner(harbor), 'data-state', 'verified');
    await expectGone(widgetDialog(page));
    await expectAttribute(badge(harbor), 'data-state', 'none');
    await expectText(badge(harbor), 'Connected');
    await expectGone(banner(harbor), 10_000); // the success line shows for a few seconds, then nothing is due

    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('ACTIVE');
    const repairs = meldCalls('/bank-linking/connect/repair');
    expect(repairs).toHaveLength(1);
    expect(repairs[0]?.body).toEqual({ connectionId: DEMO_IDS.loginRequired });
    expect(pageErrors(page)).toEqual([]);
  });

  it('when they reconnect in a popup, should open the widget in a window of its own and verify the same way', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open({ query: { widget: 'popup' } });
    const harbor = card(page, DEMO_IDS.loginRequired);
    const [popup] = await Promise.all([page.waitForEvent('popup'), harbor.getByRole('button', { name: 'Reconnect' }).click()]);
    // The kit's relay page on the demo's own origin (createReconnectHandler serves it), its secret already out of the address.
    await popup.waitForURL((url) => url.pathname === '/api/meld/widget-relay');
    expect(new URL(popup.url()).origin).toBe(new URL(e2e.demo.url).origin);
    expect(popup.url()).not.toContain('#');
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    expect(await widgetDialog(page).count()).toBe(0);
    await expectAttribute(banner(harbor), 'data-state', 'widget-open');

    // Meld's widget (the simulator's page, on its own origin) inside the relay.
    await signIn(await widgetFrame(popup, simulator.widgetOrigin, popup.locator('iframe')));
    await expectAttribute(banner(harbor), 'data-state', 'verified');
    await expect.poll(() => popup.isClosed(), { timeout: 5_000 }).toBe(true);
    await expectText(badge(harbor), 'Connected');
    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('ACTIVE');
    expect(pageErrors(page)).toEqual([]);
  });

  it('when the password is wrong, should say signing in did not work and offer to try again, which then succeeds', async () => {
    const { simulator } = e2e.demo;
    simulator.scriptWidget(DEMO_IDS.loginRequired, 'wrong-password');
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await signIn(await widgetFrame(page, simulator.widgetOrigin));

    await expectAttribute(banner(harbor), 'data-state', 'failed');
    await expectText(banner(harbor), 'Signing in did not work. Try again.');
    expect(await banner(harbor).getAttribute('role')).toBe('alert');
    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('RECONNECT_REQUIRED');
    expect(simulator.webhooks()).toHaveLength(0);

    // The script covered one sign-in; the retry gets a fresh session and succeeds.
    await harbor.getByRole('button', { name: 'Try again' }).click();
    await signIn(await widgetFrame(page, simulator.widgetOrigin));
    await expectAttribute(banner(harbor), 'data-state', 'verified');
    expect(meldCalls('/bank-linking/connect/repair')).toHaveLength(2);
  });

  it('when the provider fails after sign-in, should say it is still broken and show the new reason from the webhook', async () => {
    const { simulator } = e2e.demo;
    simulator.scriptWidget(DEMO_IDS.loginRequired, 'provider-failure', { reason: 'OTHER' });
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await signIn(await widgetFrame(page, simulator.widgetOrigin));

    await expectAttribute(banner(harbor), 'data-state', 'still-broken');
    await expectText(banner(harbor), 'Harbor Credit Union still could not connect.');
    await expectText(harbor.getByTestId('raw-status'), 'RECONNECT_REQUIRED · OTHER');
    await expectAttribute(badge(harbor), 'data-state', 'reconnect');
    expect(await harbor.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    const connection = simulator.getConnection(DEMO_IDS.loginRequired);
    expect([connection?.status, connection?.statusReason]).toEqual(['RECONNECT_REQUIRED', 'OTHER']);
  });
});

describe('given a connection with new accounts at the bank (ACTIVE + NEW_ACCOUNTS_AVAILABLE)', () => {
  it('when the customer adds them, should run the repair flow from the new-accounts prompt and clear it', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const evergreen = card(page, DEMO_IDS.newAccounts);
    const prompt = evergreen.locator('[data-slot="new-accounts"]');
    await expectText(prompt, 'New accounts are available at Evergreen Savings.');
    expect(await banner(evergreen).count()).toBe(0); // the banner leaves this one to the new-accounts prompt

    await prompt.getByRole('button', { name: 'Add new accounts' }).click();
    await signIn(await widgetFrame(page, simulator.widgetOrigin));
    await expectAttribute(prompt, 'data-state', 'verified');
    await expectText(badge(evergreen), 'Connected');
    await expectGone(prompt, 10_000);
    const connection = simulator.getConnection(DEMO_IDS.newAccounts);
    expect([connection?.status, connection?.statusReason ?? null]).toEqual(['ACTIVE', null]);
  });
});

describe('given a connection Meld will not repair (409: it expired and the webhook never arrived)', () => {
  it('when the customer reconnects, should offer "Connect again", which starts a new connection through the demo', async () => {
    const { simulator, backend } = e2e.demo;
    const page = await e2e.open();
    const harbor = card(page, DEMO_IDS.loginRequired);
    await expectAttribute(banner(harbor), 'data-state', 'reconnect');
    // At Meld the connection expires, but the webhook is lost: the page still shows "Reconnect".
    simulator.setWebhookUrl(undefined);
    await simulator.setStatus(DEMO_IDS.loginRequired, 'EXPIRED', null);
    simulator.setWebhookUrl(backend.webhookUrl);

    await harbor.getByRole('button', { name: 'Reconnect' }).click();
    await expectAttribute(banner(harbor), 'data-state', 'start-new-connection');
    await expectText(banner(harbor), 'Connect it again');
    expect(e2e.demo.requests().some((r) => r.path === `/api/meld/connections/${DEMO_IDS.loginRequired}/repair` && r.status === 409)).toBe(true);
    expect(await widgetDialog(page).count()).toBe(0);

    await harbor.getByRole('button', { name: 'Connect again' }).click();
    const frame = await widgetFrame(page, simulator.widgetOrigin);
    const starts = meldCalls('/bank-linking/connect/start');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.body).toMatchObject({ externalCustomerId: 'cust_demo', institutionId: 'ins_harbor' });
    await signIn(frame);

    await expectText(page.locator('.demo-notice'), 'Harbor Credit Union is connected.');
    await expectGone(harbor); // the expired one is removed once its replacement works
    const fresh = simulator.listConnections().find((c) => c.institutionId === 'ins_harbor' && c.externalCustomerId === 'cust_demo' && c.id !== DEMO_IDS.loginRequired);
    expect(fresh?.status).toBe('ACTIVE');
    await card(page, fresh?.id ?? '?').waitFor();
    await expectText(badge(card(page, fresh?.id ?? '?')), 'Connected');
  });
});

describe('given a bank that is no longer supported (UNRECOVERABLE + INSTITUTION_DISABLED)', () => {
  it('when the customer connects another bank, should start a connection without a bank, let them pick one, and replace the old card', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const oldMill = card(page, DEMO_IDS.disabled);
    await expectAttribute(banner(oldMill), 'data-state', 'choose-another-institution');

    await oldMill.getByRole('button', { name: 'Connect another bank' }).click();
    const frame = await widgetFrame(page, simulator.widgetOrigin);
    expect(meldCalls('/bank-linking/connect/start')[0]?.body).not.toHaveProperty('institutionId');
    await frame.getByRole('button', { name: 'Northwind Savings' }).click();
    await signIn(frame);

    await expectGone(oldMill);
    const fresh = simulator.listConnections().find((c) => c.institutionName === 'Northwind Savings');
    expect(fresh?.status).toBe('ACTIVE');
    await expectText(badge(card(page, fresh?.id ?? '?')), 'Connected');
    expect(simulator.getConnection(DEMO_IDS.disabled)?.status).toBe('DELETED');
  });
});
