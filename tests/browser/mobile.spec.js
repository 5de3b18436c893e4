// At phone width (375×740): the results before the filters, the « Filtres (n) » disclosure,
// filter values no place has left out, the programmes filter, the downloads of the results, the
// search kept by « Intégrer cette recherche », the widget's search box and map.
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

test.use({ viewport: { width: 375, height: 740 } });

const RESULTS = '/recherche?autour=Angoul%C3%AAme&services=Aide+aux+d%C3%A9marches+administratives';
const PROGRAMMES = ['Aidants Connect', 'Bibliothèques numérique de référence', 'Certification PIX',
  'Conseillers numériques', 'Emmaüs Connect', 'France Services', 'Grande école du numérique',
  'La Croix Rouge', "Point d'accès numérique CAF", 'Promeneurs du net', 'Relais numérique (Emmaüs Connect)'];

test('phone: the first result comes before the filters, behind « Filtres (n) » opened with the keyboard', async ({ page }, testInfo) => {
  await page.goto(RESULTS + '&frais_a_charge=Gratuit');
  await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
  const button = page.locator('#bouton-filtres');
  const filters = page.locator('#filtres');
  // Two filters ticked: the need and the fee.
  await expect(button).toBeVisible();
  await expect(button).toHaveText('Filtres (2)');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(button).toHaveAttribute('aria-controls', 'filtres');
  await expect(filters).toBeHidden();
  const first = page.locator('.liste > .resultat').first();
  await expect(first).toBeVisible();
  // Nothing but the button between the search box and the results.
  const buttonBox = await button.boundingBox();
  const resultsBox = await page.locator('.resultats').boundingBox();
  expect(resultsBox.y).toBeGreaterThan(buttonBox.y);
  expect(resultsBox.y - (buttonBox.y + buttonBox.height)).toBeLessThan(40);
  await page.screenshot({ path: testInfo.outputPath('telephone-resultats.png') });
  await expectNoAxeViolations(page, 'résultats au téléphone, filtres fermés');

  // The skip link to the results stays.
  await expect(page.getByRole('link', { name: /^Aller aux résultats/ })).toBeVisible();

  // Keyboard: Enter opens, the count follows the boxes ticked, Space closes.
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(filters).toBeVisible();
  await expectNoAxeViolations(page, 'résultats au téléphone, filtres ouverts');
  // The filters open right under the button, before the results.
  expect((await filters.boundingBox()).y).toBeLessThan((await page.locator('.resultats').boundingBox()).y);
  await page.keyboard.press('Tab');
  await expect(filters.locator(':focus')).toHaveCount(1);
  await filters.getByRole('checkbox', { name: /^Ouvert le samedi/ }).check();
  await expect(button).toHaveText('Filtres (3)');
  await filters.getByRole('checkbox', { name: /^Ouvert le samedi/ }).uncheck();
  await expect(button).toHaveText('Filtres (2)');
  await button.focus();
  await page.keyboard.press('Space');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(filters).toBeHidden();
  await expect(button).toBeFocused();
});

test('phone without JavaScript: the filters stay, after the results', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto(RESULTS);
  await expect(page.locator('#bouton-filtres')).toBeHidden();
  const filters = page.locator('#filtres');
  await expect(filters).toBeVisible();
  const first = page.locator('.liste > .resultat').first();
  expect((await first.boundingBox()).y).toBeLessThan((await filters.boundingBox()).y);
  await filters.getByRole('checkbox', { name: /^Gratuit \(/ }).check();
  await filters.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/frais_a_charge=Gratuit/);
  await context.close();
});

test('filter values no place of the search has are left out, unless ticked', async ({ page, request }) => {
  await page.goto(RESULTS);
  // Every value shown (but « Quand ? ») has a count above 0.
  const counts = await page.locator('#filtres .groupe-filtre li').evaluateAll((items) => items
    .filter((li) => !li.querySelector('input[name="ouvert"], input[name="ouvert_jour"]'))
    .map((li) => (li.querySelector('.compte') || { textContent: '' }).textContent.replace(/\D/g, '')));
  expect(counts.length).toBeGreaterThan(0);
  expect(counts.filter((c) => c === '' || c === '0')).toEqual([]);
  // The programmes the API counts none of are not offered.
  const api = await request.get('/api/v1/lieux?' + new URL(page.url()).searchParams.toString() +
    '&naturel=oui&limite=1&facettes=dispositif_programmes_nationaux');
  const facet = (await api.json()).facettes.dispositif_programmes_nationaux || {};
  const absent = PROGRAMMES.filter((p) => !facet[p]);
  expect(absent.length).toBeGreaterThan(0);
  for (const value of absent) {
    await expect(page.locator(`#filtres input[name="dispositif_programmes_nationaux"][value="${value}"]`)).toHaveCount(0);
  }
  // Ticked in the URL, such a value stays, ticked, so that it can be unticked.
  await page.goto(RESULTS + '&dispositif_programmes_nationaux=' + encodeURIComponent(absent[0]));
  const ticked = page.locator(`#filtres input[name="dispositif_programmes_nationaux"][value="${absent[0]}"]`);
  await expect(ticked).toHaveCount(1);
  await expect(ticked).toBeChecked();
  await expect(page.locator('#bouton-filtres')).toHaveText('Filtres (2)');
});

test('programmes filter: « France Services » with its count', async ({ page }) => {
  await page.goto(RESULTS.replace(/&services=[^&]*/, ''));
  await page.getByRole('button', { name: /^Filtres/ }).click();
  const group = page.getByRole('group', { name: 'Réseau national' });
  await expect(group).toBeVisible();
  const label = group.locator('label').filter({ hasText: /^France Services \(/ });
  const count = Number((await label.locator('.compte').textContent()).replace(/\D/g, ''));
  expect(count).toBeGreaterThan(0);
  await group.getByRole('checkbox', { name: /^France Services \(/ }).check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/dispositif_programmes_nationaux=France(\+|%20)Services/);
  await expect(page.locator('#titre-resultats')).toHaveText(new RegExp(`^${count} lieux? trouvés?`));
});

test('« Télécharger ces résultats »: the standard CSV and the CSV for French spreadsheets', async ({ page, request }) => {
  await page.goto(RESULTS);
  const total = Number((await page.locator('#titre-resultats').textContent()).replace(/\D/g, ''));
  const standard = page.getByRole('link', { name: 'au format CSV du standard' });
  const spreadsheet = page.getByRole('link', { name: /pour un tableur/ });
  await expect(spreadsheet).toBeVisible();
  const csv = await request.get(await standard.getAttribute('href'));
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  const csvText = await csv.text();
  expect(csvText.startsWith('"id","pivot","nom"')).toBe(true);
  const rows = Math.min(total, 1000);
  expect(csvText.trim().split('\n').length).toBe(rows + 1);

  const tab = await request.get(await spreadsheet.getAttribute('href'));
  expect(tab.status()).toBe(200);
  const bytes = await tab.body();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const tabText = bytes.subarray(3).toString('utf8');
  expect(tabText.startsWith('"id";"pivot";"nom"')).toBe(true);
  const lines = tabText.split('\r\n').filter((l) => l);
  expect(lines.length).toBe(rows + 1);
  // The same columns, and the same places in the same order.
  expect(lines[0]).toBe(csvText.split('\n')[0].replaceAll('","', '";"'));
  expect(lines[1].slice(0, lines[1].indexOf(';'))).toBe(csvText.split('\n')[1].slice(0, csvText.split('\n')[1].indexOf(',')));
  // An unknown format is refused in French.
  const bad = await request.get('/api/v1/lieux?format=xls');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).erreur.message).toContain('csv-tableur');
});

test('« Intégrer cette recherche » keeps the words, the commune and the filters', async ({ page }) => {
  await page.goto(RESULTS + '&q=imprimer&frais_a_charge=Gratuit');
  await page.getByRole('link', { name: 'Intégrer cette recherche sur un site' }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Intégrer l'annuaire sur votre site" })).toBeVisible();
  await expect(page.getByText('Mots cherchés : imprimer')).toBeVisible();
  await expect(page.getByText('Autour de : Angoulême')).toBeVisible();
  await expect(page.getByText('Tarif : Gratuit')).toBeVisible();
  const check = (snippet) => {
    const src = new URL(snippet.match(/src="([^"]+)"/)[1]);
    expect(src.pathname).toBe('/integrer');
    expect(src.searchParams.get('q')).toBe('imprimer');
    expect(src.searchParams.get('autour')).toBe('Angoulême');
    expect(src.searchParams.get('frais_a_charge')).toBe('Gratuit');
    expect(src.searchParams.get('services')).toBe('Aide aux démarches administratives');
  };
  check(await page.getByLabel('Code à copier').inputValue());
  await expectNoAxeViolations(page, 'intégrer avec les critères gardés');
  // Getting the code again (another département) keeps them.
  await page.getByLabel(/Département/).fill('16');
  await page.getByRole('button', { name: 'Obtenir le code' }).click();
  const snippet = await page.getByLabel('Code à copier').inputValue();
  check(snippet);
  expect(snippet).toContain('departement=16');
});

test('widget: its own search box and a map', async ({ page }) => {
  await page.goto('/integrer?departement=16');
  const search = page.getByRole('search');
  await expect(search.getByLabel('Quel besoin ?')).toBeVisible();
  await expect(search.getByLabel('Où ?')).toBeVisible();
  await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
  await expectNoAxeViolations(page, 'widget au téléphone');
  await search.getByLabel('Où ?').fill('Cognac');
  await search.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/\/integrer\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get('autour')).toBe('Cognac');
  expect(url.searchParams.get('departement')).toBe('16');
  await expect(page.locator('.liste > .resultat').first()).toContainText('Cognac');
  await expect(page.locator('.liste > .resultat a').first()).toHaveAttribute('target', '_blank');
  await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
});

test('an unknown address: a 404 page that helps, axe-clean', async ({ page }) => {
  const response = await page.goto('/une/page/qui/n-existe-pas');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page introuvable' })).toBeVisible();
  await expect(page.getByRole('search').getByLabel('Où ?')).toBeVisible();
  await expect(page.getByRole('link', { name: "Revenir à l'accueil" })).toHaveAttribute('href', '/');
  await expect(page.getByRole('link', { name: /tous les lieux de l'annuaire/ })).toBeVisible();
  await expectNoAxeViolations(page, 'page introuvable');
  // Its search box searches.
  await page.getByRole('search').getByLabel('Où ?').fill('Angoulême');
  await page.getByRole('search').getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.locator('#titre-resultats')).toHaveText(/trouvé/);
  // The API keeps its JSON errors.
  const api = await page.request.get('/api/v1/nulle-part');
  expect(api.status()).toBe(404);
  expect((await api.json()).erreur.code).toBe('introuvable');
});

test('the footer links the accessibility statement, the legal notices and the privacy page', async ({ page }) => {
  for (const [link, heading, text] of [
    ['Accessibilité : partiellement conforme', "Déclaration d'accessibilité", 'Défenseur des droits'],
    ['Mentions légales', 'Mentions légales', 'À compléter par l'],
    ['Données personnelles', 'Données personnelles', 'compte'],
  ]) {
    await page.goto('/');
    await page.getByRole('contentinfo').getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.locator('main')).toContainText(text);
    await expectNoAxeViolations(page, heading);
  }
});
