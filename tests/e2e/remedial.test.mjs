// Remedial recovery in the browser, on the account's "Legal & recovery" tab (its code
// fetched the first time the tab opens): the manager drafts a legal case — an amount
// the app would not write told beside its field, nothing sent — files it and schedules
// a hearing, and initiates a repossession from the kind's usual milestones, one marked
// done; she drafts a write-off for the whole balance and recommends it, and compliance
// approves it with minutes from the approvals list (the navigation's link is hers
// too), after which the account is closed with nothing owed and the ledger holds the
// write-off; documents are uploaded on a legal case, a new version added, the first
// one downloaded, and a text file named .pdf refused with the API's 415 said beside
// the file input; a filed case gets its judgment and closes with it. At 1280 and 390
// px, with no sideways scrolling; the demo's overdue milestone at phone width.
// Screenshots 103–111.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as e2e from './support.mjs';
import { BASE, RUN, ADMIN, MANAGER, api, tokenOf, createAccount, daysBefore } from './support.mjs';

const COMPLIANCE = { username: 'demo.compliance', password: 'Compliance@2026' };

let browser, page, legal, writeOff, manager, today;
const errors = [];
const dialogs = [];

before(async () => {
  manager = await tokenOf(MANAGER);
  legal = await createAccount(manager, 'legal', 'Larry Legal', '4250.00');
  writeOff = await createAccount(manager, 'writeoff', 'Wendy Writeoff', '1830.00');
  today = (await api(manager, 'GET', '/auth/me')).today;
  browser = await e2e.launch();
  page = await e2e.newPage(browser, { errors, dialogs });
});

afterEach((t) => e2e.onFailure(page, t));

after(async () => {
  await browser?.close();
});

const inDays = (days) => daysBefore(today, -days);
const caseNumber = `2026-CV-${RUN}`;

/** Signed in as `user` (whoever was before signed out). */
async function signIn(user) {
  if (await page.locator('[data-testid=logout]').count()) await e2e.logout(page);
  else await page.goto(`${BASE}/login`);
  await e2e.login(page, user);
}

/** The account's "Legal & recovery" tab, its sections read. */
async function legalTab(account) {
  await page.goto(`${BASE}/accounts/${account}?tab=legal`);
  await page.waitForSelector('[data-testid=remedial]');
  for (const section of ['legal-cases', 'recovery-actions', 'write-offs', 'documents']) {
    await page.waitForSelector(`[data-testid=${section}] :is(ul, [data-testid=empty])`);
  }
}

/** A small valid PDF whose text says `what`. */
const pdf = (what) => Buffer.from(`%PDF-1.4\n% ${what}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`, 'latin1');

test('a manager drafts a legal case, files it and schedules a hearing', async () => {
  await signIn(MANAGER);
  await legalTab(legal);
  assert.equal(await page.textContent('[data-testid=tab-legal]'), 'Legal & recovery');
  await page.waitForSelector('[data-testid=legal-cases] >> text=No legal case.');

  await page.click('[data-testid=legal-new]');
  const form = page.locator('[data-testid=case-form]');
  assert.equal(await form.locator('[name=amount_claimed]').inputValue(), '4250.00', 'the balance proposed');
  await form.locator('[name=court]').fill('Circuit Court of Cook County');
  await form.locator('[name=counsel]').fill('Hollis & Reed LLP');
  await form.locator('[name=amount_claimed]').fill('4,25.00');
  await form.locator('[data-testid=case-submit]').click();
  const told = await form.locator('.field-error[data-field=amount_claimed]').textContent();
  assert.match(told, /Enter an amount like 1,250\.00/);
  assert.equal(await form.locator('[name=amount_claimed]').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await api(manager, 'GET', `/accounts/${legal}/legal-cases`), [], 'nothing sent');

  await form.locator('[name=amount_claimed]').fill('4,250.00');
  await form.locator('[data-testid=case-submit]').click();
  await page.waitForSelector('[data-testid=legal-case][data-status=draft]');
  assert.match(await page.textContent('[data-testid=legal-done]'), /Legal case drafted/);
  const draft = page.locator('[data-testid=legal-case]');
  assert.match(await draft.textContent(), /Legal case at Circuit Court of Cook County/);
  assert.match(await draft.textContent(), /4,250\.00 USD/);
  // A draft is filed, changed or deleted; nothing more yet.
  const buttons = await draft.locator('.actions > button').allTextContents();
  assert.deepEqual(buttons, ['File the case', 'Edit', 'Delete the draft']);

  await draft.locator('[data-testid=case-file]').click();
  const file = page.locator('[data-testid=file-form]');
  assert.equal(await file.locator('[name=court]').inputValue(), 'Circuit Court of Cook County');
  assert.equal(await file.locator('[name=filed_on]').inputValue(), today);
  await file.locator('[name=case_number]').fill(caseNumber);
  await file.locator('[data-testid=file-submit]').click();
  await page.waitForSelector('[data-testid=legal-case][data-status=filed]');
  assert.equal(await page.textContent('[data-testid=legal-done]'), `Legal case ${caseNumber} filed on ${today}.`);
  assert.deepEqual(await page.locator('[data-testid=legal-case] .actions > button').allTextContents(),
    ['Schedule a hearing', 'Record the judgment', 'Close the case']);

  await page.click('[data-testid=case-hear]');
  const hearing = page.locator('[data-testid=hearing-form]');
  const at = `${inDays(14)}T09:30`;
  await hearing.locator('[name=starts_at]').fill(at);
  await hearing.locator('[name=venue]').fill('Courtroom 1402, Daley Center');
  await hearing.locator('[name=purpose]').fill('Pre-trial conference');
  await hearing.locator('[data-testid=hearing-submit]').click();
  await page.waitForSelector('[data-testid=legal-case][data-status=in_hearing]');
  const listed = await page.textContent('[data-testid=hearing]');
  assert.match(listed, new RegExp(`${inDays(14)} 09:30 \\(your time\\) · Courtroom 1402, Daley Center · Pre-trial conference`));
  assert.equal(await page.locator('[data-testid=hearing-record]').count(), 0, 'no outcome before it takes place');

  const [stored] = await api(manager, 'GET', `/accounts/${legal}/legal-cases`);
  assert.equal(stored.status, 'in_hearing');
  assert.equal(stored.case_number, caseNumber);
  assert.equal(stored.counsel, 'Hollis & Reed LLP');
  assert.equal(stored.amount_claimed, '4250.00');
  assert.equal(stored.filed_on, today);
  assert.equal(stored.hearings.length, 1);
  // The browser's 09:30 (this machine's time zone, as Chromium's), as an instant.
  assert.equal(new Date(stored.hearings[0].starts_at).getTime(), new Date(at).getTime());

  await page.click('[data-testid=tab-timeline]');
  await page.waitForSelector('[data-testid=timeline] >> text=Hearing scheduled by Morgan Reyes');
  const events = await page.locator('[data-testid=timeline] li[data-kind=legal]').allTextContents();
  assert.equal(events.length, 3);
  assert.match(events[1], new RegExp(`Legal case filed by Morgan Reyes Circuit Court of Cook County, case ${caseNumber}`));
  assert.match(events[2], /Legal case drafted by Morgan Reyes Circuit Court of Cook County · claim 4250\.00/);
  assert.deepEqual(errors, []);
});

test('a manager initiates a repossession from its usual milestones and marks one done', async () => {
  await legalTab(legal);
  await page.click('[data-testid=recovery-new]');
  const form = page.locator('[data-testid=initiate-form]');
  await form.locator('#recovery-kind').selectOption('repossession');
  const names = () => form.locator('[data-testid=milestone-name]').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(await names(), ['Notice served', 'Asset recovered', 'Asset sold']);
  // Another kind proposes its own, as nothing was typed.
  await form.locator('#recovery-kind').selectOption('garnishment');
  assert.deepEqual(await names(), ['Writ obtained', 'Writ served on employer', 'First deduction received']);
  await form.locator('#recovery-kind').selectOption('repossession');

  // A date before the action begins is said beside its row; nothing is sent.
  const targets = form.locator('[data-testid=milestone-target]');
  await targets.nth(0).fill(inDays(7));
  await targets.nth(1).fill(inDays(30));
  await targets.nth(2).fill(inDays(60));
  await form.locator('[data-testid=milestone-name]').nth(2).fill('asset RECOVERED');
  await form.locator('[data-testid=initiate-submit]').click();
  const told = await form.locator('.field-error[data-field="milestones.2.name"]').textContent();
  assert.match(told, /is a milestone of this action already/);
  assert.equal(await form.locator('.field-error').count(), 1, 'said of that row only');
  await form.locator('[data-testid=milestone-name]').nth(2).fill('Asset sold');
  await form.locator('[data-testid=initiate-submit]').click();
  await page.waitForSelector('[data-testid=recovery-action][data-status=initiated]');
  assert.equal(await page.textContent('[data-testid=recovery-done]'), 'Repossession initiated with 3 milestone(s).');
  assert.equal(await page.locator('[data-testid=milestone]').count(), 3);
  assert.match(await page.locator('[data-testid=milestone]').first().textContent(), new RegExp(`Due by ${inDays(7)}`));

  await page.locator('[data-testid=milestone-done]').first().click();
  const done = page.locator('[data-testid=milestone-done-form]');
  assert.equal(await done.locator('[name=done_on]').inputValue(), today);
  await done.locator('[data-testid=milestone-done-submit]').click();
  await page.waitForSelector('[data-testid=recovery-action][data-status=in_progress]');
  assert.equal(await page.textContent('[data-testid=recovery-done]'), `“Notice served” done on ${today}.`);
  assert.match(await page.locator('[data-testid=milestone]').first().textContent(), new RegExp(`Done on ${today}`));
  // Not every milestone is done: no completing yet, said in place.
  await page.click('[data-testid=action-complete]');
  await page.waitForSelector('[data-testid=recovery-action] [data-testid=form-error] >> text=2 milestone(s) are not done yet');
  const [action] = await api(manager, 'GET', `/accounts/${legal}/recovery-actions`);
  assert.equal(action.status, 'in_progress');
  assert.deepEqual(action.milestones.map((m) => [m.name, m.target_on, m.done_on]),
    [['Notice served', inDays(7), today], ['Asset recovered', inDays(30), null], ['Asset sold', inDays(60), null]]);

  await e2e.shot(page, '103-legal-recovery-1280');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('[data-testid=case-hear]');
  await e2e.shot(page, '104-legal-recovery-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});

test('documents: one uploaded on the legal case, a new version, the first downloaded, a text file named .pdf refused', async () => {
  await legalTab(legal);
  await page.waitForSelector('[data-testid=documents] >> text=No document yet.');
  await page.click('[data-testid=document-new]');
  const form = page.locator('[data-testid=documents] [data-testid=upload-form]');
  const subjects = await form.locator('[data-testid=document-subject-select] option').allTextContents();
  assert.deepEqual(subjects, ['The account', `Legal case ${caseNumber}`, `Repossession of ${today}`]);

  // A text file named .pdf: the API's 415, said beside the file input.
  await form.locator('[data-testid=document-file]').setInputFiles(
    { name: 'claim.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Just some notes, not a PDF.\n') });
  await form.locator('[data-testid=document-upload]').click();
  const refused = form.locator('[data-testid=document-file-error]');
  await refused.waitFor();
  assert.match(await refused.textContent(), /the file is named \.pdf but its content is not a PDF document/);
  assert.equal(await form.locator('[data-testid=document-file]').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.locator('[data-testid=form-error]').count(), 0, 'said once, beside the file');
  await form.locator('[data-testid=document-title-input]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '105-document-refused-1280');
  assert.deepEqual(await api(manager, 'GET', `/accounts/${legal}/documents`), [], 'nothing stored');

  await form.locator('[data-testid=document-file]').setInputFiles(
    { name: 'claim.pdf', mimeType: 'application/pdf', buffer: pdf('first') });
  assert.equal(await refused.count(), 0, 'a new file clears what was said');
  await form.locator('[data-testid=document-title-input]').fill('Statement of claim');
  await form.locator('[data-testid=document-subject-select]').selectOption({ label: `Legal case ${caseNumber}` });
  await form.locator('[data-testid=document-upload]').click();
  await page.waitForSelector('[data-testid=documents] [data-testid=document]');
  assert.equal(await page.textContent('[data-testid=documents-done]'), '“Statement of claim” uploaded.');
  const listed = page.locator('[data-testid=documents] [data-testid=document]');
  assert.equal(await listed.locator('[data-testid=document-subject]').textContent(), `Attached to: Legal case ${caseNumber}`);
  assert.match(await listed.textContent(), /claim\.pdf · a PDF document · \d+ B · Morgan Reyes/);
  // And under the case itself.
  const onCase = page.locator('[data-testid=legal-case] [data-testid=record-documents] [data-testid=document]');
  assert.equal(await onCase.locator('[data-testid=document-title]').textContent(), 'Statement of claim');

  await listed.locator('[data-testid=document-new-version]').click();
  const version = listed.locator('[data-testid=version-form]');
  await version.locator('[data-testid=document-file]').setInputFiles(
    { name: 'claim-amended.pdf', mimeType: 'application/pdf', buffer: pdf('amended') });
  assert.equal(await version.locator('[data-testid=version-upload]').textContent(), 'Upload version 2');
  await version.locator('[data-testid=version-upload]').click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=documents] [data-testid=document-version]')?.textContent === 'v2');
  assert.match(await page.textContent('[data-testid=documents-done]'), /Version 2 of “Statement of claim” uploaded\./);
  const now = page.locator('[data-testid=documents] [data-testid=document]');
  assert.match(await now.locator('.version').textContent(), /claim-amended\.pdf/);
  await now.locator('[data-testid=document-history] summary').click();
  assert.equal(await now.locator('[data-testid=document-old-version]').count(), 1);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    now.locator('[data-testid=document-old-version] [data-testid=document-download]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'claim.pdf');
  assert.deepEqual(await readFile(await download.path()), pdf('first'));
  const docs = await api(manager, 'GET', `/accounts/${legal}/documents`);
  assert.deepEqual(docs.map((d) => [d.title, d.subject_type, d.latest_version, d.versions.map((v) => v.file_name)]),
    [['Statement of claim', 'legal_case', 2, ['claim-amended.pdf', 'claim.pdf']]]);

  await page.locator('[data-testid=documents]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '106-documents-1280');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid=documents] [data-testid=document-new]').click();
  const phone = page.locator('[data-testid=documents] [data-testid=upload-form]');
  await phone.locator('[data-testid=document-file]').setInputFiles(
    { name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('plain text\n') });
  await phone.locator('[data-testid=document-upload]').click();
  await phone.locator('[data-testid=document-file-error]').waitFor();
  await page.locator('[data-testid=documents]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '107-documents-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});

test('a manager recommends writing off the balance; compliance approves it from the approvals list', async () => {
  await legalTab(writeOff);
  await page.waitForSelector('[data-testid=write-offs] >> text=No write-off requested.');
  await page.click('[data-testid=write-off-new]');
  const form = page.locator('[data-testid=write-off-form]');
  assert.equal(await form.locator('[name=amount]').inputValue(), '1830.00', 'the whole balance proposed');
  // Part of the balance is refused before sending, beside the amount.
  await form.locator('[name=amount]').fill('1,000.00');
  await form.locator('[name=reason]').fill('Debtor deceased; the estate has no assets (probate letter attached).');
  await form.locator('[data-testid=write-off-submit]').click();
  assert.match(await form.locator('.field-error[data-field=amount]').textContent(), /must be the whole balance \(1830\.00\)/);
  await form.locator('[name=amount]').fill('1,830.00');
  await form.locator('[data-testid=write-off-submit]').click();
  await page.waitForSelector('[data-testid=write-off][data-status=draft]');
  assert.equal(await page.locator('[data-testid=write-off-new]').count(), 0, 'one open request at a time');

  dialogs.length = 0;
  await page.click('[data-testid=write-off-recommend]');
  await page.waitForSelector('[data-testid=write-off][data-status=recommended]');
  assert.match(dialogs[0], /^Recommend writing off 1,830\.00 USD\?/);
  assert.equal(await page.textContent('[data-testid=write-off-done]'), 'Write-off recommended: the board decides.');
  assert.match(await page.textContent('[data-testid=write-off]'), /Waiting for the board's decision\./);
  assert.equal(await page.locator('[data-testid=write-off-recommend]').count(), 0);

  await signIn(COMPLIANCE);
  // Compliance decides write-offs (not plans or payments): the link is hers, with a count.
  await page.waitForSelector('nav a[href="/approvals"] [data-testid=approvals-count]');
  await page.click('nav a[href="/approvals"]');
  const item = page.locator(`[data-testid=write-off-decision][data-account="${writeOff}"]`);
  await item.waitFor();
  assert.equal(await page.locator('[data-testid=pending-plans]').count(), 0);
  assert.equal(await page.locator('[data-testid=pending-payments]').count(), 0);
  assert.match(await item.textContent(), new RegExp(`Wendy Writeoff E2E-${RUN}-writeoff · balance 1,830\\.00 USD`));
  assert.match(await item.locator('[data-testid=decision-terms]').textContent(), /^Write off 1,830\.00 USD$/);
  assert.match(await item.locator('[data-testid=decision-by]').textContent(), /^Recommended by Morgan Reyes on /);
  assert.equal(await item.locator('[data-testid=write-off-warning]').count(), 0, 'the balance is as recommended');

  // Minutes are needed, said beside them.
  await item.locator('[data-testid=approve]').click();
  await item.locator('.field-error[data-field=minutes] >> text=Write the board\'s minutes of the decision.').waitFor();
  await item.locator('[data-testid=minutes]').fill('Board meeting: uncollectible, approved unanimously.');
  await e2e.shot(page, '108-write-off-approvals-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await e2e.shot(page, '109-write-off-approvals-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });

  dialogs.length = 0;
  await item.locator('[data-testid=approve]').click();
  await item.waitFor({ state: 'detached' });
  assert.match(dialogs[0], /^Approve writing off 1,830\.00 USD of Wendy Writeoff\?/);

  await page.goto(`${BASE}/accounts/${writeOff}?tab=legal`);
  await page.waitForSelector('[data-testid=write-off][data-status=approved]');
  assert.equal(await page.textContent('[data-testid=account-status]'), 'Closed');
  assert.equal(await page.textContent('[data-testid=current-balance]'), '0.00 USD');
  assert.match(await page.textContent('[data-testid=write-off-minutes]'), /uncollectible, approved unanimously/);
  assert.match(await page.textContent('[data-testid=write-off]'), /approved \d{4}-\d{2}-\d{2} by Casey Lin/);
  await e2e.shot(page, '110-written-off-1280');
  await page.click('[data-testid=tab-ledger]');
  await page.waitForSelector('[data-testid=ledger] tr[data-kind=write_off]');
  assert.equal(await page.textContent('[data-testid=ledger-balance]'), '0.00 USD');
  const stored = await api(manager, 'GET', `/accounts/${writeOff}/write-offs`);
  assert.deepEqual(stored.map((w) => [w.status, w.amount, w.decided_by_name]), [['approved', '1830.00', 'Casey Lin']]);
  assert.deepEqual(errors, []);
});

test('a filed case gets its judgment and closes with it', async () => {
  // A second case, drafted and filed through the API.
  const drafted = await api(manager, 'POST', `/accounts/${legal}/legal-cases`,
    { court: 'County Court', amount_claimed: '1200.00' });
  await api(manager, 'POST', `/legal-cases/${drafted.id}/file`, { case_number: `J-${RUN}`, filed_on: today });
  await signIn(MANAGER);
  await legalTab(legal);
  const judged = page.locator('[data-testid=legal-case]', { hasText: `Legal case J-${RUN}` });
  await judged.locator('[data-testid=case-judge]').click();
  const form = judged.locator('[data-testid=judgment-form]');
  // No side chosen: said beside the choice, nothing sent.
  await form.locator('[data-testid=judgment-submit]').click();
  await form.locator('.field-error[data-field=outcome] >> text=Choose who the judgment is for.').waitFor();
  await form.locator('select[name=outcome]').selectOption('judgment_for_creditor');
  await form.locator('[data-testid=judgment-submit]').click();
  await page.waitForSelector(`[data-testid=legal-case][data-status=judgment] >> text=Legal case J-${RUN}`);
  assert.equal(await page.textContent('[data-testid=legal-done]'), `Judgment for the creditor recorded on ${today}.`);
  const now = page.locator('[data-testid=legal-case][data-status=judgment]');
  assert.match(await now.textContent(), new RegExp(`Judgment for the creditor on ${today}`));
  assert.deepEqual(await now.locator('.actions > button').allTextContents(), ['Close the case']);

  await now.locator('[data-testid=case-close]').click();
  const close = now.locator('[data-testid=close-form]');
  assert.match(await close.textContent(), /The case closes with its judgment: judgment for the creditor\./);
  assert.equal(await close.locator('select').count(), 0, 'no other outcome offered');
  await close.locator('[name=note]').fill('Judgment entered; enforcement by garnishment.');
  await close.locator('[data-testid=close-submit]').click();
  await page.waitForSelector(`[data-testid=legal-case][data-status=closed] >> text=Legal case J-${RUN}`);
  const closed = page.locator('[data-testid=legal-case][data-status=closed]');
  assert.match(await closed.textContent(), new RegExp(`Judgment for the creditor on ${today}`));
  assert.equal(await closed.locator('.actions').count(), 0, 'a closed case is final');
  const stored = await api(manager, 'GET', `/legal-cases/${drafted.id}`);
  assert.deepEqual([stored.status, stored.outcome, stored.closed_on], ['closed', 'judgment_for_creditor', today]);
  assert.deepEqual(errors, []);
});

test('the demo\'s repossession shows its overdue milestone, in words and marked', async () => {
  // The daily scan, run now by the agency admin, tells the manager; its notification
  // links to the account.
  await api(await tokenOf(ADMIN), 'POST', '/jobs/milestone_overdue_scan/run', {});
  let overdue;
  for (let i = 0; i < 50 && !overdue; i += 1) {
    const notes = (await api(manager, 'GET', '/notifications?limit=100')).items;
    overdue = notes.find((n) => n.kind === 'milestone_overdue');
    if (!overdue) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(overdue?.link, 'a milestone_overdue notification');
  await signIn(MANAGER);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}${overdue.link}?tab=legal`);
  await page.waitForSelector('[data-testid=milestone][data-overdue=true]');
  const late = page.locator('[data-testid=milestone][data-overdue=true]').first();
  assert.match(await late.textContent(), /Overdue by \d+ days?/);
  assert.match(await page.textContent('[data-testid=overdue-count]'), /^\d+ milestones? (is|are) overdue\.$/);
  await page.locator('[data-testid=recovery-actions]').scrollIntoViewIfNeeded();
  await e2e.shot(page, '111-overdue-milestone-390');
  assert.equal(await e2e.scrollsSideways(page), false);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});
