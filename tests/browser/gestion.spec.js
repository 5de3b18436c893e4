// A place manager on a phone (375×740), filling the form for the first time: the holiday
// message on the place's page, the form's plain labels and checkboxes, the week of hours typed
// day by day in plain French, shown back as a week before saving, a day that is not understood
// refused with its name, then saved and shown on the page; axe-core finds no violation on any
// step. Runs on the second server (playwright.config.js) like orientation.spec.js: the sign-up
// limit per address of the first one is used up by the other journeys.
const path = require('path');
const { execFileSync } = require('child_process');
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

const root = path.resolve(__dirname, '../..');
const build = process.env.MAILLAGE_BUILD_DIR || path.join(root, 'build');
const db = path.join(build, 'browser-tests', 'orientation.db');
const port = Number(process.env.MAILLAGE_BROWSER_PORT || 18473) + 1;
test.use({ baseURL: `http://127.0.0.1:${port}`, viewport: { width: 375, height: 740 } });

const maillage = (...args) => execFileSync(path.join(build, 'maillage'), args, { cwd: root, encoding: 'utf8' });

function confirmationLink(to) {
  let found = null;
  for (const mail of maillage('comptes', 'courriels', '--db', db).split('\n----\n')) {
    if (!mail.includes(`À : ${to}\n`)) continue;
    const m = mail.match(/https?:\/\/[^\s]*\/compte\/confirmer\?jeton=[^\s]*/);
    if (m) found = m[0];
  }
  return found && new URL(found).pathname + new URL(found).search;
}

test('a manager types the week of hours in plain French on a phone; the holiday rule is said', async ({ page }) => {
  test.setTimeout(120000);
  const email = `gestionnaire-${Date.now()}@exemple.fr`;
  const password = 'le mot de passe de la gestionnaire';
  await page.goto('/compte/inscription');
  await page.getByLabel('Nom ou pseudonyme').fill('Gestionnaire de test');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByLabel(/J'accepte que maillage garde/).check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vérifiez vos courriels');
  await page.goto(confirmationLink(email));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compte confirmé');
  // An administrator may edit every place (a manager, the places granted to them).
  maillage('comptes', 'role', email, 'administrateur', '--db', db);
  await page.goto('/compte/connexion');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);

  // A France Services of Angoulême with hours: its page says how holidays are treated.
  await page.goto('/recherche?autour=Angoul%C3%AAme&q=France+Services');
  const links = await page.locator('.liste > .resultat h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let place = null;
  for (const href of links.slice(0, 12)) {
    await page.goto(href);
    if (await page.getByText('Jours fériés : fermé (sauf mention contraire)').count()) {
      place = href;
      break;
    }
  }
  expect(place, 'a place whose hours do not mention public holidays').toBeTruthy();
  await expect(page.getByText('Jours fériés : fermé (sauf mention contraire)')).toBeVisible();
  await expectNoAxeViolations(page, 'fiche avec la règle des jours fériés');

  // The form: sections, plain labels, the week editor.
  await page.goto(`${place}/modifier`);
  await expect(page.getByRole('heading', { level: 2, name: 'Horaires' })).toBeVisible();
  await expect(page.getByRole('group', { name: /Ce que le lieu aide à faire/ })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Aide aux démarches administratives' })).toBeVisible();
  await expect(page.locator('main')).not.toContainText('code_postal');
  await expectNoAxeViolations(page, 'formulaire de la fiche');
  // Form fields fit the phone: no sideways scrolling.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);

  const day = (name) => page.getByRole('textbox', { name, exact: true });
  await day('Lundi').fill('9h-12h et 14h-17h');
  await day('Mardi').fill('9h-12h et 14h-17h');
  await day('Mercredi').fill('');
  await day('Jeudi').fill('le matin');
  await day('Vendredi').fill('9h-12h');
  await day('Samedi').fill('');
  await day('Dimanche').fill('');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  // A day not understood: refused with its name, what was typed kept.
  await expect(page.locator('#erreurs')).toContainText("Jeudi : « le matin » n'a pas été compris");
  await expect(day('Jeudi')).toHaveValue('le matin');
  await expectNoAxeViolations(page, 'grille des horaires avec une erreur');

  await day('Jeudi').fill('de 14h à 18h');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  // Shown back as a week before saving.
  await expect(page.locator('main')).toContainText('Horaires compris : vérifiez la semaine');
  const week = page.locator('table.semaine-apercu');
  await expect(week.getByRole('row', { name: /Jeudi/ })).toContainText('14h-18h');
  await expect(week.getByRole('row', { name: /Mercredi/ })).toContainText('fermé');
  await expectNoAxeViolations(page, 'semaine relue avant enregistrement');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await expect(page.getByRole('status')).toContainText('La fiche est enregistrée');
  await expect(page.locator('main')).toContainText("Horaires d'ouverture");
  await expect(page.getByText('Jours fériés : fermé (sauf mention contraire)')).toBeVisible();
});
