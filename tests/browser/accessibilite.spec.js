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
};

async function placeUrl(page) {
  await page.goto(PAGES.resultats);
  return page.locator('.liste > .resultat h3 a').first().getAttribute('href');
}

for (const js of [true, false]) {
  test.describe(js ? 'avec JavaScript' : 'sans JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    test('axe-core finds no violation on any page type', async ({ page }) => {
      const place = await placeUrl(page);
      const urls = { ...PAGES, lieu: place, fiche: `${place}/fiche`, signalement: `${place}/signaler` };
      for (const [label, url] of Object.entries(urls)) {
        await page.goto(url);
        if (js && label === 'resultats') await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
        await expectNoAxeViolations(page, `${label} (${url})`);
      }
      // The report form with its errors shown.
      await page.goto(urls.signalement);
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      await expectNoAxeViolations(page, 'signalement avec erreurs');
    });
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

  // A map marker is reachable and opens with Enter.
  const marker = page.locator('#carte .marqueur, #carte .grappe').first();
  await marker.focus();
  await expect(marker).toBeFocused();

  // A result opens with Enter.
  const link = page.locator('.liste > .resultat h3 a').first();
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/lieux\//);
});
