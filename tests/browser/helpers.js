// Shared by the browser tests.
const AxeBuilder = require('@axe-core/playwright').default;
const { expect } = require('@playwright/test');

// Runs axe-core (WCAG 2.0/2.1 A and AA rules) and fails with the list of violations.
async function expectNoAxeViolations(page, label) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(summary, `axe on ${label}`).toEqual([]);
}

// The search the journeys share: Angoulême, administrative help.
const SERVICE_LABEL = 'Être aidé pour mes démarches en ligne';

module.exports = { expectNoAxeViolations, SERVICE_LABEL };
