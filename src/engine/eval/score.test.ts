import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_LENGTH } from '../gallery/types';
import type { FaceRecord, ImageRecord, SetLabels } from './analyze';
import { parseManifest, parsePairs } from './manifest';
import { primaryFace, scoreEvaluation } from './score';

function at(x: number): Float32Array {
  const d = new Float32Array(DESCRIPTOR_LENGTH);
  d[0] = x;
  return d;
}

/** A face box of side `size` centred at (cx, cy), with what else is given. */
function face(
  cx: number,
  cy: number,
  size: number,
  extra: Partial<FaceRecord> = {},
): FaceRecord {
  return {
    box: { x: cx - size / 2, y: cy - size / 2, width: size, height: size },
    score: 0.9,
    ...extra,
  };
}

function record(
  set: string,
  file: string,
  faces: FaceRecord[],
  extra: Partial<ImageRecord> = {},
): ImageRecord {
  return {
    set,
    file,
    width: 200,
    height: 200,
    wholeImage: false,
    faces,
    plainFaces: faces.length,
    attemptsRun: 1,
    padded: false,
    ms: 1,
    ...extra,
  };
}

function set(name: string, manifest: string, pairs?: string): SetLabels {
  return {
    name,
    manifest: parseManifest(
      `file,identity,faces_expected,age,gender,expression\n${manifest}`,
    ),
    pairs: pairs ? parsePairs(`file_a,file_b,same_person\n${pairs}`) : null,
    errors: [],
  };
}

describe('primaryFace', () => {
  it('takes the face nearest the middle among the big ones', () => {
    const middle = face(100, 100, 60);
    const edge = face(20, 20, 80);
    const tinyCentre = face(100, 110, 20);

    expect(primaryFace(record('s', 'a', [edge, tinyCentre, middle]))).toBe(
      middle,
    );
    expect(primaryFace(record('s', 'a', [edge, tinyCentre]))).toBe(edge);
    expect(primaryFace(record('s', 'a', []))).toBeNull();
  });
});

describe('scoreEvaluation', () => {
  it('counts detection by photo, negatives and missed faces apart', () => {
    const sets = [
      set(
        'scenes',
        [
          'group.jpg,,3,,,',
          'empty.jpg,,0,,,',
          'crowd.jpg,,many,,,',
          'single.jpg,,1 (centred),,,',
          'small.jpg,,1,,,',
        ].join('\n'),
      ),
    ];
    const records = [
      // Photo analysis found 2 of 3, the plain pass 1.
      record('scenes', 'group.jpg', [face(50, 50, 40), face(150, 50, 40)], {
        plainFaces: 1,
        attemptsRun: 3,
      }),
      record('scenes', 'empty.jpg', [face(100, 100, 50)], { plainFaces: 0 }),
      record('scenes', 'crowd.jpg', [face(1, 1, 9), face(2, 2, 9)]),
      record('scenes', 'single.jpg', []),
      record('scenes', 'small.jpg', [face(24, 24, 48)], {
        width: 48,
        height: 48,
        wholeImage: true,
      }),
    ];
    const { detection } = scoreEvaluation(sets, records);

    expect(detection).toMatchObject({
      n: 3,
      images: 2,
      recall: 2 / 3,
      falsePositivesPerImage: 0.5,
      plainRecall: 1 / 3,
      plainFalsePositivesPerImage: 0,
      negatives: { n: 1, falseDetections: 1 },
      singleFace: { n: 1, found: 0, plainFound: 0 },
      wholeImageCrops: 1,
    });
    expect(Object.keys(detection.bySet)).toEqual(['scenes']);
  });

  it('scores pairs with faces, and counts the rest as detection failures', () => {
    const sets = [
      set(
        'people',
        ['a1.jpg,ann,1,,,', 'a2.jpg,ann,1,,,', 'b1.jpg,bob,1,,,'].join('\n'),
        ['a1.jpg,a2.jpg,1', 'a1.jpg,b1.jpg,0', 'a2.jpg,x.jpg,0'].join('\n'),
      ),
    ];
    const records = [
      record('people', 'a1.jpg', [face(100, 100, 80, { descriptor: at(0) })]),
      record('people', 'a2.jpg', [face(100, 100, 80, { descriptor: at(0.4) })]),
      record('people', 'b1.jpg', [face(100, 100, 80, { descriptor: at(0.5) })]),
      // A pairs-only photo that had no face.
      record('people', 'x.jpg', []),
    ];
    const { verification } = scoreEvaluation(sets, records, {
      match: { strategy: 'nearest', threshold: 0.35, margin: 0 },
    });

    expect(verification).toMatchObject({
      n: 2,
      pairs: 3,
      detectionFailures: 1,
      genuine: 1,
      impostor: 1,
      accuracyAtDefault: 0.5,
      // The miss rejects a different-person pair: right, with 1 of 2 others.
      accuracyAtDefaultWithFailures: 2 / 3,
      auc: 1,
    });
    // Every pair of the three labelled photos: ann-ann 0.4, ann-bob 0.5
    // and 0.1 (a2 to b1).
    expect(verification?.allPairs).toMatchObject({
      n: 3,
      genuine: 1,
      impostor: 2,
      auc: 0.5,
    });
  });

  it('scores age, gender and expressions on the primary face', () => {
    const sets = [
      set(
        'labels',
        [
          'a.jpg,,1,30,male,happy',
          'b.jpg,,1,64,female,sad (frown)',
          'c.jpg,,1,8,female,',
          'd.jpg,,1,40,male,angry',
          'group.jpg,,2,30,male,happy',
          'e.jpg,,1,teen,,sad/angry',
        ].join('\n'),
      ),
    ];
    const records = [
      record('labels', 'a.jpg', [
        face(100, 100, 80, { age: 34, gender: 'male', expression: 'happy' }),
      ]),
      record('labels', 'b.jpg', [
        face(100, 100, 80, { age: 60, gender: 'male', expression: 'neutral' }),
      ]),
      record(
        'labels',
        'c.jpg',
        [face(24, 24, 48, { age: 10, gender: 'female' })],
        { wholeImage: true, width: 48, height: 48 },
      ),
      record('labels', 'd.jpg', []),
      record('labels', 'group.jpg', [face(50, 50, 40, { age: 90 })]),
      record('labels', 'e.jpg', [face(100, 100, 80, { expression: 'sad' })]),
    ];
    const { age, gender, expression } = scoreEvaluation(sets, records);

    expect(age).toMatchObject({ n: 3, detectionFailures: 1 });
    expect(age.mae).toBeCloseTo((4 + 4 + 2) / 3);
    expect(
      age.byBand.find((b) => b.band === '60+' || b.band === '60-69'),
    ).toMatchObject({ n: 1, mae: 4, bias: -4 });
    expect(gender).toMatchObject({
      n: 3,
      accuracy: 2 / 3,
      detectionFailures: 1,
    });
    expect(expression).toMatchObject({
      n: 2,
      accuracy: 0.5,
      detectionFailures: 1,
      detected: { n: 2, accuracy: 0.5 },
      wholeImage: { n: 0 },
    });
    expect(expression.confusion[2]).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  it('identifies per set with k = 1 and 3 and sweeps thresholds', () => {
    // Five people, four photos each, along one axis and 10 apart; eve is
    // left out. Each photo 0.1 further from the first.
    const people = ['ann', 'bob', 'cat', 'dan', 'eve'];
    const rows: string[] = [];
    const records: ImageRecord[] = [];
    people.forEach((name, p) => {
      for (let i = 1; i <= 4; i++) {
        rows.push(`${name}${i}.jpg,${name},1,,,`);
        records.push(
          record('ids', `${name}${i}.jpg`, [
            face(100, 100, 80, { descriptor: at(10 * p + 0.1 * (i - 1)) }),
          ]),
        );
      }
    });
    const { identification, calibration } = scoreEvaluation(
      [set('ids', rows.join('\n'))],
      records,
      { sweep: [0.15, 0.35] },
    );

    expect(identification).toMatchObject({
      k: 3,
      n: 4,
      falseAcceptRate: 0,
      rank1: { n: 4, nearest: 1, mean: 1, centroid: 1 },
    });
    expect(identification?.byK.map((r) => [r.k, r.rank1.n])).toEqual([
      [1, 12],
      [3, 4],
    ]);
    // k = 3: each probe is 0.1 from its nearest sample, 0.2 from the mean
    // of the distances, 0.2 from the centroid.
    expect(
      identification?.sweep.nearest.map((r) => r.identified / r.probes),
    ).toEqual([1, 1]);
    expect(
      identification?.sweep.centroid.map((r) => r.identified / r.probes),
    ).toEqual([0, 1]);
    expect(calibration.bySet.ids).toMatchObject({ basis: 'ceiling' });
  });
});
