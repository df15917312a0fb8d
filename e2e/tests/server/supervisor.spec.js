// Issue 14 (R25–R28) against the real server: the demo supervisor `sam` (password demo-sam,
// supervising every queue) in one browser context, an agent in another. The supervisor assigns
// an Open conversation and the agent finds it in My work items (no session opens), told who did
// it; a force close reaches the agent's page the same way. Each browser is its own context.
import { test, expect } from '../../fixtures/server.js';
import { axeViolations } from '../../pages/axe.js';
import { AGENT_NAMES, agentContext, setPresence, startChat } from '../../pages/server.js';
import { SupervisorPage } from '../../pages/supervisor.js';

/** The agent's status notice (the toast live region) saying `text`. */
function notice(page, text) {
  return page.getByRole('status').filter({ hasText: text });
}

test('an agent who supervises nothing has no Supervisor link', async ({ browser }) => {
  const { context, desk } = await agentContext(browser, 'bert');
  await expect(desk.homeTab).toBeVisible();
  await expect(desk.supervisorLink).toHaveCount(0);
  await setPresence(desk, 'Away'); // Bert stays signed in: he mustn't be offered the next chat
  await context.close();
});

test('R25/R26: sam assigns an Open conversation to Ana, who sees it in My work items, then force-closes it', async ({
  browser,
  request,
  server,
}) => {
  const ana = await agentContext(browser, 'ana');
  await setPresence(ana.desk, 'Away'); // the chat waits Open: nobody is offered it
  const { desk: samDesk, page: samPage, context: samContext } = await agentContext(browser, 'sam');
  await samDesk.supervisorLink.click();
  const sup = new SupervisorPage(samPage);
  await expect(sup.heading).toBeVisible();

  const customer = 'Grace Hopper';
  await startChat(request, server.url, customer, 'My invoice is wrong.');
  await expect(sup.row(customer)).toContainText('Open');
  expect(await axeViolations(samPage), 'supervisor page, server mode').toEqual([]);

  await sup.action('Assign', customer).click();
  const dialog = sup.assignDialog(customer);
  const anaChoice = dialog.getByRole('radio', { name: new RegExp(`^${AGENT_NAMES.ana}`) });
  await anaChoice.check();
  await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(sup.row(customer)).toContainText('Active');
  await expect(sup.row(customer)).toContainText(AGENT_NAMES.ana);

  // Ana's browser: the item is hers, she is told who gave it to her, no session opened.
  await expect(notice(ana.page, `assigned you the conversation with ${customer}`)).toBeVisible();
  await expect(ana.desk.action(ana.desk.my, 'Open', customer)).toBeVisible();
  await expect(ana.desk.sessionTab(customer)).toHaveCount(0);

  await sup.action('Force close', customer).click();
  await sup.closeQuestion.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(sup.row(customer)).toHaveCount(0);
  await expect(notice(ana.page, `closed your conversation with ${customer}`)).toBeVisible();
  await expect(ana.desk.action(ana.desk.my, 'Open', customer)).toHaveCount(0);

  await samContext.close();
  await ana.context.close();
});
