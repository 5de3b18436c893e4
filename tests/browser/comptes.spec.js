// The account pages in the browser: axe-core finds no violation on any form page (empty, and
// showing errors), with and without JavaScript, and a person signs up, confirms, logs in and
// edits a place with the keyboard only.
const path = require('path');
const { execFileSync } = require('child_process');
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

const root = path.resolve(__dirname, '../..');
const build = process.env.MAILLAGE_BUILD_DIR || path.join(root, 'build');
const db = path.join(build, 'browser-tests', 'maillage.db');
const maillage = (...args) => execFileSync(path.join(build, 'maillage'), args, { cwd: root, encoding: 'utf8' });

// The newest link of the e-mails waiting for `to` whose path starts with `prefix`.
function mailedLink(to, prefix) {
  const out = maillage('comptes', 'courriels', '--db', db);
  let found = null;
  for (const mail of out.split('\n----\n')) {
    if (!mail.includes(`À : ${to}\n`)) continue;
    const m = mail.match(new RegExp(`https?://[^\\s]*${prefix.replace(/[?]/g, '\\?')}[^\\s]*`));
    if (m) found = m[0];
  }
  return found && new URL(found).pathname + new URL(found).search;
}

async function signUp(page, email, password) {
  await page.goto('/compte/inscription');
  await page.getByLabel('Nom ou pseudonyme').fill('Personne de test');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByLabel(/J'accepte que maillage garde/).check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vérifiez vos courriels');
  await page.goto(mailedLink(email, '/compte/confirmer?jeton='));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compte confirmé');
}

async function logIn(page, email, password) {
  await page.goto('/compte/connexion');
  await page.getByLabel('Adresse de courriel').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte$/);
}

// A place the other browser tests do not look at (they search around Angoulême): this one may be
// edited.
async function placeToEdit(page) {
  await page.goto('/recherche?autour=Grenoble');
  return page.locator('.liste > .resultat h3 a').nth(2).getAttribute('href');
}

async function somePlace(page) {
  await page.goto('/recherche?autour=Angoul%C3%AAme&q=mediatheque');
  return page.locator('.liste > .resultat h3 a').first().getAttribute('href');
}

const PUBLIC_FORMS = {
  inscription: '/compte/inscription',
  connexion: '/compte/connexion',
  oubli: '/compte/oubli',
  reinitialiser: '/compte/reinitialiser?jeton=x',
  confidentialite: '/confidentialite',
};

for (const js of [true, false]) {
  test.describe(js ? 'avec JavaScript' : 'sans JavaScript', () => {
    for (const [label, url] of Object.entries(PUBLIC_FORMS)) {
      test(`axe-core: no violation on ${label}`, async ({ page }) => {
        if (!js) await page.route(/\/static\/.*\.js$/, (route) => route.abort());
        await page.goto(url);
        await expectNoAxeViolations(page, label);
      });
    }

    test('axe-core: no violation on the sign-up form showing its errors', async ({ page }) => {
      if (!js) await page.route(/\/static\/.*\.js$/, (route) => route.abort());
      await page.goto('/compte/inscription');
      await page.getByLabel('Adresse de courriel').fill('pas-une-adresse');
      await page.getByRole('button', { name: 'Créer mon compte' }).click();
      await expect(page.locator('#erreurs')).toBeVisible();
      await expect(page.locator('#courriel')).toHaveAttribute('aria-invalid', 'true');
      await expectNoAxeViolations(page, 'inscription avec erreurs');
    });
  });
}

test('every page of a signed-in administrator passes axe-core, the edit form with its errors too', async ({ page }) => {
  test.setTimeout(120000);
  const email = `admin-${Date.now()}-${Math.floor(Math.random() * 1e6)}@exemple.fr`;
  await signUp(page, email, 'un mot de passe de test');
  maillage('comptes', 'role', email, 'administrateur', '--db', db);
  await logIn(page, email, 'un mot de passe de test');
  await expectNoAxeViolations(page, 'compte');
  const place = await somePlace(page);
  const pages = [`${place}`, `${place}/gerer`, `${place}/modifier`, `${place}/historique`,
    '/espace/demandes', '/espace/signalements', '/espace/comptes', '/espace/courriels', '/compte/supprimer',
    '/espace/tableau-de-bord?departement=16', '/compte/expert', '/compte/expert/supprimer'];
  for (const url of pages) {
    await page.goto(url);
    await expect(page.locator('main h1')).toBeVisible();
    await expectNoAxeViolations(page, url);
  }
  // The edit form refuses a bad postal code, names the field, and stays accessible.
  await page.goto(`${place}/modifier`);
  await page.locator('#code_postal').fill('7500');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await expect(page.locator('#erreurs')).toBeVisible();
  await expect(page.locator('#code_postal')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'modifier avec erreurs');
});

test('keyboard only: sign up, log in, claim a place', async ({ page }) => {
  test.setTimeout(120000);
  const email = `clavier-${Date.now()}-${Math.floor(Math.random() * 1e6)}@exemple.fr`;
  await signUp(page, email, 'encore un mot de passe');
  await page.goto('/compte/connexion');
  await page.locator('#courriel').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await expect(page.locator('#mot_de_passe')).toBeFocused();
  await page.keyboard.type('encore un mot de passe');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/compte$/);
  const place = await somePlace(page);
  await page.goto(place);
  const claim = page.getByRole('link', { name: 'Gérer cette fiche' });
  await claim.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gérer cette fiche');
  await page.locator('#message').focus();
  await page.keyboard.type('Je suis médiatrice dans ce lieu.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/compte\?message=demande$/);
  await expect(page.getByRole('status')).toContainText('Votre demande est envoyée');
});

test('a manager edits a place, confirms it, applies a visitor\'s suggestion, downloads and deletes their data', async ({ page, browser }) => {
  test.setTimeout(150000);
  const email = `gestion-${Date.now()}-${Math.floor(Math.random() * 1e6)}@exemple.fr`;
  await signUp(page, email, 'le mot de passe du lieu');
  maillage('comptes', 'role', email, 'administrateur', '--db', db);
  await logIn(page, email, 'le mot de passe du lieu');
  const place = await placeToEdit(page);

  // Edit: a new phone number, through the form.
  await page.goto(`${place}/modifier`);
  await page.locator('#telephone').fill('+33545000000');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await expect(page.getByRole('status')).toContainText('La fiche est enregistrée');
  await expect(page.locator('main')).toContainText('Champs tenus à jour par le lieu lui-même : Téléphone.');

  // "Still correct", in one click.
  await page.getByRole('button', { name: 'Les informations sont toujours exactes' }).click();
  await expect(page.getByRole('status')).toContainText('la fiche est confirmée à jour');

  // A visitor, in another browser, reports an error with the right value.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${place}/signaler`);
  await visitor.getByLabel("Qu'est-ce qui est faux ?").selectOption('horaires');
  await visitor.getByLabel(/Décrivez l'erreur/).fill('Le lieu ouvre maintenant le samedi matin.');
  await visitor.getByLabel('Champ à corriger').selectOption('horaires');
  await visitor.getByLabel(/Bonne valeur/).fill('Mo-Sa 09:00-12:00');
  await visitor.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await expect(visitor.getByRole('status')).toContainText('Merci');
  await visitorContext.close();

  // The manager applies it from the queue.
  await page.goto('/espace/signalements');
  await expectNoAxeViolations(page, 'signalements avec une tâche');
  const task = page.locator('.carte-tache', { hasText: 'Mo-Sa 09:00-12:00' }).first();
  await task.getByRole('button', { name: 'Appliquer la correction proposée' }).click();
  // The change side by side, then confirmed.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Appliquer la correction proposée');
  await expect(page.getByRole('row', { name: /Samedi/ })).toContainText('9h-12h');
  await expectNoAxeViolations(page, 'correction côte à côte');
  await page.getByRole('button', { name: 'Confirmer et appliquer' }).click();
  await expect(page.getByRole('status')).toContainText('Décision enregistrée');
  await page.goto(`${place}/historique`);
  await expect(page.locator('main')).toContainText('Mo-Sa 09:00-12:00');

  // Their data, then their account.
  const data = await page.request.get('/compte/donnees');
  expect(data.status()).toBe(200);
  const json = await data.json();
  expect(json.compte.courriel).toBe(email);
  await page.goto('/compte/supprimer');
  await page.getByLabel('Votre mot de passe, pour confirmer').fill('le mot de passe du lieu');
  await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compte supprimé');
  await page.goto('/compte');
  await expect(page).toHaveURL(/\/compte\/connexion/);
});
