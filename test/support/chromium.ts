import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/** Kept after the run (test-results/ is ignored by git): what the reports looked like. */
export const ARTIFACTS = fileURLToPath(new URL("../../test-results/", import.meta.url));
const CHROMIUM = process.env.TENANTCTL_CHROMIUM ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, as scripts/test installs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
}

/**
 * Opens a report as a file, as a person would, records every request that leaves the page
 * (a self-contained report makes none) and keeps a full-page screenshot as `<name>.png`.
 */
export async function openReport(
  browser: Browser,
  html: string,
  name: string,
): Promise<{ page: Page; requests: string[] }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  return { page, requests };
}
