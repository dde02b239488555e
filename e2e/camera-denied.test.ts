/**
 * A camera the person refused: headless Chromium without the auto-accept
 * flag denies getUserMedia, which is what pressing Block does. The app must
 * say so in words and offer a retry.
 */
import { expect, test } from 'vitest';
import { useApp } from './helpers';

const app = useApp({ camera: 'denied' });

test('a denied camera shows its message and a Retry camera button', async () => {
  const { page } = app;

  await page
    .getByRole('button', { name: 'Start camera' })
    .click({ timeout: 60_000 });

  const alert = page.getByRole('alert').filter({ hasText: /camera/i });
  await alert.waitFor({ state: 'visible', timeout: 15_000 });
  expect(await alert.textContent()).toContain('Camera access was denied');

  const retry = page.getByRole('button', { name: 'Retry camera' });
  await retry.waitFor({ state: 'visible', timeout: 5_000 });

  // Retrying while still denied keeps the message instead of hanging.
  await retry.click();
  await alert.waitFor({ state: 'visible', timeout: 15_000 });
  expect(await alert.textContent()).toContain('Camera access was denied');
});
