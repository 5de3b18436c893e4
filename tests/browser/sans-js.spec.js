// The same journeys with JavaScript disabled: every feature but the map works.
const { test, expect } = require('@playwright/test');
const { SERVICE_LABEL } = require('./helpers');

test.use({ javaScriptEnabled: false });

test('search, filters and paging without JavaScript', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Autour de moi' })).toBeHidden();
  await page.getByLabel('Où ?').fill('16000');
  await page.getByLabel(SERVICE_LABEL).check();
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.locator('#titre-resultats')).toHaveText(/lieux trouvés/);
  await expect(page.locator('.liste > .resultat')).toHaveCount(20);
  await expect(page.locator('#carte-cadre')).toBeHidden();  // no map without JavaScript
  await page.getByRole('checkbox', { name: /^Gratuit \(/ }).check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/frais_a_charge=Gratuit/);
  await expect(page).toHaveURL(/autour=16000/);
  const next = page.getByRole('link', { name: 'Résultats suivants' });
  if (await next.count()) {
    await next.click();
    await expect(page.getByText('Résultats 21 à')).toBeVisible();
  }
  // A commune that does not exist: a French message tied to the field.
  await page.goto('/');
  await page.getByLabel('Où ?').fill('Nullepartville');
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('aucune commune ne correspond');
  await expect(page.getByLabel('Où ?')).toHaveAttribute('aria-invalid', 'true');
});

test('"Ouvert le samedi" without JavaScript, with "Ouvert maintenant"', async ({ page }) => {
  await page.goto('/recherche?autour=16000');
  const count = Number((await page.locator('label[for="ouvert-samedi"] .compte').textContent()).replace(/\D/g, ''));
  expect(count).toBeGreaterThan(0);
  await page.getByRole('checkbox', { name: /^Ouvert le samedi/ }).check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/ouvert_jour=samedi/);
  await expect(page).toHaveURL(/autour=16000/);
  await expect(page.locator('#titre-resultats')).toHaveText(new RegExp(`^${count} lieux? trouvés?`));
  await expect(page.getByRole('checkbox', { name: /^Ouvert le samedi/ })).toBeChecked();
  // With "Ouvert maintenant" too: its count (places open now and on Saturday) becomes the total.
  const label = page.locator('label[for="ouvert"]');
  const now = Number(((await label.locator('.compte').count()) ? await label.locator('.compte').textContent() : '0').replace(/\D/g, ''));
  expect(now).toBeLessThanOrEqual(count);
  await page.getByRole('checkbox', { name: /^Ouvert maintenant/ }).check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/ouvert=maintenant/);
  await expect(page).toHaveURL(/ouvert_jour=samedi/);
  await expect(page.locator('#titre-resultats')).toHaveText(new RegExp(`^${now} lieux? trouvés?`));
  // A day the URL asks for is shown, ticked, and kept by the form.
  await page.goto('/recherche?autour=16000&ouvert_jour=dimanche');
  await expect(page.getByRole('checkbox', { name: /^Ouvert le dimanche/ })).toBeChecked();
  await page.getByRole('checkbox', { name: /^Ouvert le samedi/ }).check();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await expect(page).toHaveURL(/ouvert_jour=dimanche&ouvert_jour=samedi|ouvert_jour=samedi&ouvert_jour=dimanche/);
});

test('place page, sheet, widget and error report without JavaScript', async ({ page }) => {
  await page.goto('/recherche?autour=Angoul%C3%AAme');
  const link = page.locator('.liste > .resultat h3 a').first();
  const name = (await link.textContent()).trim();
  await link.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('#carte-lieu')).toBeHidden();
  await page.getByRole('link', { name: 'Fiche à imprimer' }).click();
  await expect(page.getByRole('img', { name: /Code QR/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Imprimer' })).toBeHidden();
  await page.getByRole('link', { name: 'Revenir à la page du lieu' }).click();

  await page.getByRole('link', { name: 'Signaler une erreur' }).click();
  await page.getByLabel("Qu'est-ce qui est faux ?").selectOption('contact');
  await page.getByLabel(/Décrivez l'erreur/).fill('Le numéro de téléphone ne répond plus.');
  await page.getByLabel('Votre courriel').fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('alert')).toContainText('nom@exemple.fr');
  await expect(page.getByLabel(/Décrivez l'erreur/)).toHaveValue('Le numéro de téléphone ne répond plus.');
  await page.getByLabel('Votre courriel').fill('');
  await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(page.getByRole('status')).toContainText('votre signalement a été envoyé');

  await page.goto('/integrer/code?departement=16');
  await expect(page.getByLabel('Code à copier')).toHaveValue(/integrer\?departement=16/);
  await page.goto('/integrer?departement=16');
  await expect(page.locator('.resultat').first()).toBeVisible();
});
