// `make screenshots`: every page type at phone and desktop widths into docs/screenshots/.
const path = require('path');
const { test, expect } = require('@playwright/test');

const OUT = path.resolve(__dirname, '../../docs/screenshots');
const SIZES = { telephone: { width: 390, height: 844 }, bureau: { width: 1280, height: 900 } };

for (const [device, viewport] of Object.entries(SIZES)) {
  test(`screenshots ${device}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const shot = (name) => page.screenshot({ path: path.join(OUT, `${name}-${device}.png`), fullPage: device === 'bureau' });
    await page.goto('/');
    await shot('accueil');
    await page.goto('/recherche?autour=Angoul%C3%AAme&services=Aide+aux+d%C3%A9marches+administratives');
    await expect(page.locator('#carte .marqueur, #carte .grappe').first()).toBeVisible();
    await page.waitForTimeout(500);
    if (device === 'telephone') await page.evaluate(() => document.querySelector('.liste-et-carte').scrollIntoView({ block: 'start' }));
    await shot('resultats');
    await page.goto('/recherche?autour=Angoul%C3%AAme&q=mediatheque');
    const place = await page.locator('.liste > .resultat h3 a').first().getAttribute('href');
    await page.goto(place);
    await shot('lieu');
    await page.goto(`${place}/fiche`);
    await shot('fiche');
    await page.goto(`${place}/signaler`);
    await shot('signalement');
    await page.goto('/integrer/code?departement=16');
    await shot('integrer');
    await page.goto('/integrer?departement=16');
    await shot('widget');
    await page.goto('/donnees');
    await shot('donnees');
  });
}
