/** Settings are kept in the browser and survive a reload. */
import type { Locator } from 'playwright-core';
import { expect, test } from 'vitest';
import { useApp } from './helpers';

const app = useApp();

test('switches and the detector survive a reload', async () => {
  const { page } = app;
  const landmarks = page.getByRole('checkbox', {
    name: 'Landmarks',
    exact: true,
  });
  const detector = page.getByRole('combobox', { name: 'Detector' });
  const maxFaces = page.getByRole('spinbutton', { name: 'Maximum faces' });

  const defaultDetector = await selectedLabel(detector);
  const otherDetector =
    defaultDetector === 'Tiny Face Detector'
      ? 'SSD MobileNet v1'
      : 'Tiny Face Detector';
  expect(await landmarks.isChecked()).toBe(true);

  await landmarks.uncheck();
  await detector.selectOption({ label: otherDetector });
  await maxFaces.fill('4');
  await maxFaces.blur();
  await page.reload();

  expect(await landmarks.isChecked()).toBe(false);
  expect(await selectedLabel(detector)).toBe(otherDetector);
  expect(await maxFaces.inputValue()).toBe('4');

  // And back: the defaults are saved as well, not only the changes.
  await landmarks.check();
  await detector.selectOption({ label: defaultDetector });
  await page.reload();

  expect(await landmarks.isChecked()).toBe(true);
  expect(await selectedLabel(detector)).toBe(defaultDetector);
});

function selectedLabel(select: Locator): Promise<string> {
  return select.evaluate(
    (el: HTMLSelectElement) => el.selectedOptions[0]?.text ?? '',
  );
}
