// axe-core on every page type (zero violations, WCAG 2.1 A/AA rules), with and without
// JavaScript, and a keyboard-only journey: tab order, visible focus, no trap.
const { test, expect } = require('@playwright/test');
const { expectNoAxeViolations } = require('./helpers');

const PAGES = {
  accueil: '/',
  resultats: '/recherche?autour=Angoul%C3%AAme&services=Aide+aux+d%C3%A9marches+administratives',
  'resultats-vides': '/recherche?autour=Angoul%C3%AAme&q=zzzzzzzz',
  'erreur-recherche': '/recherche?autour=Nullepartville',
  signalement: null,  // found from a place
  lieu: null,
  fiche: null,
  'fiche-liste': '/fiche?autour=Angoul%C3%AAme',
  widget: '/integrer?departement=16',
  integrer: '/integrer/code?departement=16',
  donnees: '/donnees',
  introuvable: '/lieux/nulle-part',
  'page-introuvable': '/une/adresse/inconnue',
  accessibilite: '/accessibilite',
  'mentions-legales': '/mentions-legales',
  experts: '/experts',
  'experts-recherche': '/experts?autour=Rennes&rayon_km=50&domaine=demarches_en_ligne',
  'experts-erreur': '/experts?autour=Nullepartville',
};

async function placeUrl(page) {
  await page.goto('/recherche?autour=Angoul%C3%AAme&q=mediatheque');
  return page.locator('.liste > .resultat h3 a').first().getAttribute('href');
}

// axe-core runs in the page, so "without JavaScript" is the page with its own scripts blocked
// (what a browser without JavaScript shows: no map, no "Autour de moi").
for (const js of [true, false]) {
  test.describe(js ? 'avec JavaScript' : 'sans JavaScript', () => {
    for (const label of Object.keys(PAGES)) {
      test(`axe-core: no violation on ${label}`, async ({ page }) => {
        test.setTimeout(90000);
        if (!js) await page.route(/\/static\/.*\.js$/, (route) => route.abort());
        let url = PAGES[label];
        if (!url) {
          const place = await placeUrl(page);
          url = label === 'lieu' ? place : label === 'fiche' ? `${place}/fiche` : `${place}/signaler`;
        }
        await page.goto(url);
        if (js && label === 'resultats') await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
        await expectNoAxeViolations(page, `${label} (${url})`);
        if (label === 'signalement') {
          // The form shown again with its errors.
          await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
          await expectNoAxeViolations(page, 'signalement avec erreurs');
        }
      });
    }
  });
}

test('keyboard only: skip link, search, results, place page; focus always visible, no trap', async ({ page }) => {
  await page.goto('/');
  // The first Tab reaches the skip link, visible when focused.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Aller au contenu' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // Tab to "Quel besoin ?" then "Où ?", type, submit with Enter.
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Quel besoin ?')).toBeFocused();
  await page.keyboard.type('démarches');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Où ?')).toBeFocused();
  await page.keyboard.type('Angoulême');
  await page.keyboard.press('Enter');
  await expect(page.locator('#titre-resultats')).toHaveText(/trouvé/);

  // Walk the page with Tab: every stop shows a focus indicator; focus keeps moving forward
  // through the filters, the results and the map, and reaches the footer (no trap).
  const seen = new Set();
  let reachedFooter = false;
  for (let i = 0; i < 800 && !reachedFooter; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return {
        key: el.tagName + '|' + (el.id || '') + '|' + (el.getAttribute('href') || el.getAttribute('name') || '') + '|' + (el.value || '') + '|' + el.textContent.slice(0, 30) + '|' + Math.round(box.top + window.scrollY) + ',' + Math.round(box.left),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        inFooter: !!el.closest('footer'),
        body: el === document.body,
      };
    });
    expect(info.body, 'focus lost to <body>').toBe(false);
    expect(info.outline, `visible focus on ${info.key}`).toBe(true);
    seen.add(info.key);
    reachedFooter = info.inFooter;
  }
  expect(reachedFooter).toBe(true);
  expect(seen.size).toBeGreaterThan(40);

  // The list's way to the map: a result's "Voir sur la carte" button selects its marker.
  const button = page.locator('.liste > .resultat').first().getByRole('button', { name: /sur la carte/ });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#carte .marqueur.selectionne')).toHaveCount(1);

  // A result opens with Enter.
  const link = page.locator('.liste > .resultat h3 a').first();
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/lieux\//);
});

// What has the focus: a place's marker, a group, something else in the map, or outside it.
function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const map = document.getElementById('carte');
    const style = getComputedStyle(el);
    const marker = el.classList.contains('leaflet-marker-icon');
    const place = marker && el.querySelector('[data-lieu]');
    return {
      inMap: map.contains(el) && el !== map,
      place: place ? place.dataset.lieu : null,
      group: marker && el.classList.contains('grappe'),
      body: el === document.body,
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

test('keyboard only: from the search form into the map, markers are named buttons, Enter selects the result, Tab leaves the map', async ({ page }) => {
  await page.goto(PAGES.resultats);
  const map = page.locator('#carte');
  await expect(map.locator('.grappe').first()).toBeVisible();
  await page.getByRole('button', { name: 'Appliquer les filtres' }).focus();
  let info;
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    info = await focusInfo(page);
    if (info.place) break;
  }
  // The first marker reached is the first result's, named by the place.
  const first = page.locator('.liste > .resultat').first();
  const name = (await first.locator('h3').textContent()).trim();
  expect(info.place).toBe(await first.getAttribute('data-id'));
  expect(info.outline, 'visible focus on the marker').toBe(true);
  const marker = map.locator('.leaflet-marker-icon:focus');
  await expect(marker).toHaveRole('button');
  await expect(marker).toHaveAccessibleName(name);
  // Enter selects the result in the list and opens the popup; the focus stays on the marker.
  await page.keyboard.press('Enter');
  await expect(first).toHaveClass(/selectionne/);
  await expect(map.locator('.leaflet-popup')).toContainText(name);
  await expect(page.locator('#annonce')).toContainText(`${name} : résultat 1 de la liste`);
  await expect(marker).toBeFocused();
  // Space on the next marker selects the second result.
  await page.keyboard.press('Tab');
  const second = page.locator('.liste > .resultat').nth(1);
  expect((await focusInfo(page)).place).toBe(await second.getAttribute('data-id'));
  await page.keyboard.press(' ');
  await expect(second).toHaveClass(/selectionne/);
  await expect(first).not.toHaveClass(/selectionne/);

  // On through the markers to a group: Enter zooms into it, the focus moves to what it held.
  for (let i = 0; i < 60 && !info.group; i++) {
    await page.keyboard.press('Tab');
    info = await focusInfo(page);
  }
  expect(info.group, 'a group in the tab order').toBe(true);
  const group = map.locator('.leaflet-marker-icon:focus');
  await expect(group).toHaveRole('button');
  await expect(group).toHaveAccessibleName(/^Groupe de \d+ lieux, zoomer$/);
  expect(info.outline, 'visible focus on the group').toBe(true);
  await group.evaluate((e) => { e.dataset.ouvert = 'avant'; });
  const url = page.url();
  await page.keyboard.press('Enter');
  // The focus moves to a place or a group the group held (not the group itself, not the map).
  await expect(async () => {
    const after = await focusInfo(page);
    expect(after.inMap && (after.place || after.group)).toBeTruthy();
    expect(await page.evaluate(() => document.activeElement.dataset.ouvert)).toBeUndefined();
  }).toPass({ timeout: 5000 });
  expect(page.url()).toBe(url);  // the list does not follow a move the keyboard made in the map

  // Tab goes on and leaves the map: no trap, the focus never falls to <body>.
  let left = false;
  for (let i = 0; i < 300 && !left; i++) {
    await page.keyboard.press('Tab');
    info = await focusInfo(page);
    expect(info.body, 'focus lost to <body>').toBe(false);
    expect(info.outline, 'visible focus').toBe(true);
    left = !info.inMap;
  }
  expect(left).toBe(true);
  await expect(page.locator('#carte-cadre').locator(':focus')).toHaveCount(0);
});

test('text at 200%: pages reflow without horizontal scrolling', async ({ page }) => {
  // A 1280 px wide window zoomed to 200% lays pages out in 640 CSS pixels.
  await page.setViewportSize({ width: 640, height: 800 });
  const place = await placeUrl(page);
  for (const url of ['/', PAGES.resultats, place, `${place}/signaler`, '/donnees', '/integrer/code?departement=16']) {
    await page.goto(url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow on ${url}`).toBeLessThanOrEqual(0);
  }
});
