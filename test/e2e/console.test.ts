/**
 * The console in a real headless Chromium against the local runtime: sign in as each role, find a customer
 * that a signed webhook created, see their comment on the 360's timeline and in the newsroom, build a
 * segment, and the errors a person can act on (403 for a role, 401 for a bad token). Each page's screenshot
 * goes to test-output/e2e/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../console/build.js';
import { closeSharedBrowser, sharedBrowser, TEST_OUTPUT } from '../support/browser.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../support/webhooks.js';
import { audience, campaignBody, clients, settle, waitForStatus } from '../support/campaigns.js';
import { flushUsage } from '../../adapters/shared/usage.js';

let rt: TestRuntime;
let consoleDir: string;
const contexts: BrowserContext[] = [];
const FAN = `77${Date.now()}`.slice(0, 16);
const COMMENT = `The new tent kept us dry all weekend ${FAN}`;
let customerId: string;

beforeAll(async () => {
  consoleDir = await buildConsole(mkdtempSync(join(tmpdir(), 'social-crm-console-')), { minify: false });
  rt = await startTestRuntime({ consoleDir });
  const acme = rt.credentials.tenants[0]!;
  const page = acme.accounts.facebook;
  const body = pageDelivery(page, [feedComment({ pageId: page, fromId: FAN, fromName: 'Dana Camper', message: COMMENT })]);
  expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
  // the webhook stores the comment and its customer before answering; the queues (knowledge) go on meanwhile
  const found = await fetch(`${rt.url}/v1/customers?channel=facebook&externalId=${FAN}`, { headers: { authorization: `Bearer ${acme.tokens.marketer}` } });
  customerId = ((await found.json()) as { items: { id: string }[] }).items[0]!.id;
  await sharedBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await closeSharedBrowser();
  await rt?.stop();
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  if (rt) rmSync(rt.dataDir, { recursive: true, force: true });
});

/** One signed-in page per role, reused by the tests that follow (signing in is the slow part). */
const pages = new Map<string, Promise<Page>>();
function as(role: string): Promise<Page> {
  if (!pages.has(role)) pages.set(role, signedIn(role));
  return pages.get(role)!;
}

async function signedIn(role: string): Promise<Page> {
  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE' });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${rt.url}/`);
  await page.getByTestId(`signin-acme-${role}`).click();
  await page.getByText(`acme · ${role}`).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(TEST_OUTPUT, `${name}.png`), fullPage: true });

describe('console', () => {
  it('offers every demo tenant and role locally, and serves the local credentials only to a local Host', async () => {
    const context = await (await sharedBrowser()).newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${rt.url}/`);
    // the sign-in page lists the tenants once it has fetched the local credentials: wait for each, do not peek
    for (const role of ['admin', 'marketer', 'agent', 'finance']) await page.getByTestId(`signin-globex-${role}`).waitFor({ state: 'visible' });
    await shot(page, 'signin');
    // fetch() may not set Host; node:http may, as a DNS-rebinding page's requests would arrive
    const foreign = await new Promise<number>((done, fail) =>
      request(`${rt.url}/local/credentials`, { headers: { host: 'evil.example' } }, (res) => (res.resume(), done(res.statusCode!))).on('error', fail).end(),
    );
    expect(foreign).toBe(404);
    const local = await fetch(`${rt.url}/local/credentials`);
    expect(((await local.json()) as { tenants: { tenantId: string }[] }).tenants.map((t) => t.tenantId)).toEqual(['acme', 'globex']);
  });

  it('shows each role the pages it may use', async () => {
    const expected: Record<string, string[]> = {
      admin: ['Customer 360', 'Newsroom', 'Segments', 'Service', 'Campaigns', 'Costs'],
      marketer: ['Customer 360', 'Newsroom', 'Segments', 'Service', 'Campaigns'],
      agent: ['Customer 360', 'Newsroom', 'Segments', 'Service'],
      finance: ['Costs'],
      approver: ['Campaigns'],
    };
    for (const [role, titles] of Object.entries(expected)) {
      const page = await as(role);
      const nav = await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allInnerTexts();
      expect(nav, role).toEqual(titles);
      await shot(page, `home-${role}`);
    }
  });

  it('finds the webhook customer by channel and external id and shows the 360 with the comment on the timeline', async () => {
    const page = await as('marketer');
    await page.goto(`${rt.url}/#/customers`);
    // by name first (the default): any case, the start of it
    await page.getByLabel('Name').fill('dana CAMP');
    await page.getByLabel('Name').press('Enter');
    await page.locator(`a[href="#/customers/${encodeURIComponent(customerId)}"]`).waitFor();
    await page.getByLabel('Find by').selectOption('identity');
    await page.getByLabel('Channel').selectOption('facebook');
    await page.getByLabel('External id').fill(FAN);
    await page.getByLabel('External id').press('Enter');
    await page.getByRole('link', { name: /Dana Camper|cus/ }).first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(page.url()).toContain(`#/customers/${customerId}`);
    await page.getByTestId('timeline').getByText(COMMENT).waitFor();
    await expect(page.getByTestId('identities').innerText()).resolves.toContain('facebook');
    await page.getByText('Nothing on the timeline yet').or(page.getByText('The beginning of the timeline.')).waitFor();
    // every figure explains itself: open one "why" and see its formula
    const why = page.getByTestId('knowledge').locator('details').first();
    if (await why.count()) {
      await why.locator('summary').click();
      await expect(why.locator('code').innerText()).resolves.not.toBe('');
    }
    // loyalty: the fan is a prospect, not a member; the panel says so with a zero balance and the first tier
    await expect(page.getByTestId('loyalty-available').innerText()).resolves.toBe('0');
    await page.getByTestId('loyalty').getByText('not enrolled').waitFor();
    await shot(page, 'customer-360');
  });

  it("shows a member's points, tier and ledger in the 360", async () => {
    const acme = rt.credentials.tenants[0]!;
    const admin = api(rt.url, acme.tokens.admin);
    const member = await admin('/v1/customers', { method: 'POST', body: JSON.stringify({ email: `member-${FAN}@example.com`, givenName: 'Mo', familyName: 'Member' }) });
    expect(member.status).toBe(201);
    await settle(rt);
    const credit = await admin(`/v1/customers/${member.body.id}/loyalty/adjustments`, { method: 'POST', body: JSON.stringify({ points: 1234, reason: `Goodwill for ${FAN}` }) });
    expect(credit.status).toBeLessThan(300);
    const account = await admin(`/v1/customers/${member.body.id}/loyalty`);
    const page = await as('marketer');
    await page.goto(`${rt.url}/#/customers/${encodeURIComponent(member.body.id)}`);
    const panel = page.getByTestId('loyalty');
    await panel.getByText(`Goodwill for ${FAN}`).waitFor();
    // the page's own locale (de-DE) formats the balance the API answered
    await expect(page.getByTestId('loyalty-available').innerText()).resolves.toBe(new Intl.NumberFormat('de-DE').format(account.body.available));
    expect(account.body.available).toBeGreaterThanOrEqual(1234);
    await expect(page.getByTestId('loyalty-tier').innerText()).resolves.toBe(account.body.tier.name);
    await shot(page, 'customer-360-loyalty');
  });

  it('shows the comment in the newsroom, filtered, linking to its customer', async () => {
    const page = await as('agent');
    await page.getByRole('link', { name: 'Newsroom' }).click();
    const item = page.getByTestId('newsroom-items').locator('li', { hasText: COMMENT });
    await item.waitFor();
    await page.getByLabel('Sentiment').selectOption('negative');
    // the filtered list replaces the unfiltered one when its request answers: wait for that, never for a label
    await item.waitFor({ state: 'detached' });
    await page.getByLabel('Sentiment').selectOption('');
    await item.waitFor();
    await shot(page, 'newsroom');
    await item.getByRole('link', { name: 'Open customer' }).click();
    await page.getByTestId('timeline').getByText(COMMENT).waitFor();
    expect(page.url()).toContain(customerId);
  });

  it('shows a queue ordered by SLA with the clock counting down; an agent replies through the channel and resolves', async () => {
    const acme = rt.credentials.tenants[0]!;
    const call = (token: string, path: string, method: string, body?: unknown) =>
      fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect((await call(acme.tokens.admin, '/v1/service/queues/console-q', 'PUT', { name: 'Console queue', order: 0, skills: { channels: ['facebook'], languages: [], intents: [], vipTiers: [] } })).status).toBe(200);
    const subject = `Tent pole broke ${FAN}`;
    const opened = await call(acme.tokens.agent, '/v1/tickets', 'POST', { customerId, channel: 'facebook', kind: 'comment', externalId: `${FAN}_c1`, subject, intent: 'complaint', sentiment: -0.8 });
    expect(opened.status).toBe(201);

    const page = await as('agent');
    await page.getByRole('link', { name: 'Service' }).click();
    await page.getByLabel('Queue', { exact: true }).selectOption('console-q');
    await page.getByLabel('Status', { exact: true }).selectOption('waiting');
    const card = page.getByTestId('queue-tickets').locator('li', { hasText: subject });
    await card.waitFor();
    await expect(card.getByTestId('sla-clock').innerText()).resolves.toMatch(/first response: due in \d/);
    await shot(page, 'service');
    await card.getByRole('link', { name: subject }).click();
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.getByLabel('Reply text').fill(`We are sending a new pole today ${FAN}`);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('conversation').getByText(`We are sending a new pole today ${FAN}`).waitFor();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByTestId('ticket-meta').getByText('resolved', { exact: true }).waitFor();
    const ticket = await call(acme.tokens.agent, `/v1/tickets/${opened.body.id}`, 'GET');
    expect(ticket.body.status).toBe('resolved');
    expect(ticket.body.replies).toEqual([expect.objectContaining({ status: 'sent', text: `We are sending a new pole today ${FAN}` })]);
    // the customer's 360 lists the ticket, resolved, and links back to it
    await page.getByRole('link', { name: 'Open customer' }).click();
    const listed = page.getByTestId('customer-tickets').locator('li', { hasText: subject });
    await listed.getByText('resolved', { exact: true }).waitFor();
    await listed.getByRole('link', { name: subject }).click();
    await page.getByRole('heading', { name: subject }).waitFor();
  });

  it('builds a segment, previews its count and lists its members', async () => {
    const page = await as('marketer');
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByLabel('Name').fill(`Talkers ${FAN}`);
    // the fan has no consent to social profiling, so their interactions are not counted: match on the stage
    await page.getByLabel('field').selectOption('stage');
    await page.getByLabel('operator').selectOption('eq');
    await page.getByLabel('value').selectOption('prospect');
    await page.getByRole('button', { name: 'Save and preview' }).click();
    await page.getByTestId('members').getByRole('link', { name: customerId }).waitFor();
    const count = await page.getByTestId('preview-count').innerText();
    expect(Number(count.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
    await shot(page, 'segments');
  });

  it('tells an agent their role cannot list segment members', async () => {
    const page = await as('agent');
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByTestId('segments').getByRole('link').first().click();
    await page.getByText('Your role (agent) cannot list a segment').waitFor();
  });

  it('is readable on a phone', async () => {
    const page = await as('marketer');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${rt.url}/#/customers/${encodeURIComponent(customerId)}`);
    await page.getByTestId('timeline').getByText(COMMENT).waitFor();
    // runs in the page, where `document` is the page's (the test's own TypeScript has no DOM library)
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'customer-360-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  it('shows the campaign board; an approver approves, the marketer launches, and the results chart the variants', async () => {
    const acme = rt.credentials.tenants[0]!;
    const members = await audience(rt, acme, `board${FAN}`, 4);
    const { marketer } = clients(rt, acme);
    const created = await marketer('/v1/campaigns', { method: 'POST', body: JSON.stringify({ ...campaignBody((members as string[] & { segmentId: string }).segmentId), name: `Board ${FAN}` }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const maker = await as('marketer');
    await maker.getByRole('link', { name: 'Campaigns' }).click();
    await maker.getByTestId('board-draft').getByRole('link', { name: `Board ${FAN}` }).click();
    await maker.getByRole('button', { name: 'Submit for approval' }).click();
    await maker.getByTestId('campaign-status').getByText('Waiting for approval').waitFor();
    await maker.getByText('Waiting for an approver other than its author').waitFor();

    const approver = await as('approver');
    await approver.goto(`${rt.url}/#/campaigns`);
    await approver.getByTestId('board-submitted').getByRole('link', { name: `Board ${FAN}` }).waitFor();
    await shot(approver, 'campaigns-board');
    await approver.getByTestId('board-submitted').getByRole('link', { name: `Board ${FAN}` }).click();
    await approver.getByRole('button', { name: 'Approve' }).click();
    await approver.getByTestId('campaign-status').getByText(`approved by ${acme.tenantId}-approver`).waitFor();

    await maker.reload();
    await maker.getByRole('button', { name: 'Launch now' }).click();
    await waitForStatus(rt, acme, id, ['completed']);
    await maker.reload();
    const results = maker.getByTestId('campaign-results');
    const answer = (await marketer(`/v1/campaigns/${id}/results`)).body;
    // four recipients split by weight: a variant may get none, so the chart names the variants the results name
    const groups = [...Object.keys(answer.variants), 'holdout'];
    const chart = results.getByRole('img', { name: /^Conversion rate: / });
    await chart.waitFor();
    const label = (await chart.getAttribute('aria-label'))!;
    expect(groups.map((g) => label.indexOf(`${g} `))).toEqual(groups.map((g) => label.indexOf(`${g} `)).sort((a, b) => a - b));
    for (const g of groups) expect(label).toContain(`${g} `);
    const sent = answer.sent as number;
    // four consenting recipients, 10 % held out by a hash of their ids: whoever is not held out gets the e-mail
    expect(sent).toBe(answer.audience - answer.holdout.recipients);
    expect(sent).toBeGreaterThan(0);
    await results.getByText(`${sent} / `, { exact: false }).first().waitFor();
    // the history loads beside the campaign: wait for its last version before reading it
    await maker.getByTestId('campaign-history').getByText(/complete by/).waitFor();
    await expect(maker.getByTestId('campaign-history').innerText()).resolves.toMatch(/submit[\s\S]*approve[\s\S]*launch/);
    await shot(maker, 'campaign');
  });

  it('shows finance the cost per day stacked by feature, per campaign, unit costs and budgets, and downloads the CSV', async () => {
    await flushUsage();
    const acme = rt.credentials.tenants[0]!;
    const page = await as('finance');
    await page.goto(`${rt.url}/#/costs`);
    const today = new Date().toISOString().slice(0, 10);
    const report = await api(rt.url, acme.tokens.finance)(`/v1/costs?from=${today.slice(0, 8)}01&to=${today}&groupBy=feature`);
    expect(report.status).toBe(200);
    const features = report.body.groups.map((g: { key: string }) => g.key);
    expect(features).toEqual(expect.arrayContaining(['social']));
    await page.getByRole('img', { name: /^Cost per day stacked by feature: / }).waitFor();
    const label = await page.getByRole('img', { name: /^Cost per day stacked by feature: / }).getAttribute('aria-label');
    for (const f of features) expect(label).toContain(f);
    for (const f of features) await page.getByTestId('costs-by-feature').getByRole('rowheader', { name: f, exact: true }).waitFor();
    await page.getByTestId('unit-costs').getByText('per 1,000 social events').waitFor();

    await page.getByLabel('Monthly budget amount').fill('250.00');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await page.getByTestId('budgets').locator('meter').waitFor();
    await shot(page, 'costs');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).nth(1).click()]);
    const file = await download.path();
    const csv = readFileSync(file!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^feature,dimension,service,units/);
    for (const f of features) expect(csv).toContain(`\r\n${f},`);
  });

  it('sends a person whose token the API refuses back to sign in', async () => {
    const page = await as('marketer');
    await page.evaluate(() => {
      const key = 'social-crm.session';
      const session = JSON.parse(sessionStorage.getItem(key)!);
      sessionStorage.setItem(key, JSON.stringify({ ...session, token: `${session.token}x` }));
    });
    await page.goto(`${rt.url}/#/newsroom`);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByTestId('signin-acme-marketer').waitFor();
  });

});
