// "Orienter une personne" in the browser: a signed-in mediator fills the form, keeps places and
// opens the printable sheet and the e-mail form; axe-core finds no violation on any of them
// (the form, its results, an error, the sheet, the e-mail form with its error).
const path = require('path');
const { execFileSync } = require('child_process');
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

const root = path.resolve(__dirname, '../..');
const build = process.env.MAILLAGE_BUILD_DIR || path.join(root, 'build');
// Its own server (playwright.config.js): the sign-up limit per address is the other journeys'.
const db = path.join(build, 'browser-tests', 'orientation.db');
const orientationPort = Number(process.env.MAILLAGE_BROWSER_PORT || 18473) + 1;
test.use({ baseURL: `http://127.0.0.1:${orientationPort}` });

function orientationConfirmationLink(to) {
  const out = execFileSync(path.join(build, 'maillage'), ['comptes', 'courriels', '--db', db],
    { cwd: root, encoding: 'utf8' });
  let found = null;
  for (const mail of out.split('\n----\n')) {
    if (!mail.includes(`À : ${to}\n`)) continue;
    const m = mail.match(/https?:\/\/[^\s]*\/compte\/confirmer\?jeton=[^\s]*/);
    if (m) found = m[0];
  }
  return found && new URL(found).pathname + new URL(found).search;
}

test('a mediator orients a person: form, results, sheet, e-mail, without axe-core violation', async ({ page }) => {
  const email = `orientation-${Date.now()}@exemple.fr`;
  const password = 'le mot de passe du médiateur';
  await page.goto('/compte/inscription');
  await page.getByLabel('Nom ou pseudonyme').fill('Médiateur de test');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByLabel(/J'accepte que maillage garde/).check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  // The confirmation mail is in the outbox once the sign-up's answer has come.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vérifiez vos courriels');
  const link = orientationConfirmationLink(email);
  expect(link, 'confirmation link in the outbox').toBeTruthy();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compte confirmé');
  await page.goto('/compte/connexion?retour=%2Forienter');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/orienter$/);
  await expectNoAxeViolations(page, '/orienter (empty form)');

  await page.getByLabel('Besoin de la personne').fill('faire ma déclaration d\'impôts');
  await page.getByLabel('Où habite-t-elle ?').fill('Angoulême');
  await page.getByLabel('Peut se déplacer jusqu\'à').selectOption('20');
  await page.getByRole('button', { name: 'Chercher les lieux' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /lieux? proposés?/ })).toBeVisible();
  await expectNoAxeViolations(page, '/orienter (results)');
  const kept = page.getByRole('checkbox', { name: /^Retenir/ });
  expect(await kept.count()).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Imprimer la fiche' }).click();
  await expect(page).toHaveURL(/\/orienter\/fiche\?/);
  await expect(page.getByRole('heading', { name: 'Notes du médiateur' })).toBeVisible();
  await expectNoAxeViolations(page, '/orienter/fiche');

  await page.goBack();
  await page.getByRole('button', { name: 'Envoyer par courriel' }).click();
  await expect(page).toHaveURL(/\/orienter\/courriel\?/);
  await expectNoAxeViolations(page, '/orienter/courriel');
  await page.getByLabel(/Adresse de courriel de la personne/).fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Envoyer le courriel' }).click();
  await expect(page.getByRole('alert')).toContainText('Adresse de courriel de la personne');
  await expectNoAxeViolations(page, '/orienter/courriel (error)');
  await page.getByLabel(/Adresse de courriel de la personne/).fill('personne@exemple.fr');
  await page.getByRole('button', { name: 'Envoyer le courriel' }).click();
  await expect(page.getByRole('status')).toContainText('Le courriel part vers personne@exemple.fr');

  await page.goto('/orienter?q=impots&rayon_km=10');
  await expect(page.getByRole('alert')).toContainText('indiquez aussi où habite la personne');
  await expectNoAxeViolations(page, '/orienter (error)');
});
