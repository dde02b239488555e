import { describe, expect, it } from 'vitest';
import { CsvError } from './csv';
import {
  isImagePath,
  ManifestError,
  normalizeSetPath,
  parseAge,
  parseExpression,
  parseFacesExpected,
  parseGender,
  parseIdentities,
  parseManifest,
  parsePairs,
} from './manifest';

const HEADER =
  'file,set,identity,faces_expected,age,gender,expression,label_source,notes';

describe('label readers', () => {
  it.each([
    ['3', 3, false],
    ['1', 1, true],
    ['0', 0, false],
    [' 2 ', 2, false],
    ['', null, false],
    ['1 (centred; other faces may appear at edges)', null, true],
    ['1(centred)', null, true],
    ['1 face', null, true],
    ['1-2 (varies)', null, false],
    ['many (walking crowd)', null, false],
    ['10 (a team photo)', null, false],
    ['1.5', null, false],
    ['-1', null, false],
  ])('faces_expected %j: count %j, single %j', (raw, count, single) => {
    expect(parseFacesExpected(raw)).toEqual({ count, single });
  });

  it.each([
    ['34', 34],
    [' 7 ', 7],
    ['34.5', 34.5],
    ['0', 0],
    ['', null],
    ['teen (approx.)', null],
    ['36-42 (ageGenderNet test range)', null],
    ['about 40', null],
    ['-3', null],
    ['999', null],
    ['NaN', null],
  ])('age %j is %j', (raw, age) => {
    expect(parseAge(raw)).toBe(age);
  });

  it.each([
    ['male', 'male'],
    ['Female', 'female'],
    [' M ', 'male'],
    ['f', 'female'],
    ['woman', 'female'],
    ['', null],
    ['0', null],
    ['unknown', null],
  ])('gender %j is %j', (raw, gender) => {
    expect(parseGender(raw)).toBe(gender);
  });

  it.each([
    ['happy', 'happy', false],
    ['Angry', 'angry', false],
    ['neutral (hands on head)', 'neutral', false],
    ['surprised/playful (tongue out)', 'surprised', false],
    ['happy (smirk, side glance)', 'happy', false],
    ['neutral (slight smirk, not sad)', 'neutral', false],
    ['surprise', 'surprised', false],
    ['disgust', 'disgusted', false],
    ['sad/angry (frown, pout)', null, true],
    ['disgusted/fearful grimace', null, true],
    ['playful', null, false],
    ['', null, false],
  ])('expression %j is %j (ambiguous %j)', (raw, expression, ambiguous) => {
    expect(parseExpression(raw)).toEqual({ expression, ambiguous });
  });

  it('splits identities on semicolons, dropping blanks', () => {
    expect(parseIdentities('penny; sheldon;;leonard ')).toEqual([
      'penny',
      'sheldon',
      'leonard',
    ]);
    expect(parseIdentities(' ')).toEqual([]);
  });

  it.each([
    ['images/a.jpg', 'images/a.jpg'],
    ['./images//a.jpg', 'images/a.jpg'],
    ['images\\a.jpg', 'images/a.jpg'],
    ['../secret.jpg', null],
    ['images/../../x.jpg', null],
    ['/etc/passwd', null],
    ['C:\\photos\\a.jpg', null],
    ['', null],
  ])('set path %j is %j', (raw, normalized) => {
    expect(normalizeSetPath(raw)).toBe(normalized);
  });

  it('knows still images by their extension', () => {
    expect(isImagePath('a/B.JPG')).toBe(true);
    expect(isImagePath('a.webp')).toBe(true);
    expect(isImagePath('clip.mjpeg')).toBe(false);
    expect(isImagePath('video.mp4')).toBe(false);
    expect(isImagePath('faces.json')).toBe(false);
  });
});

describe('parseManifest', () => {
  it('reads the rows of the data layout, odd values included', () => {
    const text = [
      `\uFEFF${HEADER}`,
      'amy/amy1.png,faceapi,amy,1,,female,,"folder name, by hand",150x150 crop',
      'bbt1.jpg,faceapi,penny;sheldon,2,,,,"hand, ""checked""","a note\nover two lines"',
      'lfw/a_0001.jpg,lfw,A,1 (centred; other faces may appear at edges),,male,,x,',
      'utk/10_0.jpg,utk,,1,10,male,,file name,',
      'teen.jpg,v,,1,teen (approx.),female,"neutral (mouth open)",visual,',
      'grimace.jpg,v,,1,,,disgusted/fearful grimace,visual,',
      'group.jpg,v,,,,,,,',
      'crowd.mjpeg,video,,many (walking crowd),,,,,',
      ',x,,1,,,,,',
      '../escape.jpg,x,,1,,,,,',
      'amy/amy1.png,faceapi,amy,1,,female,,again,',
      'short.jpg,s,bob',
    ].join('\r\n');
    const { entries, skipped, ignored } = parseManifest(text);

    expect(entries.map((e) => e.file)).toEqual([
      'amy/amy1.png',
      'bbt1.jpg',
      'lfw/a_0001.jpg',
      'utk/10_0.jpg',
      'teen.jpg',
      'grimace.jpg',
      'group.jpg',
      'short.jpg',
    ]);
    expect(entries[0]).toEqual({
      line: 2,
      file: 'amy/amy1.png',
      identities: ['amy'],
      facesExpected: 1,
      singleFace: true,
      age: null,
      gender: 'female',
      expression: null,
      labelSource: 'folder name, by hand',
    });
    expect(entries[1]).toMatchObject({
      identities: ['penny', 'sheldon'],
      facesExpected: 2,
      singleFace: false,
      labelSource: 'hand, "checked"',
    });
    expect(entries[2]).toMatchObject({
      line: 5,
      facesExpected: null,
      singleFace: true,
      gender: 'male',
    });
    expect(entries[3]).toMatchObject({ age: 10, facesExpected: 1 });
    expect(entries[4]).toMatchObject({ age: null, expression: 'neutral' });
    expect(entries[5]).toMatchObject({ expression: null });
    expect(entries[6]).toMatchObject({
      facesExpected: null,
      singleFace: false,
    });
    expect(entries[7]).toMatchObject({
      identities: ['bob'],
      facesExpected: null,
      age: null,
    });
    expect(skipped.map(({ line, reason }) => [line, reason])).toEqual([
      [10, 'not a still image'],
      [11, 'no file named'],
      [12, 'path is absolute or leaves the set folder'],
      [13, 'file listed again'],
    ]);
    // "1 (centred...)", "teen (approx.)", the ambiguous expression; the
    // skipped rows' labels are not counted.
    expect(ignored).toEqual({
      facesExpected: 1,
      age: 1,
      gender: 0,
      expression: 1,
    });
  });

  it('reads a manifest with only the file column', () => {
    expect(parseManifest('file\na.jpg\n').entries).toEqual([
      {
        line: 2,
        file: 'a.jpg',
        identities: [],
        facesExpected: null,
        singleFace: false,
        age: null,
        gender: null,
        expression: null,
        labelSource: '',
      },
    ]);
  });

  it('refuses a file without a file column, saying what it expected', () => {
    expect(() => parseManifest('name,age\na.jpg,3\n')).toThrow(ManifestError);
    expect(() => parseManifest('')).toThrow(/no "file" column/);
  });

  it('passes on the CSV error of an unclosed quote', () => {
    expect(() => parseManifest('file,notes\na.jpg,"oops\n')).toThrow(CsvError);
  });
});

describe('parsePairs', () => {
  it('reads same_person as 1/0, true/false, yes/no', () => {
    const text = [
      'file_a,file_b,same_person',
      'a/1.jpg,a/2.jpg,1',
      'a/1.jpg,b/1.jpg,0',
      'a/1.jpg,a/3.jpg,TRUE',
      'a/1.jpg,c/1.jpg, no ',
      'a/1.jpg,,1',
      'a/1.jpg,a/2.jpg,maybe',
      'a/1.jpg,../x.jpg,1',
      'a/1.mp4,a/2.jpg,1',
    ].join('\n');
    const { pairs, skipped } = parsePairs(text);

    expect(pairs.map((p) => [p.fileA, p.fileB, p.same])).toEqual([
      ['a/1.jpg', 'a/2.jpg', true],
      ['a/1.jpg', 'b/1.jpg', false],
      ['a/1.jpg', 'a/3.jpg', true],
      ['a/1.jpg', 'c/1.jpg', false],
    ]);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [6, 'a file is missing or unsafe'],
      [7, 'same_person is "maybe", not 1 or 0'],
      [8, 'a file is missing or unsafe'],
      [9, 'not a still image'],
    ]);
  });

  it('names the missing columns', () => {
    expect(() => parsePairs('file_a,same\nx.jpg,1\n')).toThrow(
      /no "file_b", "same_person" column/,
    );
  });
});
