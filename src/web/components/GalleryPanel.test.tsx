/**
 * The gallery panel against a real GalleryStore, rendered by Preact into a
 * small fake DOM (the unit tests run in Node, without a browser). The fake
 * has only what Preact and the panel use; elements are found the way the
 * browser tests find them, by label, and the browser tests cover the rest.
 */
import { IDBFactory } from 'fake-indexeddb';
import { options, render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESCRIPTOR_LENGTH } from '../../engine/gallery/types';
import { serializeGallery } from '../../engine/gallery/schema';
import { GalleryStore } from '../gallery/store';
import type { NewSample } from '../gallery/store';
import { GalleryPanel } from './GalleryPanel';

// A fake DOM: nodes, attributes, bubbling events and focus.

type Listener = (this: FakeElement, event: FakeEvent) => void;

interface FakeEvent {
  type: string;
  target: FakeElement;
  currentTarget: FakeElement;
  key?: string;
  defaultPrevented: boolean;
  preventDefault(): void;
}

class FakeNode {
  parentNode: FakeElement | null = null;
  readonly nodeType: number = 0;

  get nextSibling(): FakeNode | null {
    const siblings = this.parentNode?.childNodes ?? [];

    return siblings[siblings.indexOf(this) + 1] ?? null;
  }

  get textContent(): string {
    return '';
  }

  remove(): void {
    this.parentNode?.removeChild(this);
  }
}

class FakeText extends FakeNode {
  override readonly nodeType = 3;

  constructor(public data: string) {
    super();
  }

  override get textContent(): string {
    return String(this.data);
  }
}

class FakeElement extends FakeNode {
  override readonly nodeType = 1;
  readonly namespaceURI = 'http://www.w3.org/1999/xhtml';
  readonly childNodes: FakeNode[] = [];
  readonly attributes: { name: string; value: string }[] = [];
  readonly style: Record<string, string> = {};
  private readonly listeners = new Map<string, Set<Listener>>();
  // Form state, as properties the way the DOM has them.
  value = '';
  checked = false;
  files: File[] | null = null;
  // Present so that Preact uses the DOM's lower-case event names.
  onclick = null;
  oninput = null;
  onchange = null;
  onsubmit = null;
  onkeydown = null;
  onfocus = null;

  constructor(
    readonly localName: string,
    readonly ownerDocument: FakeDocument,
  ) {
    super();
  }

  get disabled(): boolean {
    return this.hasAttribute('disabled');
  }

  set disabled(value: boolean) {
    if (value) this.setAttribute('disabled', '');
    else this.removeAttribute('disabled');
  }

  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }

  override get textContent(): string {
    return this.childNodes.map((node) => node.textContent).join('');
  }

  insertBefore(node: FakeNode, before: FakeNode | null): FakeNode {
    node.parentNode?.removeChild(node);
    const at = before === null ? -1 : this.childNodes.indexOf(before);
    if (at < 0) this.childNodes.push(node);
    else this.childNodes.splice(at, 0, node);
    node.parentNode = this;

    return node;
  }

  appendChild(node: FakeNode): FakeNode {
    return this.insertBefore(node, null);
  }

  append(...nodes: FakeNode[]): void {
    for (const node of nodes) this.appendChild(node);
  }

  removeChild(node: FakeNode): FakeNode {
    const at = this.childNodes.indexOf(node);
    if (at >= 0) this.childNodes.splice(at, 1);
    node.parentNode = null;

    return node;
  }

  getAttribute(name: string): string | null {
    return this.attributes.find((a) => a.name === name)?.value ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }

  setAttribute(name: string, value: unknown): void {
    const existing = this.attributes.find((a) => a.name === name);
    if (existing) existing.value = String(value);
    else this.attributes.push({ name, value: String(value) });
  }

  removeAttribute(name: string): void {
    const at = this.attributes.findIndex((a) => a.name === name);
    if (at >= 0) this.attributes.splice(at, 1);
  }

  addEventListener(type: string, listener: Listener): void {
    const key = type.toLowerCase();
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type.toLowerCase())?.delete(listener);
  }

  /** Dispatches a bubbling event, as the browser would. */
  dispatch(type: string, init: { key?: string } = {}): FakeEvent {
    const event: FakeEvent = {
      type,
      target: this,
      currentTarget: this,
      ...init,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    for (const at of this.path()) {
      event.currentTarget = at;
      for (const listener of at.listeners.get(type) ?? []) {
        listener.call(at, event);
      }
    }

    return event;
  }

  /** This element and its ancestors, the way an event bubbles. */
  path(): FakeElement[] {
    return [this, ...(this.parentNode?.path() ?? [])];
  }

  focus(): void {
    if (!this.disabled) this.ownerDocument.activeElement = this;
  }

  select(): void {}

  click(): void {
    if (this.disabled) return;
    this.dispatch('click');
    // A submit button submits its form.
    if (this.localName === 'button' && this.getAttribute('type') === 'submit') {
      let form = this.parentNode;
      while (form && form.localName !== 'form') form = form.parentNode;
      form?.dispatch('submit');
    }
  }

  /** Every element below this one, in document order. */
  descendants(): FakeElement[] {
    return this.childNodes.flatMap((node) =>
      node instanceof FakeElement ? [node, ...node.descendants()] : [],
    );
  }

  querySelectorAll(tag: string): FakeElement[] {
    return this.descendants().filter((element) => element.localName === tag);
  }
}

class FakeDocument {
  activeElement: FakeElement | null = null;
  readonly documentElement: FakeElement;
  readonly body: FakeElement;

  constructor() {
    this.documentElement = new FakeElement('html', this);
    this.body = new FakeElement('body', this);
    this.documentElement.appendChild(this.body);
  }

  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }

  createElementNS(_namespace: string, tag: string): FakeElement {
    return new FakeElement(tag, this);
  }

  createTextNode(text: string): FakeText {
    return new FakeText(text);
  }
}

// Finding things as the browser tests do.

let page: FakeDocument;
let root: FakeElement;

function text(element: FakeElement): string {
  return element.textContent.replace(/\s+/g, ' ').trim();
}

function all(within: FakeElement = root): FakeElement[] {
  return within.descendants();
}

/** The accessible name, as far as this panel sets it. */
function nameOf(element: FakeElement): string {
  const label = element.getAttribute('aria-label');
  if (label !== null) return label;
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy !== null) {
    const by = all().find((e) => e.getAttribute('id') === labelledBy);
    return by ? text(by) : '';
  }
  if (element.localName === 'img') return element.getAttribute('alt') ?? '';
  const id = element.getAttribute('id');
  const forIt = all().find(
    (e) => e.localName === 'label' && e.getAttribute('for') === id,
  );

  return forIt ? text(forIt) : text(element);
}

const ROLES: Record<string, string> = {
  button: 'button',
  ul: 'list',
  ol: 'list',
  li: 'listitem',
  select: 'combobox',
  section: 'region',
};

function roleOf(element: FakeElement): string | null {
  const role = element.getAttribute('role');
  if (role !== null) return role;
  if (element.localName === 'input') {
    const type = element.getAttribute('type');
    return type === 'checkbox'
      ? 'checkbox'
      : type === 'file'
        ? 'file'
        : 'textbox';
  }
  if (element.localName === 'img') {
    return element.getAttribute('alt') === '' ? 'presentation' : 'img';
  }

  return ROLES[element.localName] ?? null;
}

function queryAll(role: string, name?: string, within = root): FakeElement[] {
  return all(within).filter(
    (e) => roleOf(e) === role && (name === undefined || nameOf(e) === name),
  );
}

function get(role: string, name?: string, within = root): FakeElement {
  const found = queryAll(role, name, within);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${role} "${name ?? '*'}", found ${found.length}`,
    );
  }

  return found[0] as FakeElement;
}

function has(role: string, name?: string, within = root): boolean {
  return queryAll(role, name, within).length > 0;
}

/** Lets Preact render, effects run and the store's promises settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function click(element: FakeElement): Promise<void> {
  expect(element.disabled, `${nameOf(element)} is disabled`).toBe(false);
  element.click();
  await settle();
}

async function type(input: FakeElement, value: string): Promise<void> {
  input.value = value;
  input.dispatch('input');
  await settle();
}

// The gallery.

let tick = 0;
let stores: GalleryStore[] = [];

function sample(seed: number, withQuality = true): NewSample {
  const descriptor = Float32Array.from(
    { length: DESCRIPTOR_LENGTH },
    (_, i) => Math.sin(seed * 100 + i) / 4,
  );
  const added: NewSample = {
    descriptor,
    thumbnail: `data:image/jpeg;base64,/9j/${String(seed).padStart(4, 'A')}`,
  };
  if (withQuality) {
    added.quality = {
      score: 0.934,
      sizePx: 141.6,
      sharpness: 20,
      yaw: 0,
      pitch: 0,
      roll: 0,
    };
  }

  return added;
}

async function openGallery(
  persistent = true,
  idPrefix = 'id-',
): Promise<GalleryStore> {
  let id = 0;
  const gallery = await GalleryStore.open({
    indexedDB: persistent ? new IDBFactory() : null,
    channel: null,
    now: () => new Date(Date.UTC(2024, 4, 1) + ++tick * 1000).toISOString(),
    newId: () => `${idPrefix}${++id}`,
  });
  stores.push(gallery);

  return gallery;
}

async function show(gallery: GalleryStore): Promise<FakeElement> {
  render(<GalleryPanel gallery={gallery} />, root as unknown as Element);
  await settle();

  return get('region');
}

beforeEach(() => {
  page = new FakeDocument();
  root = page.createElement('div');
  page.body.appendChild(root);
  vi.stubGlobal('document', page);
  // Effects run on the next task instead of after a frame (Node has none).
  options.requestAnimationFrame = (callback) => setTimeout(callback, 0);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
  render(null, root as unknown as Element);
  await settle();
  delete options.requestAnimationFrame;
  for (const gallery of stores) gallery.close();
  stores = [];
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('GalleryPanel', () => {
  it('says the gallery is empty and where it is kept', async () => {
    const gallery = await openGallery();
    const section = await show(gallery);

    expect(section.localName).toBe('section');
    expect(nameOf(section)).toBe('Gallery');
    expect(text(section)).toContain(
      'Saved in this browser only; nothing is sent anywhere.',
    );
    expect(text(section)).toContain('Nobody enrolled yet');
    expect(has('alert')).toBe(false);
    expect(get('list', 'People').childNodes).toHaveLength(0);
    expect(get('button', 'Delete everything').disabled).toBe(true);
    expect(get('button', 'Export gallery').disabled).toBe(true);
    expect(get('checkbox', 'Include thumbnails').checked).toBe(true);
    expect(get('file', 'Import gallery').getAttribute('accept')).toBe(
      '.json,application/json',
    );
  });

  it('warns when the gallery lives in memory only', async () => {
    const gallery = await openGallery(false);
    await show(gallery);

    expect(text(get('alert'))).toMatch(
      /will not be kept after the page closes/,
    );
  });

  it('lists people with their samples', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1), sample(2, false)]);
    await gallery.addSamples('Bob', [sample(3)]);
    await show(gallery);

    const people = get('list', 'People');
    expect(queryAll('listitem', undefined, people).map(nameOf)).toContain(
      'Ann',
    );
    const ann = get('listitem', 'Ann');
    expect(text(ann)).toContain('2 samples');
    expect(text(get('listitem', 'Bob'))).toContain('1 sample');
    expect(has('presentation', '', ann)).toBe(true);
    expect(get('img', 'Sample 1 of Ann', ann).getAttribute('src')).toMatch(
      /^data:image\/jpeg/,
    );
    expect(has('img', 'Sample 2 of Ann', ann)).toBe(true);
    expect(text(ann)).toContain('score 0.93 · 142 px');
    for (const action of ['Rename', 'Merge', 'Delete']) {
      expect(text(get('button', `${action} Ann`, ann))).toBe(action);
    }
    expect(has('button', 'Remove sample 2 of Ann', ann)).toBe(true);
    expect(text(section())).not.toContain('Nobody enrolled yet');
  });

  it('renames, and explains a name that is taken', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1)]);
    await gallery.addSamples('Bob', [sample(2)]);
    await show(gallery);

    await click(get('button', 'Rename Ann'));
    const input = get('textbox', 'New name for Ann');
    expect(page.activeElement).toBe(input);
    expect(input.value).toBe('Ann');
    expect(has('button', 'Rename Ann')).toBe(false);

    // Enter in the field submits its form.
    await type(input, 'bob');
    input.parentNode?.parentNode?.dispatch('submit');
    await settle();
    expect(text(get('alert'))).toMatch(/already called “Bob”.*Merge/);
    expect(page.activeElement).toBe(input);
    expect(gallery.people.value.map((p) => p.name)).toEqual(['Ann', 'Bob']);

    // Escape gives up, and focus returns to the button.
    input.dispatch('keydown', { key: 'Escape' });
    await settle();
    expect(has('textbox', 'New name for Ann')).toBe(false);
    expect(has('alert')).toBe(false);
    expect(page.activeElement).toBe(get('button', 'Rename Ann'));

    await click(get('button', 'Rename Ann'));
    await type(get('textbox', 'New name for Ann'), '  Annie ');
    await click(get('button', 'Save'));

    expect(gallery.people.value.map((p) => p.name)).toEqual(['Annie', 'Bob']);
    expect(page.activeElement).toBe(get('button', 'Rename Annie'));
    expect(text(get('status'))).toBe('Renamed Ann to Annie.');
  });

  it('offers Merge when a rename finds the name taken', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1)]);
    await gallery.addSamples('Bob', [sample(2)]);
    await show(gallery);

    await click(get('button', 'Rename Bob'));
    const input = get('textbox', 'New name for Bob');
    await type(input, 'Ann');
    await click(get('button', 'Save'));
    await click(get('button', 'Merge instead'));

    const select = get('combobox', 'Merge Bob into');
    expect(select.value).toBe(gallery.people.value[0]?.id);
    expect(page.activeElement).toBe(select);
  });

  it('merges one person into another', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1)]);
    await gallery.addSamples('Bob', [sample(2)]);
    await gallery.addSamples('Cy', [sample(3)]);
    await show(gallery);

    await click(get('button', 'Merge Ann'));
    const select = get('combobox', 'Merge Ann into');
    expect(select.querySelectorAll('option').map(text)).toEqual(['Bob', 'Cy']);
    const cy = gallery.people.value[2]?.id ?? '';
    select.value = cy;
    select.dispatch('change');
    await settle();
    await click(get('button', 'Merge', get('listitem', 'Ann')));

    expect(gallery.people.value.map((p) => p.name)).toEqual(['Bob', 'Cy']);
    expect(gallery.people.value[1]?.samples).toHaveLength(2);
    const status = get('status');
    expect(text(status)).toBe('Merged Ann into Cy.');
    expect(page.activeElement).toBe(status);
  });

  it('cannot merge when nobody else is there', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1)]);
    await show(gallery);

    expect(get('button', 'Merge Ann').disabled).toBe(true);
  });

  it('deletes a person only after asking', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1), sample(2)]);
    await show(gallery);

    await click(get('button', 'Delete Ann'));
    expect(text(get('listitem', 'Ann'))).toContain('Delete Ann and 2 samples?');
    expect(has('button', 'Delete Ann')).toBe(false);
    await click(get('button', 'Cancel'));
    expect(page.activeElement).toBe(get('button', 'Delete Ann'));
    expect(gallery.people.value).toHaveLength(1);

    await click(get('button', 'Delete Ann'));
    expect(text(get('button', 'Confirm delete Ann'))).toBe('Delete');
    await click(get('button', 'Confirm delete Ann'));

    expect(gallery.people.value).toHaveLength(0);
    expect(has('listitem', 'Ann')).toBe(false);
    expect(text(get('status'))).toBe('Deleted Ann and 2 samples.');
    expect(page.activeElement).toBe(get('status'));
    expect(text(section())).toContain('Nobody enrolled yet');
  });

  it('removes samples, and the person with the last one', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1), sample(2)]);
    await show(gallery);

    await click(get('button', 'Remove sample 2 of Ann'));
    expect(gallery.people.value[0]?.samples).toHaveLength(1);
    expect(page.activeElement).toBe(get('button', 'Remove sample 1 of Ann'));
    expect(text(get('listitem', 'Ann'))).toContain('1 sample');

    await click(get('button', 'Remove sample 1 of Ann'));
    expect(gallery.people.value).toHaveLength(0);
    expect(text(get('status'))).toMatch(/Ann is no longer in the gallery/);
    expect(page.activeElement).toBe(get('status'));
  });

  it('deletes everything only after asking', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1), sample(2)]);
    await gallery.addSamples('Bob', [sample(3)]);
    await show(gallery);

    await click(get('button', 'Delete everything'));
    expect(text(section())).toContain(
      'Delete all 2 people and 3 samples? This cannot be undone.',
    );
    expect(queryAll('button', 'Delete everything')).toHaveLength(0);
    await click(get('button', 'Cancel'));
    expect(page.activeElement).toBe(get('button', 'Delete everything'));

    await click(get('button', 'Delete everything'));
    const confirm = get('button', 'Confirm delete everything');
    expect(text(confirm)).toBe('Delete everything');
    await click(confirm);

    expect(gallery.people.value).toHaveLength(0);
    expect(get('button', 'Delete everything').disabled).toBe(true);
    expect(page.activeElement).toBe(get('status'));
  });

  it('exports a dated file, with or without thumbnails', async () => {
    const gallery = await openGallery();
    await gallery.addSamples('Ann', [sample(1)]);
    await show(gallery);
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:x';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockReturnValue();
    const names: string[] = [];
    const createElement = page.createElement.bind(page);
    vi.spyOn(page, 'createElement').mockImplementation((tag) => {
      const element = createElement(tag);
      element.addEventListener('click', function () {
        names.push((this as unknown as { download: string }).download);
      });
      return element;
    });

    await click(get('button', 'Export gallery'));
    const checkbox = get('checkbox', 'Include thumbnails');
    checkbox.checked = false;
    checkbox.dispatch('change');
    await settle();
    await click(get('button', 'Export gallery'));

    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^visage-gallery-\d{4}-\d{2}-\d{2}\.json$/);
    const [withThumbs, without] = await Promise.all(
      blobs.map(async (blob) => JSON.parse(await blob.text())),
    );
    expect(withThumbs.people[0].samples[0].thumbnail).toMatch(/^data:/);
    expect(without.people[0].samples[0].thumbnail).toBeUndefined();
    expect(revoke).toHaveBeenCalledTimes(2);
    expect(text(get('status'))).toMatch(
      /^Exported 1 person \(1 sample\) to visage-gallery-.*\.json\.$/,
    );
    expect(text(section())).toMatch(/face descriptors that identify/);
  });

  describe('import', () => {
    async function choose(name: string, contents: string): Promise<void> {
      const input = get('file', 'Import gallery');
      input.files = [new File([contents], name)];
      input.dispatch('change');
      await settle();
    }

    async function exported(names: string[], seed = 10): Promise<string> {
      const other = await openGallery(false, 'file-');
      for (const [i, name] of names.entries()) {
        await other.addSamples(name, [sample(seed + i)]);
      }

      return serializeGallery(other.people.value);
    }

    it('shows a preview and adds nothing until Apply', async () => {
      const gallery = await openGallery();
      await gallery.addSamples('Ann', [sample(1)]);
      await show(gallery);

      await choose('family.json', await exported(['Dee', 'Ann']));
      const preview = get('group', 'Import preview');
      expect(text(preview)).toContain(
        'Import 1 new person (1 sample) and 1 sample for 1 person already ' +
          'in the gallery.',
      );
      expect(text(preview)).toContain('From a Visage export: family.json.');
      expect(page.activeElement).toBe(preview);
      expect(gallery.people.value).toHaveLength(1);

      await click(get('button', 'Apply import'));
      expect(gallery.people.value.map((p) => p.name)).toEqual(['Ann', 'Dee']);
      expect(has('group', 'Import preview')).toBe(false);
      expect(text(get('status'))).toBe(
        'Imported from family.json: Import 1 new person (1 sample) and ' +
          '1 sample for 1 person already in the gallery.',
      );
    });

    it('cancels without changing anything', async () => {
      const gallery = await openGallery();
      await show(gallery);

      await choose('g.json', await exported(['Dee']));
      await click(get('button', 'Cancel'));

      expect(gallery.people.value).toHaveLength(0);
      expect(has('group', 'Import preview')).toBe(false);
      expect(page.activeElement).toBe(get('file', 'Import gallery'));
    });

    it('reads face-api JSON', async () => {
      const gallery = await openGallery();
      await show(gallery);
      const descriptor = Array.from(sample(5).descriptor);

      await choose(
        'matcher.json',
        JSON.stringify({
          distanceThreshold: 0.6,
          labeledDescriptors: [{ label: 'Eve', descriptors: [descriptor] }],
        }),
      );

      expect(text(get('group', 'Import preview'))).toContain(
        'From face-api JSON: matcher.json.',
      );
    });

    it('refuses a bad file and changes nothing', async () => {
      const gallery = await openGallery();
      await gallery.addSamples('Ann', [sample(1)]);
      await show(gallery);

      await choose('bad.json', '{"format": "visage-gallery", "version": 1');

      expect(text(get('alert'))).toMatch(
        /^Could not import bad\.json: The file is not valid JSON/,
      );
      expect(has('group', 'Import preview')).toBe(false);
      expect(gallery.people.value).toHaveLength(1);
      expect(page.activeElement).toBe(get('file', 'Import gallery'));
    });

    it('refuses a file over 64 MiB before reading it', async () => {
      const gallery = await openGallery();
      await show(gallery);
      const input = get('file', 'Import gallery');
      const file = new File(['{}'], 'huge.json');
      Object.defineProperty(file, 'size', { value: 65 * 1024 * 1024 });
      const read = vi.spyOn(file, 'text');
      input.files = [file];
      input.dispatch('change');
      await settle();

      expect(text(get('alert'))).toBe(
        'Could not import huge.json: The file is 65 MiB; gallery files over ' +
          '64 MiB are refused.',
      );
      expect(read).not.toHaveBeenCalled();
    });

    it('offers only Close when the file adds nothing', async () => {
      const gallery = await openGallery();
      await gallery.addSamples('Ann', [sample(1)]);
      await show(gallery);

      await choose('same.json', serializeGallery(gallery.people.value));

      const preview = get('group', 'Import preview');
      expect(text(preview)).toContain('Nothing new to import');
      expect(text(preview)).toContain('Nothing will be added.');
      expect(has('button', 'Apply import')).toBe(false);
      await click(get('button', 'Close', preview));
      expect(has('group', 'Import preview')).toBe(false);
    });

    it('plans again when the gallery changed since the preview', async () => {
      const gallery = await openGallery();
      await gallery.addSamples('Ann', [sample(1)]);
      await show(gallery);

      await choose('g.json', await exported(['Ann']));
      expect(text(get('group', 'Import preview'))).toContain(
        '1 sample for 1 person already in the gallery',
      );
      await gallery.deleteAll();
      await settle();
      await click(get('button', 'Apply import'));

      expect(text(get('alert'))).toMatch(
        /^Could not import g\.json: The gallery changed .* The preview below is now up to date\.$/,
      );
      expect(gallery.people.value).toHaveLength(0);
      expect(text(get('group', 'Import preview'))).toContain(
        'Import 1 new person (1 sample).',
      );
      await click(get('button', 'Apply import'));
      expect(gallery.people.value.map((p) => p.name)).toEqual(['Ann']);
    });
  });
});

function section(): FakeElement {
  return get('region');
}
