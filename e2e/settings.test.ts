/** Settings are kept in the browser and survive a reload. */
import { expect, test } from 'vitest';
import { useApp } from './helpers';
import { selectedLabel } from './page';

const app = useApp();

test('switches and the detectors survive a reload', async () => {
  const { page } = app;
  const landmarks = page.getByRole('checkbox', {
    name: 'Landmarks',
    exact: true,
  });
  const detector = page.getByRole('combobox', {
    name: 'Detector',
    exact: true,
  });
  const photoDetector = page.getByRole('combobox', {
    name: 'Photo detector',
    exact: true,
  });
  const maxFaces = page.getByRole('spinbutton', { name: 'Maximum faces' });

  const defaultDetector = await selectedLabel(detector);
  const otherDetector =
    defaultDetector === 'Tiny Face Detector'
      ? 'SSD MobileNet v1'
      : 'Tiny Face Detector';
  expect(await landmarks.isChecked()).toBe(true);
  expect(defaultDetector).toBe('Tiny Face Detector');
  expect(await selectedLabel(photoDetector)).toBe('SSD MobileNet v1');

  await landmarks.uncheck();
  await detector.selectOption({ label: otherDetector });
  await photoDetector.selectOption({ label: 'Tiny Face Detector' });
  await maxFaces.fill('4');
  await maxFaces.blur();
  await page.reload();

  expect(await landmarks.isChecked()).toBe(false);
  expect(await selectedLabel(detector)).toBe(otherDetector);
  expect(await selectedLabel(photoDetector)).toBe('Tiny Face Detector');
  expect(await maxFaces.inputValue()).toBe('4');

  // And back: the defaults are saved as well, not only the changes.
  await landmarks.check();
  await detector.selectOption({ label: defaultDetector });
  await photoDetector.selectOption({ label: 'SSD MobileNet v1' });
  await page.reload();

  expect(await landmarks.isChecked()).toBe(true);
  expect(await selectedLabel(detector)).toBe(defaultDetector);
  expect(await selectedLabel(photoDetector)).toBe('SSD MobileNet v1');
});
