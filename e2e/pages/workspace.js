// Page object of the agent workspace: finds things the way a person and a screen reader do,
// by role and accessible name (../../shared/spec/ui-contract.md), never by CSS class.
import { expect } from '@playwright/test';

export class WorkspacePage {
  constructor(page) {
    this.page = page;
    this.sessions = page.getByRole('tablist', { name: 'Sessions', exact: true });
    this.homeTab = this.sessions.getByRole('tab', { name: 'Home', exact: true });
    this.applications = page.getByRole('tablist', { name: 'Applications', exact: true });
    this.dashboardTab = this.applications.getByRole('tab', { name: 'Dashboard', exact: true });
  }

  async goto(path = '/') {
    await this.page.goto(path);
    await expect(this.homeTab).toBeVisible();
  }

  /** The panel a tab controls, found through its aria-controls. */
  async panelOf(tab) {
    const id = await tab.getAttribute('aria-controls');
    return this.page.locator(`[id="${id}"]`);
  }
}
