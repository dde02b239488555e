/**
 * The evaluation's figures as a plain-text table for a terminal: one line
 * per figure with its value, the number of photos or pairs behind it, the
 * 95% interval of a share, and the target the issue sets where it has one.
 */
import type { MatchStrategy } from '../gallery/matcher';
import { EXPRESSIONS } from '../types';
import type { EvaluationReport } from './evaluate';
import { STRATEGIES } from './identification';
import { shareInterval } from './metrics';

const LABEL = 46;

function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value)
    ? '-'
    : `${(100 * value).toFixed(digits)}%`;
}

function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value)
    ? '-'
    : value.toFixed(digits);
}

/** "[91.2-96.0]": the 95% interval of a share of n. */
function interval(value: number, n: number): string {
  if (!(n > 0) || Number.isNaN(value)) return '';
  const [lo, hi] = shareInterval(Math.round(value * n), n);

  return `[${(100 * lo).toFixed(1)}-${(100 * hi).toFixed(1)}]`;
}

function line(
  label: string,
  value: string,
  n: number | string = '',
  note = '',
): string {
  return (
    `  ${label.padEnd(LABEL)} ${value.padStart(9)} ${String(n).padStart(6)}` +
    (note ? `  ${note}` : '')
  ).trimEnd();
}

function shareLine(
  label: string,
  value: number,
  n: number,
  target = '',
): string {
  return line(label, pct(value), n, [interval(value, n), target].join('  '));
}

/** Formats a report as the table `npm run eval` prints. */
export function formatReport(report: EvaluationReport): string {
  const out: string[] = [];
  const { meta } = report;
  const a = meta.analysis;
  const detector =
    a.detector === 'tiny'
      ? `Tiny Face Detector ${a.tinyInputSize} / ${a.tinyScoreThreshold}`
      : `SSD MobileNet v1 / ${a.ssdMinConfidence}`;
  out.push(
    `Visage evaluation: ${detector}; ${meta.photos} photos in ` +
      `${meta.sets.length} sets; ${(meta.msPerPhoto / 1000).toFixed(2)} s ` +
      `a photo; ${meta.seconds.toFixed(0)} s in all`,
  );
  if (meta.recognitionCrop === 'aligned') {
    out.push(
      "EXPERIMENT: descriptors cut from the landmarks' box grown by a " +
        "fifth, not the app's face chip (--crop aligned)",
    );
  }
  out.push(
    `  ${''.padEnd(LABEL)} ${'value'.padStart(9)} ${'n'.padStart(6)}` +
      '  95% interval  target',
  );

  // Detection.
  const d = report.detection;
  out.push('', 'Detection (photos with a plain face count; by count)');
  out.push(
    shareLine('faces found, app photo analysis', d.recall, d.n, '>= 95%'),
  );
  out.push(
    shareLine('faces found, plain pass (no padding/retry)', d.plainRecall, d.n),
  );
  out.push(
    line(
      'false detections per photo (photo analysis)',
      fixed(d.falsePositivesPerImage, 3),
      d.images,
    ),
  );
  out.push(
    line(
      'false detections per photo (plain pass)',
      fixed(d.plainFalsePositivesPerImage, 3),
      d.images,
    ),
  );
  out.push(
    line(
      'faces found on photos with no face',
      String(d.negatives.falseDetections),
      d.negatives.n,
      'target 0',
    ),
  );
  out.push(
    shareLine(
      'single-face photos with a face found',
      d.singleFace.found / d.singleFace.n,
      d.singleFace.n,
    ),
  );
  out.push(
    shareLine(
      '  by the plain pass alone',
      d.singleFace.plainFound / d.singleFace.n,
      d.singleFace.n,
    ),
  );
  if (d.wholeImageCrops > 0) {
    out.push(
      line(
        `crops under ${meta.wholeImageBelowPx} px: whole photo is the face`,
        'not run',
        d.wholeImageCrops,
      ),
    );
  }
  for (const [set, c] of Object.entries(d.bySet)) {
    out.push(
      line(
        `  ${set}: found / plain / false per photo`,
        pct(c.recall),
        c.n,
        `${pct(c.plainRecall)} / ${fixed(c.falsePositivesPerImage, 2)}` +
          ` on ${c.images} photos`,
      ),
    );
  }

  // Verification.
  const v = report.verification;
  if (v && v.pairs === 0) {
    out.push('', 'Verification: no pairs.csv in any set');
  }
  if (v && v.pairs > 0) {
    out.push('', 'Verification (pairs.csv; pairs with a face in both photos)');
    out.push(
      shareLine(
        `accuracy at the app's threshold ${v.defaultThreshold}`,
        v.accuracyAtDefault,
        v.n,
        '>= 99%',
      ),
    );
    out.push(
      line(
        `best threshold (${v.folds}-fold CV, mean)`,
        fixed(v.bestThreshold, 3),
        v.n,
      ),
    );
    out.push(
      line(
        'accuracy at it (mean of folds +- sd)',
        pct(v.accuracyAtBest),
        v.n,
        `+- ${pct(v.accuracyAtBestStd)}  >= 99%`,
      ),
    );
    out.push(line('ROC AUC', fixed(v.auc, 4), v.n));
    out.push(
      line(
        'TAR at FAR 1%',
        pct(v.tarAtFar1),
        v.n,
        `threshold ${fixed(v.thresholdAtFar1, 3)}` +
          (v.resolved.far1 ? '' : `; only ${v.impostor} impostor pairs`),
      ),
    );
    out.push(
      line(
        'TAR at FAR 0.1%',
        pct(v.tarAtFar01),
        v.n,
        v.resolved.far01
          ? ''
          : `only ${v.impostor} impostor pairs: no false accept at all`,
      ),
    );
    out.push(
      line(
        'pairs with no face found in a photo',
        String(v.detectionFailures),
        v.pairs,
        'detection failures, not counted above',
      ),
    );
    out.push(
      shareLine(
        '  accuracy counting those as rejected',
        v.accuracyAtDefaultWithFailures,
        v.pairs,
      ),
    );
  }
  if (v?.allPairs) {
    const all = v.allPairs;
    {
      out.push(
        `  every pair of labelled single-face photos in a set ` +
          `(${all.genuine} same, ${all.impostor} different):`,
      );
      out.push(
        line(
          `  accuracy at ${all.defaultThreshold} / best CV threshold`,
          pct(all.accuracyAtDefault, 2),
          all.n,
          `${fixed(all.bestThreshold, 3)} -> ${pct(all.accuracyAtBest, 2)}`,
        ),
      );
      out.push(
        line(
          '  ROC AUC; TAR at FAR 1% / 0.1% (threshold)',
          fixed(all.auc, 4),
          all.n,
          `${pct(all.tarAtFar1)} (${fixed(all.thresholdAtFar1, 3)}) / ` +
            `${pct(all.tarAtFar01)} (${fixed(all.thresholdAtFar01, 3)})`,
        ),
      );
    }
  }

  // Identification.
  const id = report.identification;
  if (id) {
    out.push(
      '',
      `Identification (first k photos enrolled; a fifth of the people and ` +
        `everyone with one photo are strangers)`,
    );
    for (const k of id.byK) {
      const p = k.people;
      out.push(
        `  k = ${k.k}: ${p.enrolled} people enrolled (${p.probed} probed), ` +
          `${p.leftOut} left out, ${p.singles} with one photo; ` +
          `no face: ${p.enrolmentFailures} enrolment, ${p.probeFailures} ` +
          `probe, ${p.strangerFailures} stranger photos`,
      );
      for (const s of STRATEGIES) {
        out.push(
          shareLine(
            `  rank-1, ${s}`,
            k.rank1[s],
            k.rank1.n,
            k.k === id.k ? '>= 99%' : '',
          ),
        );
      }
      for (const s of STRATEGIES) {
        const r = k.atDefault[s];
        out.push(
          shareLine(
            `  ${s} at ${r.threshold} / ${r.margin}: named right`,
            r.identified / r.probes,
            r.probes,
            `wrong name ${r.misidentified}`,
          ),
        );
        out.push(
          shareLine(
            `    strangers given a name`,
            r.falseAccepts / r.strangers,
            r.strangers,
            k.k === id.k ? '< 1%' : '',
          ),
        );
      }
      const fm = k.namers.faceMatcher;
      if (fm) {
        out.push(
          shareLine(
            `  face-api FaceMatcher at 0.6: named right`,
            fm.identified / fm.probes,
            fm.probes,
            `wrong name ${fm.misidentified}`,
          ),
        );
        out.push(
          shareLine(
            `    strangers given a name`,
            fm.falseAccepts / fm.strangers,
            fm.strangers,
          ),
        );
      }
    }
    out.push(
      `  threshold sweep at k = ${id.k} (margin ` +
        `${id.byK[0]?.atDefault.nearest.margin ?? '-'}): named right / ` +
        'strangers named',
    );
    const header = STRATEGIES.map((s) => s.padEnd(17)).join(' ');
    out.push(`    threshold  ${header}`);
    const rows = id.sweep.nearest.length;
    for (let i = 0; i < rows; i++) {
      const cells = STRATEGIES.map((s: MatchStrategy) => {
        const r = id.sweep[s][i]!;
        return `${pct(r.identified / r.probes)} / ${pct(
          r.falseAccepts / r.strangers,
        )}`.padEnd(17);
      });
      out.push(
        `    ${fixed(id.sweep.nearest[i]!.threshold, 2).padEnd(9)}  ` +
          cells.join(' '),
      );
    }
  }

  const cal = Object.entries(report.calibration.bySet);
  if (cal.length > 0) {
    out.push('', `Gallery self-calibration (k = ${id?.k ?? 3} enrolled)`);
    for (const [set, c] of cal) {
      const at = c.atSuggested;
      out.push(
        `  ${set}: genuine median ${fixed(c.genuineMedian, 3)}, closest ` +
          `impostors ${fixed(c.impostorMin, 3)}; suggests ` +
          `${fixed(c.suggestedUnbounded, 3)} unbounded, ` +
          `${fixed(c.suggested, 3)} offered (${c.basis})` +
          (at
            ? `: named right ${pct(at.identified / at.probes)}, strangers ` +
              `named ${pct(at.falseAccepts / at.strangers)}`
            : ''),
      );
    }
  }

  // Age and gender.
  const age = report.age;
  out.push('', 'Age and gender (single-face photos with a label)');
  out.push(
    line(
      'age, mean absolute error (years)',
      fixed(age.mae, 2),
      age.n,
      `no face: ${age.detectionFailures}  <= 5`,
    ),
  );
  for (const band of age.byBand) {
    if (band.n === 0) continue;
    out.push(
      line(
        `  true age ${band.band}`,
        fixed(band.mae, 2),
        band.n,
        `bias ${band.bias >= 0 ? '+' : ''}${fixed(band.bias, 1)}`,
      ),
    );
  }
  for (const [set, s] of Object.entries(age.bySet)) {
    out.push(line(`  ${set}`, fixed(s.mae, 2), s.n));
  }
  const gender = report.gender;
  out.push(
    shareLine(
      'gender accuracy',
      gender.accuracy,
      gender.n,
      `no face: ${gender.detectionFailures}  >= 95%`,
    ),
  );
  for (const [set, s] of Object.entries(gender.bySet)) {
    out.push(shareLine(`  ${set}`, s.accuracy, s.n));
  }

  // Expressions.
  const ex = report.expression;
  out.push('', 'Expressions (7 classes; single-face photos with a label)');
  out.push(
    shareLine(
      'accuracy',
      ex.accuracy,
      ex.n,
      `no face: ${ex.detectionFailures}`,
    ),
  );
  out.push(
    shareLine(
      '  detected and aligned faces',
      ex.detected.accuracy,
      ex.detected.n,
    ),
  );
  out.push(
    shareLine(
      `  whole photo as the face (crops < ${meta.wholeImageBelowPx} px)`,
      ex.wholeImage.accuracy,
      ex.wholeImage.n,
    ),
  );
  for (const [set, s] of Object.entries(ex.bySet)) {
    out.push(
      shareLine(
        `  ${set}${s.wholeImage ? ' (whole photo as the face)' : ''}`,
        s.accuracy,
        s.n,
      ),
    );
  }
  if (ex.n > 0) {
    const short = (name: string) => name.slice(0, 5);
    out.push(
      `  confusion (rows: label, columns: predicted)`,
      `    ${''.padEnd(10)}${EXPRESSIONS.map((c) => short(c).padStart(6)).join('')}`,
    );
    ex.confusion.forEach((row, t) => {
      out.push(
        `    ${(EXPRESSIONS[t] ?? '').padEnd(10)}` +
          row.map((count) => String(count).padStart(6)).join(''),
      );
    });
  }

  // Problems.
  const skipped = meta.sets.reduce((n, s) => n + s.skippedRows.length, 0);
  const errors = meta.sets.flatMap((s) =>
    s.errors.map((e) => `${s.name}: ${e}`),
  );
  const unreadable = report.problems.filter(
    (p) => p.reason !== 'no face found',
  );
  out.push(
    '',
    `Rows skipped: ${skipped} (not a still image, listed twice, unsafe ` +
      `path); photos unreadable: ${unreadable.length}; single-face photos ` +
      `with no face found: ${report.problems.length - unreadable.length}; ` +
      `tensors leaked: ${meta.tensorsLeaked}`,
  );
  for (const error of errors) out.push(`  ${error}`);

  return out.join('\n');
}
