// Bringing a customer back, end to end through the demo: the Outbox (the
// planner, as the back office sees it) -> the e-mail's preview -> its signed
// link -> the host's sign-in -> the kit's landing -> Reconnect in Meld's
// widget -> verified. And the link's refusals as a customer meets them:
// someone else's link, a used one and a made-up one all read the same.
import type { Page } from 'playwright';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../demo/connections.js';
import { expectAttribute, expectGone, expectText, pageErrors, signIn, startE2E, widgetDialog, widgetFrame, type E2E } from './harness.js';

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

/** A weekday morning in London, after Harbor's in-app prompt went unanswered for days (the seeds' dates are fixed). */
const MORNING = '2026-11-24T10:00';
const EVENING = '2026-11-24T22:30';

async function openOutbox(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Outbox/ }).click();
  await page.getByRole('heading', { name: 'Outbox' }).waitFor();
}

async function setClock(page: Page, local: string, zone = 'Europe/London'): Promise<void> {
  await page.getByLabel('Set to').fill(local);
  await page.getByLabel('Time zone').selectOption(zone);
  await page.getByRole('button', { name: 'Set the clock' }).click();
  await expectText(page.locator('.demo-outbox__zones'), `Alex: ${local.replace('T', ' ')}`);
}

const row = (page: Page, list: 'due' | 'later' | 'sent', connectionId: string, channel: string) =>
  page.getByTestId(`outbox-${list}`).locator(`[data-connection="${connectionId}"][data-channel="${channel}"]`);

/** Harbor's e-mail to Alex, due on the morning: previewed, sent, and its link read from the preview. */
async function harborEmailLink(page: Page): Promise<string> {
  await openOutbox(page);
  await setClock(page, MORNING);
  const email = row(page, 'due', DEMO_IDS.loginRequired, 'email');
  await email.getByRole('button', { name: /^Preview/ }).click();
  const preview = page.getByTestId('outbox-preview');
  await expectText(preview.getByTestId('outbox-subject'), 'Reconnect Harbor Credit Union to keep your accounts up to date');
  await expectText(preview, 'alex@example.com');
  const link = await preview.getByTestId('outbox-link').getAttribute('href');
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?meld_repair=[\w-]+$/);
  await page.getByRole('button', { name: 'Send what is due' }).click();
  await row(page, 'sent', DEMO_IDS.loginRequired, 'email').waitFor();
  return link!;
}

async function signOut(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign out' }).click()]);
  await page.getByRole('heading', { name: 'Sign in to Pebble' }).waitFor();
}

/** The host's sign-in, from a link: the address (and the link in it) survives it. */
async function signInAs(page: Page, name: 'Alex' | 'Sam'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: `Continue as ${name}` }).click()]);
  await page.locator('.demo-live[data-live="open"]').waitFor();
}

const landing = (page: Page) => page.locator('[data-slot="repair-landing"]');

// Each runs a customer's whole trip (several page loads and a widget sign-in): more than the default 30 s on a busy machine.
describe('given Harbor has been broken for days and Alex ignored the in-app prompt', { timeout: 90_000 }, () => {
  it('should plan the e-mail, and its link should bring Alex through sign-in to the landing, one click from the widget, to verified', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const link = await harborEmailLink(page);

    await signOut(page);
    await page.goto(link);
    await expectText(page.locator('.demo-signin'), 'Sign in to continue to your bank connection.');
    expect(new URL(page.url()).searchParams.has('meld_repair')).toBe(true); // sign-in keeps the address
    await signInAs(page, 'Alex');

    const landed = landing(page);
    await expectAttribute(landed, 'data-state', 'ready');
    await expectText(landed, 'Harbor Credit Union');
    expect(new URL(page.url()).searchParams.has('meld_repair')).toBe(false); // out of the address bar (and history)
    // One button: the widget opens from the customer's click, never by itself.
    expect(await widgetDialog(page).count()).toBe(0);
    await expect.poll(() => landed.getByRole('button').count()).toBe(1);
    await landed.getByRole('button', { name: 'Reconnect' }).click();
    const frame = await widgetFrame(page, simulator.widgetOrigin);
    await signIn(frame);
    await expectText(landed, 'Your Harbor Credit Union connection is working again.');
    await expectGone(widgetDialog(page));
    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('ACTIVE');

    // Used once: the same link again reads like any dead link.
    await page.goto(link);
    await expectAttribute(landing(page), 'data-state', 'invalid');
    expect(pageErrors(page)).toEqual([]);
  });

  it('in popup mode, should open the widget from the landing\'s button in the relay window and verify there too', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const link = new URL(await harborEmailLink(page));
    link.searchParams.set('widget', 'popup'); // the page's own setting, beside the link
    await page.goto(link.href);
    const landed = landing(page);
    await expectAttribute(landed, 'data-state', 'ready');
    expect(new URL(page.url()).searchParams.get('widget')).toBe('popup'); // only the link left the address
    const [popup] = await Promise.all([page.waitForEvent('popup'), landed.getByRole('button', { name: 'Reconnect' }).click()]);
    await popup.waitForURL((url) => url.pathname === '/api/meld/widget-relay');
    await signIn(await widgetFrame(popup, simulator.widgetOrigin, popup.locator('iframe')));
    await expectText(landed, 'Your Harbor Credit Union connection is working again.');
    await expect.poll(() => popup.isClosed(), { timeout: 5_000 }).toBe(true);
    expect(simulator.getConnection(DEMO_IDS.loginRequired)?.status).toBe('ACTIVE');
    expect(pageErrors(page)).toEqual([]);
  });

  it('should answer Sam, holding Alex\'s link, exactly as it answers a made-up link, and leave the link to Alex', async () => {
    const { simulator } = e2e.demo;
    const page = await e2e.open();
    const link = await harborEmailLink(page);
    await signOut(page);
    await signInAs(page, 'Sam');

    const redeems = () => e2e.demo.requests().filter((r) => r.path === '/api/meld/repair-links/redeem');
    await page.goto(link);
    await expectAttribute(landing(page), 'data-state', 'invalid');
    const foreign = (await landing(page).textContent()) ?? '';
    expect(foreign).not.toContain('Harbor');

    const madeUp = new URL(link);
    madeUp.searchParams.set('meld_repair', 'A'.repeat(madeUp.searchParams.get('meld_repair')!.length));
    await page.goto(madeUp.href);
    await expectAttribute(landing(page), 'data-state', 'invalid');
    expect((await landing(page).textContent()) ?? '').toBe(foreign);
    expect(redeems().map((r) => r.status)).toEqual([404, 404]);
    expect(simulator.requests().filter((r) => r.path.includes('/connect/repair'))).toEqual([]);

    // Sam's attempt spent nothing: Alex still lands with it.
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(link);
    await signInAs(page, 'Alex');
    await expectAttribute(landing(page), 'data-state', 'ready');
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('the demo\'s own sign-in', () => {
  it('should refuse a sign-in a cross-site form could send (text/plain), setting no session', async () => {
    const forged = await fetch(new URL('/api/demo/session', e2e.demo.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"customer":"sam"}' });
    expect(forged.status).toBe(415);
    expect(forged.headers.get('set-cookie')).toBeNull();
    const signedIn = await fetch(new URL('/api/demo/session', e2e.demo.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customer":"sam"}' });
    expect(signedIn.headers.get('set-cookie')).toMatch(/^pebble_session=sam; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('the Outbox\'s clock', { timeout: 90_000 }, () => {
  it('should hold Harbor\'s e-mail through quiet hours in Alex\'s zone while Sam, in New York, is told, and keep Alex under one message a day', async () => {
    const page = await e2e.open();
    await openOutbox(page);
    await setClock(page, EVENING);
    const held = row(page, 'later', DEMO_IDS.loginRequired, 'email');
    await expectText(held, '2026-11-25 08:00 (Europe/London), held for quiet hours');
    // 22:30 in London is 17:30 in New York: Sam, in his own zone (and language), is told now.
    const due = page.getByTestId('outbox-due').locator('li');
    await expect.poll(() => due.evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-connection')} ${r.getAttribute('data-channel')}`))).toEqual([
      `${DEMO_IDS.samLoginRequired} in-app`,
    ]);
    await row(page, 'due', DEMO_IDS.samLoginRequired, 'in-app').getByRole('button', { name: /^Preview/ }).click();
    await expectText(page.getByTestId('outbox-subject'), 'Harbor Credit Union');
    expect(await page.getByTestId('outbox-preview').locator('[lang="es"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Send what is due' }).click();
    await row(page, 'sent', DEMO_IDS.samLoginRequired, 'in-app').waitFor();

    // The next morning it is due; the other banks wait their turn under the cap (one a day).
    await setClock(page, MORNING.replace('24', '25'));
    await row(page, 'due', DEMO_IDS.loginRequired, 'email').waitFor();
    await page.getByRole('button', { name: 'Send what is due' }).click();
    await row(page, 'sent', DEMO_IDS.loginRequired, 'email').waitFor();
    const later = page.getByTestId('outbox-later');
    await expectText(later.locator(`[data-connection="${DEMO_IDS.institutionAction}"]`), 'held by the cap');
    expect(pageErrors(page)).toEqual([]);
  });
});
