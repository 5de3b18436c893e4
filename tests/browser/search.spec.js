// Journeys with JavaScript: search by commune and need, filters, paging, list/map sync, place
// page, print view, widget, error report.
const { test, expect } = require('@playwright/test');
const { SERVICE_LABEL } = require('./helpers');

async function searchAngouleme(page) {
  await page.goto('/');
  await page.getByLabel('Où ?').fill('Angoulême');
  await page.getByLabel(SERVICE_LABEL).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: /lieux? trouvés?/ })).toBeVisible();
}

test('search by commune and need, then filter and page', async ({ page }) => {
  await searchAngouleme(page);
  const url = new URL(page.url());
  expect(url.pathname).toBe('/recherche');
  expect(url.searchParams.get('autour')).toBe('Angoulême');
  expect(url.searchParams.get('services')).toBe('Aide aux démarches administratives');
  const results = page.locator('.liste > .resultat');
  await expect(results).toHaveCount(20);
  await expect(results.first()).toContainText('à ');
  await expect(results.first().locator('.ouverture')).toBeVisible();
  const heading = await page.locator('#titre-resultats').textContent();
  const total = Number(heading.replace(/\D/g, ''));
  expect(total).toBeGreaterThan(20);

  // A filter with its count: the total becomes that count.
  const free = page.getByRole('checkbox', { name: /^Gratuit \(/ });
  const count = Number((await page.locator('label', { has: page.locator('.compte') }).filter({ hasText: /^Gratuit \(/ }).textContent()).replace(/\D/g, ''));
  await free.check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/frais_a_charge=Gratuit/);
  await expect(page.locator('#titre-resultats')).toHaveText(new RegExp(`^${count} lieux? trouvés?`));

  // Paging: the next page starts at 21 and links back.
  await page.goto(url.toString());
  const firstName = await results.first().locator('h3').textContent();
  await page.getByRole('link', { name: 'Résultats suivants' }).click();
  await expect(page.getByText('Résultats 21 à')).toBeVisible();
  await expect(results.first().locator('h3')).not.toHaveText(firstName);
  await page.getByRole('link', { name: 'Revenir aux premiers résultats' }).click();
  await expect(results.first().locator('h3')).toHaveText(firstName);
});

test('"Ouvert le samedi" filters the list, with its count, and stays in the URL', async ({ page, request }) => {
  await searchAngouleme(page);
  const saturday = page.getByRole('checkbox', { name: /^Ouvert le samedi \(/ });
  await expect(saturday).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: /^Ouvert maintenant/ })).toBeVisible();
  const count = Number((await page.locator('label[for="ouvert-samedi"] .compte').textContent()).replace(/\D/g, ''));
  expect(count).toBeGreaterThan(0);
  await saturday.check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/ouvert_jour=samedi/);
  await expect(page).toHaveURL(/autour=Angoul/);
  await expect(page.locator('#titre-resultats')).toHaveText(new RegExp(`^${count} lieux? trouvés?`));
  await expect(page.getByRole('checkbox', { name: /^Ouvert le samedi/ })).toBeChecked();
  // The page says what the API says for the same search.
  const api = await request.get('/api/v1/lieux?' + new URL(page.url()).searchParams.toString() + '&limite=1');
  expect((await api.json()).total).toBe(count);
  // Unticked, the search is the one before.
  await page.getByRole('checkbox', { name: /^Ouvert le samedi/ }).uncheck();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).not.toHaveURL(/ouvert_jour/);
  await expect(page.locator('.liste > .resultat')).toHaveCount(20);
});

test('list and map stay in sync; moving the map searches the view', async ({ page }) => {
  await searchAngouleme(page);
  const map = page.locator('#carte');
  await expect(map).toBeVisible();
  await expect(map.locator('.marqueur, .grappe').first()).toBeVisible();
  // The list does not follow the map during this part (checked at the end).
  const follow = page.getByLabel('Chercher dans la zone affichée quand je déplace la carte');
  await follow.uncheck();
  // Selecting a result highlights its marker and opens its popup.
  const first = page.locator('.liste > .resultat').first();
  const name = (await first.locator('h3').textContent()).trim();
  await first.getByRole('button', { name: /sur la carte/ }).click();
  await expect(first).toHaveClass(/selectionne/);
  await expect(map.locator('.marqueur.selectionne')).toHaveCount(1);
  await expect(map.locator('.leaflet-popup')).toContainText(name);
  // And back: clicking a marker highlights its result in the list.
  await map.locator('.leaflet-popup-close-button').click();
  await page.evaluate(() => document.querySelectorAll('.resultat.selectionne').forEach((li) => li.classList.remove('selectionne')));
  await expect(first).not.toHaveClass(/selectionne/);
  await map.locator('.marqueur.selectionne').click();
  await expect(first).toHaveClass(/selectionne/);
  await expect(map.locator('.leaflet-popup')).toContainText(name);
  // Another result: the highlight moves.
  const other = page.locator('.liste > .resultat').nth(1);
  await other.getByRole('button', { name: /sur la carte/ }).click();
  await expect(other).toHaveClass(/selectionne/);
  await expect(first).not.toHaveClass(/selectionne/);
  await expect(map.locator('.marqueur.selectionne')).toHaveCount(1);
  // Every marker and group has an accessible name, and is a button; in the tab order when it is
  // inside the map's frame, out of it when not.
  const unnamed = await map.locator('.marqueur, .grappe').evaluateAll((els) => els.filter((e) => !e.textContent.trim()).length);
  expect(unnamed).toBe(0);
  // (Measured once the map has settled: the tab stops follow each move.)
  await expect.poll(() => map.locator('.marqueur, .grappe').evaluateAll((els) => {
    const frame = document.getElementById('carte').getBoundingClientRect();
    return els.filter((e) => {
      const box = e.getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      const inside = x >= frame.left && x <= frame.right && y >= frame.top && y <= frame.bottom;
      return e.getAttribute('role') !== 'button' || e.tabIndex !== (inside ? 0 : -1);
    }).length;
  })).toBe(0);
  // The page's 20 results are markers of their own (never grouped), in the order of the list.
  const order = await page.locator('.liste > .resultat').evaluateAll((els) => els.map((e) => e.dataset.id));
  const markerOrder = await map.locator('.leaflet-resultats-pane .marqueur [data-lieu]').evaluateAll((els) => els.map((e) => e.dataset.lieu));
  expect(markerOrder).toEqual(order);

  // Zooming out moves the map: the list is searched again within the view (bbox in the URL).
  await expect(page).not.toHaveURL(/bbox=/);
  await follow.check();
  // (The map ignores moves for a moment after a selection's own zoom: click until it searches.)
  await expect(async () => {
    await page.locator('.leaflet-control-zoom-out').click();
    await expect(page).toHaveURL(/bbox=/, { timeout: 2000 });
  }).toPass({ timeout: 20000 });
  await expect(page.locator('#annonce')).toContainText('dans la zone de la carte');
});

test('place page, print view and error report', async ({ page }) => {
  await searchAngouleme(page);
  const link = page.locator('.liste > .resultat h3 a').first();
  const name = (await link.textContent()).trim();
  await link.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByRole('heading', { name: 'Horaires' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Adresse' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Voir sur OpenStreetMap' })).toBeVisible();
  const jsonLd = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
  expect(jsonLd['@type']).toBe('Place');
  expect(jsonLd.name).toBe(name);
  await expect(page.locator('#carte-lieu .marqueur')).toHaveCount(1);

  // The printable sheet with its QR code; the buttons do not print.
  await page.getByRole('link', { name: 'Fiche à imprimer' }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  await expect(page.getByRole('img', { name: /Code QR/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Imprimer' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Imprimer' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('link', { name: 'Revenir à la page du lieu' }).click();

  // Error report: errors first, then accepted.
  await page.getByRole('link', { name: 'Signaler une erreur' }).click();
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('alert')).toContainText('Le formulaire contient des erreurs');
  await expect(page.locator('#erreurs')).toBeFocused();
  await page.getByLabel("Qu'est-ce qui est faux ?").selectOption('horaires');
  await page.getByLabel(/Décrivez l'erreur/).fill('Le lieu est fermé le mercredi après-midi.');
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('status')).toContainText('votre signalement a été envoyé');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
});

test('embeddable widget: snippet and framed list', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: "Intégrer l'annuaire" }).first().click();
  await page.getByLabel(/Département/).fill('16');
  await page.getByLabel(SERVICE_LABEL).check();
  await page.getByRole('button', { name: 'Obtenir le code' }).click();
  const snippet = await page.getByLabel('Code à copier').inputValue();
  expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/integrer\?departement=16&services=Aide%20aux/);
  const frame = page.frameLocator('iframe.apercu');
  await expect(frame.getByRole('heading', { name: "Lieux d'aide au numérique" })).toBeVisible();
  await expect(frame.locator('.resultat').first()).toBeVisible();
  await expect(frame.locator('.resultat a').first()).toHaveAttribute('target', '_blank');
});

test('open data page links the downloads', async ({ page, request }) => {
  await page.goto('/donnees');
  await expect(page.getByRole('heading', { level: 1, name: 'Données ouvertes' })).toBeVisible();
  const csv = await page.getByRole('link', { name: 'Tous les lieux en CSV, au standard national' }).getAttribute('href');
  const response = await request.get(csv);
  expect(response.status()).toBe(200);
  expect((await response.text()).startsWith('"id","pivot","nom"')).toBe(true);
  // Beside it, the same places for a spreadsheet: a byte order mark, ";" between cells.
  const sheet = await page.getByRole('link', { name: 'Tous les lieux en CSV pour tableur' }).getAttribute('href');
  const sheetBody = await (await request.get(sheet)).body();
  expect(sheetBody.subarray(0, 21).toString('utf8')).toBe('\uFEFF"id";"pivot";"nom"');
});

test('results page weight with 20 results stays under 150 KB, scripts never block rendering', async ({ page }) => {
  let bytes = 0;
  const sizes = [];
  page.on('requestfinished', async (request) => {
    const s = await request.sizes();
    const n = s.responseBodySize + s.responseHeadersSize;
    bytes += n;
    sizes.push(`${request.url().replace(/^http:\/\/[^/]+/, '')}: ${n}`);
  });
  await page.goto('/recherche?autour=Angoul%C3%AAme&services=Aide+aux+d%C3%A9marches+administratives');
  await expect(page.locator('.liste > .resultat')).toHaveCount(20);
  await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  console.log(`results page weight: ${bytes} bytes\n  ${sizes.join('\n  ')}`);
  expect(bytes).toBeLessThan(150 * 1024);
  const blocking = await page.locator('script[src]:not([defer]):not([async])').count();
  expect(blocking).toBe(0);
});
