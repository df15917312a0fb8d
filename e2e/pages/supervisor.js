// Page object of the supervisor page (/supervisor, ui-contract.md "Supervisor page"): the three
// tables, the row actions and their dialogs, found by role and accessible name.
import { expect } from '@playwright/test';

export class SupervisorPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Supervisor', exact: true, level: 1 });
    this.back = page.getByRole('link', { name: 'Back to my workspace' });
    this.queues = page.getByRole('table', { name: 'Queues', exact: true });
    this.agents = page.getByRole('table', { name: /^Agents/ });
    this.ongoing = page.getByRole('table', { name: /^Ongoing conversations/ });
    this.filter = page.getByRole('searchbox', { name: 'Filter ongoing conversations' });
    this.closeQuestion = page.getByRole('alertdialog', { name: 'Close this conversation?' });
  }

  async goto(query = '?sim=off') {
    await this.page.goto(`/supervisor${query}`);
    await expect(this.heading).toBeVisible();
  }

  chart(queue) {
    return this.page.getByRole('img', { name: `Queue length of ${queue} over the last hour` });
  }

  /** The Ongoing conversations row of `customer`. */
  row(customer) {
    return this.ongoing.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: customer, exact: true }) });
  }

  action(verb, customer) {
    return this.ongoing.getByRole('button', { name: `${verb} ${customer}`, exact: true });
  }

  assignDialog(customer) {
    return this.page.getByRole('dialog', { name: `Assign ${customer}`, exact: true });
  }

  monitorDialog(customer) {
    return this.page.getByRole('dialog', { name: `Conversation with ${customer}`, exact: true });
  }
}
