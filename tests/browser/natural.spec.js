// The search as people write it, on a phone: a need in their own words understood and said back
// (« Compris : »), nearby places first, an honest word when only part of the request matches, and
// a homonym that keeps its identity from the suggestion list to the results.
// The server holds the six cartographie files (tests/fixtures/sources-cartographie.toml):
// Provence-Alpes-Côte d'Azur, Auvergne-Rhône-Alpes, Charente, New Caledonia.
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

test.use({ viewport: { width: 375, height: 740 } });

async function search(page, need, where) {
  await page.goto('/');
  await page.getByLabel(/^Quel besoin/).fill(need);
  if (where) await page.getByLabel(/^Où/).fill(where);
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.locator('#titre-resultats')).toBeVisible();
}

// The distance of a result row, in km ("à 1,9 km", "à 350 m"), or null.
async function distanceKm(row) {
  const text = (await row.textContent()).replace(/\s+/g, ' ');
  const m = text.match(/à ~?([\d\s]+(?:,\d+)?)\s*(km|m)\b/);
  if (!m) return null;
  const value = parseFloat(m[1].replace(/\s/g, '').replace(',', '.'));
  return m[2] === 'm' ? value / 1000 : value;
}

test('« impots en ligne » near Marseille: the need is understood and the first places are near', async ({ page }) => {
  await search(page, 'impots en ligne', 'Marseille');
  await expect(page.locator('.compris')).toContainText('Compris : impôts');
  await expect(page.locator('#titre-resultats')).toContainText('à moins de 50 km');
  const rows = page.locator('.liste > .resultat');
  await expect(rows.first()).toBeVisible();
  for (let i = 0; i < 3; ++i) {
    const km = await distanceKm(rows.nth(i));
    expect(km, `result ${i + 1}`).not.toBeNull();
    expect(km).toBeLessThan(10);
  }
  await expectNoAxeViolations(page, 'recherche en langage courant');
});

test('« caf a marseille » typed in the need box: the commune is the place, CAF is not « Café »', async ({ page }) => {
  await search(page, 'caf a marseille', '');
  await expect(page.locator('.compris')).toContainText('CAF');
  await expect(page.locator('.compris')).toContainText('Marseille');
  const rows = page.locator('.liste > .resultat');
  for (let i = 0; i < 3; ++i) {
    await expect(rows.nth(i).locator('h3, h2').first()).not.toContainText(/caf[ée]/i);
    expect(await distanceKm(rows.nth(i))).toBeLessThan(20);
  }
});

test('a word that matches nothing relaxes the request and the page says so', async ({ page }) => {
  await search(page, 'imprimer xyzzyq', 'Avignon');
  await expect(page.locator('.avis')).toContainText('correspondent en partie');
  await expect(page.locator('.liste > .resultat').first()).toBeVisible();
  await expect(page.getByText('Essayez d\'enlever un filtre')).toHaveCount(0);
});

test('nothing at all: the message does not blame filters that are not there', async ({ page }) => {
  await search(page, 'xyzzyq wqkzv', 'Marseille');
  await expect(page.locator('#zone-liste')).toContainText('Vérifiez l\'orthographe');
  await expect(page.locator('#zone-liste')).not.toContainText('enlever un filtre');
  await expectNoAxeViolations(page, 'aucun résultat');
});

test('homonyms keep their identity from the suggestion list to the results', async ({ page }) => {
  await page.goto('/');
  const where = page.getByLabel(/^Où/);
  await where.fill('Saint-Denis');
  // The suggestions carry the département of homonyms.
  await expect(page.locator('#communes option[value="Saint-Denis (93)"]')).toHaveCount(1);
  await expect(page.locator('#communes option[value="Saint-Denis (974)"]')).toHaveCount(1);
  await where.fill('Saint-Denis (93)');
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.locator('#zone-liste, .recherche').first()).toBeVisible();
  await expect(page.getByText(/Autour de Saint-Denis \(93\)/)).toBeVisible();
  expect(new URL(page.url()).searchParams.get('autour')).toBe('Saint-Denis (93)');
});
