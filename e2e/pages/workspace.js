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
    this.my = page.getByRole('region', { name: 'My work items', exact: true });
    this.open = page.getByRole('region', { name: 'Open work items', exact: true });
    this.closed = page.getByRole('region', { name: 'Closed work items', exact: true });
    this.demo = page.getByRole('region', { name: 'Demo', exact: true });
    this.presenceButton = page.getByRole('button', { name: /^Presence: / });
    this.presenceMenu = page.getByRole('menu', { name: 'Presence' });
    this.capacity = page.getByRole('meter', { name: 'Capacity', exact: true });
    this.supervisorLink = page.getByRole('banner').getByRole('link', { name: 'Supervisor', exact: true });
    this.offer = page.getByRole('alertdialog').filter({ has: page.getByRole('timer') });
    this.confirm = page.getByRole('alertdialog', { name: 'Go over capacity?' });
    this.conversation = page.getByRole('region', { name: 'Conversation', exact: true });
  }

  /** Opens the app (deterministic by default: no simulator, empty save). */
  async goto(path = '/?sim=off&reset') {
    await this.page.goto(path);
    await expect(this.homeTab).toBeVisible();
  }

  /** The panel a tab controls, found through its aria-controls. */
  async panelOf(tab) {
    const id = await tab.getAttribute('aria-controls');
    return this.page.locator(`[id="${id}"]`);
  }

  action(stream, verb, customer) {
    return stream.getByRole('button', { name: `${verb} ${customer}`, exact: true });
  }

  pick(customer) {
    return this.action(this.open, 'Pick', customer);
  }

  /** Sets a presence through the menu, with the mouse. */
  async setPresence(label) {
    await this.presenceButton.click();
    await this.presenceMenu.getByRole('menuitemradio', { name: label, exact: true }).click();
    await expect(this.presenceButton).toHaveAccessibleName(`Presence: ${label}`);
  }

  /** Clicks Simulate chat/SMS and returns the new customer's name (read from Open work
   *  items: the agent should be in a status that receives no offers). */
  async simulate(kind = 'chat') {
    const picks = this.open.getByRole('button', { name: /^Pick / });
    const before = await picks.count();
    await this.demo.getByRole('button', { name: kind === 'sms' ? 'Simulate SMS' : 'Simulate chat' }).click();
    await expect(picks).toHaveCount(before + 1);
    const names = await picks.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const known = new Set(this._seen ?? []);
    const fresh = names.find((n) => !known.has(n)) ?? names[names.length - 1];
    this._seen = names;
    return fresh.slice('Pick '.length);
  }

  sessionTab(name) {
    return this.sessions.getByRole('tab', { name, exact: true });
  }

  /** The row of `customer` in a stream (its list item). */
  row(stream, customer) {
    return stream.getByRole('listitem').filter({ has: this.page.getByRole('button', { name: `Why? ${customer}`, exact: true }) });
  }

  /** A value of the app's IndexedDB `meta` store (as a plain object), or null. */
  async savedMeta(key) {
    return this.page.evaluate((key) => new Promise((resolve) => {
      const open = indexedDB.open('omnidesk');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('meta')) { db.close(); resolve(null); return; }
        const get = db.transaction(['meta']).objectStore('meta').get(key);
        get.onsuccess = () => {
          db.close();
          const v = get.result;
          // This version keeps JSON text; the previous one tab-separated text.
          if (v === undefined) resolve(null);
          else { try { resolve(JSON.parse(v)); } catch { resolve(v); } }
        };
        get.onerror = () => { db.close(); resolve(null); };
      };
      open.onerror = () => resolve(null);
    }), key);
  }

  /** The open sessions as saved ({ items, selected }), or null. */
  savedSessions() {
    return this.savedMeta('ui');
  }

  /** The saved snapshot's format, or null. */
  async savedSnapshotFormat() {
    return (await this.savedMeta('snapshot'))?.format ?? null;
  }
}
