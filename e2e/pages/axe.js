// Runs axe-core in the page with WCAG 2.2 A and AA rules plus best practices, and returns the
// violations as readable lines (rule, impact, help and the offending nodes).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

export async function axeViolations(page) {
  // Evaluated rather than added as a <script>: the server's Content-Security-Policy refuses
  // inline scripts (and the fixtures fail on the violation), as it should.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`);
}
